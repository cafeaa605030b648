"""How big each step of the import is: rows per statement, keys per lookup, when to show progress."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

# Rows per INSERT/UPDATE statement (SQLite lowers it further to stay under its 999-parameter limit).
IMPORT_BATCH_SIZE = 1000
# 宛名番号 per `IN (...)` lookup: under SQLite's parameter limit.
LOOKUP_CHUNK = 900
# More rows than this and a progress bar is worth showing.
PROGRESS_THRESHOLD = 1000


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
