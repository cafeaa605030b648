"""Checking a suppressed table (tsunagu.core.suppression) the independent way: by linear algebra over the table's
equations (every line adds up to its total), a hidden cell is derivable exactly when its unit vector lies in the
row space of those equations restricted to the hidden cells."""

import numpy as np

from tsunagu.core.suppression import SuppressedTable


def published(table: SuppressedTable) -> list[list[int | None]]:
    rows = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    rows.append([*table.column_totals, table.total])
    return rows


def _equations(height: int, width: int) -> list[dict[tuple[int, int], int]]:
    """Each line of the extended grid: its interior cells add up to its total cell."""
    lines = []
    for i in range(height):
        lines.append({(i, j): 1 for j in range(width - 1)} | {(i, width - 1): -1})
    for j in range(width):
        lines.append({(i, j): 1 for i in range(height - 1)} | {(height - 1, j): -1})
    return lines


def derivable(table: SuppressedTable) -> set:
    """Hidden cells whose value follows from the published figures."""
    grid = published(table)
    height, width = len(grid), len(grid[0])
    hidden = sorted((i, j) for i in range(height) for j in range(width) if grid[i][j] is None)
    if not hidden:
        return set()
    index = {cell: k for k, cell in enumerate(hidden)}
    matrix = np.array([[line.get(cell, 0) for cell in hidden] for line in _equations(height, width)], dtype=float)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for cell in hidden:
        unit = np.zeros(len(hidden))
        unit[index[cell]] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found
