"""Writing many rows at once, at the database's own speed: COPY on PostgreSQL, one prepared statement run in a
C loop (executemany) on SQLite. For rows built in bulk (the registry import, the synthetic ward) where the ORM's
bulk_create would prepare every field of every object anew.

Rows are plain tuples in the order of `fields`: no save(), no signals, no ids back. Every column of the table
without a database default must be among `fields`."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet

# Rows per executemany call on SQLite: a bounded batch keeps memory flat however long the input.
SQLITE_BATCH = 5000

# Fields whose Python values the driver takes as they are (str, int, bool, date, aware datetime, None): on
# PostgreSQL psycopg adapts them itself, so Django's per-value conversion is skipped. SQLite needs dates and
# datetimes as text (Django's format), and JSON everywhere goes through the field.
_PASS_THROUGH = {
    "postgresql": (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.DateField,
                   models.ForeignKey, models.AutoField, models.BigAutoField),
    "sqlite": (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey,
               models.AutoField, models.BigAutoField),
}  # fmt: skip


def _passes_through(field: Field, connection: BaseDatabaseWrapper) -> bool:
    kinds = _PASS_THROUGH.get(connection.vendor, ())
    if isinstance(field, models.ForeignKey):
        return _passes_through(field.target_field, connection)
    # DateTimeField is a DateField: on PostgreSQL psycopg adapts aware datetimes itself.
    return isinstance(field, kinds) and not isinstance(field, models.JSONField)


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
        except TypeError:  # unhashable, e.g. a JSON dict: an empty one (most events' details) converted once
            if not value:
                key = ("empty", type(value))
                if key not in memo:
                    memo[key] = field.get_db_prep_save(value, connection)
                return memo[key]
            return field.get_db_prep_save(value, connection)

    return prepare


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT `rows` (tuples of Python values, in the order of `fields`, attribute or field names) into
    `model`'s table, converting each value as the model's field does."""
    connection = connections[router.db_for_write(model)]
    model_fields = [model._meta.get_field(name) for name in fields]
    converted = [
        (index, _preparer(f, connection))
        for index, f in enumerate(model_fields)
        if not _passes_through(f, connection)
    ]
    if converted:

        def prepared_rows() -> Iterable[Sequence[Any]]:
            for row in rows:
                values = list(row)
                for index, prepare in converted:
                    values[index] = prepare(values[index])
                yield values

        prepared: Iterable[Sequence[Any]] = prepared_rows()
    else:
        prepared = rows
    copy_rows(connection, model._meta.db_table, [f.column for f in model_fields], prepared)


def copy_rows(
    connection: BaseDatabaseWrapper, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """The raw load: rows already in the driver's types go into `table` by COPY (PostgreSQL) or executemany in
    batches (SQLite). Table and column names come from code, never from input; every value is data."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:  # IntegrityError as Django names it
        if connection.vendor == "postgresql":
            # COPY streams every row in one statement: no placeholders to parse, no round trip per row.
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608
        raw = cursor.cursor  # the sqlite3 cursor itself: its executemany runs the loop in C
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == SQLITE_BATCH:
                raw.executemany(insert, batch)
                batch = []
        if batch:
            raw.executemany(insert, batch)


def insert_select(
    table: str, columns: list[str], select: QuerySet, constants: tuple = (), *, ignore_conflicts: bool = False
) -> int:
    """INSERT INTO table (columns) SELECT constants…, select's columns: one statement, rows never leave the
    database. The constants are parameters of the SELECT list, ahead of the WHERE clause's parameters. With
    `ignore_conflicts`, rows that would break a unique constraint are skipped (ON CONFLICT DO NOTHING, on
    PostgreSQL and SQLite alike). Returns the number of rows inserted."""
    # .order_by(): the model's default ordering would make the database sort rows it only inserts.
    try:
        sql, params = select.order_by().query.sql_with_params()
    except EmptyResultSet:  # a condition that can match nothing (no active rule): nothing to insert
        return 0
    if constants:
        sql = sql.replace("SELECT ", f"SELECT {', '.join(['%s'] * len(constants))}, ", 1)
    if ignore_conflicts:
        # SQLite could read "ON CONFLICT" after the SELECT as part of a join: a wrapping WHERE removes the doubt.
        sql = f"SELECT * FROM ({sql}) AS selected WHERE 1 = 1 ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", (*constants, *params))
        return cursor.rowcount


class PlannerStatistics:
    """Keeps PostgreSQL's planner statistics of tables that a long bulk write grows.

    Autovacuum analyses a table only after the writing transaction commits; until then the planner judges the
    table by its last statistics. An import of a million residents into an empty registry, or a re-import just
    after a bulk load, then reads "a few rows", and a lookup of 5,000 宛名番号 becomes a scan of the whole table
    in every batch (0.2 s each instead of 10 ms at 1,000,000 residents). ANALYZE inside the transaction counts
    its own new rows; it samples a bounded number of rows, so doing it whenever the written rows double since the
    last one costs a few ANALYZEs per import. SQLite plans by its indexes without statistics: nothing to do."""

    MIN_ROWS = 20_000

    def __init__(self, connection: BaseDatabaseWrapper, models_: Sequence[type[Model]]) -> None:
        self.connection = connection
        self.tables = [model._meta.db_table for model in models_]
        self.active = connection.vendor == "postgresql"
        self.written = 0
        self.next_at = self.MIN_ROWS
        if self.active:
            self._analyse_stale()

    def wrote(self, rows: int) -> None:
        """Count rows written to these tables; analyse them when the count reaches the next doubling."""
        if not self.active or rows <= 0:
            return
        self.written += rows
        if self.written >= self.next_at:
            self.analyse()
            self.next_at = self.written * 2

    def finish(self) -> None:
        """After the last write: the next reader (a roster build, the next import) plans with the new rows."""
        if self.active and self.written:
            self.analyse()

    def analyse(self) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"ANALYZE {quote(table)}")

    def _analyse_stale(self) -> None:
        """Tables that grew by more than a tenth since their statistics (a bulk load may have just committed,
        before autovacuum's turn). The table's size on disk is current at once, unlike the activity counters."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE oid = ANY(%s::regclass[]) "
                "AND pg_relation_size(oid) / current_setting('block_size')::int > 100 + 1.1 * GREATEST(relpages, 0)",
                [self.tables],
            )
            stale = [name for (name,) in cursor.fetchall()]
            quote = self.connection.ops.quote_name
            for table in stale:
                cursor.execute(f"ANALYZE {quote(table)}")
