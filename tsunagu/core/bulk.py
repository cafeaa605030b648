"""Writing many rows at once, at the database's own speed: COPY on PostgreSQL, one prepared statement run in a
C loop (executemany) on SQLite. For rows built in bulk (the registry import, the synthetic ward) where the ORM's
bulk_create would prepare every field of every object anew.

Rows are plain tuples in the order of `fields`: no save(), no signals, no ids back. Every column of the table
without a database default must be among `fields`."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

# Rows per executemany call on SQLite: a bounded batch keeps memory flat however long the input.
SQLITE_BATCH = 5000


def _preparer(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """The field's own conversion for the database, each distinct value converted once (imports repeat values:
    towns, dates, flags)."""
    memo: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            prepared = memo[value] = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable, e.g. a JSON dict
            return field.get_db_prep_save(value, connection)

    return prepare


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT `rows` (tuples of Python values, in the order of `fields`, attribute or field names) into
    `model`'s table, converting each value as the model's field does."""
    connection = connections[router.db_for_write(model)]
    model_fields = [model._meta.get_field(name) for name in fields]
    prepare = [_preparer(f, connection) for f in model_fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in model_fields)

    def prepared_rows() -> Iterable[list[Any]]:
        for row in rows:
            yield [p(value) for p, value in zip(prepare, row, strict=True)]

    # Table and column names come from the model's metadata, never from input; every value is data.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement: no placeholders to parse, no round trip per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared_rows():
                    copy.write_row(row)
            return
        insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(model_fields))})"  # noqa: S608
        batch: list[list[Any]] = []
        for row in prepared_rows():
            batch.append(row)
            if len(batch) == SQLITE_BATCH:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
