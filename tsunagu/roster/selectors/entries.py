"""What a roster entry says, in words: its fields as staff read them, its support attributes as short phrases,
and the recorded reasons (事由) of the listed persons."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.core.wareki import format_wareki
from tsunagu.people.models import CareLevel, IntellectualGrade, PhysicalDisabilityType, Sex

from ..models import RosterBuild, RosterEntry, RosterEntryReason

# The legal items (49条の10) and the ward's additions, in the order the diff page lists them.
LEGAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "town_id",
    "address",
    "address_extra",
    "phone",
)
SUPPORT_FIELDS = (
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
)
REASONS_FIELD = "reasons"


def latest_build(user=None) -> RosterBuild | None:  # noqa: ANN001 - a User, a Viewer or None
    """The build in force in the user's ward (RosterBuild.current: the only or home ward without one)."""
    return RosterBuild.current(policy.viewer_for(user).ward_id if user is not None else None)


def reasons_by_person(build: RosterBuild, person_ids: list[int]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    rows = (
        RosterEntryReason.objects.filter(build=build, person_id__in=person_ids)
        .order_by("rule__sort_order", "rule_id")
        .values_list("person_id", "label")
    )
    for person_id, label in rows:
        reasons[person_id].append(label)
    return reasons


def entry_label(name: str) -> str:
    if name == REASONS_FIELD:
        return _("事由")
    if name == "town_id":  # the model field has no verbose name of its own
        return _("町丁目")
    return str(RosterEntry._meta.get_field(name.removesuffix("_id")).verbose_name)


_CHOICES = {
    "sex": dict(Sex.choices),
    "care_level": dict(CareLevel.choices),
    "physical_disability_type": dict(PhysicalDisabilityType.choices),
    "intellectual_disability_grade": dict(IntellectualGrade.choices),
}


def entry_display(entry: RosterEntry, name: str) -> str:
    value = getattr(entry, name)
    if name == "town_id":
        return entry.town.name
    if value is None or value == "":
        return _("なし")
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime.date):
        return format_wareki(value)
    if name in ("physical_disability_grade", "mental_disability_grade"):
        return _("{grade}級").format(grade=value)
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    return str(value)


def entry_support_phrases(entry: RosterEntry) -> list[str]:
    phrases = []
    if entry.care_level:
        phrases.append(entry_display(entry, "care_level"))
    if entry.physical_disability_type or entry.physical_disability_grade:
        kind = entry_display(entry, "physical_disability_type") if entry.physical_disability_type else ""
        grade = entry_display(entry, "physical_disability_grade") if entry.physical_disability_grade else ""
        phrases.append(_("身体障害者手帳 {kind}{grade}").format(kind=kind, grade=grade).strip())
    if entry.intellectual_disability_grade:
        phrases.append(_("療育手帳 {grade}").format(grade=entry_display(entry, "intellectual_disability_grade")))
    if entry.mental_disability_grade:
        phrases.append(
            _("精神障害者保健福祉手帳 {grade}").format(grade=entry_display(entry, "mental_disability_grade"))
        )
    if entry.intractable_disease:
        phrases.append(_("難病"))
    if entry.lives_alone:
        phrases.append(_("ひとり暮らし"))
    if entry.elderly_only_household:
        phrases.append(_("高齢者のみ世帯"))
    return phrases
