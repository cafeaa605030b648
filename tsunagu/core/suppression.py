"""Small-count suppression (秘匿処理) of a two-way table of counts with its row, column and grand totals.

Figures of residents (cases by district and domain, the welfare plan's tables, a forum's handout) are published
only as tables in which no small count can be read or worked out:

1. Primary suppression: every cell under the threshold (5 by default; 0 included, so a hidden cell is never
   known to be at least 1) is hidden — interior cells and totals alike.
2. Secondary (complementary) suppression: a hidden cell must not be derivable from what is shown. With the
   totals published, the table is a system of linear equations (each row and each column, totals included,
   adds up). Picture the hidden cells as the edges of a graph between the table's lines (rows and columns, the
   totals' row and column among them): a hidden cell's value is fixed by the shown figures exactly when its edge
   lies on no cycle (is a bridge) — a cycle is the one way to move values around while every line keeps its
   sum. So cells are hidden in addition, the smallest first, until every hidden cell lies on a cycle. This
   covers the plain case (a row with one hidden cell) and the subtler ones (two hidden cells whose difference is
   known from another line).

It protects against exact derivation from the totals; it does not hide that a hidden cell is small, and it says
nothing about tables published elsewhere with other cuts of the same data (publish one table per cut).
The function is pure (lists in, a table out) so every app publishing counts reuses it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5

Cell = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The table as published: None for a hidden figure. `primary` are the cells hidden for being small,
    `secondary` those hidden so that they cannot be worked out; both in extended coordinates, where row
    len(cells) is the column totals and column len(cells[0]) the row totals."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    primary: frozenset[Cell]
    secondary: frozenset[Cell]

    @property
    def hidden(self) -> frozenset[Cell]:
        return self.primary | self.secondary


def _extended(values: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [list(r) for r in values]
    width = len(rows[0])
    grid = [[*r, sum(r)] for r in rows]
    column_totals = [sum(r[j] for r in rows) for j in range(width)]
    grid.append([*column_totals, sum(column_totals)])
    return grid


def _bridges(hidden: set[Cell], height: int, width: int) -> list[Cell]:
    """Hidden cells lying on no cycle of the lines' graph (nodes: rows 0…height-1 and columns as height+j)."""
    adjacency: dict[int, list[tuple[int, Cell]]] = {}
    for i, j in hidden:
        adjacency.setdefault(i, []).append((height + j, (i, j)))
        adjacency.setdefault(height + j, []).append((i, (i, j)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Cell] = []
    counter = 0
    for root in sorted(adjacency):
        if root in order:
            continue
        # Iterative Tarjan: (node, edge it was reached by, iterator over its edges).
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[int, Cell | None, int]] = [(root, None, 0)]
        while stack:
            node, via, index = stack[-1]
            edges = adjacency[node]
            if index < len(edges):
                stack[-1] = (node, via, index + 1)
                neighbour, edge = edges[index]
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)  # type: ignore[arg-type]
    return sorted(found)


def _cost(grid: list[list[int]], cell: Cell, height: int, width: int) -> tuple[int, int, Cell]:
    """Which cell to give up first: the smallest count, an interior cell before a total, then by place."""
    i, j = cell
    is_total = int(i == height - 1) + int(j == width - 1)
    return (grid[i][j], is_total, cell)


def _close_cycle(grid: list[list[int]], hidden: set[Cell], bridge: Cell) -> set[Cell]:
    """The cheapest cells whose hiding puts `bridge` on a cycle: the other corners of a rectangle through it."""
    height, width = len(grid), len(grid[0])
    i, j = bridge
    best: tuple[tuple[int, int, int], set[Cell]] | None = None
    for i2 in range(height):
        if i2 == i:
            continue
        for j2 in range(width):
            if j2 == j:
                continue
            corners = {(i, j2), (i2, j), (i2, j2)} - hidden
            key = (
                sum(grid[a][b] for a, b in corners),
                len(corners),
                sum(_cost(grid, c, height, width)[1] for c in corners),
            )
            if best is None or key < best[0]:
                best = (key, corners)
    return best[1] if best is not None else set()


def suppress_table(
    values: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    also_hide: Iterable[Cell] = (),
) -> SuppressedTable:
    """Publishable form of a table of counts (rows × columns, at least one of each) with its totals: every figure
    under `threshold` hidden, and enough others that no hidden figure can be worked out from the rest.

    `also_hide`: cells (extended coordinates) to hide whatever their count — a total hidden in another table that
    publishes the same figure (see suppress_linked), which would otherwise give it away here."""
    if not values or not values[0]:
        raise ValueError("a table needs at least one row and one column")
    if any(len(row) != len(values[0]) for row in values):
        raise ValueError("every row needs the same number of columns")
    if any(v < 0 for row in values for v in row):
        raise ValueError("counts cannot be negative")
    grid = _extended(values)
    height, width = len(grid), len(grid[0])
    primary = {(i, j) for i in range(height) for j in range(width) if grid[i][j] < threshold}
    primary |= {(i, j) for i, j in also_hide if 0 <= i < height and 0 <= j < width}
    hidden = set(primary)
    while True:
        bridges = _bridges(hidden, height, width)
        if not bridges:
            break
        # One bridge at a time: closing one cycle often closes others.
        hidden |= _close_cycle(grid, hidden, bridges[0])
    rows, cols = height - 1, width - 1

    def shown(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else grid[i][j]

    return SuppressedTable(
        cells=[[shown(i, j) for j in range(cols)] for i in range(rows)],
        row_totals=[shown(i, cols) for i in range(rows)],
        column_totals=[shown(rows, j) for j in range(cols)],
        total=shown(rows, cols),
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )


def suppress_linked(
    first: Sequence[Sequence[int]],
    second: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> tuple[SuppressedTable, SuppressedTable]:
    """Two tables that share their columns and their column totals (districts × domains and months × domains over
    the same period): each suppressed, and a column total (or the grand total) hidden in one hidden in the other,
    so that neither table gives away what the other hides. Repeated until both agree."""
    width = len(first[0])
    if len(second[0]) != width:
        raise ValueError("linked tables share their columns")
    forced: set[int] = set()  # shared columns (width: the grand total) hidden in either table
    while True:
        a = suppress_table(first, threshold=threshold, also_hide={(len(first), j) for j in forced})
        b = suppress_table(second, threshold=threshold, also_hide={(len(second), j) for j in forced})
        hidden = {j for t, n in ((a, len(first)), (b, len(second))) for (i, j) in t.hidden if i == n}
        if hidden <= forced:
            return a, b
        forced |= hidden


def suppress_series(
    values: Sequence[int], *, threshold: int = DEFAULT_THRESHOLD
) -> tuple[list[int | None], int | None]:
    """A single row (a monthly trend) with its total: the one-row case of suppress_table."""
    table = suppress_table([list(values)], threshold=threshold)
    return table.cells[0], table.row_totals[0]
