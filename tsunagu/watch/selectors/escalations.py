"""Escalations as each side sees them: the receiving professional's inbox, the supervisors' list of those left
unacknowledged past their time, the home page's 緊急 panel, and the watcher's view (status and dates only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.db import reports
from tsunagu.organisations.models import DataScope, MembershipRole, OrganisationKind

from ..models import Escalation, VisitOutcome
from ..services.escalations import escalation_for_handler

INBOX_LIMIT = 200


@dataclass
class EscalationRow:
    escalation: Escalation
    overdue: bool  # unacknowledged past its time: it resurfaces

    @property
    def person(self):  # noqa: ANN201
        return self.escalation.person

    @property
    def visit(self):  # noqa: ANN201
        return self.escalation.visit


def _visible(qs: QuerySet[Escalation], user) -> QuerySet[Escalation]:  # noqa: ANN001
    return policy.rows_of_visible_persons(qs, user, scope=DataScope.WATCH)


def _supervised_q(user) -> Q:  # noqa: ANN001
    """Escalations this user supervises: a manager's organisation's, and the ward welfare section's whole ward."""
    viewer = policy.viewer_for(user)
    q = Q(pk__in=[])
    managed = [m.organisation_id for m in viewer.memberships if m.role == MembershipRole.MANAGER]
    if managed:
        q |= Q(organisation_id__in=managed)
    wards = [
        m.organisation.municipality_id
        for m in viewer.memberships
        if m.organisation.kind == OrganisationKind.WARD_WELFARE
    ]
    if wards:
        q |= Q(person__town__municipality_id__in=wards)
    return q


def _rows(qs: QuerySet[Escalation]) -> list[EscalationRow]:
    now = timezone.now()
    return [
        EscalationRow(e, e.acknowledged_at is None and e.closed_at is None and e.acknowledge_by < now)
        for e in qs.select_related("person__town", "organisation", "visit__recorded_by")[:INBOX_LIMIT]
    ]


def escalation_inbox(*, user, include_closed: bool = False, request: HttpRequest | None = None) -> list[EscalationRow]:  # noqa: ANN001
    """Escalations received by the user's organisations: 緊急 first, the oldest first; closed ones on request."""
    viewer = policy.viewer_for(user)
    organisation_ids = [m.organisation_id for m in viewer.memberships]
    qs = Escalation.objects.filter(organisation_id__in=organisation_ids)
    if not include_closed:
        qs = qs.filter(closed_at__isnull=True)
    qs = _visible(qs, viewer).order_by("closed_at", "-urgency", "raised_at", "pk")
    rows = _rows(qs)
    rows.sort(
        key=lambda r: (r.escalation.closed_at is not None, r.escalation.urgency != VisitOutcome.URGENT, not r.overdue)
    )
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.WATCH_ESCALATION,
            target_ids=[r.person.pk for r in rows],
            request=request,
        )
    return rows


def overdue_escalations(*, user, request: HttpRequest | None = None) -> list[EscalationRow]:  # noqa: ANN001
    """Unacknowledged escalations past their time, for the supervisors of the receiving organisations."""
    qs = Escalation.objects.filter(
        _supervised_q(user), acknowledged_at__isnull=True, closed_at__isnull=True, acknowledge_by__lt=timezone.now()
    )
    rows = _rows(_visible(qs, user).order_by("acknowledge_by", "pk"))
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.WATCH_ESCALATION,
            target_ids=[r.person.pk for r in rows],
            query="overdue",
            request=request,
        )
    return rows


def urgent_escalations_for_home(user) -> tuple[int, int]:  # noqa: ANN001
    """(open 緊急 received by the user's organisations, unacknowledged past their time that the user
    supervises): counts for the home page, which link to the lists."""
    viewer = policy.viewer_for(user)
    organisation_ids = [m.organisation_id for m in viewer.memberships]
    if not organisation_ids:
        return 0, 0
    urgent = _visible(
        Escalation.objects.filter(
            organisation_id__in=organisation_ids, urgency=VisitOutcome.URGENT, closed_at__isnull=True
        ),
        viewer,
    ).count()
    # 緊急 must show at once, so it is read from the primary; an escalation overdue by hours can come from the
    # reports' replica, as the home page's other counts do.
    overdue = reports(
        _visible(
            Escalation.objects.filter(
                _supervised_q(viewer),
                acknowledged_at__isnull=True,
                closed_at__isnull=True,
                acknowledge_by__lt=timezone.now(),
            ),
            viewer,
        )
    ).count()
    return urgent, overdue


@dataclass(frozen=True)
class WatcherView:
    """What the watcher who raised a concern may know of it: that it was received and when it was closed."""

    raised_at: object
    status: str
    status_label: str
    acknowledged_at: object
    closed_at: object


def escalations_for_watcher(user, person_id: int) -> list[WatcherView]:  # noqa: ANN001
    """The escalations this user raised about this person, as the watcher may see them (no receiver's notes)."""
    return [
        WatcherView(e.raised_at, e.status, e.get_status_display(), e.acknowledged_at, e.closed_at)
        for e in Escalation.objects.filter(person_id=person_id, visit__recorded_by=user).order_by("-raised_at")
    ]


def escalation_detail(user, escalation_id: object, *, request: HttpRequest | None = None) -> Escalation:  # noqa: ANN001
    """One escalation for the professional who handles it. The page shows the person and the visit's note, so
    opening it is logged like every personal-data page (acknowledging and closing write their own entries)."""
    escalation = escalation_for_handler(user, escalation_id, request=request)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.WATCH_ESCALATION,
        target_ids=[escalation.person_id],
        detail={"escalation": escalation.pk},
        request=request,
    )
    return escalation
