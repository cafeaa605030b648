"""The watcher's list, one person's watch page, and the staff's worklist of persons overdue for contact."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, When
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.areas.models import TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.wareki import format_birth_with_age, today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Person

from ..models import (
    CONTACT_METHODS,
    Escalation,
    WatchAssignment,
    WatchVisit,
    active_assignments_q,
    covering_assignments_q,
)
from ..periods import is_overdue, next_target, period_label, period_start
from ..services.escalations import handles_escalation
from ..services.visits import acting_assignments
from .periods_sql import overdue_q

RECENT_VISITS = 20


def with_last_contact(assignments: QuerySet[WatchAssignment]) -> QuerySet[WatchAssignment]:
    """Each assignment with `last_contact`: the latest contact with its target by anyone (不在 is no contact);
    for a household watched as one, with any of its members."""
    contacts = WatchVisit.objects.filter(method__in=CONTACT_METHODS).order_by("-observed_at").values("observed_at")
    of_person = contacts.filter(person_id=OuterRef("person_id"))[:1]
    of_household = contacts.filter(person__household_id=OuterRef("person__household_id"))[:1]
    return assignments.annotate(
        last_contact=Case(
            When(whole_household=True, person__household__isnull=False, then=Subquery(of_household)),
            default=Subquery(of_person),
        )
    )


@dataclass
class WatchRow:
    assignment: WatchAssignment
    today: datetime.date
    open_escalation: Escalation | None = None

    @property
    def person(self) -> Person:
        return self.assignment.person

    @property
    def last_contact_day(self) -> datetime.date | None:
        last = getattr(self.assignment, "last_contact", None)
        return timezone.localdate(last) if last else None

    @property
    def done_this_period(self) -> bool:
        last = self.last_contact_day
        return last is not None and last >= period_start(self.assignment.frequency, self.today)

    @property
    def overdue(self) -> bool:
        return is_overdue(
            self.assignment.frequency,
            last_contact=self.last_contact_day,
            started_on=self.assignment.started_on,
            today=self.today,
        )

    @property
    def next_target(self) -> str:
        return next_target(self.assignment.frequency, last_contact=self.last_contact_day, today=self.today)

    @property
    def period(self) -> str:
        return period_label(
            self.assignment.frequency, period_start(self.assignment.frequency, self.today), today=self.today
        )

    @property
    def birth_with_age(self) -> str:
        return format_birth_with_age(self.person.birth_date, self.today)


def _watcher_assignments(user, day: datetime.date) -> QuerySet[WatchAssignment]:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    organisation_ids = [m.organisation_id for m in viewer.memberships]
    mine = WatchAssignment.objects.filter(active_assignments_q(day)).filter(
        Q(watcher=user) | Q(watcher__isnull=True, organisation_id__in=organisation_ids)
    )
    return policy.rows_of_visible_persons(mine, viewer, scope=DataScope.WATCH)


def my_watch_list(*, user, request: HttpRequest | None = None) -> list[WatchRow]:  # noqa: ANN001
    """The persons this user watches and may see: those overdue first, then those still to contact this period."""
    today = today_jst()
    assignments = with_last_contact(_watcher_assignments(user, today)).select_related("person__town", "organisation")
    rows = [WatchRow(a, today) for a in assignments]
    open_ones = {
        e.person_id: e
        for e in Escalation.objects.filter(
            person_id__in=[r.person.pk for r in rows], visit__recorded_by=user, closed_at__isnull=True
        )
    }
    for row in rows:
        row.open_escalation = open_ones.get(row.person.pk)
    rows.sort(key=lambda r: (not r.overdue, r.done_this_period, r.person.family_name_kana, r.person.given_name_kana))
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.WATCH_ASSIGNMENT,
            target_ids=[r.person.pk for r in rows],
            request=request,
        )
    return rows


@dataclass
class VisitLine:
    visit: WatchVisit
    escalation: Escalation | None
    # The receiver's details (the organisation, its closing note) only for those who handle the escalation.
    show_handling: bool

    @property
    def recorded_late(self) -> bool:
        """Entered later than observed (from paper notes): both times are shown."""
        return (self.visit.recorded_at - self.visit.observed_at) > datetime.timedelta(hours=1)


@dataclass
class PersonWatch:
    person: Person
    today: datetime.date
    assignments: list[WatchAssignment]
    rows: list[WatchRow]
    this_period: list[VisitLine]
    recent: list[VisitLine]
    can_record: bool
    full: bool
    level: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def birth_with_age(self) -> str:
        return format_birth_with_age(self.person.birth_date, self.today)


def watch_person(*, user, person_id: object, request: HttpRequest | None = None, audit: bool = True) -> PersonWatch:  # noqa: ANN001
    """One person's watch page: the watches in force, what is already done this period (so nobody visits twice
    by mistake) and the recent log. A watcher sees the visits of everyone watching the person and, of an
    escalation, only that it was received and when it was closed."""
    person = policy.person_or_deny(user, person_id, request=request, scope=DataScope.WATCH)
    today = today_jst()
    assignments = list(
        with_last_contact(
            WatchAssignment.objects.filter(
                active_assignments_q(today), covering_assignments_q(person.pk, person.household_id)
            )
        ).select_related("person", "organisation", "watcher")
    )
    rows = [WatchRow(a, today) for a in assignments]
    full = bool(policy.full_level_ids(user, [person.pk], scope=DataScope.WATCH))
    # A household watched as one: a visit to any of its members counts, so the page shows them all.
    household_watch = person.household_id is not None and any(a.whole_household for a in assignments)
    logged = Q(person=person)
    if household_watch:
        members = policy.visible_persons(user, scope=DataScope.WATCH).filter(household_id=person.household_id)
        logged |= Q(person_id__in=members.values("pk"))
    visits = list(
        WatchVisit.objects.filter(logged)
        .select_related("person", "recorded_by", "escalation__organisation")
        .order_by("-observed_at", "-pk")[:RECENT_VISITS]
    )

    def line(visit: WatchVisit) -> VisitLine:
        escalation = getattr(visit, "escalation", None)
        show = escalation is not None and handles_escalation(user, escalation)
        return VisitLine(visit, escalation, show)

    lines = [line(v) for v in visits]
    shortest = min((period_start(a.frequency, today) for a in assignments), default=today.replace(day=1))
    this_period = [x for x in lines if timezone.localdate(x.visit.observed_at) >= shortest]
    can_record = acting_assignments(user, person, today).exists() or (full and bool(assignments))
    if audit:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            target_type=AuditTarget.WATCH_VISIT,
            target_ids=[person.pk],
            request=request,
        )
    return PersonWatch(
        person=person,
        today=today,
        assignments=assignments,
        rows=rows,
        this_period=this_period,
        recent=lines,
        can_record=can_record,
        full=full,
    )


@dataclass
class OverdueReport:
    rows: list[WatchRow]
    by_watcher: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    total: int


def overdue_worklist(
    *,
    user,  # noqa: ANN001
    district_id: int | None = None,
    organisation_id: int | None = None,
    request: HttpRequest | None = None,
    limit: int = 500,
) -> OverdueReport:
    """Persons overdue for contact in the staff member's scope, with counts per watcher and per 小学校区."""
    policy.require_capability(user, policy.Capability.MANAGE_WATCH)
    viewer = policy.viewer_for(user)
    today = today_jst()
    qs = policy.rows_of_visible_persons(
        WatchAssignment.objects.filter(active_assignments_q(today)), viewer, scope=DataScope.WATCH
    )
    if district_id:
        qs = qs.filter(person__town__town_districts__district_id=district_id)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    qs = with_last_contact(qs).filter(overdue_q(today))
    assignments = list(
        qs.select_related("person__town", "organisation", "watcher").order_by(
            "organisation__name", "watcher__username", "person__family_name_kana", "pk"
        )[: limit + 1]
    )
    total = qs.count() if len(assignments) > limit else len(assignments)
    rows = [WatchRow(a, today) for a in assignments[:limit]]
    by_watcher = Counter(
        f"{a.organisation.name}・{a.watcher}" if a.watcher_id else f"{a.organisation.name}" for a in assignments[:limit]
    )
    school_of = dict(
        TownDistrict.objects.filter(
            town_id__in={a.person.town_id for a in assignments[:limit]}, district_type__code="school"
        ).values_list("town_id", "district__name")
    )
    by_district = Counter(school_of.get(a.person.town_id, "—") for a in assignments[:limit])
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.WATCH_ASSIGNMENT,
            target_ids=[r.person.pk for r in rows],
            query=f"overdue district={district_id or ''} organisation={organisation_id or ''}",
            request=request,
        )
    return OverdueReport(
        rows=rows,
        by_watcher=sorted(by_watcher.items()),
        by_district=sorted(by_district.items()),
        total=total,
    )
