"""The combined map at ward and city scale: compact points for the area in view, details one marker at a time.

The page asks for the persons inside the view's bounds (`bbox`, padded by the page) at its zoom, and gets
compact rows `[person id, latitude, longitude, label index]`: the label is the first of the person's reasons,
named once in `labels` (the build's rules in their order). Coordinates are rounded to what the zoom can show
(5 decimals ≈ 1 m from zoom 14, 4 ≈ 11 m below). Names, addresses and all reasons of a person leave the
server only when a marker is opened (`roster_map_marker`), one person, one VIEW audit entry.

Who is on the map is decided as before: the latest build's entries among `policy.visible_persons`, and every
points request writes one LIST audit entry naming each person it returned. The marker's details are the build's
snapshot of items every detail level may show (tsunagu.access.policy DETAIL_FIELDS: names, address, reasons)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core import figures
from tsunagu.evacuation.models import SupporterCandidate
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason
from tsunagu.roster.selectors import latest_build
from tsunagu.shelters.selectors import shelter_map_features

__all__ = ["MAX_POINTS", "BBox", "RosterMapMarker", "RosterMapPoints", "roster_map_marker", "roster_map_points"]

# More persons than this in one view (a city at a low zoom): none are sent, the page asks the user to zoom in.
MAX_POINTS = 20_000
# From this zoom on, coordinates keep 5 decimals; below it 4 (a pixel there is wider than 11 m).
FINE_ZOOM = 14


@dataclass(frozen=True)
class BBox:
    """The area in view: west, south, east, north in degrees (Leaflet's toBBoxString order)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """ "w,s,e,n" → BBox; ValueError when it is not four finite numbers of a sensible box."""
        parts = [float(p) for p in text.split(",")]
        if len(parts) != 4 or any(p != p or p in (float("inf"), float("-inf")) for p in parts):
            raise ValueError(text)
        west, south, east, north = parts
        if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
            raise ValueError(text)
        return cls(west, south, east, north)

    def q(self, prefix: str = "") -> Q:
        return Q(
            **{
                f"{prefix}latitude__gte": Decimal(str(self.south)),
                f"{prefix}latitude__lte": Decimal(str(self.north)),
                f"{prefix}longitude__gte": Decimal(str(self.west)),
                f"{prefix}longitude__lte": Decimal(str(self.east)),
            }
        )

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


@dataclass
class RosterMapPoints:
    build_number: int | None
    labels: list[str] = field(default_factory=list)
    persons: list[list] = field(default_factory=list)
    too_many: bool = False
    extent: list[float] | None = None  # [south, west, north, east] of the points left out when too many
    in_view: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    unlocated: list[dict] | None = None
    features: list[dict] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "build": self.build_number,
            "labels": self.labels,
            "persons": self.persons,
            "tooMany": self.too_many,
            "extent": self.extent,
            "inView": self.in_view,
            "counts": self.counts,
            "features": self.features,
        }
        if self.unlocated is not None:
            data["unlocated"] = self.unlocated
        return data


def _reasons_by_person(build: RosterBuild, person_ids: list[int]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    rows = (
        RosterEntryReason.objects.filter(build=build, person_id__in=person_ids)
        .order_by("rule__sort_order", "rule_id")
        .values_list("person_id", "label")
    )
    for person_id, label in rows:
        reasons[person_id].append(label)
    return reasons


def _details(entry: RosterEntry, reasons: list[str]) -> dict[str, Any]:
    """The build's snapshot of what every detail level may show (names, address, reasons)."""
    return {
        "kind": "person",
        "id": entry.person_id,
        "name": f"{entry.family_name}　{entry.given_name}".strip(),
        "address": "　".join(p for p in (entry.town.name + entry.address, entry.address_extra) if p),
        "reasons": reasons,
        "url": reverse("registry:detail", args=[entry.person_id]),
    }


def _others(viewer: policy.Viewer, bbox: BBox | None) -> list[dict]:
    """Shelters (public) and, for professionals, supporter candidates, in GeoJSON as the shelter map has them."""
    features = shelter_map_features()
    if viewer.is_professional:
        candidates = SupporterCandidate.objects.filter(is_active=True)
        if bbox is not None:
            candidates = candidates.filter(bbox.q())
        for candidate in candidates.order_by("pk"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(candidate.longitude), float(candidate.latitude)],
                    },
                    "properties": {
                        "kind": "candidate",
                        "id": candidate.pk,
                        "name": candidate.name,
                        "kind_label": candidate.get_kind_display(),
                        "address": candidate.address,
                        "phone": candidate.phone,
                        "capacity": candidate.capacity,
                    },
                }
            )
    if bbox is not None:
        features = [
            f for f in features if bbox.contains(f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
        ]
    return features


def roster_map_points(
    *,
    user: Any,
    bbox: BBox | None = None,
    zoom: int | None = None,
    with_unlocated: bool = False,
    request: HttpRequest | None = None,
) -> RosterMapPoints:
    """The listed persons this user may see inside `bbox` (all of them without one), as compact rows; with
    `with_unlocated`, also the persons without coordinates (name, address, reasons: they are listed under the
    map) and the counts of the whole scope. A fixed number of queries; one LIST audit entry naming every
    person returned."""
    viewer = policy.viewer_for(user)
    build = latest_build(viewer)
    data = RosterMapPoints(build_number=build.number if build else None)
    returned: list[int] = []
    if build is not None:
        data.labels = [rule["label"] for rule in build.rules]
        label_of = {rule["id"]: index for index, rule in enumerate(build.rules)}
        entries = policy.rows_of_visible_persons(
            RosterEntry.objects.filter(build=build), viewer, town_ref="person_town_id"
        )
        first_rule = (
            RosterEntryReason.objects.filter(build=build, person_id=OuterRef("person_id"))
            .order_by("rule__sort_order", "rule_id")
            .values("rule_id")[:1]
        )
        located = entries.filter(person__latitude__isnull=False, person__longitude__isnull=False)
        if bbox is not None:
            located = located.filter(bbox.q("person__"))
        data.in_view = figures.count(located)
        if data.in_view > MAX_POINTS:
            data.too_many = True
            box = figures.kept_figure(
                "extent",
                located,
                lambda: located.aggregate(
                    s=Min("person__latitude"),
                    w=Min("person__longitude"),
                    n=Max("person__latitude"),
                    e=Max("person__longitude"),
                ),
            )
            data.extent = [float(box["s"]), float(box["w"]), float(box["n"]), float(box["e"])]
        else:
            digits = 5 if zoom is None or zoom >= FINE_ZOOM else 4
            rows = (
                located.annotate(first_rule=Subquery(first_rule))
                .order_by("person_id")
                .values_list("person_id", "person__latitude", "person__longitude", "first_rule")
            )
            for person_id, latitude, longitude, rule_id in rows:
                data.persons.append(
                    [
                        person_id,
                        round(float(latitude), digits),
                        round(float(longitude), digits),
                        label_of.get(rule_id, -1),
                    ]
                )
                returned.append(person_id)
        if with_unlocated:
            missing = list(
                entries.filter(Q(person__latitude__isnull=True) | Q(person__longitude__isnull=True))
                .select_related("town")
                .order_by("town__code", "address", "family_name_kana", "given_name_kana", "pk")
            )
            reasons = _reasons_by_person(build, [e.person_id for e in missing])
            data.unlocated = [_details(e, reasons.get(e.person_id, [])) for e in missing]
            returned += [e.person_id for e in missing]
            total = figures.count(entries)
            data.counts = {"persons": total, "located": total - len(missing), "unlocated": len(missing)}
    elif with_unlocated:
        data.unlocated = []
        data.counts = {"persons": 0, "located": 0, "unlocated": 0}
    data.features = _others(viewer, bbox)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type="person",
        target_ids=sorted(returned),
        detail={
            "view": "roster_map_points",
            "build": data.build_number,
            "bbox": [bbox.west, bbox.south, bbox.east, bbox.north] if bbox else None,
            "zoom": zoom,
            "too_many": data.too_many,
        },
        request=request,
    )
    return data


@dataclass
class RosterMapMarker:
    properties: dict[str, Any]


def roster_map_marker(*, user: Any, person_id: object, request: HttpRequest | None = None) -> RosterMapMarker:
    """One marker's details: the person must be one this user may see (else Http404, logged by the policy) and
    listed in the latest build (else Http404). One VIEW audit entry."""
    person = policy.person_or_deny(user, person_id, request=request)
    build = latest_build(user)
    entry = (
        RosterEntry.objects.filter(build=build, person=person).select_related("town").first()
        if build is not None
        else None
    )
    if entry is None:
        raise Http404
    reasons = _reasons_by_person(build, [person.pk]).get(person.pk, [])
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="person",
        target_ids=[person.pk],
        detail={"view": "roster_map_marker", "build": build.number},
        request=request,
    )
    return RosterMapMarker(properties=_details(entry, reasons))
