"""Reads of support conferences. A conference is seen by its participants only: staff of the organiser and of the
participating organisations, and the participating users; anyone else gets 404 (logged), as for a case.

What a participant sees of a case on the agenda (its client, the minutes, the decisions and tasks on it) is
decided here, once (`ConferenceAccess.sees_case`):
- a case the participant's agency is on the team of (the CASE scope): always;
- otherwise only after the participant acknowledged the duty of confidentiality (守秘義務の確認, by the user or
  for the user's organisation), and then: at a 支援会議 (社会福祉法106条の6) always, at other conferences only when
  the client's consent in force covers one of the participant's organisations.
Every read is logged with the persons of the cases it showed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record

from ..models import (
    OPEN_TASK_STATUSES,
    Case,
    Conference,
    ConferenceAgendaItem,
    ConferenceTask,
    ConsentDecision,
)
from ..scope import team_organisation_ids, visible_cases_q
from .access import NOT_FOUND, as_pk


def member_organisation_ids(user) -> frozenset[int]:  # noqa: ANN001
    """Every active organisation the user works for (a 民生委員's 民児協 takes part in a 地域ケア会議 too)."""
    return frozenset(m.organisation_id for m in policy.viewer_for(user).memberships if m.organisation.is_active)


def participating_q(user_id: int, organisation_ids: frozenset[int], prefix: str = "") -> Q:
    """Conferences where the user takes part: in person, or through an organisation that takes part (a row with
    the organisation and no user), or as staff of the organiser."""
    return (
        Q(**{f"{prefix}participants__user_id": user_id})
        | Q(
            **{
                f"{prefix}participants__organisation_id__in": organisation_ids,
                f"{prefix}participants__user__isnull": True,
            }
        )
        | Q(**{f"{prefix}organiser_id__in": organisation_ids})
    )


def conferences_for(user) -> QuerySet[Conference]:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    ids = member_organisation_ids(viewer)
    pks = Conference.objects.filter(participating_q(viewer.user.pk, ids)).values("pk")
    return Conference.objects.filter(pk__in=pks)


@dataclass
class ConferenceAccess:
    """What one user may do and see at one conference."""

    user_id: int
    organisation_ids: frozenset[int]
    team_organisation_ids: frozenset[int]
    is_organiser: bool
    acknowledged: bool
    statutory: bool
    seen_case_ids: set[int] = field(default_factory=set)

    def sees_case(self, case: Case) -> bool:
        if case.pk in self.seen_case_ids:
            return True
        if not self.acknowledged:
            return False
        if self.statutory:
            return True
        consent = case.consents.order_by("-decided_on", "-pk").prefetch_related("agencies").first()
        if consent is None or consent.decision != ConsentDecision.GIVEN:
            return False
        return consent.all_agencies or any(o.pk in self.organisation_ids for o in consent.agencies.all())


def conference_access(user, conference: Conference) -> ConferenceAccess:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    ids = member_organisation_ids(viewer)
    team_ids = team_organisation_ids(viewer)
    rows = list(conference.participants.all())
    acknowledged = any(
        r.acknowledged and (r.user_id == viewer.user.pk or (r.user_id is None and r.organisation_id in ids))
        for r in rows
    )
    case_ids = [item.case_id for item in conference.agenda.all()]
    on_team = set(Case.objects.filter(visible_cases_q(team_ids), pk__in=case_ids).values_list("pk", flat=True))
    return ConferenceAccess(
        user_id=viewer.user.pk,
        organisation_ids=ids,
        team_organisation_ids=team_ids,
        is_organiser=conference.organiser_id in ids,
        acknowledged=acknowledged,
        statutory=conference.is_statutory_support_meeting,
        seen_case_ids=on_team,
    )


@dataclass
class AgendaRow:
    item: ConferenceAgendaItem
    visible: bool  # the case's details, minutes, decisions and tasks on it


@dataclass
class ConferencePage:
    conference: Conference
    access: ConferenceAccess
    agenda: list[AgendaRow]
    overdue_task_ids: set[int]

    @property
    def visible_item_ids(self) -> set[int]:
        return {row.item.pk for row in self.agenda if row.visible}

    def visible_decisions(self) -> list:
        ids = self.visible_item_ids
        return [d for d in self.conference.decisions.all() if d.agenda_item_id in ids]

    def visible_tasks(self) -> list[ConferenceTask]:
        ids = self.visible_item_ids
        return [
            t
            for t in self.conference.tasks.all()
            if t.agenda_item_id is None or t.agenda_item_id in ids or t.owner_user_id == self.access.user_id
        ]

    @property
    def hidden_items(self) -> int:
        return sum(1 for row in self.agenda if not row.visible)

    def person_ids(self) -> set[int]:
        ids: set[int] = set()
        for row in self.agenda:
            if row.visible:
                ids.update(row.item.case.person_ids())
        return ids


def _load(pk: int, user) -> Conference | None:  # noqa: ANN001
    return (
        conferences_for(user)
        .select_related("organiser", "created_by")
        .prefetch_related(
            "participants__organisation",
            "participants__user",
            "agenda__case__client",
            "agenda__case__household_members",
            "decisions__organisation",
            "decisions__team_member",
            "tasks__owner_organisation",
            "tasks__owner_user",
        )
        .filter(pk=pk)
        .first()
    )


def conference_or_404(
    user,  # noqa: ANN001
    conference_id: object,
    *,
    request: HttpRequest | None = None,
    audit: bool = True,
    action: str = AuditAction.VIEW,
) -> ConferencePage:
    """The conference as this participant may see it; otherwise Http404 (as for an unknown id) and a `denied` row.
    With `audit`, the read is logged (as `action`: a view, or an export for the minutes PDF) with the persons of the
    cases it showed."""
    pk = as_pk(conference_id)
    conference = _load(pk, user) if pk is not None else None
    if conference is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.CONFERENCE, target_id=conference_id)
        raise Http404(NOT_FOUND)
    access = conference_access(user, conference)
    rows = [AgendaRow(item, access.sees_case(item.case)) for item in conference.agenda.all()]
    today = timezone.localdate()
    page = ConferencePage(
        conference, access, rows, {t.pk for t in conference.tasks.all() if t.is_overdue(today)}
    )
    if audit:
        audit_record(
            actor=policy.viewer_for(user).user,
            action=action,
            target_type=AuditTarget.CONFERENCE,
            target_ids=page.person_ids(),
            detail={
                "conference": conference.pk,
                "cases": sorted(r.item.case_id for r in rows if r.visible),
                "hidden_items": page.hidden_items,
            },
            request=request,
        )
    return page


def conference_list(user, *, request: HttpRequest | None = None) -> list[Conference]:  # noqa: ANN001
    """The conferences the user takes part in, the latest first (titles and dates only: no case is named)."""
    return list(conferences_for(user).select_related("organiser").order_by("-starts_at", "-pk")[:200])


def my_tasks_qs(user) -> QuerySet[ConferenceTask]:  # noqa: ANN001
    """Open tasks the user owns: in person, or through an organisation (of a conference the user takes part in)."""
    viewer = policy.viewer_for(user)
    ids = member_organisation_ids(viewer)
    mine = Q(owner_user_id=viewer.user.pk) | Q(owner_organisation_id__in=ids, owner_user__isnull=True)
    return ConferenceTask.objects.filter(mine, status__in=OPEN_TASK_STATUSES, conference__in=conferences_for(viewer))


@dataclass
class TaskRow:
    task: ConferenceTask
    overdue: bool
    case_number: str  # the agenda item's case, when the user sees it; "" otherwise


def my_tasks(user, *, request: HttpRequest | None = None) -> list[TaskRow]:  # noqa: ANN001
    """The owner's open tasks, overdue first, then by due date. A task on an agenda item names its case only to
    those who see the case's details at that conference; listing those is logged."""
    today = timezone.localdate()
    tasks = list(
        my_tasks_qs(user)
        .select_related("conference", "owner_organisation", "owner_user", "agenda_item__case")
        .order_by("due_on", "pk")[:200]
    )
    access_by_conference: dict[int, ConferenceAccess] = {}
    rows: list[TaskRow] = []
    person_ids: set[int] = set()
    for task in tasks:
        number = ""
        if task.agenda_item_id is not None:
            access = access_by_conference.get(task.conference_id)
            if access is None:
                access = access_by_conference[task.conference_id] = conference_access(user, task.conference)
            if access.sees_case(task.agenda_item.case):
                number = task.agenda_item.case.number
                person_ids.update(task.agenda_item.case.person_ids())
        rows.append(TaskRow(task, task.is_overdue(today), number))
    rows.sort(key=lambda r: (not r.overdue, r.task.due_on, r.task.pk))
    if person_ids:
        audit_record(
            actor=policy.viewer_for(user).user,
            action=AuditAction.LIST,
            target_type=AuditTarget.CONFERENCE,
            target_ids=person_ids,
            detail={"list": "conference_tasks", "tasks": len(rows)},
            request=request,
        )
    return rows


def overdue_task_count(user) -> int:  # noqa: ANN001
    """For the menu (a count, not personal data: not logged)."""
    return my_tasks_qs(user).filter(due_on__lt=timezone.localdate()).count()


def task_or_404(user, task_id: object, *, request: HttpRequest | None = None) -> ConferenceTask:  # noqa: ANN001
    """A task of a conference the user takes part in (its owner or the organiser may update it: the service's
    check); otherwise 404, logged."""
    pk = as_pk(task_id)
    task = None
    if pk is not None:
        task = (
            ConferenceTask.objects.select_related("conference", "agenda_item__case")
            .filter(pk=pk, conference__in=conferences_for(user))
            .first()
        )
    if task is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.CONFERENCE, target_id=task_id)
        raise Http404(NOT_FOUND)
    return task
