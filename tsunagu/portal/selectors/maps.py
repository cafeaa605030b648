"""The combined map: listed persons (避難行動要支援者名簿 on a map) with shelters and supporter candidates.

The page is a shell; its data comes from map/data.json, which is where personal data leaves the server, so the
policy is applied and the audit entry written there. A viewer sees exactly the persons of the latest roster
build that tsunagu.access.policy.visible_persons lets them see (consent withdrawn → gone at once). Persons whose
address has no coordinates yet are listed as 「位置不明」 rather than left off silently."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.evacuation.models import SupporterCandidate
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason
from tsunagu.shelters.selectors import shelter_map_features

__all__ = ["RosterMapData", "roster_map_data"]


@dataclass
class RosterMapData:
    build_number: int | None
    features: list[dict] = field(default_factory=list)
    unlocated: list[dict] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)

    def as_geojson(self) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": self.features,
            "unlocated": self.unlocated,
            "build": self.build_number,
            "counts": {
                "persons": len(self.person_ids),
                "located": len(self.person_ids) - len(self.unlocated),
                "unlocated": len(self.unlocated),
            },
        }


def _point(longitude: Any, latitude: Any, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": properties,
    }


def roster_map_data(*, user: Any, request: HttpRequest | None = None) -> RosterMapData:
    """The persons of the latest roster build this user may see, the shelters, and — for professionals with a
    full grant — the supporter candidates. A fixed number of queries whatever the number of rows; one LIST audit
    entry naming every person returned."""
    viewer = policy.viewer_for(user)
    build = RosterBuild.current(viewer.ward_id)
    data = RosterMapData(build_number=build.number if build else None)
    if build is not None:
        entries = list(
            policy.rows_of_visible_persons(RosterEntry.objects.filter(build=build), viewer, town_ref="person_town_id")
            .select_related("town", "person")
            .order_by("town__code", "address", "family_name_kana", "given_name_kana", "pk")
        )
        reasons: dict[int, list[str]] = defaultdict(list)
        reason_rows = (
            RosterEntryReason.objects.filter(build=build, person_id__in=[e.person_id for e in entries])
            .order_by("rule__sort_order", "rule_id")
            .values_list("person_id", "label")
        )
        for person_id, label in reason_rows:
            reasons[person_id].append(label)
        for entry in entries:
            person = entry.person
            properties = {
                "kind": "person",
                "id": person.pk,
                # The build's snapshot of the legal items: what the roster says, as distributed.
                "name": f"{entry.family_name}　{entry.given_name}".strip(),
                "address": "　".join(p for p in (entry.town.name + entry.address, entry.address_extra) if p),
                "reasons": reasons.get(person.pk, []),
                "url": reverse("registry:detail", args=[person.pk]),
            }
            data.person_ids.append(person.pk)
            if person.latitude is None or person.longitude is None:
                data.unlocated.append(properties)
            else:
                data.features.append(_point(person.longitude, person.latitude, properties))
    data.features.extend(shelter_map_features())
    # Candidates are volunteers and neighbours: their names and phones are for the professionals who match them.
    if viewer.is_professional:
        for candidate in SupporterCandidate.objects.filter(is_active=True).order_by("pk"):
            properties = {
                "kind": "candidate",
                "id": candidate.pk,
                "name": candidate.name,
                "kind_label": candidate.get_kind_display(),
                "address": candidate.address,
                "phone": candidate.phone,
                "capacity": candidate.capacity,
            }
            data.features.append(_point(candidate.longitude, candidate.latitude, properties))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type="person",
        target_ids=data.person_ids,
        detail={"view": "roster_map", "build": data.build_number, "unlocated": len(data.unlocated)},
        request=request,
    )
    return data
