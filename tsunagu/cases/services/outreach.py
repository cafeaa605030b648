"""Outreach (アウトリーチ): persons and households to be reached, each with a next action and an owner until resolved.

Items come from four sources:

- 見守りの気がかり: a 気になる/緊急 escalation from watch-over that has led to no case and is still not closed
  after its grace period (緊急 2 days, 気になる 14 days) — owned by the agency it was routed to.
- 安否確認で連絡がつかない: after a disaster event (not a drill) has ended, a listed person whose last status is
  連絡つかず, 不在 or still 未確認 — owned by the care plaza of the person's town, else its 社協, else the ward.
- 辞退された紹介: a referral declined at least 3 days ago with no later referral of the case and no support
  started, on a case still open — owned by the referring agency and its worker.
- 職員の判断: flagged by hand by staff who see the person.

Flagging from the first three is outreach_flag, run by `manage.py outreach_flag` and hourly by the jobs worker
(tsunagu.cases.tasks). It is idempotent: a source record (an escalation, an event's person, a referral) gives at
most one item ever (a unique constraint on source and source_key), so a resolved item is not flagged again by
the same record; a new record (a new escalation, a new event) flags again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, DetailLevel
from tsunagu.areas.models import TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk
from tsunagu.disaster.models import DisasterEvent, SafetyCurrent, SafetyStatus
from tsunagu.organisations.models import CASE_AGENCY_KINDS, DataScope, Membership, Organisation, OrganisationKind
from tsunagu.people.models import Person
from tsunagu.watch.models import Escalation, VisitOutcome

from ..models import (
    OPEN_OUTREACH_STATUSES,
    Case,
    OutreachEvent,
    OutreachEventKind,
    OutreachItem,
    OutreachResolution,
    OutreachSource,
    OutreachStatus,
    Referral,
    ReferralStatus,
    team_in_force_q,
)
from .errors import CaseError

WATCH_GRACE = {VisitOutcome.URGENT: datetime.timedelta(days=2), VisitOutcome.CONCERN: datetime.timedelta(days=14)}
DECLINE_GRACE = datetime.timedelta(days=3)
DUE_DAYS = {
    OutreachSource.WATCH: 3,
    OutreachSource.SAFETY: 7,
    OutreachSource.DECLINED_REFERRAL: 7,
    OutreachSource.STAFF: 14,
}
# Who reaches a person of a town when no agency is named by the source: the closest first.
AREA_OWNER_KINDS = (OrganisationKind.CARE_PLAZA, OrganisationKind.SHAKYO, OrganisationKind.WARD_WELFARE)
UNREACHED = (SafetyStatus.UNREACHABLE, SafetyStatus.ABSENT, SafetyStatus.UNCONFIRMED)

NO_REASON_MESSAGE = _("理由を入力してください。")
NO_ACTION_MESSAGE = _("次の対応を入力してください。")
NO_TARGET_MESSAGE = _("対象の方を住民IDで指定してください。")
PAST_DUE_MESSAGE = _("期限には今日以降の日付を指定してください。")
BAD_OWNER_MESSAGE = _(
    "担当機関には、対象の方の地区を担当する機関か、その方のケースの支援チームの機関を選んでください。"
)
BAD_OWNER_USER_MESSAGE = _("担当者には、担当機関の職員を選んでください。")
NOT_OWNER_MESSAGE = _("この項目を扱えるのは担当機関の職員だけです。")
RESOLVED_MESSAGE = _("解決した項目は変更できません。再開してから変更してください。")
NOT_RESOLVED_MESSAGE = _("まだ解決していない項目です。")
NO_RESOLUTION_MESSAGE = _("結果を選び、内容を入力してください。")
NO_NOTE_MESSAGE = _("対応の内容を入力してください。")
NO_REOPEN_REASON_MESSAGE = _("再開する理由を入力してください。")
NO_AGENCY_MESSAGE = _("アウトリーチを登録できるのは、相談支援に関わる機関の職員です。")


@dataclass
class FlagResult:
    created: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.created.values())


# --- who may own an item ---------------------------------------------------------------------------------------


def _towns_of(organisation: Organisation) -> set[int]:
    districts = organisation.service_districts.values("pk")
    return set(TownDistrict.objects.filter(district_id__in=districts).values_list("town_id", flat=True))


def area_owner(person: Person) -> Organisation | None:
    """The agency that reaches a person of this town: a care plaza serving it, else a 社協, else the ward."""
    candidates = Organisation.objects.filter(is_active=True, kind__in=AREA_OWNER_KINDS).order_by("pk")
    serving = candidates.filter(service_districts__town_districts__town_id=person.town_id).distinct()
    for kind in AREA_OWNER_KINDS[:2]:
        org = serving.filter(kind=kind).first()
        if org is not None:
            return org
    return candidates.filter(kind=OrganisationKind.WARD_WELFARE, municipality_id=person.town.municipality_id).first()


def may_own(organisation: Organisation, *, person: Person | None, case: Case | None) -> bool:
    """Whether an agency may take the item: it may already see whom it names — the ward of the person's town, a
    社協 or care plaza serving the town, or an agency on the team of the item's case (or of a case naming the
    person). Handing an item over never opens a person to an agency that had no business with them."""
    if organisation.kind not in CASE_AGENCY_KINDS or not organisation.is_active:
        return False
    if case is not None and case.team.filter(team_in_force_q(), organisation=organisation).exists():
        return True
    if person is None:
        return False
    if organisation.kind == OrganisationKind.WARD_WELFARE:
        if person.town.municipality_id in organisation.municipality_ids():
            return True
    elif organisation.kind in (OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA):
        if person.town_id in _towns_of(organisation):
            return True
    naming = Case.objects.filter(Q(client=person) | Q(household_members__person=person))
    return naming.filter(team__organisation=organisation, team__ended_at__isnull=True).exists()


def _owner_user_ok(user, organisation: Organisation) -> bool:  # noqa: ANN001
    if user is None:
        return True
    return Membership.objects.filter(user=user, organisation=organisation).exists()


# --- flagging from the sources -----------------------------------------------------------------------------------


def _flag(
    *,
    source: OutreachSource,
    source_key: str,
    person: Person | None,
    case: Case | None,
    reason: str,
    next_action: str,
    owner: Organisation,
    owner_user=None,  # noqa: ANN001
    now: datetime.datetime,
) -> OutreachItem | None:
    """One item for one source record, unless that record has flagged one already (None then)."""
    if OutreachItem.objects.filter(source=source, source_key=source_key).exists():
        return None
    try:
        with transaction.atomic():
            item = OutreachItem.objects.create(
                source=source,
                source_key=source_key,
                person=person,
                case=case,
                reason=reason,
                next_action=next_action,
                owner_organisation=owner,
                owner_user=owner_user,
                due_on=timezone.localdate(now) + datetime.timedelta(days=DUE_DAYS[source]),
                created_at=now,
            )
            OutreachEvent.objects.create(item=item, kind=OutreachEventKind.FLAGGED, at=now, note=reason)
    except IntegrityError:
        return None  # another run flagged it in the meantime
    return item


def _flag_watch(now: datetime.datetime) -> list[OutreachItem]:
    items = []
    pending = (
        Escalation.objects.filter(closed_at__isnull=True)
        .filter(~Exists(Case.objects.filter(source_escalation=OuterRef("pk"))))
        .select_related("person", "visit", "organisation")
    )
    grace = Q()
    for outcome, days in WATCH_GRACE.items():
        grace |= Q(urgency=outcome, raised_at__lte=now - days)
    for escalation in pending.filter(grace).order_by("pk"):
        concerns = "、".join(escalation.visit.concern_labels()) or escalation.get_urgency_display()
        item = _flag(
            source=OutreachSource.WATCH,
            source_key=f"escalation:{escalation.pk}",
            person=escalation.person,
            case=None,
            reason=_t("見守りで「%(urgency)s」（%(concerns)s）と連絡があり、%(date)sから相談につながっていません。")
            % {
                "urgency": escalation.get_urgency_display(),
                "concerns": concerns,
                "date": timezone.localdate(escalation.raised_at).strftime("%Y/%m/%d"),
            },
            next_action=_t("訪問して様子を確かめ、相談につなぐ"),
            owner=escalation.organisation,
            now=now,
        )
        if item:
            items.append(item)
    return items


def _flag_safety(now: datetime.datetime) -> list[OutreachItem]:
    items = []
    ended = DisasterEvent.objects.filter(is_drill=False).filter(
        Q(ended_at__lte=now) | Q(ended_at__isnull=True, planned_end_at__lte=now)
    )
    owners: dict[int, Organisation | None] = {}
    rows = (
        SafetyCurrent.objects.filter(event__in=ended, listed=True, status__in=UNREACHED)
        .select_related("person__town", "event")
        .order_by("event_id", "person_id")
    )
    for row in rows:
        key = f"safety:{row.event_id}:{row.person_id}"
        if row.person.town_id not in owners:
            owners[row.person.town_id] = area_owner(row.person)
        owner = owners[row.person.town_id]
        if owner is None:
            continue
        item = _flag(
            source=OutreachSource.SAFETY,
            source_key=key,
            person=row.person,
            case=None,
            reason=_t("「%(event)s」の安否確認で「%(status)s」のまま終了しました。")
            % {"event": row.event.name, "status": row.get_status_display()},
            next_action=_t("連絡をとり、暮らしの様子と次の災害への備えを確かめる"),
            owner=owner,
            now=now,
        )
        if item:
            items.append(item)
    return items


def _flag_declined(now: datetime.datetime) -> list[OutreachItem]:
    items = []
    later = Referral.objects.filter(case_id=OuterRef("case_id"), requested_at__gt=OuterRef("status_changed_at"))
    supported = Referral.objects.filter(case_id=OuterRef("case_id"), status=ReferralStatus.SUPPORT_STARTED)
    declined = (
        Referral.objects.filter(
            status=ReferralStatus.DECLINED, status_changed_at__lte=now - DECLINE_GRACE, case__closed_at__isnull=True
        )
        .filter(~Exists(later), ~Exists(supported))
        .select_related("case__client", "to_organisation", "from_organisation", "requested_by")
        .order_by("pk")
    )
    for referral in declined:
        # The sender must still be on the team to own it (it sees the case then); otherwise the case's opener.
        owner = referral.from_organisation
        if not referral.case.team.filter(team_in_force_q(), organisation=owner).exists():
            owner = referral.case.opening_organisation
        item = _flag(
            source=OutreachSource.DECLINED_REFERRAL,
            source_key=f"referral:{referral.pk}",
            person=referral.case.client,
            case=referral.case,
            reason=_t("%(org)sへの紹介が辞退され、ほかの支援につながっていません。")
            % {"org": referral.to_organisation.name},
            next_action=_t("本人と話し、ほかの紹介先か支援を検討する"),
            owner=owner,
            owner_user=referral.requested_by if owner.pk == referral.from_organisation_id else None,
            now=now,
        )
        if item:
            items.append(item)
    return items


def outreach_flag(*, now: datetime.datetime | None = None) -> FlagResult:
    """Flag what the sources show (idempotent: see the module docstring). Logged once, as the system, with the
    persons flagged."""
    now = now or timezone.now()
    result = FlagResult()
    flagged: list[OutreachItem] = []
    for source, run in (
        (OutreachSource.WATCH, _flag_watch),
        (OutreachSource.SAFETY, _flag_safety),
        (OutreachSource.DECLINED_REFERRAL, _flag_declined),
    ):
        items = run(now)
        result.created[source.value] = len(items)
        flagged += items
    if flagged:
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            target_type=AuditTarget.CASE,
            target_ids={i.person_id for i in flagged if i.person_id},
            detail={"outreach_flagged": result.created},
        )
    return result


# --- by hand, and the item's life ----------------------------------------------------------------------------------


def _audit(user, item: OutreachItem, request: HttpRequest | None, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(
        actor=user,
        action=action,
        target_type=AuditTarget.CASE,
        target_ids=[item.person_id] if item.person_id else [],
        detail={"outreach": item.pk, "status": item.status, **detail},
        request=request,
    )


def _event(item: OutreachItem, kind: OutreachEventKind, user, note: str) -> None:  # noqa: ANN001
    OutreachEvent.objects.create(item=item, kind=kind, at=timezone.now(), by=user, note=note)


def outreach_person_or_deny(user, person_id: object, *, request: HttpRequest | None = None) -> Person:  # noqa: ANN001
    """A person the user may flag: seen in full in the outreach scope (staff by area) or named by a case of the
    user's teams. Otherwise 404, logged (policy.person_or_deny)."""
    pk = as_pk(person_id)
    scope = DataScope.CASE
    if pk is not None and policy.full_level_ids(user, [pk], scope=DataScope.OUTREACH):
        scope = DataScope.OUTREACH
    return policy.person_or_deny(user, person_id, request=request, level=DetailLevel.FULL, scope=scope)


def outreach_create(
    user,  # noqa: ANN001
    *,
    person_id: object,
    reason: str,
    next_action: str,
    owner_organisation: Organisation,
    owner_user=None,  # noqa: ANN001
    due_on: datetime.date | None = None,
    whole_household: bool = False,
    request: HttpRequest | None = None,
) -> OutreachItem:
    """Flag a person (or their household) by hand. The user must see the person; the owner must be an agency that
    may own it (may_own) — the user's own by default."""
    policy.require_capability(user, Capability.MANAGE_OUTREACH)
    errors: list[str] = []
    if person_id in (None, ""):
        raise CaseError([NO_TARGET_MESSAGE])
    person = outreach_person_or_deny(user, person_id, request=request)
    reason, next_action = reason.strip(), next_action.strip()
    today = timezone.localdate()
    due_on = due_on or today + datetime.timedelta(days=DUE_DAYS[OutreachSource.STAFF])
    if not reason:
        errors.append(NO_REASON_MESSAGE)
    if not next_action:
        errors.append(NO_ACTION_MESSAGE)
    if due_on < today:
        errors.append(PAST_DUE_MESSAGE)
    if not may_own(owner_organisation, person=person, case=None):
        errors.append(BAD_OWNER_MESSAGE)
    elif not _owner_user_ok(owner_user, owner_organisation):
        errors.append(BAD_OWNER_USER_MESSAGE)
    if errors:
        raise CaseError(errors)
    now = timezone.now()
    with transaction.atomic():
        item = OutreachItem.objects.create(
            source=OutreachSource.STAFF,
            person=person,
            whole_household=whole_household and person.household_id is not None,
            reason=reason,
            next_action=next_action,
            owner_organisation=owner_organisation,
            owner_user=owner_user,
            due_on=due_on,
            created_at=now,
            created_by=user,
        )
        _event(item, OutreachEventKind.FLAGGED, user, reason)
        _audit(user, item, request, AuditAction.CREATE)
    return item


def _locked_open(user, item: OutreachItem, *, must_be_open: bool = True) -> OutreachItem:  # noqa: ANN001
    from ..scope import team_organisation_ids

    item = OutreachItem.objects.select_for_update(of=("self",)).select_related("person__town", "case").get(pk=item.pk)
    if item.owner_organisation_id not in team_organisation_ids(policy.viewer_for(user)):
        raise CaseError([NOT_OWNER_MESSAGE])
    if must_be_open and not item.is_open:
        raise CaseError([RESOLVED_MESSAGE])
    return item


def outreach_update(
    user,  # noqa: ANN001
    item: OutreachItem,
    *,
    next_action: str,
    owner_organisation: Organisation,
    owner_user=None,  # noqa: ANN001
    due_on: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> OutreachItem:
    """Change the next action, the owner or the due date (an owning agency's worker; the new owner must be one
    that may own the item). The change is an event of the item."""
    next_action, note = next_action.strip(), note.strip()
    with transaction.atomic():
        item = _locked_open(user, item)
        errors: list[str] = []
        if not next_action:
            errors.append(NO_ACTION_MESSAGE)
        if due_on < timezone.localdate() and due_on != item.due_on:
            errors.append(PAST_DUE_MESSAGE)
        if owner_organisation.pk != item.owner_organisation_id and not may_own(
            owner_organisation, person=item.person, case=item.case
        ):
            errors.append(BAD_OWNER_MESSAGE)
        elif not _owner_user_ok(owner_user, owner_organisation):
            errors.append(BAD_OWNER_USER_MESSAGE)
        if errors:
            raise CaseError(errors)
        changes = []
        if next_action != item.next_action:
            changes.append(_t("次の対応: %(value)s") % {"value": next_action})
        if owner_organisation.pk != item.owner_organisation_id:
            changes.append(_t("担当機関: %(value)s") % {"value": owner_organisation.name})
        if (owner_user.pk if owner_user else None) != item.owner_user_id:
            changes.append(_t("担当者: %(value)s") % {"value": str(owner_user) if owner_user else _t("（なし）")})
        if due_on != item.due_on:
            changes.append(_t("期限: %(value)s") % {"value": due_on.strftime("%Y/%m/%d")})
        item.next_action, item.owner_organisation, item.owner_user, item.due_on = (
            next_action,
            owner_organisation,
            owner_user,
            due_on,
        )
        if item.status == OutreachStatus.OPEN:
            item.status = OutreachStatus.IN_PROGRESS
        item.save()
        _event(item, OutreachEventKind.CHANGED, user, "\n".join([*changes, note] if note else changes))
        _audit(user, item, request, AuditAction.UPDATE, owner=owner_organisation.pk)
    return item


def outreach_note(user, item: OutreachItem, *, note: str, request: HttpRequest | None = None) -> OutreachItem:  # noqa: ANN001
    """Record a contact or an attempt (訪問したが不在、電話で話せた…); the item becomes 対応中."""
    note = note.strip()
    if not note:
        raise CaseError([NO_NOTE_MESSAGE])
    with transaction.atomic():
        item = _locked_open(user, item)
        if item.status == OutreachStatus.OPEN:
            item.status = OutreachStatus.IN_PROGRESS
            item.save(update_fields=["status", "updated_at"])
        _event(item, OutreachEventKind.NOTE, user, note)
        _audit(user, item, request, AuditAction.UPDATE, note=True)
    return item


def outreach_resolve(
    user,  # noqa: ANN001
    item: OutreachItem,
    *,
    resolution: str,
    note: str,
    request: HttpRequest | None = None,
) -> OutreachItem:
    """Resolve the item with its result and what was done; it leaves the worklist and keeps its history."""
    note = note.strip()
    if resolution not in OutreachResolution.values or not note:
        raise CaseError([NO_RESOLUTION_MESSAGE])
    with transaction.atomic():
        item = _locked_open(user, item)
        item.status = OutreachStatus.RESOLVED
        item.resolution, item.resolution_note = resolution, note
        item.resolved_at, item.resolved_by = timezone.now(), user
        item.save()
        _event(item, OutreachEventKind.RESOLVED, user, f"{item.get_resolution_display()}: {note}")
        _audit(user, item, request, AuditAction.UPDATE, resolution=resolution)
    return item


def outreach_reopen(user, item: OutreachItem, *, reason: str, request: HttpRequest | None = None) -> OutreachItem:  # noqa: ANN001
    """Open a resolved item again (the person could not be reached after all); its earlier result stays in its
    history."""
    reason = reason.strip()
    if not reason:
        raise CaseError([NO_REOPEN_REASON_MESSAGE])
    with transaction.atomic():
        item = _locked_open(user, item, must_be_open=False)
        if item.is_open:
            raise CaseError([NOT_RESOLVED_MESSAGE])
        item.status = OutreachStatus.IN_PROGRESS
        item.resolution, item.resolution_note, item.resolved_at, item.resolved_by = "", "", None, None
        item.due_on = max(item.due_on, timezone.localdate())
        item.save()
        _event(item, OutreachEventKind.REOPENED, user, reason)
        _audit(user, item, request, AuditAction.UPDATE, reopened=True)
    return item


__all__ = [
    "OPEN_OUTREACH_STATUSES",
    "FlagResult",
    "area_owner",
    "may_own",
    "outreach_create",
    "outreach_flag",
    "outreach_note",
    "outreach_person_or_deny",
    "outreach_reopen",
    "outreach_resolve",
    "outreach_update",
]
