"""Writing the plan: households, residents (bulk insert, bulk update of the changed fields) and their events."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone
from tqdm import tqdm

from tsunagu.people.models import Household, ImportBatch, Person, ResidencyEvent
from tsunagu.people.services.batching import IMPORT_BATCH_SIZE, LOOKUP_CHUNK, PROGRESS_THRESHOLD, chunks
from tsunagu.people.services.plan import Plan


def household_ids(numbers: set[str], *, create: bool) -> tuple[dict[str, int], set[str]]:
    """世帯番号 → household id, and the numbers that are new: created in bulk here (or, for a dry run, given
    negative stand-in ids so that comparisons still see a change)."""
    ids: dict[str, int] = {}
    ordered = sorted(numbers)
    for chunk in chunks(ordered, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    missing = [number for number in ordered if number not in ids]
    if not create:
        ids.update({number: -n for n, number in enumerate(missing, start=1)})
        return ids, set(missing)
    insert_rows(Household, ["number"], [(number,) for number in missing])
    for chunk in chunks(missing, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    return ids, set(missing)


def write_plan(plan: Plan, *, batch: ImportBatch, user: Any, progress: bool) -> None:
    recorder = user if user is not None and user.is_authenticated else None
    total = len(plan.new) + sum(len(p) for p in plan.updates.values()) + len(plan.events)
    bar = tqdm(
        total=total,
        desc="書き込み",
        unit="件",
        file=sys.stderr,
        leave=False,
        disable=not progress or total <= PROGRESS_THRESHOLD,
    )
    with bar:
        for chunk in chunks(plan.new, IMPORT_BATCH_SIZE * 10):
            Person.objects.bulk_create(chunk, batch_size=IMPORT_BATCH_SIZE)
            bar.update(len(chunk))
        now = timezone.now()
        for fields, persons in plan.updates.items():
            for person in persons:
                person.updated_at = now
            for chunk in chunks(persons, IMPORT_BATCH_SIZE * 10):
                Person.objects.bulk_update(chunk, [*fields, "updated_at"], batch_size=IMPORT_BATCH_SIZE)
                bar.update(len(chunk))
        recorded_at = timezone.now()
        events = [
            (person.pk, kind, day, details, batch.pk, recorder.pk if recorder else None, recorded_at)
            for person, kind, day, details in plan.events
        ]
        columns = ["person_id", "kind", "occurred_on", "details", "import_batch_id", "recorded_by_id", "recorded_at"]
        for chunk in chunks(events, IMPORT_BATCH_SIZE * 10):
            insert_rows(ResidencyEvent, columns, chunk)
            bar.update(len(chunk))


def insert_rows(model: type[Model], attnames: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT rows the import built itself, in multi-row statements, each distinct value prepared once.

    bulk_create prepares every field of every object anew, which made the residency events cost nearly as
    much as the residents (measured in bench/). Rows here are plain tuples: no save(), no signals, no ids back.
    Every column of the table without a database default must be among `attnames`."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(attname) for attname in attnames]
    prepare = [_preparer(f, connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    unnest = connection.vendor == "postgresql"
    if unnest:
        # As Django's own bulk insert on PostgreSQL: one array per column keeps the statement short, where
        # thousands of placeholders cost more to parse than the rows cost to insert. Array types drop their
        # length (varchar, not varchar(20)) as Django does.
        arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
        statement = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
        size = IMPORT_BATCH_SIZE
    else:
        one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, min(IMPORT_BATCH_SIZE, connection.ops.bulk_batch_size(fields, rows)))
    # Table and column names come from the model's metadata; every value is a parameter.
    with connection.cursor() as cursor:
        for chunk in chunks(rows, size):
            prepared = [[p(value) for p, value in zip(prepare, row, strict=True)] for row in chunk]
            if unnest:
                cursor.execute(statement, [list(column) for column in zip(*prepared, strict=True)])
            else:
                values = ", ".join([one_row] * len(chunk))
                sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
                cursor.execute(sql, [value for row in prepared for value in row])

def _preparer(model_field: Any, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            prepared = memo[value] = model_field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable, e.g. a JSON dict
            return model_field.get_db_prep_save(value, connection)

    return prepare
