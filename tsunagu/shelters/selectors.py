"""Reads of the shelter registry. Shelters are public places, not personal data: any signed-in user may see
them and no audit entry is written."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from tsunagu.shelters.models import HAZARD_FIELDS, Shelter

__all__ = [
    "HAZARD_LABELS",
    "ShelterFilters",
    "shelter_choices",
    "shelter_get",
    "shelter_hazard_labels",
    "shelter_list",
    "shelter_map_features",
]

HAZARD_LABELS = dict(HAZARD_FIELDS)


@dataclass(frozen=True)
class ShelterFilters:
    q: str = ""
    hazard: str = ""  # one of the HAZARD_FIELDS names
    welfare_only: bool = False


def shelter_list(*, filters: ShelterFilters | None = None) -> QuerySet[Shelter]:
    filters = filters or ShelterFilters()
    qs = Shelter.objects.all()
    for word in filters.q.split():
        qs = qs.filter(Q(name__icontains=word) | Q(name_kana__icontains=word) | Q(address__icontains=word))
    if filters.hazard in HAZARD_LABELS:
        qs = qs.filter(**{filters.hazard: True})
    if filters.welfare_only:
        qs = qs.filter(is_welfare_shelter=True)
    return qs.in_kana_order()


def shelter_choices() -> QuerySet[Shelter]:
    """Every shelter, for a choice list (the evacuation plan form's 避難先), in the list page's order."""
    return Shelter.objects.in_kana_order()


def shelter_get(*, shelter_id: int) -> Shelter | None:
    return Shelter.objects.filter(pk=shelter_id).first()


def shelter_hazard_labels(shelter: Shelter) -> list[str]:
    return [label for field, label in HAZARD_FIELDS if getattr(shelter, field)]


def shelter_map_features(*, filters: ShelterFilters | None = None) -> list[dict]:
    """GeoJSON features of the shelters that have coordinates (one query)."""
    features = []
    for shelter in shelter_list(filters=filters).filter(latitude__isnull=False, longitude__isnull=False):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(shelter.longitude), float(shelter.latitude)]},
                "properties": {
                    "kind": "shelter",
                    "id": shelter.pk,
                    "name": shelter.name,
                    "address": shelter.address,
                    "hazards": shelter_hazard_labels(shelter),
                    "welfare": shelter.is_welfare_shelter,
                    "capacity": shelter.capacity,
                    "url": reverse("shelters:detail", args=[shelter.pk]),
                },
            }
        )
    return features
