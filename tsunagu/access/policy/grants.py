"""Grants: one reason a viewer may see some residents, at one detail level, for one data scope."""

import datetime
from collections.abc import Hashable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from tsunagu.areas.models import Town, TownDistrict
from tsunagu.organisations.models import ConsentRequirement


class DetailLevel(StrEnum):
    """How much of a person's record a grant shows."""

    FULL = "full"  # professionals: everything incl. 宛名番号, household and history
    COMMUNITY = "community"  # agreement holders: the roster's items (49条の10), nothing internal


# What each detail level may show of a person, in every page, export, map and API: Person field names, plus
# "roster_reasons" (避難支援等を必要とする事由 as the roster build recorded them). The community level is the
# roster's items as 災害対策基本法 49条の10 lists them and nothing else: no 宛名番号, household, history,
# consent records, nor the ward's support attributes (要介護度, 手帳, 難病 …).
COMMUNITY_FIELDS: frozenset[str] = frozenset(
    {
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
        "sex",
        "town",
        "address",
        "address_extra",
        "phone",
        "roster_reasons",
        # The address drawn on a map (geocoded from it): it tells no more than the address, and a 町会 or a
        # commissioner plans evacuation support on the map.
        "latitude",
        "longitude",
    }
)
SUPPORT_FIELDS: frozenset[str] = frozenset(
    {
        "care_level",
        "physical_disability_type",
        "physical_disability_grade",
        "intellectual_disability_grade",
        "mental_disability_grade",
        "intractable_disease",
        "lives_alone",
        "elderly_only_household",
    }
)
FULL_FIELDS: frozenset[str] = (
    COMMUNITY_FIELDS
    | SUPPORT_FIELDS
    | {
        "resident_number",
        "household",
        "status",
        "status_changed_on",
        "events",
        "consents",
    }
)
DETAIL_FIELDS: dict[DetailLevel, frozenset[str]] = {
    DetailLevel.COMMUNITY: COMMUNITY_FIELDS,
    DetailLevel.FULL: FULL_FIELDS,
}


@dataclass(frozen=True)
class Grant:
    """One reason a user may see some residents of one data scope."""

    label: str
    level: DetailLevel
    scope: str
    town_ids: frozenset[int] | None  # None: every town of the instance (a single-ward instance's whole ward)
    include_former: bool = False  # moved-out and deceased residents too
    consent: str = ConsentRequirement.NOT_REQUIRED
    recipient_kind: str = ""
    agreement_id: int | None = None
    # The scope's own limit on a community grant, read by its ScopeRule (the roster: the build whose listed
    # persons the grant reaches; 0 when there is no build yet, so nobody). None: no such limit.
    narrowing: Hashable | None = None


def today() -> datetime.date:
    return timezone.localdate()


def town_ids(district_ids: set[int] | frozenset[int]) -> frozenset[int]:
    """The 町丁目 of these districts (districts of any layer)."""
    if not district_ids:
        return frozenset()
    return frozenset(TownDistrict.objects.filter(district_id__in=district_ids).values_list("town_id", flat=True))


def municipality_town_ids(municipality_ids: frozenset[int], *, whole: bool | None = None) -> frozenset[int] | None:
    """The 町丁目 of these wards; None when they are every town of the instance (one ward per instance, as before
    several wards), which is the same set of persons and lets the policy skip the town filter. `whole`: that
    answer when the caller already knows it (active_memberships reads it with the memberships)."""
    if whole is None:
        whole = not Town.objects.exclude(municipality_id__in=municipality_ids).exists()
    if whole:
        return None
    return frozenset(Town.objects.filter(municipality_id__in=municipality_ids).values_list("pk", flat=True))


def narrow(towns: frozenset[int] | None, narrowed_towns: frozenset[int] | None) -> frozenset[int] | None:
    """A membership's 担当区域 narrows a grant's towns; a membership without one leaves them as they are."""
    if narrowed_towns is None:
        return towns
    return narrowed_towns if towns is None else towns & narrowed_towns
