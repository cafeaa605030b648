"""Reads for the supporter's phone and the JSON API: the events a user works in, an event's persons (nearest
first from where the phone is, or by kana) with their current status, and the reports received since a moment
(to keep a phone in step). Persons are read only through the disaster scope (event_persons); every list that
names persons is audit-logged as disaster access."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Value
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.people.models import Person

from ..models import DisasterEvent, SafetyCurrent, SafetyReport
from ..services.events import DISASTER_ACCESS, event_of_ward
from .safety import event_persons

# Events that ended longer ago than this are no longer offered to phones (the dashboard and the report keep them).
RECENT_EVENT_DAYS = 30
# The most reports one sync answer carries; `more` tells the phone to ask again from the last one.
SYNC_LIMIT = 500
# A report is stamped when it is inserted but seen by others only when its transaction commits: the next sync
# starts this far back, so a report committed late is not skipped (the phone drops the repeats by id).
SYNC_OVERLAP = datetime.timedelta(seconds=60)
EARTH_RADIUS_M = 6_371_000
KANA_ORDER = ("family_name_kana", "given_name_kana", "pk")


def phone_events(user) -> list[DisasterEvent]:  # noqa: ANN001
    """The events of the user's ward(s) a supporter may work in: in force, declared for later, or ended within
    RECENT_EVENT_DAYS; newest first. Names and dates only (no personal data, so not logged)."""
    since = timezone.now() - datetime.timedelta(days=RECENT_EVENT_DAYS)
    wards = policy.viewer_for(user).municipality_ids
    return list(
        DisasterEvent.objects.filter(municipality_id__in=wards)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=since))
        .filter(Q(planned_end_at__isnull=True) | Q(planned_end_at__gt=since))
        .prefetch_related("districts__district_type")
    )


@dataclass(frozen=True)
class Origin:
    """Where the phone is (WGS 84 degrees)."""

    latitude: float
    longitude: float


def distance_m(origin: Origin, latitude: Decimal | float | None, longitude: Decimal | float | None) -> float | None:
    """The great-circle distance in metres (haversine), or None when the person has no location."""
    if latitude is None or longitude is None:
        return None
    lat1, lat2 = math.radians(origin.latitude), math.radians(float(latitude))
    d_lat = lat2 - lat1
    d_lng = math.radians(float(longitude) - origin.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _nearness(origin: Origin):  # noqa: ANN202
    """An expression that orders persons by distance from `origin` in the database (the square of the
    equirectangular distance: the same order as the true distance at a ward's scale, and plain arithmetic that
    SQLite and PostgreSQL both compute)."""
    lat0 = Decimal(str(round(origin.latitude, 7)))
    lng0 = Decimal(str(round(origin.longitude, 7)))
    shrink = Decimal(str(round(math.cos(math.radians(origin.latitude)), 9)))
    d_lat = F("latitude") - Value(lat0)
    d_lng = (F("longitude") - Value(lng0)) * Value(shrink)
    return d_lat * d_lat + d_lng * d_lng


@dataclass(frozen=True)
class PhonePersonRow:
    person: Person
    current: SafetyCurrent | None
    distance_m: float | None


@dataclass(frozen=True)
class PhonePersonPage:
    event: DisasterEvent
    rows: list[PhonePersonRow]
    total: int
    page: int
    pages: int
    page_size: int
    origin: Origin | None


def phone_persons(
    *,
    user,  # noqa: ANN001
    event_id: object,
    origin: Origin | None = None,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
) -> PhonePersonPage:
    """One page of the event's persons this user may see through the disaster scope, with each one's current
    status: nearest first from `origin` (persons without a location last), or by kana. A page past the end has
    no rows. The persons shown are logged as disaster access."""
    event = event_of_ward(user, event_id, request=request)
    persons = event_persons(user, event).select_related("town")
    total = persons.count()
    if origin is not None:
        persons = persons.annotate(nearness=_nearness(origin)).order_by(F("nearness").asc(nulls_last=True), *KANA_ORDER)
    else:
        persons = persons.order_by(*KANA_ORDER)
    start = (page - 1) * page_size
    chosen = list(persons[start : start + page_size]) if start < total else []
    reported = SafetyCurrent.objects.reported().filter(event=event, person_id__in=[p.pk for p in chosen])
    current = {c.person_id: c for c in reported}
    rows = [
        PhonePersonRow(
            person=p,
            current=current.get(p.pk),
            distance_m=distance_m(origin, p.latitude, p.longitude) if origin is not None else None,
        )
        for p in chosen
    ]
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SAFETY_REPORT,
            target_ids=[r.person.pk for r in rows],
            purpose=DISASTER_ACCESS,
            # Whether the list was ordered from the phone's location, never the location itself.
            detail={"event": event.pk, "page": page, "nearest_first": origin is not None},
            request=request,
        )
    return PhonePersonPage(
        event=event,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / page_size)),
        page_size=page_size,
        origin=origin,
    )


@dataclass(frozen=True)
class ReportBatch:
    event: DisasterEvent
    reports: list[SafetyReport]
    until: datetime.datetime  # the `since` of the next sync
    more: bool  # more reports wait: ask again at once with since=until


def reports_since(
    *,
    user,  # noqa: ANN001
    event_id: object,
    since: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> ReportBatch:
    """The event's reports about persons this user may see, received at or after `since` (all when None), oldest
    first, at most SYNC_LIMIT. Logged as disaster access when any is returned."""
    event = event_of_ward(user, event_id, request=request)
    now = timezone.now()
    reports = SafetyReport.objects.filter(event=event, person_id__in=event_persons(user, event).values("pk"))
    if since is not None:
        reports = reports.filter(received_at__gte=since)
    batch = list(reports.select_related("reported_by", "shelter").order_by("received_at", "pk")[: SYNC_LIMIT + 1])
    more = len(batch) > SYNC_LIMIT
    batch = batch[:SYNC_LIMIT]
    if more:
        until = batch[-1].received_at
    else:
        until = now - SYNC_OVERLAP
        if since is not None:
            until = max(until, min(since, now))
    if batch:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SAFETY_REPORT,
            target_ids=sorted({r.person_id for r in batch}),
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk, "reports": len(batch), "sync": True},
            request=request,
        )
    return ReportBatch(event=event, reports=batch, until=until, more=more)
