"""Support conferences (支援会議, 支援調整会議, 重層的支援会議, 地域ケア会議): scheduling, participants and their
acknowledgement of the duty of confidentiality, the agenda of cases, minutes, decisions and tasks.

The organiser's staff run the conference (participants, agenda, minutes, decisions, tasks). A case can be put on
the agenda only when the organiser's agency sees it through the CASE scope. A decision to add an agency to a case
team is applied by team_add: at a 支援会議 (社会福祉法106条の6) on the basis 支援会議の決定 with this conference as
reference; at the other kinds (held with the client's consent) on the client's consent, which must cover the
agency. Every write is audit-logged with the persons of the case it concerns."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk
from tsunagu.organisations.models import Organisation

from ..models import (
    Case,
    Conference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceKind,
    ConferenceParticipant,
    ConferenceTask,
    DecisionKind,
    TaskStatus,
    TeamBasis,
    TeamMember,
)
from ..scope import visible_cases_q
from ..selectors.conferences import member_organisation_ids
from .errors import CaseError
from .intake import acting_agency
from .team import team_add

NO_TITLE_MESSAGE = _("会議名を入力してください。")
BAD_KIND_MESSAGE = _("会議の種類を選んでください。")
NO_PLACE_MESSAGE = _("場所かオンライン会議のURLを入力してください。")
ENDS_BEFORE_MESSAGE = _("終了日時は開始日時より後の、同じ日か翌日までの日時にしてください。")
WHEN_RANGE_MESSAGE = _("開始日時は、5年前から2年後までの間で指定してください。")
# A conference is recorded when planned or afterwards (minutes of past meetings), within these bounds.
PAST_YEARS, FUTURE_YEARS = 5, 2
NOT_ORGANISER_MESSAGE = _("この操作は主催機関の職員だけができます。")
NO_PARTICIPANT_MESSAGE = _("参加する機関・利用者を選ぶか、氏名を入力してください。")
PARTICIPANT_TWICE_MESSAGE = _("この参加者はすでに登録されています。")
NOT_YOUR_ACKNOWLEDGEMENT_MESSAGE = _("守秘義務の確認は、本人・その機関の職員・主催機関の職員だけが記録できます。")
CASE_NOT_VISIBLE_MESSAGE = _("主催機関が支援チームに入っているケースだけを議題にできます。")
CASE_TWICE_MESSAGE = _("このケースはすでに議題に入っています。")
NOT_STARTED_MESSAGE = _("会議の開始前には、議事録・決定・タスクを記録できません。")
NO_ITEM_MESSAGE = _("議題を選んでください。")
NO_DECISION_TEXT_MESSAGE = _("決定の内容を入力してください。")
NO_AGENCY_MESSAGE = _("支援チームに加える機関を選んでください。")
NOT_ADD_DECISION_MESSAGE = _("この決定は支援チームへの追加ではありません。")
ALREADY_APPLIED_MESSAGE = _("この決定はすでに反映されています。")
NO_TASK_TEXT_MESSAGE = _("やることを入力してください。")
NO_OWNER_MESSAGE = _("タスクの担当（機関または利用者）を選んでください。")
OWNER_NOT_PARTICIPANT_MESSAGE = _("タスクの担当は会議の参加者（機関または利用者）から選んでください。")
NO_DUE_MESSAGE = _("タスクの期限を入力してください。")
BAD_STATUS_MESSAGE = _("タスクの状況を選んでください。")
NOT_TASK_OWNER_MESSAGE = _("タスクの状況は、担当者・担当機関の職員・主催機関の職員だけが更新できます。")


def _audit(user, conference: Conference, request, action: str, *, case: Case | None = None, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(
        actor=user,
        action=action,
        target_type=AuditTarget.CONFERENCE,
        target_ids=case.person_ids() if case is not None else [],
        detail={"conference": conference.pk, **({"case": case.pk} if case is not None else {}), **detail},
        request=request,
    )


def _require_organiser(user, conference: Conference) -> None:  # noqa: ANN001
    if conference.organiser_id not in member_organisation_ids(user):
        raise CaseError([NOT_ORGANISER_MESSAGE])


def _require_started(conference: Conference) -> None:
    if not conference.has_started(timezone.now()):
        raise CaseError([NOT_STARTED_MESSAGE])


def conference_create(
    user,  # noqa: ANN001
    *,
    organiser: object | None,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    place: str = "",
    online_url: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Conference:
    """Schedule a conference organised by one of the user's case agencies, which takes part with its duty of
    confidentiality recorded (it convenes the meeting)."""
    policy.require_capability(user, Capability.OPEN_CASE)
    organisation = acting_agency(user, organiser)
    errors: list[str] = []
    title, place, online_url = title.strip(), place.strip(), online_url.strip()
    if not title:
        errors.append(NO_TITLE_MESSAGE)
    if kind not in ConferenceKind.values:
        errors.append(BAD_KIND_MESSAGE)
    if not place and not online_url:
        errors.append(NO_PLACE_MESSAGE)
    now = timezone.now()
    if not now - datetime.timedelta(days=365 * PAST_YEARS) <= starts_at <= now + datetime.timedelta(
        days=365 * FUTURE_YEARS
    ):
        errors.append(WHEN_RANGE_MESSAGE)
    elif ends_at is not None and (ends_at <= starts_at or ends_at - starts_at > datetime.timedelta(days=1)):
        errors.append(ENDS_BEFORE_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        conference = Conference.objects.create(
            kind=kind,
            title=title,
            organiser=organisation,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            online_url=online_url,
            note=note.strip(),
            created_by=user,
        )
        ConferenceParticipant.objects.create(
            conference=conference,
            organisation=organisation,
            role=str(_("主催")),
            confidentiality_acknowledged_at=timezone.now(),
            confidentiality_recorded_by=user,
            added_by=user,
        )
        _audit(user, conference, request, AuditAction.CREATE, kind=kind)
    return conference


def participant_add(
    user,  # noqa: ANN001
    conference: Conference,
    *,
    organisation: Organisation | None = None,
    participant: object | None = None,
    name: str = "",
    role: str = "",
    acknowledged: bool = False,
    request: HttpRequest | None = None,
) -> ConferenceParticipant:
    """Add a participant (an organisation, a user, or a person named as told), with the acknowledgement of the duty
    of confidentiality when it was given (a signed 誓約書, said at the meeting)."""
    _require_organiser(user, conference)
    name = name.strip()
    if organisation is None and participant is None and not name:
        raise CaseError([NO_PARTICIPANT_MESSAGE])
    now = timezone.now()
    try:
        with transaction.atomic():
            row = ConferenceParticipant.objects.create(
                conference=conference,
                organisation=organisation,
                user=participant,
                name=name,
                role=role.strip(),
                confidentiality_acknowledged_at=now if acknowledged else None,
                confidentiality_recorded_by=user if acknowledged else None,
                added_by=user,
            )
            _audit(
                user,
                conference,
                request,
                AuditAction.UPDATE,
                participant=row.pk,
                organisation=organisation.pk if organisation else None,
                participant_user=getattr(participant, "pk", None),
                acknowledged=acknowledged,
            )
    except IntegrityError:
        raise CaseError([PARTICIPANT_TWICE_MESSAGE]) from None
    return row


def participant_acknowledge(
    user,  # noqa: ANN001
    conference: Conference,
    participant_id: object,
    *,
    request: HttpRequest | None = None,
) -> ConferenceParticipant:
    """Record a participant's acknowledgement of the duty of confidentiality: by the participant (the user, or
    staff of the participating organisation) or by the organiser's staff."""
    pk = as_pk(participant_id)
    row = conference.participants.filter(pk=pk).first() if pk else None
    if row is None:
        raise CaseError([NO_PARTICIPANT_MESSAGE])
    ids = member_organisation_ids(user)
    own = row.user_id == policy.viewer_for(user).user.pk or (row.user_id is None and row.organisation_id in ids)
    if not own and conference.organiser_id not in ids:
        raise CaseError([NOT_YOUR_ACKNOWLEDGEMENT_MESSAGE])
    if row.acknowledged:
        return row
    with transaction.atomic():
        row.confidentiality_acknowledged_at = timezone.now()
        row.confidentiality_recorded_by = user
        row.save(update_fields=["confidentiality_acknowledged_at", "confidentiality_recorded_by"])
        _audit(user, conference, request, AuditAction.UPDATE, participant=row.pk, acknowledged=True)
    return row


def agenda_add(
    user,  # noqa: ANN001
    conference: Conference,
    case_id: object,
    *,
    topic: str = "",
    request: HttpRequest | None = None,
) -> ConferenceAgendaItem:
    """Put a case on the agenda: only one the organiser's agency sees (is on the team of)."""
    _require_organiser(user, conference)
    pk = as_pk(case_id)
    organiser_cases = Case.objects.filter(visible_cases_q(frozenset({conference.organiser_id})))
    case = organiser_cases.filter(pk=pk).first() if pk else None
    if case is None:
        raise CaseError([CASE_NOT_VISIBLE_MESSAGE])
    order = conference.agenda.count() + 1
    try:
        with transaction.atomic():
            item = ConferenceAgendaItem.objects.create(
                conference=conference, case=case, order=order, topic=topic.strip(), added_by=user
            )
            _audit(user, conference, request, AuditAction.UPDATE, case=case, agenda_item=item.pk)
    except IntegrityError:
        raise CaseError([CASE_TWICE_MESSAGE]) from None
    return item


def _item(conference: Conference, item_id: object) -> ConferenceAgendaItem:
    pk = as_pk(item_id)
    item = conference.agenda.select_related("case").filter(pk=pk).first() if pk else None
    if item is None:
        raise CaseError([NO_ITEM_MESSAGE])
    return item


def minutes_record(
    user,  # noqa: ANN001
    conference: Conference,
    item_id: object,
    *,
    minutes: str,
    request: HttpRequest | None = None,
) -> ConferenceAgendaItem:
    """Write (or correct) the minutes of one agenda item; each save is logged."""
    _require_organiser(user, conference)
    _require_started(conference)
    item = _item(conference, item_id)
    with transaction.atomic():
        item.minutes = minutes.strip()
        item.minutes_updated_at = timezone.now()
        item.minutes_updated_by = user
        item.save(update_fields=["minutes", "minutes_updated_at", "minutes_updated_by"])
        _audit(user, conference, request, AuditAction.UPDATE, case=item.case, minutes=item.pk)
    return item


def decision_record(
    user,  # noqa: ANN001
    conference: Conference,
    item_id: object,
    *,
    kind: str,
    text: str,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> ConferenceDecision:
    """Record a decision on an agenda item. "Add agency X to the team" is recorded first and applied by
    decision_apply (which checks the team's rules)."""
    _require_organiser(user, conference)
    _require_started(conference)
    item = _item(conference, item_id)
    errors: list[str] = []
    text = text.strip()
    if not text:
        errors.append(NO_DECISION_TEXT_MESSAGE)
    if kind not in DecisionKind.values:
        kind = DecisionKind.NOTE
    if kind == DecisionKind.ADD_TO_TEAM and organisation is None:
        errors.append(NO_AGENCY_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        decision = ConferenceDecision.objects.create(
            conference=conference,
            agenda_item=item,
            kind=kind,
            text=text,
            organisation=organisation if kind == DecisionKind.ADD_TO_TEAM else None,
            created_by=user,
        )
        _audit(user, conference, request, AuditAction.CREATE, case=item.case, decision=decision.pk, kind=kind)
    return decision


def decision_apply(
    user,  # noqa: ANN001
    conference: Conference,
    decision_id: object,
    *,
    confidentiality_acknowledged: bool = False,
    request: HttpRequest | None = None,
) -> TeamMember:
    """Apply "add agency X to the team": team_add with this conference. The agency's duty of confidentiality is
    acknowledged when it took part in the conference with its acknowledgement, or by the applying user now."""
    _require_organiser(user, conference)
    pk = as_pk(decision_id)
    with transaction.atomic():
        decision = (
            ConferenceDecision.objects.select_for_update(of=("self",))
            .select_related("agenda_item__case", "organisation")
            .filter(conference=conference, pk=pk)
            .first()
            if pk
            else None
        )
        if decision is None or decision.kind != DecisionKind.ADD_TO_TEAM:
            raise CaseError([NOT_ADD_DECISION_MESSAGE])
        if decision.applied_at is not None:
            raise CaseError([ALREADY_APPLIED_MESSAGE])
        acknowledged = confidentiality_acknowledged or conference.participants.filter(
            organisation=decision.organisation, user__isnull=True, confidentiality_acknowledged_at__isnull=False
        ).exists()
        statutory = conference.is_statutory_support_meeting
        member = team_add(
            user,
            decision.agenda_item.case,
            decision.organisation,
            basis=TeamBasis.CONFERENCE if statutory else TeamBasis.CONSENT,
            confidentiality_acknowledged=acknowledged,
            conference=conference,
            request=request,
        )
        decision.team_member = member
        decision.applied_at = member.added_at
        decision.applied_by = user
        decision.save(update_fields=["team_member", "applied_at", "applied_by"])
    return member


def _owner_is_participant(conference: Conference, organisation: Organisation | None, owner) -> bool:  # noqa: ANN001
    rows = list(conference.participants.all())
    if organisation is not None and not any(r.organisation_id == organisation.pk for r in rows):
        return False
    if owner is not None and not any(r.user_id == owner.pk for r in rows):
        # A user owner takes part in person, or works for a participating organisation.
        owner_orgs = member_organisation_ids(owner)
        if not any(r.user_id is None and r.organisation_id in owner_orgs for r in rows):
            return False
    return True


def task_create(
    user,  # noqa: ANN001
    conference: Conference,
    *,
    description: str,
    due_on: datetime.date | None,
    owner_organisation: Organisation | None = None,
    owner_user: object | None = None,
    item_id: object | None = None,
    request: HttpRequest | None = None,
) -> ConferenceTask:
    """A task for a participant (an organisation, a user, or a user of an organisation), due on a day."""
    _require_organiser(user, conference)
    _require_started(conference)
    item = _item(conference, item_id) if item_id not in (None, "") else None
    errors: list[str] = []
    description = description.strip()
    if not description:
        errors.append(NO_TASK_TEXT_MESSAGE)
    if due_on is None:
        errors.append(NO_DUE_MESSAGE)
    if owner_organisation is None and owner_user is None:
        errors.append(NO_OWNER_MESSAGE)
    elif not _owner_is_participant(conference, owner_organisation, owner_user):
        errors.append(OWNER_NOT_PARTICIPANT_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        task = ConferenceTask.objects.create(
            conference=conference,
            agenda_item=item,
            description=description,
            owner_organisation=owner_organisation,
            owner_user=owner_user,
            due_on=due_on,
            created_by=user,
        )
        _audit(
            user,
            conference,
            request,
            AuditAction.CREATE,
            case=item.case if item else None,
            task=task.pk,
            due_on=due_on.isoformat(),
        )
    return task


def task_update(
    user,  # noqa: ANN001
    task: ConferenceTask,
    *,
    status: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ConferenceTask:
    """The owner (or the organiser) moves a task on: 対応中, 完了, 中止 (or back to 未着手)."""
    if status not in TaskStatus.values:
        raise CaseError([BAD_STATUS_MESSAGE])
    viewer = policy.viewer_for(user)
    ids = member_organisation_ids(viewer)
    owner = task.owner_user_id == viewer.user.pk or (task.owner_user_id is None and task.owner_organisation_id in ids)
    if not owner and task.conference.organiser_id not in ids:
        raise CaseError([NOT_TASK_OWNER_MESSAGE])
    with transaction.atomic():
        task.status = status
        task.status_note = note.strip()[:500]
        task.status_changed_at = timezone.now()
        task.status_changed_by = user
        task.save(update_fields=["status", "status_note", "status_changed_at", "status_changed_by"])
        case = task.agenda_item.case if task.agenda_item_id else None
        _audit(user, task.conference, request, AuditAction.UPDATE, case=case, task=task.pk, status=status)
    return task


def user_by_id(raw: object):  # noqa: ANN201 - a User or None
    """An active user by id (a participant or a task's owner, as chosen)."""
    pk = as_pk(raw)
    return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None
