"""residents_import: read the file, compare it with the registry, write the plan in one transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import SYSTEM_USERNAME, DecodedCSV, ImportFailed, RowError, read_table
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import ImportBatch, Person
from tsunagu.people.services.columns import HEADERS, REQUIRED_COLUMNS
from tsunagu.people.services.households import household_conflicts
from tsunagu.people.services.plan import Plan, existing_persons, make_plan
from tsunagu.people.services.rows import Row, check_header, decode, read_rows
from tsunagu.people.services.towns import Towns
from tsunagu.people.services.write import household_ids, write_plan

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


def residents_import(
    *,
    source: str | Path | bytes | IO[bytes],
    user: Any = None,
    filename: str = "",
    progress: bool = False,
    dry_run: bool = False,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Import a resident CSV (a path, bytes or a binary file). `user` None means the system (the command run
    without --user). Whether the user may import is the caller's question to the access policy
    (tsunagu.registry.services.registry_residents_import asks it).

    Raises ImportFailed with every bad row; then nothing has been written.
    A dry run checks the file and counts what would change, writing nothing."""
    if not filename and isinstance(source, str | Path):
        filename = Path(source).name
    started_at = timezone.now()
    today = today or today_jst()
    decoded = decode(source)
    table = read_table(decoded.text, known=HEADERS, required=REQUIRED_COLUMNS)
    check_header(table)
    towns = Towns()
    rows, errors = read_rows(table, today=today, towns=towns, progress=progress)
    if errors:
        # The 世帯番号 rule needs the registry; checking the good rows too lets one round of fixes do.
        _households, _new, _existing, conflicts = _load(rows, towns=towns, create=False)
        raise ImportFailed(sorted([*errors, *conflicts], key=lambda error: error.line))

    def work(batch: ImportBatch | None) -> tuple[Plan, int]:
        households, new_households, existing, conflicts = _load(rows, towns=towns, create=batch is not None)
        if conflicts:
            raise ImportFailed(conflicts)  # inside the transaction: the households just created go too
        plan = make_plan(rows, existing=existing, households=households, towns=towns, today=today)
        if batch is not None:
            write_plan(plan, batch=batch, user=user, progress=progress)
        return plan, len(new_households)

    if dry_run:
        plan, households_created = work(None)
        return _result(None, filename, decoded, len(rows), plan, households_created, dry_run=True)

    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            filename=filename[:255],
            sha256=decoded.sha256,
            encoding=decoded.encoding,
            row_count=len(rows),
            imported_by=actor,
            started_at=started_at,
        )
        plan, households_created = work(batch)
        counts = plan.counts
        batch.created_count, batch.updated_count = counts["created"], counts["updated"]
        batch.unchanged_count, batch.moved_out_count, batch.died_count = (
            counts["unchanged"],
            counts["moved_out"],
            counts["died"],
        )
        batch.finished_at = timezone.now()
        batch.save()
        result = _result(batch.pk, filename, decoded, len(rows), plan, households_created, dry_run=False)
        audit_record(
            actor=user,
            action=AuditAction.IMPORT,
            target_type="person",
            detail={
                "batch": batch.pk,
                "filename": filename,
                "encoding": decoded.encoding,
                "sha256": decoded.sha256,
                "counts": result.counts(),
            },
            request=request,
            username=SYSTEM_USERNAME if user is None else "",
        )
    return result


def _load(
    rows: list[Row], *, towns: Towns, create: bool
) -> tuple[dict[str, int], set[str], dict[str, Person], list[RowError]]:
    """The households and residents the rows name, and the rows that break the 世帯番号 rule."""
    households, new_households = household_ids({r.household_number for r in rows if r.household_number}, create=create)
    existing = existing_persons([r.resident_number for r in rows])
    conflicts = household_conflicts(
        rows, existing=existing, households=households, new_households=new_households, towns=towns
    )
    return households, new_households, existing, conflicts


def _result(
    batch_id: int | None,
    filename: str,
    decoded: DecodedCSV,
    row_count: int,
    plan: Plan,
    households_created: int,
    *,
    dry_run: bool,
) -> ImportResult:
    c = plan.counts
    return ImportResult(
        batch_id=batch_id,
        filename=filename,
        encoding=decoded.encoding,
        row_count=row_count,
        created=c["created"],
        updated=c["updated"],
        unchanged=c["unchanged"],
        moved_within=c["moved_within"],
        moved_out=c["moved_out"],
        died=c["died"],
        returned=c["returned"],
        corrected=c["corrected"],
        households_created=households_created,
        dry_run=dry_run,
    )
