"""Writing one batch of the plan: households, new residents (their ids taken from the database's sequence, so
that their events can name them without reading them back), changed fields, events."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from tsunagu.core.bulk import insert_rows
from tsunagu.core.figures import figures_changed
from tsunagu.people.models import Household, Person, ResidencyEvent
from tsunagu.people.services.batching import LOOKUP_CHUNK, chunks
from tsunagu.people.services.plan import NEW_COLUMNS, Plan

EVENT_COLUMNS = ("person_id", "kind", "occurred_on", "details", "import_batch_id", "recorded_by_id", "recorded_at")


def household_ids(numbers: set[str]) -> tuple[dict[str, int], int]:
    """世帯番号 → household id, creating the missing households in bulk; and how many were created."""
    ordered = sorted(numbers)
    ids = _households(ordered)
    missing = [number for number in ordered if number not in ids]
    if missing:
        insert_rows(Household, ["number"], [(number,) for number in missing])
        ids.update(_households(missing))
    return ids, len(missing)


def _households(numbers: list[str]) -> dict[str, int]:
    connection = connections[router.db_for_read(Household)]
    table = connection.ops.quote_name(Household._meta.db_table)
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT number, id FROM {table} WHERE number = ANY(%s)", [numbers])  # noqa: S608
            return dict(cursor.fetchall())
        for chunk in chunks(numbers, LOOKUP_CHUNK):
            cursor.execute(f"SELECT number, id FROM {table} WHERE number IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
            ids.update(cursor.fetchall())
    return ids


class PersonIds:
    """New residents' ids, reserved before they are written: from the sequence on PostgreSQL; on SQLite, where
    the import's transaction holds the write lock, counting on from the highest id ever given."""

    def __init__(self) -> None:
        self.connection: BaseDatabaseWrapper = connections[router.db_for_write(Person)]
        table = Person._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            (self.highest_before,) = cursor.fetchone()
            self._next = self.highest_before + 1
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                self._next = max(self._next, (found[0] if found else 0) + 1)

    def reserve(self, count: int) -> Iterator[int]:
        if count == 0:
            return iter(())
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Person._meta.db_table, count],
                )
                return iter([value for (value,) in cursor.fetchall()])
        first, self._next = self._next, self._next + count
        return iter(range(first, first + count))


def write_plan(plan: Plan, *, batch_id: int, recorder_id: int | None, now: datetime.datetime) -> None:
    figures_changed()
    if plan.new:
        insert_rows(Person, [*NEW_COLUMNS], [[*row, now, now] for row in plan.new])
    for fields, persons in plan.updates.items():
        _update(persons, [*fields, "updated_at"], now)
    if plan.events:
        rows = [
            (person_id, kind, day, details, batch_id, recorder_id, now) for person_id, kind, day, details in plan.events
        ]
        insert_rows(ResidencyEvent, EVENT_COLUMNS, rows)


def _update(persons: list[Person], fields: list[str], now: datetime.datetime) -> None:
    """One UPDATE statement run for every person (executemany), each field converted as the model does."""
    connection = connections[router.db_for_write(Person)]
    model_fields = [Person._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {quote(Person._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    for person in persons:
        person.updated_at = now
    params: list[list[Any]] = [
        [f.get_db_prep_save(getattr(person, f.attname), connection) for f in model_fields] + [person.pk]
        for person in persons
    ]
    with connection.cursor() as cursor:
        for chunk in chunks(params, 5000):
            cursor.executemany(sql, chunk)
