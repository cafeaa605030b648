"""Comparing the rows with the registry: who is new, what changed, who moved, moved out or died.

Worked out in Python, batch by batch, against the residents of the batch read in one query; nothing is written
here. Unchanged rows cost one tuple comparison."""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router

from tsunagu.core.japanese import kana_search_key, name_search_key, town_name_key
from tsunagu.people.models import Person, ResidencyEventKind, ResidentStatus
from tsunagu.people.services.batching import chunks
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
_IDENTITY_FIELDS = frozenset({"family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex"})


# What the import reads of a registered resident: enough to compare, to plan the change and to check households.
EXISTING_FIELDS = (
    "id", "household_id", "town_id", "status", "status_changed_on", "name_key", "kana_key", *_PLAIN_FIELDS,
)  # fmt: skip
FIELD_INDEX = {name: index for index, name in enumerate(EXISTING_FIELDS)}
# The columns of a new resident's row, as written by core.bulk.insert_rows.
NEW_COLUMNS = (
    "id", "resident_number", *_PLAIN_FIELDS, "town_id", "household_id", "status", "status_changed_on",
    "name_key", "kana_key", "created_at", "updated_at",
)  # fmt: skip
_DEFAULTS = tuple((name, Person._meta.get_field(name).get_default()) for name in _PLAIN_FIELDS)

_PLAIN_GETTER = operator.itemgetter(*_PLAIN_FIELDS)

Registered = tuple[Any, ...]  # a resident as read: the values of EXISTING_FIELDS


def existing_persons(numbers: Sequence[str]) -> dict[str, Registered]:
    """The registered residents the numbers name, by 宛名番号: one query per batch on PostgreSQL (= ANY of an
    array), chunks under the parameter limit on SQLite (where a date the driver did not convert is read here)."""
    connection = connections[router.db_for_read(Person)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Person._meta.get_field(name).column) for name in ("resident_number", *EXISTING_FIELDS))
    select = f"SELECT {columns} FROM {quote(Person._meta.db_table)} WHERE resident_number"  # noqa: S608
    existing: dict[str, Registered] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [list(numbers)])
            for values in cursor.fetchall():
                existing[values[0]] = values[1:]
            return existing
        limit = connection.features.max_query_params or 999
        dates = [FIELD_INDEX[name] + 1 for name in ("status_changed_on", "birth_date")]
        for chunk in chunks(numbers, min(limit - 10, 5000)):
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
            for values in cursor.fetchall():
                row = list(values)
                for index in dates:
                    if isinstance(row[index], str):
                        row[index] = _date(row[index])
                existing[row[0]] = tuple(row[1:])
    return existing


@functools.lru_cache(maxsize=65536)
def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


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
    """What one batch of rows changes: new residents as rows for insert_rows (NEW_COLUMNS, without the times),
    changed residents by the fields that change, and events as (person id, kind, day, details)."""

    new: list[list[Any]] = field(default_factory=list)
    updates: dict[tuple[str, ...], list[Person]] = field(default_factory=lambda: defaultdict(list))
    events: list[tuple[int, str, datetime.date, dict[str, Any]]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def event(self, person_id: int, kind: str, day: datetime.date, details: dict[str, Any] | None = None) -> None:
        self.events.append((person_id, kind, day, details or {}))
        counted = _COUNTED.get(kind)
        if counted:
            self.counts[counted] += 1


COUNT_NAMES = ("created", "updated", "unchanged", "moved_within", "moved_out", "died", "returned", "corrected")
_COUNTED = {
    ResidencyEventKind.MOVED_WITHIN: "moved_within",
    ResidencyEventKind.MOVED_OUT: "moved_out",
    ResidencyEventKind.DIED: "died",
    ResidencyEventKind.RETURNED: "returned",
    ResidencyEventKind.CORRECTED: "corrected",
}
_STATUS_EVENT = {
    ResidentStatus.MOVED_OUT: ResidencyEventKind.MOVED_OUT,
    ResidentStatus.DECEASED: ResidencyEventKind.DIED,
}


class Planner:
    """Compares rows with the registry, batch after batch; remembers folded keys across batches."""

    def __init__(self, *, towns: Towns, today: datetime.date) -> None:
        self.towns = towns
        self.today = today
        self.keys = _Keys()
        self.counts = dict.fromkeys(COUNT_NAMES, 0)
        self._compare: tuple[tuple[str, ...], Callable[[Registered], tuple[Any, ...]]] | None = None

    def plan(
        self, rows: list[Row], *, existing: dict[str, Registered], households: dict[str, int], new_ids: Iterator[int]
    ) -> Plan:
        """What the rows change, worked out in Python against the loaded residents."""
        plan = Plan(counts=self.counts)
        for row in rows:
            values = row.values
            if row.household_number is not None:
                values["household_id"] = households[row.household_number] if row.household_number else None
            registered = existing.get(row.resident_number)
            if registered is None:
                self._plan_new(plan, row, next(new_ids))
                continue
            _names, pick = self._comparer(values)
            if pick(registered) == tuple(values.values()) and row.status in (None, registered[3]):
                self.counts["unchanged"] += 1
                continue
            person = Person(**dict(zip(EXISTING_FIELDS, registered, strict=True)))
            person.resident_number = row.resident_number
            _plan_existing(plan, row, person, self.keys, self.towns, self.today)
        return plan

    def _comparer(self, values: dict[str, Any]) -> tuple[tuple[str, ...], Callable[[Registered], tuple[Any, ...]]]:
        names = tuple(values)
        if self._compare is None or self._compare[0] != names:
            getter = operator.itemgetter(*(FIELD_INDEX[name] for name in names))
            pick = getter if len(names) > 1 else (lambda registered: (getter(registered),))
            self._compare = (names, pick)
        return self._compare

    def _plan_new(self, plan: Plan, row: Row, person_id: int) -> None:
        status = row.status or ResidentStatus.RESIDENT
        changed_on = row.moved_on if status == ResidentStatus.RESIDENT else (row.moved_on or self.today)
        values = row.values
        keys = self.keys
        try:
            plain = _PLAIN_GETTER(values)  # every column in the file: one C call
        except KeyError:
            plain = [values.get(name, default) for name, default in _DEFAULTS]
        plan.new.append(
            [
                person_id,
                row.resident_number,
                *plain,
                values["town_id"],
                values.get("household_id"),
                status,
                changed_on,
                keys.name(plain[0], plain[1]),
                keys.kana(plain[2], plain[3]),
            ]
        )
        plan.counts["created"] += 1
        if status == ResidentStatus.RESIDENT and row.moved_on is not None:
            plan.event(person_id, ResidencyEventKind.MOVED_IN, row.moved_on)
            return
        plan.event(person_id, ResidencyEventKind.REGISTERED, self.today)
        if status != ResidentStatus.RESIDENT:
            plan.event(person_id, _STATUS_EVENT[status], changed_on)


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
            plan.event(person.pk, ResidencyEventKind.RETURNED, day, {"to": towns.describe(*_address(person))})
        else:
            plan.event(person.pk, _STATUS_EVENT[new_status], day)
    elif new_status == ResidentStatus.RESIDENT and _moved(old_address, _address(person)):
        after = towns.describe(*_address(person))
        plan.event(person.pk, ResidencyEventKind.MOVED_WITHIN, day, {"from": before, "to": after})
    if identity:
        plan.event(person.pk, ResidencyEventKind.CORRECTED, today, {"fields": identity})
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
