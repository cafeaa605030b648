"""Reads of the disaster app: events, and the safety list of an event — every listed person of its districts
that the user may see through the disaster scope, with the current status (the latest report by time of
observation) and conflicting reports flagged. Lists of persons are audit-logged as disaster access."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build

from .models import ALL_RIGHT, CONFIRMED, DISASTER_SCOPE, NEEDS_SOMEONE, DisasterEvent, SafetyReport, SafetyStatus
from .services import DISASTER_ACCESS, event_of_ward

# Two reports this close in time that disagree (one says all right, the other needs someone) are a conflict.
CONFLICT_WINDOW = datetime.timedelta(minutes=30)


def events_for(user) -> list[DisasterEvent]:  # noqa: ANN001
    """The events of the user's ward(s), newest first (names and dates: no personal data)."""
    wards = policy.viewer_for(user).municipality_ids
    return list(DisasterEvent.objects.filter(municipality_id__in=wards).prefetch_related("districts"))


def _latest_first(report: SafetyReport) -> tuple:
    return (report.observed_at, report.received_at, report.pk)


def current_report(reports: list[SafetyReport]) -> SafetyReport | None:
    """The report that decides the current status: the latest observed (a report sent late from a phone that was
    offline does not overwrite a newer observation)."""
    return max(reports, key=_latest_first, default=None)


def conflicting_reports(reports: list[SafetyReport]) -> list[SafetyReport]:
    """Reports near the current one in time whose status says the opposite (無事 and 要救助 within minutes): both
    are shown side by side, none is overwritten."""
    latest = current_report(reports)
    if latest is None:
        return []
    opposite = NEEDS_SOMEONE if latest.status in ALL_RIGHT else ALL_RIGHT if latest.status in NEEDS_SOMEONE else None
    if opposite is None:
        return []
    return sorted(
        (
            r
            for r in reports
            if r.pk != latest.pk and r.status in opposite and abs(r.observed_at - latest.observed_at) <= CONFLICT_WINDOW
        ),
        key=_latest_first,
        reverse=True,
    )


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
    rows: list[SafetyRow]
    counts: dict[str, int]
    at: datetime.datetime

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def confirmed(self) -> int:
        return sum(1 for r in self.rows if r.confirmed)


def event_persons(user, event: DisasterEvent):  # noqa: ANN001, ANN201
    """The persons of this event the user may see: listed on the ward's current roster, living in the event's
    districts, and open to the user through the disaster scope."""
    build_id = RosterBuild.current_id(event.municipality_id)
    return (
        policy.visible_persons(user, scope=DISASTER_SCOPE)
        .filter(listed_in_build(build_id))
        .filter(town__town_districts__district__in=event.districts.all())
        .distinct()
    )


def safety_list(*, user, event_id: object, request: HttpRequest | None = None) -> SafetyList:  # noqa: ANN001
    """The event's safety list for this user, unconfirmed first; logged as disaster access with the persons."""
    event = event_of_ward(user, event_id, request=request)
    persons = list(event_persons(user, event).select_related("town").order_by("family_name_kana", "given_name_kana"))
    by_person: dict[int, list[SafetyReport]] = defaultdict(list)
    for report in SafetyReport.objects.filter(event=event, person_id__in=[p.pk for p in persons]).select_related(
        "reported_by", "shelter"
    ):
        by_person[report.person_id].append(report)
    rows = [SafetyRow(p, by_person.get(p.pk, [])) for p in persons]
    rows.sort(key=lambda r: (r.confirmed, not r.conflicts))
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SAFETY_REPORT,
            target_ids=[r.person.pk for r in rows],
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk},
            request=request,
        )
    counts = Counter(r.status for r in rows)
    return SafetyList(
        event=event, rows=rows, counts={s: counts.get(s, 0) for s in SafetyStatus.values}, at=timezone.now()
    )
