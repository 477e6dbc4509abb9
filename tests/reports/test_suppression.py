"""Small-cell suppression: no withheld figure can be worked out from what is published.

Criterion (the reader model, docs/reports.md): for every small count (1 to k-1, however it
reads), the values it can take given every published figure (cells, row and column totals,
the grand total), the sums, and the bounds each marker tells ("<k" is 1 to k-1, an "x" cell
at least k, an "x" total at least 1) form a range of at least two whole values (its minimum
and maximum by linear programming differ by at least 1; the system is totally unimodular, so
its extremes are whole). And no published figure is under the threshold.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from haven.reports.suppression import Mark, Published, _marks, suppress
from haven.reports.tables import Column, Row, Table


def _table(grid: list[list[int]], row_totals: bool, column_totals: bool) -> Table:
    columns = tuple(
        Column(key=f"c{j}", label=f"C{j}", hxl="#affected") for j in range(len(grid[0]))
    )
    rows = tuple(Row(key=f"r{i}", label=f"R{i}", values=tuple(r)) for i, r in enumerate(grid))
    return Table(
        key="t",
        title="T",
        description="D",
        dimension="Row",
        dimension_hxl="#indicator",
        columns=columns,
        rows=rows,
        row_totals=row_totals,
        column_totals=column_totals,
    )


def _figures(published: Published) -> dict[tuple[int, int], int]:
    table = published.table
    rows, cols = len(table.rows), len(table.columns)
    out = {(i, j): table.rows[i].values[j] for i in range(rows) for j in range(cols)}
    if table.row_totals:
        out |= {(i, cols): table.row_total(i) for i in range(rows)}
    if table.column_totals:
        out |= {(rows, j): table.column_total(j) for j in range(cols)}
        if table.row_totals:
            out[(rows, cols)] = table.grand_total
    return out


def _equations(table: Table) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    rows, cols = len(table.rows), len(table.columns)
    out = []
    if table.row_totals:
        out += [([(i, j) for j in range(cols)], (i, cols)) for i in range(rows)]
    if table.column_totals:
        out += [([(i, j) for i in range(rows)], (rows, j)) for j in range(cols)]
        if table.row_totals:
            out.append(([(rows, j) for j in range(cols)], (rows, cols)))
            out.append(([(i, cols) for i in range(rows)], (rows, cols)))
    return out


def _bounds(published: Published, cell: tuple[int, int], reader: bool) -> tuple[int, int | None]:
    """A withheld figure's bounds as the reader knows them from its marker."""
    if not reader:
        return 0, None
    if published.mark(*cell) is Mark.SMALL:
        return 1, published.threshold - 1
    totals = {total for _, total in _equations(published.table)}
    return (1, None) if cell in totals else (published.threshold, None)


def _ranges(
    published: Published, *, reader: bool = True
) -> dict[tuple[int, int], tuple[float, float]]:
    """Each small count's least and greatest value given what a reader knows: every published
    figure, the sums, and each withheld figure's bounds by its marker ("<k" is 1 to k-1, an
    "x" cell at least k, an "x" total at least 1) — or, with `reader=False`, non-negativity
    only (the criterion before the audit)."""
    figures = _figures(published)
    k = published.threshold
    hidden = sorted(c for c in figures if published.mark(*c) is not Mark.SHOWN)
    index = {c: n for n, c in enumerate(hidden)}
    bounds = [_bounds(published, cell, reader) for cell in hidden]
    for cell, (low, high) in zip(hidden, bounds, strict=True):  # the model is sound
        assert low <= figures[cell]
        assert high is None or figures[cell] <= high
    a_eq, b_eq = [], []
    for parts, total in _equations(published.table):
        row = np.zeros(len(hidden))
        rhs = 0.0
        for cell, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * figures[cell]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
        else:
            assert abs(rhs) < 1e-9  # published figures agree with each other
    out = {}
    for cell, n in index.items():
        if not 0 < figures[cell] < k:
            continue  # a figure of k or more may be published: it may also be worked out
        extremes = []
        for sense in (1.0, -1.0):
            c = np.zeros(len(hidden))
            c[n] = sense
            result = linprog(
                c,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=np.array(b_eq) if b_eq else None,
                bounds=bounds,
                method="highs",
            )
            if result.status == 3:  # unbounded
                extremes.append(float("inf"))
            else:
                assert result.status == 0
                extremes.append(sense * result.fun)
        out[cell] = (extremes[0], extremes[1])
    return out


grids = st.integers(1, 6).flatmap(
    lambda cols: st.lists(
        st.lists(
            st.one_of(st.just(0), st.integers(1, 6), st.integers(5, 60)),
            min_size=cols,
            max_size=cols,
        ),
        min_size=1,
        max_size=7,
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=grids, row_totals=st.booleans(), column_totals=st.booleans(), threshold=st.integers(2, 6)
)
def test_no_withheld_figure_can_be_worked_out(
    grid: list[list[int]], row_totals: bool, column_totals: bool, threshold: int
) -> None:
    published = suppress(_table(grid, row_totals, column_totals), threshold)
    figures = _figures(published)
    for cell, value in figures.items():
        shown = published.mark(*cell) is Mark.SHOWN
        # Nothing under the threshold is shown, except a zero.
        assert not (shown and 0 < value < threshold), (cell, value)
        if published.mark(*cell) is Mark.SMALL:
            assert 0 < value < threshold
    # No published total is the sum of withheld figures only.
    for parts, total in _equations(published.table):
        if published.mark(*total) is Mark.SHOWN and figures[total] > 0:
            assert any(published.mark(*p) is Mark.SHOWN and figures[p] for p in parts)
    ranges = _ranges(published)
    assert set(ranges) == {c for c, v in figures.items() if 0 < v < threshold}
    for cell, (low, high) in ranges.items():
        assert low - 1e-6 <= figures[cell] <= high + 1e-6
        if threshold > 2:  # "<2" tells 1 by itself
            assert high - low >= 1 - 1e-6, (grid, row_totals, column_totals, cell, low, high)


def test_a_row_total_of_6_no_longer_tells_its_small_cell() -> None:
    """A row "<5", "x", 0 with its total 6 shown: the "x" is at least 5, so the "<5" is 1."""
    table = _table([[1, 5, 0], [20, 30, 40]], True, True)
    withheld = {(1, 0): Mark.WITHHELD, (1, 1): Mark.WITHHELD}
    before = Published(  # what the algorithm published before the audit
        table=table, threshold=5, marks={(0, 0): Mark.SMALL, (0, 1): Mark.WITHHELD, **withheld}
    )
    assert before.cells(0) == ["<5", "x", 0]
    assert before.row_total(0) == 6
    assert _ranges(before, reader=False)[(0, 0)] == (0, 6)  # the old criterion passed it
    assert _ranges(before)[(0, 0)] == (1, 1)  # the reader model recovers it
    after = suppress(table, 5)
    low, high = _ranges(after)[(0, 0)]
    assert after.row_total(0) == "x"
    assert high - low >= 1
    # Four ones and their total 4 tell each one: the total reads "x" instead of "<5".
    ones = suppress(_table([[1, 1, 1, 1]], True, False), 5)
    assert ones.cells(0) == ["<5"] * 4
    assert ones.row_total(0) == "x"
    assert all(high - low >= 1 for low, high in _ranges(ones).values())


def test_a_lone_small_cell_takes_a_partner_in_its_row_and_its_column() -> None:
    published = suppress(_table([[3, 10, 12], [8, 9, 20]], True, True), 5)
    assert published.cells(0)[0] == "<5"
    assert published.cells(0).count("x") >= 1  # its row
    assert published.cells(1)[0] == "x"  # its column: the only other cell
    # A total of withheld cells only would publish their sum: the first column's is withheld.
    assert published.column_totals()[0] == "x"
    wider = suppress(_table([[3, 10, 12], [8, 9, 20], [7, 6, 30]], True, True), 5)
    assert wider.cells(2)[2] == 30  # what needs no hiding stays shown
    # A table with nothing small hides nothing; zeros are shown.
    plain = suppress(_table([[0, 10], [7, 9]], True, True), 5)
    assert not plain.any_hidden
    assert plain.cells(0) == [0, 10]


def test_the_same_figures_are_audited_once() -> None:
    """A page and its downloads publish the same figures: the second time, the marks are the
    ones kept (an equal table, not the same object), and they are the table's own."""
    grid = [[3, 10, 12], [8, 9, 20], [2, 40, 33]]
    first = suppress(_table(grid, True, True), 5)
    before = _marks.cache_info().hits
    again = suppress(_table(grid, True, True), 5)
    assert _marks.cache_info().hits == before + 1
    assert again.marks == first.marks
    assert again.marks is not first.marks  # a copy: marking one publication leaves the other
    other = suppress(_table(grid, True, True), 3)  # another threshold: audited on its own
    assert other.marks != first.marks
