"""residents_import: stream the file in batches, compare each with the registry and write it, in one transaction."""

from __future__ import annotations

import contextlib
import datetime
import itertools
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.bulk import PlannerStatistics, copy_rows
from tsunagu.core.csvio import SYSTEM_USERNAME, CSVRow, ImportFailed, RowError, stream_table
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import Household, ImportBatch, Person, ResidencyEvent
from tsunagu.people.services.batching import PROGRESS_THRESHOLD
from tsunagu.people.services.columns import HEADERS, REQUIRED_COLUMNS
from tsunagu.people.services.households import (
    STAGE_COLUMNS,
    STAGE_TABLE,
    Stager,
    create_stage,
    drop_stage,
    duplicate_lines,
    household_conflicts,
)
from tsunagu.people.services.plan import FIELD_INDEX, Planner, existing_persons
from tsunagu.people.services.rows import (
    RANK_DUPLICATE,
    RANK_HOUSEHOLD,
    Row,
    RowReader,
    check_header,
    duplicate_error,
    open_source,
)
from tsunagu.people.services.towns import Towns
from tsunagu.people.services.write import PersonIds, household_ids, write_plan

OTHER_WARD_RESIDENT_MESSAGE = _(
    "宛名番号「{value}」はほかの区に住む住民です（区をまたぐ異動は、市の担当が市全体の住民データで取り込みます）"
)

NOT_ALLOWED_MESSAGE = _("住民データを取り込む権限がありません（区役所の福祉部門の職員のみ）")


class ImportNotAllowed(PermissionError):  # noqa: N818 - reads as the refusal it is
    def __init__(self) -> None:
        super().__init__(str(NOT_ALLOWED_MESSAGE))


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None  # None for a dry run
    filename: str
    encoding: str
    row_count: int
    created: int
    updated: int
    unchanged: int
    moved_within: int
    moved_out: int
    died: int
    returned: int
    corrected: int
    households_created: int
    dry_run: bool

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "moved_within": self.moved_within,
            "moved_out": self.moved_out,
            "died": self.died,
            "returned": self.returned,
            "corrected": self.corrected,
            "households_created": self.households_created,
        }


logger = logging.getLogger(__name__)

# Rows read, checked, compared and written together: memory is bounded by this, not by the file.
BATCH_ROWS = 5000

Progress = Callable[[int, int], None]


def residents_import(
    *,
    source: str | Path | bytes | IO[bytes],
    user: Any = None,
    filename: str = "",
    progress: bool = False,
    dry_run: bool = False,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
    on_progress: Progress | None = None,
    town_ids: frozenset[int] | None = None,
) -> ImportResult:
    """Import a resident CSV (a path, bytes or a binary file). `user` None means the system (the command run
    without --user). Whether the user may import is the caller's question to the access policy
    (tsunagu.registry.services.registry_residents_import asks it).

    The file is read twice and never held: once to check its encoding and hash, then in batches of BATCH_ROWS
    rows, each checked, compared with the registry and written, all in one transaction. Checks across the whole
    file (duplicated 宛名番号, the 世帯番号 rule) run at the end in the database. Raises ImportFailed with every
    bad row; then the transaction is rolled back and nothing has been written. A dry run does everything and
    rolls back, so its counts are exactly the import's. `on_progress(done, total)` is called after each batch
    (total: the file's line breaks, an upper bound on its rows). `town_ids` limits the import to these towns (a
    ward officer's ward): a row in another ward's town, or a resident registered there, is a bad row."""
    if not filename and isinstance(source, str | Path):
        filename = Path(source).name
    started_at = timezone.now()
    today = today or today_jst()
    csv_source = open_source(source)
    total = max(csv_source.newlines - 1, 0)
    connection = connections[router.db_for_write(Person)]
    actor = user if user is not None and user.is_authenticated else None
    with csv_source.text() as text:
        table = stream_table(text, known=HEADERS, required=REQUIRED_COLUMNS)
        check_header(table)
        with transaction.atomic(using=connection.alias):
            batch = ImportBatch.objects.create(
                filename=filename[:255],
                sha256=csv_source.sha256,
                encoding=csv_source.encoding,
                row_count=0,
                imported_by=actor,
                started_at=started_at,
            )
            bar = tqdm(
                total=total,
                desc="検査・書き込み",
                unit="行",
                file=sys.stderr,
                leave=False,
                disable=not progress or total <= PROGRESS_THRESHOLD,
            )
            with bar:

                def report(done: int) -> None:
                    bar.update(done - bar.n)
                    if on_progress is not None:
                        on_progress(min(done, total), total)

                run = _Run(
                    connection,
                    columns=table.columns,
                    today=today,
                    batch_id=batch.pk,
                    recorder=actor,
                    town_ids=town_ids,
                )
                run.all(table.rows, report)
            counts = run.planner.counts
            result = ImportResult(
                batch_id=None if dry_run else batch.pk,
                filename=filename,
                encoding=csv_source.encoding,
                row_count=run.good,
                households_created=run.households_created,
                dry_run=dry_run,
                **counts,
            )
            if on_progress is not None:
                on_progress(total, total)
            if dry_run:
                transaction.set_rollback(True, using=connection.alias)
                return result
            batch.row_count = run.good
            batch.created_count, batch.updated_count = counts["created"], counts["updated"]
            batch.unchanged_count, batch.moved_out_count, batch.died_count = (
                counts["unchanged"],
                counts["moved_out"],
                counts["died"],
            )
            batch.finished_at = timezone.now()
            batch.save()
            audit_record(
                actor=user,
                action=AuditAction.IMPORT,
                target_type="person",
                detail={
                    "batch": batch.pk,
                    "filename": filename,
                    "encoding": csv_source.encoding,
                    "sha256": csv_source.sha256,
                    "counts": result.counts(),
                },
                request=request,
                username=SYSTEM_USERNAME if user is None else "",
            )
    return result


class _Run:
    """One import's pass over the rows (inside its transaction)."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        *,
        columns: dict[str, int],
        today: datetime.date,
        batch_id: int,
        recorder: Any,
        town_ids: frozenset[int] | None = None,
    ) -> None:
        self.connection = connection
        self.towns = Towns(town_ids)
        self.reader = RowReader(columns, today=today, towns=self.towns)
        self.planner = Planner(towns=self.towns, today=today)
        self.stager = Stager()
        if self.connection.vendor == "postgresql":
            # One import at a time (SQLite's write lock does this by itself): ids above the highest before this
            # import are this import's own.
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tsunagu.people.residents_import'))")
        self.statistics = PlannerStatistics(self.connection, [Person, Household, ResidencyEvent])
        self.ids = PersonIds()
        self.registry_empty = not Person.objects.exists()
        self.batch_id = batch_id
        self.recorder_id = recorder.pk if recorder is not None else None
        self.errors: list[tuple[int, int, RowError]] = []
        self.timings: dict[str, float] = defaultdict(float)  # wall seconds by step, logged at DEBUG
        self.good = 0
        self.skipped: set[int] = set()
        self.households_created = 0
        # Writing stops at the first error: the import will fail, the rest is only checked.
        self.writing = True

    def all(self, rows: Iterator[CSVRow | RowError], report: Callable[[int], None]) -> None:
        create_stage(self.connection)
        done = 0
        chunks = batched(rows, BATCH_ROWS)
        while True:
            with self.timed("read"):
                chunk = next(chunks, None)
            if chunk is None:
                break
            self.batch(chunk)
            done += len(chunk)
            report(done)
        with self.timed("check duplicates"):
            for line, number, first in duplicate_lines(self.connection):
                self.errors.append((line, RANK_DUPLICATE, duplicate_error(line, number, first)))
                self.skipped.discard(line)
        with self.timed("check households"):
            for error in household_conflicts(self.connection, towns=self.towns):
                self.errors.append((error.line, RANK_HOUSEHOLD, error))
        logger.debug("residents_import seconds by step: %s", {k: round(v, 2) for k, v in self.timings.items()})
        if self.errors:
            self.errors.sort(key=lambda error: error[:2])
            raise ImportFailed([error for _line, _rank, error in self.errors])
        if not self.writing:  # a write refused without a reason found: never commit half an import
            raise RuntimeError("the import stopped writing without finding the row at fault")
        if self.skipped:  # rows left out as repeats must all have been reported as such
            raise RuntimeError(f"rows left out as repeated numbers without being reported: {sorted(self.skipped)}")
        drop_stage(self.connection)
        with self.timed("statistics"):
            self.statistics.finish()

    @contextlib.contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] += time.perf_counter() - started

    def batch(self, chunk: Sequence[CSVRow | RowError]) -> None:
        with self.timed("check rows"):
            rows, stage = self.check(chunk)
        self.good += len(rows)
        with self.timed("read registered"):
            existing = {} if self.registry_empty else existing_persons([row.resident_number for row in rows])
        with self.timed("households"):
            households, created = household_ids({row.household_number for row in rows if row.household_number})
        self.households_created += created
        self.statistics.wrote(created)
        with self.timed("stage"):
            checked = self.stage(rows, existing, households, stage)
        if self.writing and self.errors:
            self.writing = False
        if self.writing:
            with self.timed("plan"):
                new = sum(1 for row in checked if row.resident_number not in existing)
                new_ids = self.ids.reserve(new)
                plan = self.planner.plan(checked, existing=existing, households=households, new_ids=new_ids)
            try:
                with self.timed("write"), transaction.atomic(using=self.connection.alias):
                    write_plan(plan, batch_id=self.batch_id, recorder_id=self.recorder_id, now=timezone.now())
                self.statistics.wrote(len(plan.new) + len(plan.events))
            except IntegrityError:
                # Only a 宛名番号 given twice in the file gets here (the first import of an empty registry reads
                # nothing back): the end of the run reports it.
                self.writing = False
        with self.timed("write stage"):
            copy_rows(self.connection, STAGE_TABLE, STAGE_COLUMNS, stage)

    def check(self, chunk: Sequence[CSVRow | RowError]) -> tuple[list[Row], list[tuple[Any, ...]]]:
        rows: list[Row] = []
        stage: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for raw in chunk:
            if isinstance(raw, RowError):
                self.errors.append((raw.line, 0, raw))
                continue
            row, number, row_errors = self.reader.read(raw)
            if row_errors:
                self.errors.extend((error.line, rank, error) for rank, error in row_errors)
            if row is None or number in seen:  # a repeated number is reported at the end, with its first line
                if number:
                    stage.append((raw.line, number, None, False, None, None, None))
                continue
            seen.add(number)
            rows.append(row)
        return rows, stage

    def stage(
        self, rows: list[Row], existing: dict[str, Any], households: dict[str, int], stage: list[tuple[Any, ...]]
    ) -> list[Row]:
        checked: list[Row] = []
        for row in rows:
            registered = existing.get(row.resident_number)
            if registered is not None and registered[0] > self.ids.highest_before:
                # Written by an earlier batch of this file: a repeated number, reported at the end.
                stage.append((row.line, row.resident_number, None, False, None, None, None))
                self.skipped.add(row.line)
                del existing[row.resident_number]
                continue
            if registered is not None and self.towns.allowed is not None:
                town_id = registered[FIELD_INDEX["town_id"]]
                if town_id not in self.towns.allowed:
                    message = str(OTHER_WARD_RESIDENT_MESSAGE).format(value=row.resident_number)
                    self.errors.append((row.line, 0, RowError(row.line, "宛名番号", message)))
                    continue
            stage.append(self.stager.row(row, registered, households))
            checked.append(row)
        return checked


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
