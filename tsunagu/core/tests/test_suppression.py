"""Small-count suppression: no figure under 5 is shown, and no hidden figure can be worked out from the shown ones
and the totals — checked against linear algebra (a hidden cell is derivable exactly when its unit vector lies in
the row space of the table's equations restricted to the hidden cells), for fixed tables and random ones."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsunagu.core.suppression import SuppressedTable, suppress_linked, suppress_series, suppress_table
from tsunagu.testing.tables import derivable, published


def _extended(values):
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(row[j] for row in values) for j in range(len(values[0]))] + [sum(map(sum, values))])
    return grid


def check(values, threshold=5) -> SuppressedTable:
    table = suppress_table(values, threshold=threshold)
    grid = _extended(values)
    shown_grid = published(table)
    for i, row in enumerate(shown_grid):
        for j, shown in enumerate(row):
            if shown is not None:
                assert shown == grid[i][j]
                assert shown >= threshold, f"{shown} shown at {(i, j)}"
    assert derivable(table) == set(), shown_grid
    return table


def test_a_table_of_large_counts_is_shown_whole() -> None:
    table = check([[10, 20], [30, 40]])
    assert table.cells == [[10, 20], [30, 40]]
    assert table.row_totals == [30, 70] and table.column_totals == [40, 60] and table.total == 100
    assert table.hidden == frozenset()


def test_a_small_cell_takes_its_complement_in_its_row_and_column() -> None:
    table = check([[3, 20, 30], [12, 25, 40], [15, 8, 50]])
    assert table.cells[0][0] is None
    # Alone in its row and column it could be read off the totals: at least one more cell in each is hidden.
    assert sum(c is None for c in table.cells[0]) + (table.row_totals[0] is None) >= 2
    assert sum(r[0] is None for r in table.cells) + (table.column_totals[0] is None) >= 2
    assert table.secondary
    # The complements are the smallest cells that do the job (8 and 12, not 40 or 50).
    assert table.cells[2][2] == 50 and table.cells[1][2] == 40


def test_zero_is_hidden_too() -> None:
    table = check([[0, 20], [10, 30]])
    assert table.cells[0][0] is None


def test_a_small_total_is_hidden_and_protected() -> None:
    # Row 0 adds up to 4: the row total is a small figure like any other.
    table = check([[2, 2, 0], [10, 20, 30], [10, 20, 30]])
    assert table.row_totals[0] is None
    assert table.cells[0] == [None, None, None]


def test_two_hidden_cells_of_known_difference_are_not_enough() -> None:
    """Two small cells in one row and one column each would each leave their line with one hidden cell."""
    check([[2, 50, 60], [70, 3, 80], [90, 100, 110]])


def test_one_row_or_one_column() -> None:
    table = check([[7, 2, 9, 30]])
    assert table.cells[0][1] is None and table.column_totals[1] is None
    check([[7], [2], [9], [30]])


def test_a_table_of_small_counts_shows_only_its_large_total() -> None:
    table = check([[1, 2], [3, 4]])
    assert all(c is None for row in table.cells for c in row)
    assert table.total == 10 and table.row_totals == [None, None] and table.column_totals == [None, None]


def test_a_larger_threshold_hides_more() -> None:
    table = check([[6, 20], [30, 40]], threshold=10)
    assert table.cells[0][0] is None


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        suppress_table([])
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_table([[-1, 2]])


def test_a_series_is_a_one_row_table() -> None:
    cells, total = suppress_series([12, 3, 15, 20])
    assert cells[1] is None
    # Otherwise the total less the shown months gives the hidden one away.
    assert sum(c is None for c in cells) + (total is None) >= 2


def test_linked_tables_hide_a_shared_total_in_both() -> None:
    by_district = [[2, 30], [1, 40]]  # column 0 adds up to 3: hidden
    by_month = [[1, 35], [2, 35]]  # same column totals (3, 70) over the same period
    a, b = suppress_linked(by_district, by_month)
    assert a.column_totals[0] is None and b.column_totals[0] is None
    assert derivable(a) == set() and derivable(b) == set()


def test_linked_tables_agree_on_every_shared_total() -> None:
    by_district = [[20, 3, 40], [25, 30, 8]]
    by_month = [[45, 10, 20], [0, 23, 28]]
    a, b = suppress_linked(by_district, by_month)
    assert [t is None for t in a.column_totals] == [t is None for t in b.column_totals]
    assert (a.total is None) == (b.total is None)


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=width, max_size=width), min_size=1, max_size=5
    )
)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_random_tables_never_show_or_give_away_a_small_count(values) -> None:
    check(values)
