"""Reads of the disaster app: events, and the safety list of an event — every listed person of its districts
that the user may see through the disaster scope, with the current status (the latest report by time of
observation) and conflicting reports flagged. Lists of persons are audit-logged as disaster access."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, QuerySet, Value, When
from django.db.models.functions import TruncHour
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.areas.models import TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build

from ..models import CONFIRMED, DISASTER_SCOPE, DisasterEvent, SafetyCurrent, SafetyReport, SafetyStatus
from ..scope import countable_event_rows
from ..services.events import DISASTER_ACCESS, event_of_ward, event_persons_refresh
from ..status import conflicting_reports, current_report


def events_for(user) -> list[DisasterEvent]:  # noqa: ANN001
    """The events of the user's ward(s), newest first (names and dates: no personal data)."""
    wards = policy.viewer_for(user).municipality_ids
    return list(DisasterEvent.objects.filter(municipality_id__in=wards).prefetch_related("districts"))


@dataclass
class SafetyRow:
    person: Person
    reports: list[SafetyReport] = field(default_factory=list)

    @property
    def current(self) -> SafetyReport | None:
        return current_report(self.reports)

    @property
    def status(self) -> str:
        current = self.current
        return current.status if current else SafetyStatus.UNCONFIRMED

    @property
    def status_label(self) -> str:
        return SafetyStatus(self.status).label

    @property
    def conflicts(self) -> list[SafetyReport]:
        return conflicting_reports(self.reports)

    @property
    def confirmed(self) -> bool:
        return self.status in CONFIRMED


@dataclass
class SafetyList:
    event: DisasterEvent
    rows: list[SafetyRow]  # the page's rows
    counts: dict[str, int]  # by status, over every person of the event the user may see
    at: datetime.datetime
    page: Page

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def confirmed(self) -> int:
        return sum(n for s, n in self.counts.items() if s in CONFIRMED)


def event_persons(user, event: DisasterEvent):  # noqa: ANN001, ANN201
    """The persons of this event the user may see: listed on the ward's current roster, living in the event's
    districts, and open to the user through the disaster scope."""
    build_id = RosterBuild.current_id(event.municipality_id)
    return (
        policy.visible_persons(user, scope=DISASTER_SCOPE)
        .filter(listed_in_build(build_id))
        # A semi-join on the towns, not a join: a person counts once however many district layers hold their town
        # (a join and DISTINCT over 90,000 persons' whole rows cost seconds at city scale).
        .filter(town_id__in=TownDistrict.objects.filter(district__in=event.districts.all()).values("town_id"))
    )


def safety_list(
    *,
    user,  # noqa: ANN001
    event_id: object,
    page: object = 1,
    page_size: int = 100,
    request: HttpRequest | None = None,
) -> SafetyList:
    """One page of the event's safety list for this user — the unconfirmed first, those with conflicting reports
    first among them, then in 50音 order — read page by page from the event's rows (a city ward's 90,000 persons
    are never all loaded), with the counts over all of them. The page's persons are logged as disaster access."""
    event = event_of_ward(user, event_id, request=request)
    counts = _status_counts(event_rows(user, event, counting=True))[0]
    confirmed_last = Case(When(status__in=CONFIRMED, then=Value(1)), default=Value(0))
    ordered = event_rows(user, event).order_by(confirmed_last, "-has_conflict", "kana_key", "person_id")
    chosen = Paginator(ordered.select_related("person__town"), page_size).get_page(page)
    persons = [row.person for row in chosen.object_list]
    by_person: dict[int, list[SafetyReport]] = defaultdict(list)
    for report in SafetyReport.objects.filter(event=event, person_id__in=[p.pk for p in persons]).select_related(
        "reported_by", "shelter"
    ):
        by_person[report.person_id].append(report)
    if persons:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SAFETY_REPORT,
            target_ids=[p.pk for p in persons],
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk},
            request=request,
        )
    return SafetyList(
        event=event,
        rows=[SafetyRow(p, by_person.get(p.pk, [])) for p in persons],
        counts=counts,
        at=timezone.now(),
        page=chosen,
    )


def _status_counts(counted: QuerySet[SafetyCurrent]) -> tuple[dict[str, int], int, Counter[datetime.datetime]]:
    """One aggregate over an event's rows: persons by status, those with conflicting reports, and those first
    confirmed in each hour (Japan time)."""
    counts = {s: 0 for s in SafetyStatus.values}
    conflicts = 0
    hourly: Counter[datetime.datetime] = Counter()
    grouped = (
        counted.annotate(hour=TruncHour("first_confirmed_at", tzinfo=ZoneInfo("Asia/Tokyo")))
        .values_list("status", "has_conflict", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for status, has_conflict, hour, n in grouped:
        counts[status] += n
        conflicts += n if has_conflict else 0
        if hour is not None:
            hourly[hour] += n
    return counts, conflicts, hourly


def safety_row(
    *,
    user,  # noqa: ANN001
    event_id: object,
    person_id: object,
    request: HttpRequest | None = None,
) -> tuple[DisasterEvent, SafetyRow]:
    """One person of the event's safety list with every report (the row a page draws again after a report);
    404 and logged unless the person is one of the event's persons for this user; logged as disaster access."""
    event = event_of_ward(user, event_id, request=request)
    pk = as_pk(person_id)
    person = event_persons(user, event).select_related("town").filter(pk=pk).first() if pk else None
    if person is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.PERSON, target_id=person_id)
        raise Http404("not a person of this event")
    reports = list(SafetyReport.objects.filter(event=event, person=person).select_related("reported_by", "shelter"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.SAFETY_REPORT,
        target_ids=[person.pk],
        purpose=DISASTER_ACCESS,
        detail={"event": event.pk},
        request=request,
    )
    return event, SafetyRow(person, reports)


# --- the live dashboard ---------------------------------------------------------------------------------------

UNCONFIRMED_LIMIT = 200


@dataclass
class Dashboard:
    event: DisasterEvent
    at: datetime.datetime
    total: int
    counts: dict[str, int]  # by status, 未確認 included
    # (hour in Japan time, persons first confirmed in that hour, cumulative confirmation rate 0–1)
    timeline: list[tuple[datetime.datetime, int, float]]
    unconfirmed: list[Person]  # the first UNCONFIRMED_LIMIT, for callers: with phone numbers
    unconfirmed_total: int
    conflicts: int
    # The kept status of those unconfirmed persons someone already tried (連絡つかず, 不在), by person id.
    unconfirmed_current: dict[int, SafetyCurrent] = field(default_factory=dict)

    @property
    def confirmed(self) -> int:
        return sum(n for s, n in self.counts.items() if s in CONFIRMED)

    @property
    def rate(self) -> float:
        return self.confirmed / self.total if self.total else 0.0


def event_rows(user, event: DisasterEvent, *, counting: bool = False) -> QuerySet[SafetyCurrent]:  # noqa: ANN001
    """The event's rows (one per listed person, with the current status) whose person the user may see through the
    disaster scope, matched first with the ward's current roster build. `counting`: for figures that name nobody
    (the policy's countable_event_rows)."""
    event_persons_refresh(event)
    rows = SafetyCurrent.objects.filter(event=event, listed=True)
    if counting:
        return countable_event_rows(rows, user)
    return policy.rows_of_visible_persons(rows, user, person_ref="person_id", scope=DISASTER_SCOPE)


def dashboard(
    *,
    user,  # noqa: ANN001
    event_id: object,
    district_id: int | None = None,
    request: HttpRequest | None = None,
) -> Dashboard:
    """Counts by status, the confirmation rate per hour and the unconfirmed persons of an event (optionally one
    district), for this user: one aggregate query over the event's rows and one page of the unconfirmed, by index,
    whatever the number of persons and reports. The unconfirmed persons shown are logged as disaster access."""
    event = event_of_ward(user, event_id, request=request)
    rows, counted = event_rows(user, event), event_rows(user, event, counting=True)
    if district_id is not None:
        in_district = TownDistrict.objects.filter(district_id=district_id).values("town_id")
        rows, counted = rows.filter(town_id__in=in_district), counted.filter(town_id__in=in_district)
    counts, conflicts, hourly = _status_counts(counted)
    total = sum(counts.values())
    timeline, running = [], 0
    for hour in sorted(hourly):
        running += hourly[hour]
        timeline.append((hour, hourly[hour], running / total if total else 0.0))
    unconfirmed_rows = list(
        rows.exclude(status__in=CONFIRMED)
        .select_related("person__town", "report")
        .order_by("kana_key", "person_id")[:UNCONFIRMED_LIMIT]
    )
    unconfirmed = [r.person for r in unconfirmed_rows]
    if unconfirmed:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SAFETY_REPORT,
            target_ids=[p.pk for p in unconfirmed],
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk, "dashboard": True, "district": district_id},
            request=request,
        )
    return Dashboard(
        event=event,
        at=timezone.now(),
        total=total,
        counts=counts,
        timeline=timeline,
        unconfirmed=unconfirmed,
        unconfirmed_total=total - sum(n for s, n in counts.items() if s in CONFIRMED),
        conflicts=conflicts,
        unconfirmed_current={r.person_id: r for r in unconfirmed_rows if r.report_id is not None},
    )
