"""Reading the file: every row checked, every bad row reported with its line number, nothing written."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from tsunagu.core.csvio import (
    CSVTable,
    DecodedCSV,
    ImportFailed,
    RowError,
    UndecodableFileError,
    read_csv_text,
)
from tsunagu.people.services.batching import PROGRESS_THRESHOLD
from tsunagu.people.services.columns import COLUMNS, BadCell, parsers
from tsunagu.people.services.towns import Towns

TOWN_HEADER_MESSAGE = _("見出しに「町丁目コード」か「町丁目名」の列が必要です")
DUPLICATE_NUMBER_MESSAGE = _("宛名番号「{value}」が{first}行目と重複しています")


@dataclass(slots=True)
class Row:
    line: int
    resident_number: str
    values: dict[str, Any]  # Person attnames → value, only for the columns the file has
    household_number: str | None  # None: no 世帯番号 column; "": no household
    status: str | None  # None: no 住民状態 column
    moved_on: datetime.date | None


def with_progress(iterable: Iterable[Any], *, enabled: bool, total: int, desc: str) -> Iterator[Any]:
    if not enabled or total <= PROGRESS_THRESHOLD:
        return iter(iterable)
    return iter(tqdm(iterable, total=total, desc=desc, unit="行", file=sys.stderr, leave=False))


def read_rows(
    table: CSVTable, *, today: datetime.date, towns: Towns, progress: bool
) -> tuple[list[Row], list[RowError]]:
    """Every row read and checked; every error collected (nothing stops at the first one)."""
    cell_parsers = parsers(today)
    present = [(c, table.columns[c.name], cell_parsers[c.attname]) for c in COLUMNS if c.name in table.columns]
    memos: dict[str, dict[str, tuple[bool, Any]]] = {c.attname: {} for c, _index, _parse in present}
    has_town = "町丁目コード" in table.columns or "町丁目名" in table.columns
    rows: list[Row] = []
    errors: list[RowError] = list(table.errors)
    first_line: dict[str, int] = {}
    for raw in with_progress(table.rows, enabled=progress, total=len(table.rows), desc="検査"):
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for column, index, parse in present:
            text = raw.values[index]
            memo = None if column.unique else memos[column.attname]
            cached = memo.get(text) if memo is not None else None
            if cached is None:
                try:
                    cached = (True, parse(text, column.name))
                except BadCell as bad:
                    cached = (False, str(bad))
                if memo is not None:
                    memo[text] = cached
            ok, value = cached
            if ok:
                values[column.attname] = value
            else:
                row_errors.append(RowError(raw.line, column.name, value))
        number = values.pop("resident_number", None)
        if number:
            if number in first_line:
                message = str(DUPLICATE_NUMBER_MESSAGE).format(value=number, first=first_line[number])
                row_errors.append(RowError(raw.line, "宛名番号", message))
            else:
                first_line[number] = raw.line
        if has_town:
            code, name = values.pop("town_code", None), values.pop("town_name", None)
            # A town cell that could not be read has been reported already; resolving it would say it twice.
            if not any(e.column in ("町丁目コード", "町丁目名") for e in row_errors):
                column, resolved = towns.resolve(code, name)
                if column == "ok":
                    values["town_id"] = resolved
                else:
                    row_errors.append(RowError(raw.line, column, str(resolved)))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            Row(
                line=raw.line,
                resident_number=str(number),
                values=values,
                household_number=values.pop("household_number", None),
                status=values.pop("status", None),
                moved_on=values.pop("moved_on", None),
            )
        )
    return rows, errors


def check_header(table: CSVTable) -> None:
    """Header problems stop the import before any row is read: the rows' meaning would be guesswork."""
    errors = [e for e in table.errors if e.line == 1]
    if table.header and "町丁目コード" not in table.columns and "町丁目名" not in table.columns:
        errors.append(RowError(1, "町丁目コード", str(TOWN_HEADER_MESSAGE)))
    if errors:
        raise ImportFailed(errors)


def decode(source: str | Path | bytes | IO[bytes]) -> DecodedCSV:
    try:
        return read_csv_text(source)
    except UndecodableFileError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from None
