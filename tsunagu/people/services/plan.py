"""Comparing the rows with the registry: who is new, what changed, who moved, moved out or died.

Everything here is worked out in Python against the residents loaded once; nothing is written."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tsunagu.core.japanese import kana_search_key, name_search_key, town_name_key
from tsunagu.people.models import Person, ResidencyEventKind, ResidentStatus
from tsunagu.people.services.batching import LOOKUP_CHUNK, chunks
from tsunagu.people.services.rows import Row
from tsunagu.people.services.towns import Towns

# Person attributes taken straight from a column (the rest: household, town, status, dates are resolved).
_PLAIN_FIELDS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex",
    "address", "address_extra", "phone", "care_level", "physical_disability_type", "physical_disability_grade",
    "intellectual_disability_grade", "mental_disability_grade", "intractable_disease", "lives_alone",
    "elderly_only_household",
)  # fmt: skip
# A change to one of these is a correction of who the person is, kept as a CORRECTED event.
_IDENTITY_FIELDS = frozenset(
    {"family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex"}
)


def existing_persons(numbers: Sequence[str]) -> dict[str, Person]:
    """The registered residents the file names, by 宛名番号."""
    registered = Person.objects.count()
    if registered <= 2 * len(numbers):
        # The file names most of the registry (or the registry is empty): one scan beats many lookups.
        wanted = set(numbers)
        return {p.resident_number: p for p in Person.objects.iterator(chunk_size=5000) if p.resident_number in wanted}
    existing: dict[str, Person] = {}
    for chunk in chunks(numbers, LOOKUP_CHUNK):
        for person in Person.objects.filter(resident_number__in=chunk):
            existing[person.resident_number] = person
    return existing


class _Keys:
    """Search keys, remembered per name part: surnames and readings repeat a great deal in a ward.

    Keys are built part by part and joined; for registered names (no combining marks at a part's start) this
    equals the key of the joined name, which is what the rest of the app computes."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._kana: dict[str, str] = {}

    def name(self, family: str, given: str) -> str:
        return self._name(family) + self._name(given)

    def kana(self, family: str, given: str) -> str:
        return self._kana_part(family) + self._kana_part(given)

    def _name(self, text: str) -> str:
        key = self._names.get(text)
        if key is None:
            key = self._names[text] = name_search_key(text)
        return key

    def _kana_part(self, text: str) -> str:
        key = self._kana.get(text)
        if key is None:
            key = self._kana[text] = kana_search_key(text)
        return key


@dataclass
class Plan:
    new: list[Person] = field(default_factory=list)
    updates: dict[tuple[str, ...], list[Person]] = field(default_factory=lambda: defaultdict(list))
    events: list[tuple[Person, str, datetime.date, dict[str, Any]]] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("created", "updated", "unchanged", "moved_within", "moved_out", "died", "returned", "corrected"), 0
        )
    )

    def event(self, person: Person, kind: str, day: datetime.date, details: dict[str, Any] | None = None) -> None:
        self.events.append((person, kind, day, details or {}))
        counted = {
            ResidencyEventKind.MOVED_WITHIN: "moved_within",
            ResidencyEventKind.MOVED_OUT: "moved_out",
            ResidencyEventKind.DIED: "died",
            ResidencyEventKind.RETURNED: "returned",
            ResidencyEventKind.CORRECTED: "corrected",
        }.get(kind)
        if counted:
            self.counts[counted] += 1


_STATUS_EVENT = {
    ResidentStatus.MOVED_OUT: ResidencyEventKind.MOVED_OUT,
    ResidentStatus.DECEASED: ResidencyEventKind.DIED,
}


def make_plan(
    rows: list[Row], *, existing: dict[str, Person], households: dict[str, int], towns: Towns, today: datetime.date
) -> Plan:
    """What the file changes, worked out in Python against the loaded residents."""
    plan = Plan()
    keys = _Keys()
    for row in rows:
        values = row.values
        if row.household_number is not None:
            values["household_id"] = households[row.household_number] if row.household_number else None
        person = existing.get(row.resident_number)
        if person is None:
            _plan_new(plan, row, keys, today)
        else:
            _plan_existing(plan, row, person, keys, towns, today)
    return plan


def _plan_new(plan: Plan, row: Row, keys: _Keys, today: datetime.date) -> None:
    status = row.status or ResidentStatus.RESIDENT
    changed_on = row.moved_on if status == ResidentStatus.RESIDENT else (row.moved_on or today)
    person = Person(resident_number=row.resident_number, status=status, status_changed_on=changed_on, **row.values)
    person.name_key = keys.name(person.family_name, person.given_name)
    person.kana_key = keys.kana(person.family_name_kana, person.given_name_kana)
    plan.new.append(person)
    plan.counts["created"] += 1
    if status == ResidentStatus.RESIDENT and row.moved_on is not None:
        plan.event(person, ResidencyEventKind.MOVED_IN, row.moved_on)
        return
    plan.event(person, ResidencyEventKind.REGISTERED, today)
    if status != ResidentStatus.RESIDENT:
        plan.event(person, _STATUS_EVENT[status], changed_on)


def _plan_existing(plan: Plan, row: Row, person: Person, keys: _Keys, towns: Towns, today: datetime.date) -> None:
    changed = [name for name, value in row.values.items() if getattr(person, name) != value]
    old_status = person.status
    new_status = row.status or old_status
    if not changed and new_status == old_status:
        plan.counts["unchanged"] += 1
        return
    old_address = _address(person)
    before = towns.describe(*old_address)
    for name in changed:
        setattr(person, name, row.values[name])
    identity = sorted(_IDENTITY_FIELDS.intersection(changed))
    if identity:
        name_key = keys.name(person.family_name, person.given_name)
        kana_key = keys.kana(person.family_name_kana, person.given_name_kana)
        changed += [n for n, v in (("name_key", name_key), ("kana_key", kana_key)) if getattr(person, n) != v]
        person.name_key, person.kana_key = name_key, kana_key
    day = row.moved_on or today
    if new_status != old_status:
        person.status, person.status_changed_on = new_status, day
        changed += ["status", "status_changed_on"]
        if old_status == ResidentStatus.DECEASED:
            # The registry does not bring the dead back: this undoes a wrong entry, so it is a correction.
            identity = sorted({*identity, "status"})
        elif new_status == ResidentStatus.RESIDENT:
            plan.event(person, ResidencyEventKind.RETURNED, day, {"to": towns.describe(*_address(person))})
        else:
            plan.event(person, _STATUS_EVENT[new_status], day)
    elif new_status == ResidentStatus.RESIDENT and _moved(old_address, _address(person)):
        after = towns.describe(*_address(person))
        plan.event(person, ResidencyEventKind.MOVED_WITHIN, day, {"from": before, "to": after})
    if identity:
        plan.event(person, ResidencyEventKind.CORRECTED, today, {"fields": identity})
    plan.updates[tuple(sorted(changed))].append(person)
    plan.counts["updated"] += 1


def _address(person: Person) -> tuple[int, str, str]:
    return person.town_id, person.address, person.address_extra


def _moved(old: tuple[int, str, str], new: tuple[int, str, str]) -> bool:
    """Whether the address changed beyond how it is written: ２－５－８ rewritten as 2-5-8 is stored as written,
    but it is the same home, so no 区内転居 is recorded (the same folding as town names and the 世帯番号 rule)."""
    if old == new:
        return False
    return old[0] != new[0] or any(town_name_key(a) != town_name_key(b) for a, b in zip(old[1:], new[1:], strict=True))
