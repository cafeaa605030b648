"""The after-action report of a disaster event (事後報告): its timeline, the confirmation rate per district and hour,
who was never reached, and the occupancy of its shelters over time — on a page, as an A4 PDF and as a workbook.

Who may open it (the page and both downloads):

- the ward's staff who run events, the holders of Capability.DECLARE_DISASTER (the ward's welfare section and its
  防災担当): the whole event, every person listed in its districts;
- the professionals who see the event's persons, 社会福祉協議会 and 地域包括支援センター staff whose service
  districts hold persons of the event: only the persons they see (the report says so), nothing of the others;
- nobody else. Community organisations (町会, 自主防災組織, 民生委員, NPO), 消防, 警察 and the city's crisis office are
  refused (the one 403 page, a `denied` audit row): their disaster-time grant is for reaching people during the
  event, not for reviewing it afterwards. Another ward's event, or an unknown id: 404, logged.

The persons counted are those listed on the roster build in force when the event closed (its end by hand, its
planned end, or now while it runs) and living in its districts; a build made afterwards does not change the report.
A person is confirmed from their first report of 無事・在宅, 避難済, 入院・施設, 要救助・要支援 or 負傷
(SafetyCurrent.first_confirmed_at): a later 不在 (they went out) does not undo it; the counts by status are by
the last report. The counts, rates and shelter occupancies name no one and are read from the reports' database
(tsunagu.core.db.reports); a shelter's occupancy counts everyone staying there (a public place), whoever reads.

Who was never reached (never confirmed: no report at all, or only 連絡つかず / 不在) names persons: only those the
user sees now through the policy's disaster scope. Once an event has ended the ward's 防災担当 sees nobody (the
disaster-time grant is closed), so their copy counts those persons and names none; the welfare section's names
them. The page shows no names and is not logged; every download is audit-logged (EXPORT, target 安否の報告, purpose
災害時の提供) with the ids of the persons it names."""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import TruncHour
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, Refused
from tsunagu.areas.models import District, TownDistrict
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.db import reports
from tsunagu.core.output import OutputFilename, output_filename
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import OrganisationKind
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build
from tsunagu.shelters.models import Shelter

from ..models import (
    DISASTER_SCOPE,
    DisasterEvent,
    SafetyCurrent,
    SafetyReport,
    SafetyStatus,
    ShelterOpening,
    ShelterStay,
)
from ..report_pdf import render_report_pdf
from ..report_xlsx import render_report_xlsx
from ..services.events import DISASTER_ACCESS, event_of_ward

JAPAN = ZoneInfo("Asia/Tokyo")
HOUR = datetime.timedelta(hours=1)
# A week hour by hour; a longer event is shown in steps of several hours, so no table runs past this many rows.
MAX_ROWS = 168
REPORT_PROFESSIONALS = frozenset({OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA})
REPORT_REFUSAL = _(
    "災害の事後報告は、区役所（福祉部門・防災担当）の職員と、この災害の対象の方を担当する"
    "社会福祉協議会・地域包括支援センターの職員が見られます。"
)
PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(rate: float) -> str:
    """「12.5」: a share as the page prints it (with 「%」 after it)."""
    return f"{rate * 100:.1f}"


@dataclass
class Moment:
    """One line of the timeline."""

    at: datetime.datetime
    label: str | Promise  # lazy: the page shows it in the user's language, the PDF and the workbook in Japanese
    by: str = ""


@dataclass
class HourRow:
    """One period of the event (an hour, or several for a long event), in Japan time."""

    start: datetime.datetime
    end: datetime.datetime
    received: int = 0  # reports received in the period
    observed: int = 0  # reports of observations made in the period
    new_confirmed: int = 0  # persons first confirmed in the period
    confirmed: int = 0  # persons confirmed by its end
    rate: float = 0.0
    district_rates: list[float] = field(default_factory=list)  # in the order of EventReport.districts

    @property
    def percent(self) -> str:
        return _percent(self.rate)

    @property
    def district_percents(self) -> list[str]:
        return [_percent(r) for r in self.district_rates]


@dataclass
class DistrictRow:
    district: District
    layer: str  # the district's layer (小学校区 …)
    total: int = 0
    confirmed: int = 0
    not_reached: int = 0  # reports, but never confirmed (only 連絡つかず / 不在)
    unreported: int = 0  # no report at all

    @property
    def rate(self) -> float:
        return self.confirmed / self.total if self.total else 0.0

    @property
    def percent(self) -> str:
        return _percent(self.rate)


@dataclass
class ShelterUse:
    shelter: Shelter
    openings: list[tuple[datetime.datetime, datetime.datetime | None]]
    occupancy: list[int]  # staying at the end of each period (of EventReport.hours)
    arrivals: int = 0
    peak: int = 0
    peak_at: datetime.datetime | None = None
    final: int = 0  # staying when the event closed (or now)

    @property
    def capacity(self) -> int | None:
        return self.shelter.capacity

    @property
    def peak_rate(self) -> float | None:
        return self.peak / self.capacity if self.capacity else None

    @property
    def peak_percent(self) -> str:
        return "" if self.peak_rate is None else _percent(self.peak_rate)


@dataclass
class NeverReached:
    person: Person
    districts: str
    current: SafetyCurrent | None  # None: no report at all

    @property
    def status(self) -> str:
        return self.current.status if self.current else SafetyStatus.UNCONFIRMED

    @property
    def status_label(self) -> str:
        return str(SafetyStatus(self.status).label)

    @property
    def last(self) -> SafetyReport | None:
        return self.current.report if self.current else None


@dataclass
class EventReport:
    event: DisasterEvent
    state: str  # "active", "upcoming" or "ended"
    made_at: datetime.datetime
    until: datetime.datetime  # when the event closed, or now while it runs
    whole: bool  # the whole event (the ward's staff), or the persons the user sees (社協, 地域包括)
    build: RosterBuild | None
    total: int
    counts: dict[str, int]  # by status at the end, 未確認 included
    moments: list[Moment]
    hours: list[HourRow]
    step_hours: int
    districts: list[DistrictRow]
    shelters: list[ShelterUse]
    reports_total: int
    confirmed: int  # confirmed at least once (the rate's numerator at the end)
    never_reached_total: int  # never confirmed: no report, or only 連絡つかず / 不在
    never_reached_named: int  # of them, those the user may see by name now
    never_reached: list[NeverReached] = field(default_factory=list)  # filled for a download only

    @property
    def rate(self) -> float:
        return self.confirmed / self.total if self.total else 0.0

    @property
    def percent(self) -> str:
        return _percent(self.rate)

    @property
    def unreported(self) -> int:
        return self.counts.get(SafetyStatus.UNCONFIRMED, 0)

    @property
    def not_reached(self) -> int:
        """Someone tried and never reached them: only 連絡つかず / 不在 reports."""
        return self.never_reached_total - self.unreported

    @property
    def never_reached_hidden(self) -> int:
        return self.never_reached_total - self.never_reached_named

    @property
    def district_names(self) -> str:
        return "、".join(row.district.name for row in self.districts)


# --- who may -------------------------------------------------------------------------------------------------


def _refuse(event: DisasterEvent | None = None) -> Refused:
    return Refused(
        REPORT_REFUSAL,
        target=AuditTarget.DISASTER_EVENT,
        target_ids=[event.pk] if event is not None else [],
        detail={"report": True},
    )


def _visible(user) -> QuerySet[Person]:  # noqa: ANN001
    return policy.visible_persons(user, scope=DISASTER_SCOPE)


def can_open_report(user) -> bool:  # noqa: ANN001
    """Whether to offer the report's link (a 社協 or 地域包括 user is still refused an event none of whose persons
    they see)."""
    return policy.can(user, Capability.DECLARE_DISASTER) or bool(
        policy.viewer_for(user).organisation_kinds & REPORT_PROFESSIONALS
    )


def report_event(user, event_id: object, *, request: HttpRequest | None = None) -> tuple[DisasterEvent, bool]:  # noqa: ANN001
    """The event, and whether the user's report covers the whole event; refused (403, logged) for anyone else."""
    whole = policy.can(user, Capability.DECLARE_DISASTER)
    if not can_open_report(user):
        raise _refuse()
    event = event_of_ward(user, event_id, request=request)
    if not whole and not _population(event, _build_id(event, _until(event, timezone.now())), user).exists():
        raise _refuse(event)
    return event, whole


# --- the persons and the periods --------------------------------------------------------------------------------


def _until(event: DisasterEvent, now: datetime.datetime) -> datetime.datetime:
    passed = [m for m in (event.ended_at, event.planned_end_at) if m is not None and m <= now]
    return min(passed) if passed else now


def _state(event: DisasterEvent, now: datetime.datetime) -> str:
    if event.closes_by(now):
        return "ended"
    return "active" if event.started_at <= now else "upcoming"


def _build_id(event: DisasterEvent, until: datetime.datetime) -> int | None:
    builds = RosterBuild.objects.filter(municipality_id=event.municipality_id).order_by("-number")
    in_force = builds.filter(built_at__lte=until).values_list("pk", flat=True).first()
    return in_force if in_force is not None else builds.values_list("pk", flat=True).first()


def _event_towns(event: DisasterEvent) -> dict[int, list[int]]:
    """The event's towns, each with the event's districts it lies in."""
    towns: dict[int, list[int]] = defaultdict(list)
    for town_id, district_id in TownDistrict.objects.filter(district__in=event.districts.all()).values_list(
        "town_id", "district_id"
    ):
        towns[town_id].append(district_id)
    return towns


def _population(event: DisasterEvent, build_id: int | None, user=None, towns=None) -> QuerySet[Person]:  # noqa: ANN001
    """The listed persons of the event; with `user`, only those the user sees through the disaster scope."""
    if towns is None:
        towns = _event_towns(event)
    persons = Person.objects.filter(listed_in_build(build_id), town_id__in=list(towns))
    if user is not None:
        persons = persons.filter(pk__in=_visible(user).values("pk"))
    return persons


@dataclass
class _Periods:
    start: datetime.datetime
    step: int  # hours
    count: int

    def index(self, moment: datetime.datetime) -> int:
        i = math.floor((moment - self.start).total_seconds() / (self.step * 3600))
        return min(max(i, 0), self.count - 1)

    def bounds(self, i: int) -> tuple[datetime.datetime, datetime.datetime]:
        return self.start + i * self.step * HOUR, self.start + (i + 1) * self.step * HOUR


def _periods(event: DisasterEvent, until: datetime.datetime) -> _Periods:
    start = timezone.localtime(event.started_at, JAPAN).replace(minute=0, second=0, microsecond=0)
    if until <= event.started_at:
        return _Periods(start, 1, 0)
    hours = max(1, math.ceil((until - start).total_seconds() / 3600))
    step = math.ceil(hours / MAX_ROWS)
    return _Periods(start, step, math.ceil(hours / step))


# --- the report ---------------------------------------------------------------------------------------------------


def event_report(
    *,
    user,  # noqa: ANN001
    event_id: object,
    names: bool = False,
    request: HttpRequest | None = None,
) -> EventReport:
    """The event's after-action report for this user. `names`: also the persons never reached whom the user may
    see (for a download, which logs them); the page shows counts only and is not logged."""
    event, whole = report_event(user, event_id, request=request)
    now = timezone.now()
    until = _until(event, now)
    build_id = _build_id(event, until)
    towns = _event_towns(event)
    population = _population(event, build_id, None if whole else user, towns)
    person_ids = population.values("pk")
    periods = _periods(event, until)

    districts = [
        DistrictRow(d, d.district_type.name)
        for d in event.districts.select_related("district_type").order_by(
            "district_type__sort_order", "district_type_id", "code", "pk"
        )
    ]
    row_of = {row.district.pk: row for row in districts}
    town_totals = dict(reports(population.values("town_id").annotate(n=Count("pk"))).values_list("town_id", "n"))
    for town_id, n in town_totals.items():
        for district_id in towns.get(town_id, []):
            row_of[district_id].total += n
    total = sum(town_totals.values())

    current = SafetyCurrent.objects.reported().filter(event=event, person_id__in=person_ids)
    counts = {s: 0 for s in SafetyStatus.values}
    by_status = current.values("status").annotate(n=Count("pk"))
    for status, n in reports(by_status).values_list("status", "n"):
        counts[status] = n
    counts[SafetyStatus.UNCONFIRMED] = total - sum(counts.values())
    # Reached: confirmed at least once (a later 不在 — the person went out — does not undo it).
    reached = ExpressionWrapper(Q(first_confirmed_at__isnull=False), output_field=BooleanField())
    by_town = current.annotate(reached=reached).values("person__town_id", "reached").annotate(n=Count("pk"))
    confirmed = 0
    for town_id, was_reached, n in reports(by_town).values_list("person__town_id", "reached", "n"):
        confirmed += n if was_reached else 0
        for district_id in towns.get(town_id, []):
            if was_reached:
                row_of[district_id].confirmed += n
            else:
                row_of[district_id].not_reached += n
    for district in districts:
        district.unreported = district.total - district.confirmed - district.not_reached

    hours = _hours(event, periods, current, person_ids, towns, districts, total)

    never = population.exclude(pk__in=current.filter(first_confirmed_at__isnull=False).values("person_id"))
    named = never if not whole else never.filter(pk__in=_visible(user).values("pk"))
    report = EventReport(
        event=event,
        state=_state(event, now),
        made_at=now,
        until=until,
        whole=whole,
        build=RosterBuild.objects.filter(pk=build_id).first() if build_id else None,
        total=total,
        counts=counts,
        moments=_moments(event, now, person_ids),
        hours=hours,
        step_hours=periods.step,
        districts=districts,
        shelters=_shelters(event, periods, until),
        reports_total=reports(SafetyReport.objects.filter(event=event, person_id__in=person_ids)).count(),
        confirmed=confirmed,
        never_reached_total=total - confirmed,
        never_reached_named=named.count(),
    )
    if names:
        report.never_reached = _never_reached(event, named, towns, {d.district.pk: d.district for d in districts})
    return report


def _hours(
    event: DisasterEvent,
    periods: _Periods,
    current: QuerySet[SafetyCurrent],
    person_ids: QuerySet,
    towns: dict[int, list[int]],
    districts: list[DistrictRow],
    total: int,
) -> list[HourRow]:
    if not periods.count:
        return []
    rows = [HourRow(*periods.bounds(i)) for i in range(periods.count)]
    event_reports = SafetyReport.objects.filter(event=event, person_id__in=person_ids)
    for moment_field, attribute in (("received_at", "received"), ("observed_at", "observed")):
        hourly = (
            event_reports.annotate(hour=TruncHour(moment_field, tzinfo=JAPAN)).values("hour").annotate(n=Count("pk"))
        )
        for hour, n in reports(hourly).values_list("hour", "n"):
            row = rows[periods.index(hour)]
            setattr(row, attribute, getattr(row, attribute) + n)
    new_by_district: dict[int, list[int]] = {d.district.pk: [0] * periods.count for d in districts}
    first = (
        current.filter(first_confirmed_at__isnull=False)
        .annotate(hour=TruncHour("first_confirmed_at", tzinfo=JAPAN))
        .values("person__town_id", "hour")
        .annotate(n=Count("pk"))
    )
    for town_id, hour, n in reports(first).values_list("person__town_id", "hour", "n"):
        i = periods.index(hour)
        rows[i].new_confirmed += n
        for district_id in towns.get(town_id, []):
            new_by_district[district_id][i] += n
    running = 0
    cumulative = {pk: 0 for pk in new_by_district}
    for i, row in enumerate(rows):
        running += row.new_confirmed
        row.confirmed, row.rate = running, (running / total if total else 0.0)
        for district in districts:
            pk = district.district.pk
            cumulative[pk] += new_by_district[pk][i]
            row.district_rates.append(cumulative[pk] / district.total if district.total else 0.0)
    return rows


def _names(user_ids: set[int]) -> dict[int, str]:
    return {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=user_ids)}


def _moments(event: DisasterEvent, now: datetime.datetime, person_ids: QuerySet) -> list[Moment]:
    """Declared, started, ended (from the event and its audit entries), shelters opened and closed, the first and
    the last safety report received."""
    entries = [
        e
        for e in AuditEntry.objects.filter(
            target_type=AuditTarget.DISASTER_EVENT,
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
            at__gte=event.created_at - datetime.timedelta(minutes=1),
        ).order_by("seq")
        if event.pk in (e.target_ids or [])
    ]
    openings = list(ShelterOpening.objects.filter(event=event).select_related("shelter").order_by("opened_at", "pk"))
    users = {event.declared_by_id, event.ended_by_id} | {e.actor_id_value for e in entries}
    users |= {o.opened_by_id for o in openings} | {o.closed_by_id for o in openings}
    names = _names({u for u in users if u is not None})

    def actor(entry: AuditEntry | None, fallback: int | None) -> str:
        if entry is not None:
            return names.get(entry.actor_id_value, entry.actor_username)
        return names.get(fallback, "") if fallback else ""

    declared = next((e for e in entries if e.action == AuditAction.CREATE), None)
    started = next((e for e in entries if e.action == AuditAction.UPDATE and e.detail.get("started")), None)
    ended = next((e for e in entries if e.action == AuditAction.UPDATE and e.detail.get("ended")), None)
    moments = [
        Moment(declared.at if declared else event.created_at, _("災害を登録"), actor(declared, event.declared_by_id)),
        Moment(
            event.started_at,
            _("開始（予定より早めて開始）") if started else _("開始"),
            actor(started, None) if started else actor(declared, event.declared_by_id),
        ),
    ]
    if event.ended_at is not None and (event.planned_end_at is None or event.ended_at <= event.planned_end_at):
        moments.append(Moment(event.ended_at, _("終了"), actor(ended, event.ended_by_id)))
    elif event.planned_end_at is not None and event.planned_end_at <= now:
        moments.append(Moment(event.planned_end_at, _("終了（終了予定の時刻）")))
    elif event.planned_end_at is not None:
        moments.append(Moment(event.planned_end_at, _("終了予定")))
    for opening in openings:
        name = opening.shelter.name
        moments.append(
            Moment(
                opening.opened_at,
                format_lazy(_("避難所を開設：{name}"), name=name),
                names.get(opening.opened_by_id, ""),
            )
        )
        if opening.closed_at is not None:
            moments.append(
                Moment(
                    opening.closed_at,
                    format_lazy(_("避難所を閉鎖：{name}"), name=name),
                    names.get(opening.closed_by_id or 0, ""),
                )
            )
    received = reports(SafetyReport.objects.filter(event=event, person_id__in=person_ids)).order_by("received_at")
    first = received.values_list("received_at", flat=True).first()
    last = received.reverse().values_list("received_at", flat=True).first()
    if first is not None:
        moments.append(Moment(first, _("最初の安否の報告を受付")))
    if last is not None and last != first:
        moments.append(Moment(last, _("最後の安否の報告を受付")))
    moments.sort(key=lambda m: m.at)
    return moments


def _shelters(event: DisasterEvent, periods: _Periods, until: datetime.datetime) -> list[ShelterUse]:
    """Per shelter of the event: its openings, the persons staying at the end of each period, the peak (at any
    moment, not only on the hour) and when it was first reached. Counts that name no one."""
    openings: dict[int, list[tuple[datetime.datetime, datetime.datetime | None]]] = defaultdict(list)
    for shelter_id, opened_at, closed_at in ShelterOpening.objects.filter(event=event).values_list(
        "shelter_id", "opened_at", "closed_at"
    ):
        openings[shelter_id].append((opened_at, closed_at))
    stays: dict[int, list[tuple[datetime.datetime, datetime.datetime | None]]] = defaultdict(list)
    for shelter_id, arrived_at, departed_at in reports(ShelterStay.objects.filter(event=event)).values_list(
        "shelter_id", "arrived_at", "departed_at"
    ):
        stays[shelter_id].append((arrived_at, departed_at))
    shelters = Shelter.objects.filter(pk__in=set(openings) | set(stays)).in_kana_order()
    samples = [min(periods.bounds(i)[1], until) for i in range(periods.count)]
    result = []
    for shelter in shelters:
        own = stays.get(shelter.pk, [])
        arrivals = sorted(a for a, _d in own)
        departures = sorted(d for _a, d in own if d is not None)

        peak, peak_at, level = 0, None, 0
        # A departure and an arrival at the same moment: the departure first (a move frees the place).
        for moment, change in sorted([(a, 1) for a in arrivals] + [(d, -1) for d in departures]):
            level += change
            if level > peak:
                peak, peak_at = level, moment
        result.append(
            ShelterUse(
                shelter=shelter,
                openings=sorted(openings.get(shelter.pk, []), key=lambda o: o[0]),
                occupancy=[_staying(arrivals, departures, t) for t in samples],
                arrivals=len(arrivals),
                peak=peak,
                peak_at=peak_at,
                final=_staying(arrivals, departures, until),
            )
        )
    result.sort(key=lambda use: (min((o for o, _c in use.openings), default=until), use.shelter.name_kana))
    return result


def _staying(arrivals: list[datetime.datetime], departures: list[datetime.datetime], moment: datetime.datetime) -> int:
    """Persons staying at `moment` (arrived by then, not departed by then), from the sorted times."""
    return bisect.bisect_right(arrivals, moment) - bisect.bisect_right(departures, moment)


def _never_reached(
    event: DisasterEvent, named: QuerySet[Person], towns: dict[int, list[int]], districts: dict[int, District]
) -> list[NeverReached]:
    persons = list(named.select_related("town").order_by("family_name_kana", "given_name_kana", "pk"))
    current = {
        c.person_id: c
        for c in SafetyCurrent.objects.reported().filter(event=event, person_id__in=named.values("pk")).select_related(
            "report", "report__reported_by", "report__shelter"
        )
    }
    return [
        NeverReached(
            person=p,
            districts="、".join(districts[d].name for d in towns.get(p.town_id, []) if d in districts),
            current=current.get(p.pk),
        )
        for p in persons
    ]


# --- downloads --------------------------------------------------------------------------------------------------


@dataclass
class ReportOutput:
    content: bytes
    content_type: str
    filename: OutputFilename


def event_report_export(
    *,
    user,  # noqa: ANN001
    event_id: object,
    output_format: str,
    request: HttpRequest | None = None,
) -> ReportOutput:
    """The report as an A4 PDF or a workbook, with the persons never reached whom the user may see; logged as an
    export of those persons (purpose 災害時の提供)."""
    if output_format not in ("pdf", "xlsx"):
        raise ValueError(output_format)
    report = event_report(user=user, event_id=event_id, names=True, request=request)
    if output_format == "pdf":
        content, content_type = render_report_pdf(report), PDF_CONTENT_TYPE
    else:
        content, content_type = render_report_xlsx(report), XLSX_CONTENT_TYPE
    event = report.event
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.SAFETY_REPORT,
        target_ids=[row.person.pk for row in report.never_reached],
        purpose=DISASTER_ACCESS,
        detail={
            "event": event.pk,
            "report": True,
            "format": output_format,
            "whole": report.whole,
            "never_reached": report.never_reached_total,
            "named": len(report.never_reached),
        },
        request=request,
    )
    what = "災害事後報告（訓練）" if event.is_drill else "災害事後報告"
    filename = output_filename(
        what,
        ascii_what="disaster-drill-report" if event.is_drill else "disaster-report",
        day=today_jst(),
        extension=output_format,
        number=event.name,
        ascii_number=f"event{event.pk}",
    )
    return ReportOutput(content, content_type, filename)


__all__ = [
    "EventReport",
    "NeverReached",
    "ReportOutput",
    "can_open_report",
    "event_report",
    "event_report_export",
    "report_event",
]
