"""Reading the file: every row checked, every bad row reported with its line number."""

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
    CSVRow,
    CSVSource,
    CSVStream,
    ImportFailed,
    RowError,
    UndecodableFileError,
    open_csv,
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


# Where an error sorts among the errors of its line: cell errors in column order, then these.
RANK_DUPLICATE = 1000
RANK_TOWN = 1001
RANK_HOUSEHOLD = 1002


class RowReader:
    """Reads and checks one row at a time (every error of the row collected, nothing stops at the first one).

    Parsed cells are remembered per column (a ward repeats its names, dates, towns and flags), so memory grows
    with the distinct values, not with the file. Duplicated 宛名番号 are found later, by the import (across the
    whole file, in the database)."""

    def __init__(self, columns: dict[str, int], *, today: datetime.date, towns: Towns) -> None:
        cell_parsers = parsers(today)
        present = [
            (rank, c, columns[c.name], cell_parsers[c.attname]) for rank, c in enumerate(COLUMNS) if c.name in columns
        ]
        # Columns whose values repeat are read through a memo of the cells already read well …
        self.memoized = [(rank, c, index, parse, {}) for rank, c, index, parse in present if not c.unique]
        self.memos = [(c.attname, index, memo) for _rank, c, index, _parse, memo in self.memoized]
        # … the others (宛名番号, 世帯番号, 番地, 電話番号) are read every time.
        self.unique = [(rank, c, index, parse) for rank, c, index, parse in present if c.unique]
        self.has_town = "町丁目コード" in columns or "町丁目名" in columns
        self.towns = towns

    def read(self, raw: CSVRow) -> tuple[Row | None, str | None, list[tuple[int, RowError]]]:
        """The row (None when it has errors), its 宛名番号 if that could be read, and its errors with their rank."""
        cells = raw.values
        row_errors: list[tuple[int, RowError]] = []
        try:
            # Most rows: every repeating cell seen before, the whole row in one comprehension.
            values = {attname: memo[cells[index]] for attname, index, memo in self.memos}
        except KeyError:
            values = {}
            for rank, column, index, parse, memo in self.memoized:
                text = cells[index]
                value = memo.get(text, _UNSEEN)
                if value is _UNSEEN:
                    try:
                        value = parse(text, column.name)
                    except BadCell as bad:
                        row_errors.append((rank, RowError(raw.line, column.name, str(bad))))
                        continue
                    memo[text] = value  # only values read well: a bad cell is read again, to report it anew
                values[column.attname] = value
        for rank, column, index, parse in self.unique:
            try:
                values[column.attname] = parse(cells[index], column.name)
            except BadCell as bad:
                row_errors.append((rank, RowError(raw.line, column.name, str(bad))))
        number = values.pop("resident_number", None)
        if self.has_town:
            code, name = values.pop("town_code", None), values.pop("town_name", None)
            # A town cell that could not be read has been reported already; resolving it would say it twice.
            if not row_errors or not any(e.column in ("町丁目コード", "町丁目名") for _rank, e in row_errors):
                column_name, resolved = self.towns.resolve(code, name)
                if column_name == "ok":
                    values["town_id"] = resolved
                else:
                    row_errors.append((RANK_TOWN, RowError(raw.line, column_name, str(resolved))))
        if row_errors:
            row_errors.sort(key=lambda error: error[0])
            return None, number or None, row_errors
        row = Row(
            line=raw.line,
            resident_number=number,
            values=values,
            household_number=values.pop("household_number", None),
            status=values.pop("status", None),
            moved_on=values.pop("moved_on", None),
        )
        return row, number, row_errors


_UNSEEN = object()


def duplicate_error(line: int, number: str, first: int) -> RowError:
    return RowError(line, "宛名番号", str(DUPLICATE_NUMBER_MESSAGE).format(value=number, first=first))


def check_header(table: CSVStream) -> None:
    """Header problems stop the import before any row is read: the rows' meaning would be guesswork."""
    errors = [e for e in table.errors if e.line == 1]
    if table.header and "町丁目コード" not in table.columns and "町丁目名" not in table.columns:
        errors.append(RowError(1, "町丁目コード", str(TOWN_HEADER_MESSAGE)))
    if errors:
        raise ImportFailed(errors)


def open_source(source: str | Path | bytes | IO[bytes]) -> CSVSource:
    try:
        return open_csv(source)
    except UndecodableFileError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from None
