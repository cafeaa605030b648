"""Reads of the directory: what the public sees (lists by district and kind, the search by need, the map, the
printed list, the HSDS export all start from public_services and show places through public_location), and the
staff's worklist of entries no one has confirmed for a year."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tsunagu.areas.models import District, TownDistrict
from tsunagu.directory.models import (
    KIND_ORDER,
    PLACE_KINDS,
    WINDOW_KINDS,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceKind,
    ServiceStatus,
    Topic,
    search_fold,
)
from tsunagu.directory.vocabulary import Need, needs_for

# An entry no one has confirmed for this long is listed for the staff (「確認が必要な情報」).
CHECK_INTERVAL_DAYS = 365
NEXT_DATES = 3


def public_services() -> QuerySet[Service]:
    """Published entries that have not ended, with what every public page shows (no query per entry)."""
    return (
        Service.objects.filter(published=True)
        .exclude(status=ServiceStatus.INACTIVE)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("schedules", queryset=Schedule.objects.order_by("pk")),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__town").order_by("pk"),
            ),
            "service_districts",
        )
    )


def public_service_get(*, service_uuid: str) -> Service | None:
    return public_services().filter(uuid=service_uuid).first()


# -- places -----------------------------------------------------------------------------------------------


class TownAreas:
    """Which districts each 町丁目 lies in (every layer), read once per page."""

    def __init__(self) -> None:
        self.districts_of: dict[int, list[District]] = defaultdict(list)
        self.towns_of: dict[int, set[int]] = defaultdict(set)
        rows = TownDistrict.objects.select_related("district__district_type").order_by(
            "district__district_type__sort_order", "district__code"
        )
        for row in rows:
            self.districts_of[row.town_id].append(row.district)
            self.towns_of[row.district_id].add(row.town_id)

    def area_name(self, town_id: int | None) -> str:
        """The town's district of the first layer (usually the 小学校区): how a hidden place is located."""
        districts = self.districts_of.get(town_id or 0)
        return districts[0].name if districts else ""


@dataclass(frozen=True)
class PublicLocation:
    name: str
    area: str  # the district the place lies in (always shown)
    hidden: bool
    address: str = ""
    postal_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    transportation: str = ""
    accessibility: tuple[str, ...] = ()
    accessibility_note: str = ""


def public_location(location, areas: TownAreas) -> PublicLocation:  # noqa: ANN001 - a directory Location
    """The place as the public may see it. A hidden location keeps its district and its accessibility (what a
    visitor needs to know), never its name, address, 町丁目, transport directions or coordinates."""
    area = areas.area_name(location.town_id)
    if location.hide_exact_location:
        return PublicLocation(
            name=_("所在地は公開していません"),
            area=area,
            hidden=True,
            accessibility=tuple(location.accessibility_labels()),
        )
    return PublicLocation(
        name=location.name,
        area=area,
        hidden=False,
        address=location.address,
        postal_code=location.postal_code,
        latitude=location.latitude,
        longitude=location.longitude,
        transportation=location.transportation,
        accessibility=tuple(location.accessibility_labels()),
        accessibility_note=location.accessibility_note,
    )


@dataclass(frozen=True)
class ScheduleLine:
    text: str
    note: str
    next_dates: tuple[datetime.date, ...]


@dataclass
class Entry:
    """One entry as a public page shows it."""

    service: Service
    locations: list[PublicLocation]
    schedules: list[ScheduleLine]
    served_areas: list[str]  # names of the districts it serves; empty: the whole ward
    local: bool = True  # False: a ward-wide window shown beside a district's own entries
    score: int = 0


def _entry(service: Service, areas: TownAreas, today: datetime.date) -> Entry:
    schedules = [
        ScheduleLine(text=s.describe(), note=s.note, next_dates=tuple(s.next_dates(after=today, count=NEXT_DATES)))
        for s in service.schedules.all()
    ]
    return Entry(
        service=service,
        locations=[public_location(sal.location, areas) for sal in service.service_at_locations.all()],
        schedules=schedules,
        served_areas=[d.name for d in service.service_districts.all()],
    )


def _served_towns(service: Service, areas: TownAreas) -> set[int] | None:
    """The 町丁目 the entry serves or stands in; None when it serves the whole ward."""
    located = {sal.location.town_id for sal in service.service_at_locations.all() if sal.location.town_id}
    districts = list(service.service_districts.all())
    if not districts:
        return None if service.is_window else located
    served = set().union(*(areas.towns_of.get(d.pk, set()) for d in districts))
    return served | located


def entries_for(services: list[Service], *, today: datetime.date, areas: TownAreas | None = None) -> list[Entry]:
    areas = areas or TownAreas()
    return [_entry(s, areas, today) for s in services]


def _sort_key(entry: Entry) -> tuple:
    return (
        -entry.score,
        not entry.local,
        KIND_ORDER.get(entry.service.kind, 99),
        entry.service.name_kana,
        entry.service.name,
    )


def directory_list(*, today: datetime.date, district: District | None = None, kind: str | None = None) -> list[Entry]:
    """Entries by district and kind. With a district: the entries standing in or serving it, then the ward-wide
    windows (区役所, 社協 …) that serve its residents too."""
    services = public_services()
    if kind:
        services = services.filter(kind=kind)
    areas = TownAreas()
    entries = []
    district_towns = areas.towns_of.get(district.pk, set()) if district else None
    for service in services:
        entry = _entry(service, areas, today)
        if district_towns is not None:
            served = _served_towns(service, areas)
            if served is None:
                entry.local = False
            elif not served & district_towns:
                continue
        entries.append(entry)
    entries.sort(key=_sort_key)
    return entries


# -- search by need ---------------------------------------------------------------------------------------

# Weights of the ranking: a topic the need names, a kind of window that answers the need first, words of the query
# found in the entry, and the resident's own district.
TOPIC_WEIGHT = 10
KIND_WEIGHT = 6
TEXT_WEIGHT = 4
DISTRICT_WEIGHT = 8


@dataclass
class SearchResult:
    query: str
    needs: list[Need]
    entries: list[Entry]
    # True when nothing matched and the general windows are offered instead.
    fallback: bool = False

    @property
    def topic_labels(self) -> list[str]:
        seen: list[str] = []
        for need in self.needs:
            for topic in need.topics:
                label = str(Topic(topic).label)
                if label not in seen:
                    seen.append(label)
        return seen


def directory_search(*, query: str, today: datetime.date, town_id: int | None = None) -> SearchResult:
    """Entries answering a need said in plain words: the vocabulary's topics and windows, then the words of the
    query in names and descriptions; entries serving the resident's 町丁目 first. No match at all: the general
    windows (区役所の総合相談, 社協), flagged `fallback` so the page can say so."""
    query = query.strip()[:100]
    needs = needs_for(query)
    specific = [n for n in needs if Topic.GENERAL not in n.topics]
    if specific:
        needs = specific  # 「お金に困っている」 is about money, not any 困りごと
    topics = {t for n in needs for t in n.topics}
    kinds = {k for n in needs for k in n.kinds}
    words = [search_fold(w) for w in query.split() if len(search_fold(w)) >= 2]
    areas = TownAreas()
    entries = []
    for service in public_services():
        matched_topics = topics & set(service.topics)
        score = TOPIC_WEIGHT * len(matched_topics)
        if matched_topics and service.kind in kinds:
            score += KIND_WEIGHT
        if words and all(w in service.search_key for w in words):
            score += TEXT_WEIGHT
        if not score:
            continue
        entry = _entry(service, areas, today)
        if town_id is not None:
            served = _served_towns(service, areas)
            if served is not None and town_id in served:
                score += DISTRICT_WEIGHT
            elif served is not None and service.service_districts.all():
                # Another district's care plaza: still listed (a resident may ask any), after their own.
                score -= DISTRICT_WEIGHT // 2
        entry.score = score
        entries.append(entry)
    entries.sort(key=_sort_key)
    if entries:
        return SearchResult(query=query, needs=needs, entries=entries)
    general = [s for s in public_services() if Topic.GENERAL in s.topics]
    fallback = entries_for(general, today=today, areas=areas)
    fallback.sort(key=_sort_key)
    return SearchResult(query=query, needs=[], entries=fallback, fallback=True)


# -- map, print, staff --------------------------------------------------------------------------------------


def map_features(*, today: datetime.date, kinds: tuple[str, ...] | None = None) -> list[dict]:
    """GeoJSON features of the places that may be shown on a map (hidden locations are left out entirely)."""
    services = public_services()
    if kinds:
        services = services.filter(kind__in=kinds)
    areas = TownAreas()
    features = []
    for service in services:
        entry = _entry(service, areas, today)
        for place in entry.locations:
            if place.hidden or place.latitude is None or place.longitude is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(place.longitude), float(place.latitude)]},
                    "properties": {
                        "kind": "directory",
                        "group": "window" if service.is_window else "place",
                        "name": service.name,
                        "kind_label": service.get_kind_display(),
                        "address": place.address,
                        "schedule": [line.text for line in entry.schedules],
                        "uuid": str(service.uuid),
                    },
                }
            )
    return features


def district_choices() -> QuerySet[District]:
    return District.objects.select_related("district_type").order_by("district_type__sort_order", "code")


def stale_services(*, today: datetime.date) -> QuerySet[Service]:
    """Entries not confirmed by a person in the last CHECK_INTERVAL_DAYS (or never), published or not, oldest
    first: the staff's 「確認が必要な情報」."""
    limit = today - datetime.timedelta(days=CHECK_INTERVAL_DAYS)
    return (
        Service.objects.exclude(status=ServiceStatus.INACTIVE)
        .filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=limit))
        .select_related("organisation", "last_checked_by")
        .order_by("last_checked_on", "name")
    )


def staff_service_list(*, query: str = "", kind: str = "") -> QuerySet[Service]:
    services = Service.objects.select_related("organisation", "last_checked_by", "updated_by").order_by("kind", "name")
    if kind:
        services = services.filter(kind=kind)
    if query.strip():
        services = services.filter(search_key__contains=search_fold(query))
    return services


def staff_service_get(*, service_uuid: str) -> Service | None:
    return Service.objects.select_related("organisation").filter(uuid=service_uuid).first()


def kind_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The kinds as the public filters group them: windows, then places."""
    return [
        (_("相談窓口"), [(k.value, str(k.label)) for k in WINDOW_KINDS]),
        (_("居場所・集いの場"), [(k.value, str(k.label)) for k in PLACE_KINDS]),
    ]


__all__ = [
    "CHECK_INTERVAL_DAYS",
    "Entry",
    "PublicLocation",
    "SearchResult",
    "ServiceKind",
    "TownAreas",
    "directory_list",
    "directory_search",
    "district_choices",
    "entries_for",
    "kind_groups",
    "map_features",
    "public_location",
    "public_service_get",
    "public_services",
    "staff_service_get",
    "staff_service_list",
    "stale_services",
]
