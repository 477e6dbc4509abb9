"""Small-cell suppression of a report table before it leaves Haven (docs/reports.md).

Primary: a count from 1 to `threshold - 1` (k - 1; k is `Settings.report_min_cell`) is shown
as "<5". Zero is shown: it tells that no one is in a group, not who is.

Secondary: the published figures — cells, row totals, column totals, the grand total — are a
system of sums. A withheld figure whose value the others still fix (the only withheld cell of
a row whose total is shown; a "bridge" between two groups of withheld cells) is protected by
withholding one more figure: the smallest non-zero shown figure of one of its lines (a cell
before a total), repeated until no withheld figure is determined; and a total of withheld
figures only (and zeros) is withheld too, since it would publish their sum. Those are shown
as "x". `determined` decides "fixed by the sums" exactly (linear algebra over a prime field,
where the unimodular system has the same rank as over the rationals).

The reader model: what someone holding the published table knows. Shown figures exactly; all
the table's sums; a "<k" figure is 1 to k - 1; an "x" cell is at least k (every count under k
reads "<k", and only non-zero figures are withheld with it); an "x" total is at least 1 (the
audit below may let a small total read "x"). The requirement: every small count, however it
reads, can take at least two whole values under that model. Nothing is required of a figure
of k or more: it is one the rule would publish, so working it out tells nothing the threshold
protects. (With k = 2 the marker "<2" says 1 by itself: there is nothing to protect.)

The audit: the sums alone no longer decide it, since the bounds narrow ranges (a row "<5",
"x", total 6: the "x" is at least 5, so the "<5" is 1). After the secondary phase, each small
count is checked under the model as a flow in a network (`_Reader`): it can take another
whole value exactly when a cycle through it can carry one unit more or less. Where only its own
value remains, one more figure is withheld: the first on its lines that frees it alone (the
smallest non-zero shown cells, then shown totals, then a small total made to read "x"), else
the first such figure near it; the secondary phase runs again and the audit goes on. Every
step only widens what the reader must allow, so a count once free stays free; and once every
figure on a count's lines and on its totals' lines is withheld and its totals read "x", it can
move by one with its totals (k > 2), so the loop ends with every small count protected. The
sums with their margins are a network (totally unimodular), so with whole bounds another value
means another whole value.
`tests/reports/test_suppression.py` checks the requirement with its own linear programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache

from haven.reports.tables import Table

PRIME = 2**61 - 1


WITHHELD = "x"


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # under the threshold: "<5"
    WITHHELD = "withheld"  # shown but for the totals: "x"


Cell = tuple[int, int]  # (row, column); row == len(rows) is the totals row, column == C totals


@dataclass(frozen=True)
class Published:
    """A table as it may leave Haven: a mark for each figure (cells, row totals, column
    totals, grand total) saying whether it is shown."""

    table: Table
    threshold: int
    marks: dict[Cell, Mark]

    @property
    def small(self) -> str:
        return f"<{self.threshold}"

    def mark(self, row: int, column: int) -> Mark:
        return self.marks.get((row, column), Mark.SHOWN)

    def show(self, row: int, column: int, value: int) -> int | str:
        """The figure as a download has it: the number, "<5" or "x"."""
        mark = self.mark(row, column)
        if mark is Mark.SMALL:
            return self.small
        if mark is Mark.WITHHELD:
            return WITHHELD
        return value

    @property
    def totals_row(self) -> int:
        return len(self.table.rows)

    @property
    def totals_column(self) -> int:
        return len(self.table.columns)

    def cells(self, row: int) -> list[int | str]:
        """A row's figures as published, one per column."""
        values = self.table.rows[row].values
        return [self.show(row, j, v) for j, v in enumerate(values)]

    def row_total(self, row: int) -> int | str:
        return self.show(row, self.totals_column, self.table.row_total(row))

    def column_totals(self) -> list[int | str | None]:
        """The totals row as published (None under a column that is not summed)."""
        t = self.table
        return [
            self.show(self.totals_row, j, t.column_total(j)) if column.suppress else None
            for j, column in enumerate(t.columns)
        ]

    def grand_total(self) -> int | str:
        return self.show(self.totals_row, self.totals_column, self.table.grand_total)

    @property
    def any_hidden(self) -> bool:
        return any(mark is not Mark.SHOWN for mark in self.marks.values())


def suppress(table: Table, threshold: int) -> Published:
    """The table's figures marked for publication: primary, secondary, then the audit.

    The marks depend on the figures and the table's shape only, so the last ones computed are
    kept (`_marks`): a report's page, then its XLSX and PDF downloads, or a page shown again,
    audit the same figures once (the audit's linear programs cost tenths of a second on a year
    of weekly figures)."""
    shape = Shape(
        values=tuple(tuple(row.values) for row in table.rows),
        counted=table.counted,
        columns=len(table.columns),
        row_totals=table.row_totals,
        column_totals=table.column_totals,
    )
    return Published(table=table, threshold=threshold, marks=dict(_marks(shape, threshold)))


@dataclass(frozen=True)
class Shape:
    """What suppression reads of a table: its figures by row, which columns are counts, and
    which totals it publishes."""

    values: tuple[tuple[int, ...], ...]
    counted: tuple[int, ...]
    columns: int
    row_totals: bool
    column_totals: bool

    def row_total(self, index: int) -> int:
        return sum(self.values[index][j] for j in self.counted)

    def column_total(self, index: int) -> int:
        return sum(row[index] for row in self.values)


@lru_cache(maxsize=256)
def _marks(shape: Shape, threshold: int) -> tuple[tuple[Cell, Mark], ...]:
    """`suppress`'s marks for a table of this shape."""
    values = _figures(shape)
    lines = _lines(shape)
    hidden: dict[Cell, Mark] = {
        cell: Mark.SMALL for cell, value in values.items() if 0 < value < threshold
    }
    _secondary(lines, values, hidden)
    if threshold > 2:  # under 2 the marker "<2" alone tells 1: nothing to widen
        reader = _Reader(shape, values, threshold, frozenset(total for _, total in lines), lines)
        small = sorted(cell for cell, mark in hidden.items() if mark is Mark.SMALL)
        for cell in small:  # however it reads by now ("<5", or "x" for a total)
            while reader.pinned(cell, hidden):
                choice = reader.widener(cell, hidden)
                if choice is None:  # pragma: no cover - every figure near it is withheld
                    break
                hidden[choice] = Mark.WITHHELD
                _secondary(lines, values, hidden)
    return tuple(sorted(hidden.items()))


def _secondary(lines: Sequence[Line], values: dict[Cell, int], hidden: dict[Cell, Mark]) -> None:
    """Withhold figures until the sums fix no withheld figure and publish no sum of them."""
    while True:
        fixed = determined(lines, set(hidden))
        if fixed:
            partner = _partner(fixed[0], lines, values, hidden)
            if partner is None:  # pragma: no cover - every non-zero figure is withheld
                return
            hidden[partner] = Mark.WITHHELD
            continue
        # A total of withheld figures only (and zeros) would publish their sum: withheld too.
        sums = [
            total
            for parts, total in lines
            if total not in hidden
            and values[total] > 0
            and all(cell in hidden or values[cell] == 0 for cell in parts)
        ]
        if not sums:
            return
        for total in sums:
            hidden[total] = Mark.WITHHELD


def _figures(shape: Shape) -> dict[Cell, int]:
    """Every published figure of the table by its position, counts of persons only."""
    rows, counted = len(shape.values), shape.counted
    out: dict[Cell, int] = {}
    for i, row in enumerate(shape.values):
        for j in counted:
            out[(i, j)] = row[j]
        if shape.row_totals:
            out[(i, shape.columns)] = shape.row_total(i)
    if shape.column_totals:
        for j in counted:
            out[(rows, j)] = shape.column_total(j)
        if shape.row_totals:
            out[(rows, shape.columns)] = sum(shape.row_total(i) for i in range(rows))
    return out


Line = tuple[tuple[Cell, ...], Cell]  # parts, and their total


def _lines(shape: Shape) -> list[Line]:
    """The sums the published figures obey: each row's parts and its total, each column's."""
    rows, total_column, counted = len(shape.values), shape.columns, shape.counted
    out: list[Line] = []
    if shape.row_totals:
        for i in range(rows):
            out.append((tuple((i, j) for j in counted), (i, total_column)))
    if shape.column_totals:
        for j in counted:
            out.append((tuple((i, j) for i in range(rows)), (rows, j)))
        if shape.row_totals:
            out.append((tuple((rows, j) for j in counted), (rows, total_column)))
            out.append((tuple((i, total_column) for i in range(rows)), (rows, total_column)))
    return out


def determined(lines: Sequence[Line], hidden: set[Cell]) -> list[Cell]:
    """The hidden figures whose value the shown figures fix through the sums, in order.

    The sums restricted to the hidden figures are rows of a matrix; a hidden figure is fixed
    exactly when its unit vector lies in the matrix's row space, i.e. when its column is a
    pivot whose reduced row has no other non-zero entry."""
    order = sorted(hidden)
    index = {cell: k for k, cell in enumerate(order)}
    matrix: list[dict[int, int]] = []
    for parts, total in lines:
        row: dict[int, int] = {}
        for cell in parts:
            if cell in index:
                row[index[cell]] = (row.get(index[cell], 0) + 1) % PRIME
        if total in index:
            row[index[total]] = (row.get(index[total], 0) - 1) % PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            matrix.append(row)
    pivots = _reduce(matrix)
    return [order[k] for k, row in pivots.items() if len(row) == 1]


def _reduce(matrix: list[dict[int, int]]) -> dict[int, dict[int, int]]:
    """Reduced row echelon form over GF(PRIME): pivot column → its (normalised) row."""
    pivots: dict[int, dict[int, int]] = {}
    for original in matrix:
        row = dict(original)
        for column, pivot_row in pivots.items():
            factor = row.get(column)
            if factor:
                _subtract(row, pivot_row, factor)
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other in pivots.values():
            factor = other.get(column)
            if factor:
                _subtract(other, row, factor)
        pivots[column] = row
    return pivots


def _subtract(row: dict[int, int], pivot_row: dict[int, int], factor: int) -> None:
    for k, v in pivot_row.items():
        value = (row.get(k, 0) - factor * v) % PRIME
        if value:
            row[k] = value
        else:
            row.pop(k, None)


def _partner(
    cell: Cell, lines: Sequence[Line], values: dict[Cell, int], hidden: dict[Cell, Mark]
) -> Cell | None:
    """The figure to withhold with a determined one: the smallest non-zero shown figure of its
    lines (a cell before a total), else of the whole table."""

    def best(candidates: set[Cell]) -> Cell | None:
        open_ = [c for c in candidates if c not in hidden and values.get(c, 0) > 0]
        if not open_:
            return None
        return min(open_, key=lambda c: (c in totals, values[c], c))

    totals = {total for _, total in lines}
    near: set[Cell] = set()
    for parts, total in lines:
        members = (*parts, total)
        if cell in members:
            near.update(members)
    return best(near) or best(set(values))


# The audit: the reader model (module docstring) as a flow network.

Node = tuple[str, int]  # ("row", i), ("column", j), ("source", 0) or ("sink", 0)
SOURCE: Node = ("source", 0)
SINK: Node = ("sink", 0)


@dataclass(frozen=True)
class _Arc:
    """A figure of the table as an arc of the network: the flow on it is the figure."""

    tail: Node
    head: Node
    value: int
    published: Cell | None  # its place in the table; None: a sum the table does not publish


@dataclass(frozen=True)
class _Reader:
    """What a reader of the published table knows, and whether it lets a figure move.

    The table's sums make a circulation: the source feeds each row its total, each cell
    carries its count from its row to its column, each column passes its total to the sink,
    and the grand total returns from the sink to the source. A sum the table does not publish
    (no row totals, say) is an arc free from 0 up. The true figures are one flow that keeps
    every bound; another whole value of a figure is possible exactly when a cycle through its
    arc can carry one more unit, or one less, within every bound (the network's matrix is
    totally unimodular, so whole bounds leave whole solutions): a search in the residual
    network, a fraction of a millisecond on a table of a year's weeks."""

    shape: Shape
    values: dict[Cell, int]
    threshold: int
    totals: frozenset[Cell]
    lines: Sequence[Line]

    def bounds(self, cell: Cell, hidden: dict[Cell, Mark]) -> tuple[int, int | None]:
        """A withheld figure's bounds by its marker: "<5" is 1 to 4, an "x" cell at least 5
        (every count under 5 reads "<5"), an "x" total at least 1 (a small total can read
        "x" when the audit needs it to)."""
        if hidden[cell] is Mark.SMALL:
            return 1, self.threshold - 1
        return (1, None) if cell in self.totals else (self.threshold, None)

    @cached_property
    def arcs(self) -> tuple[_Arc, ...]:
        """The table's figures as arcs: the same for every check of the table (what is
        withheld changes only the bounds)."""
        shape, rows, columns = self.shape, len(self.shape.values), self.shape.columns
        out = [
            _Arc(("row", i), ("column", j), shape.values[i][j], (i, j))
            for i in range(rows)
            for j in shape.counted
        ]
        for i in range(rows):
            out.append(
                _Arc(
                    SOURCE,
                    ("row", i),
                    shape.row_total(i),
                    (i, columns) if shape.row_totals else None,
                )
            )
        for j in shape.counted:
            out.append(
                _Arc(
                    ("column", j),
                    SINK,
                    shape.column_total(j),
                    (rows, j) if shape.column_totals else None,
                )
            )
        grand = sum(shape.row_total(i) for i in range(rows))
        both = shape.row_totals and shape.column_totals
        out.append(_Arc(SINK, SOURCE, grand, (rows, columns) if both else None))
        return tuple(out)

    def pinned(self, cell: Cell, hidden: dict[Cell, Mark]) -> bool:
        """Whether the reader can tell the figure's value: no other whole value is possible."""
        residual: dict[Node, set[Node]] = {}
        own: _Arc | None = None
        for arc in self.arcs:
            if arc.published == cell:
                own = arc
                continue
            if arc.published is None:
                low, high = 0, None
            elif arc.published in hidden:
                low, high = self.bounds(arc.published, hidden)
            else:
                continue  # shown: fixed
            if high is None or arc.value < high:
                residual.setdefault(arc.tail, set()).add(arc.head)
            if arc.value > low:
                residual.setdefault(arc.head, set()).add(arc.tail)
        if own is None:  # pragma: no cover - every withheld figure is an arc
            return True
        low, high = self.bounds(cell, hidden)
        value = self.values[cell]
        if (high is None or value + 1 <= high) and _reaches(residual, own.head, own.tail):
            return False  # one more: around a cycle through its arc
        return not (value - 1 >= low and _reaches(residual, own.tail, own.head))

    def widener(self, cell: Cell, hidden: dict[Cell, Mark]) -> Cell | None:
        """The figure to withhold (or, a small total, to read "x") for a pinned one: the first
        on its lines that frees it alone — smallest non-zero shown cells first, then shown
        totals, then small totals —, else the first such figure on its lines or on the lines
        of their totals, else the smallest non-zero shown figure of the table."""
        near = [line for line in self.lines if cell in line[0] or cell == line[1]]
        for candidate in self._candidates(near, hidden):
            if not self.pinned(cell, {**hidden, candidate: Mark.WITHHELD}):
                return candidate
        ends = {total for _, total in near}
        around = near + [line for line in self.lines if ends & {*line[0], line[1]}]
        everything = list(self.lines)
        for lines in (around, everything):
            candidates = self._candidates(lines, hidden)
            if candidates:
                return candidates[0]
        return None  # pragma: no cover - every figure is withheld

    def _candidates(self, lines: Sequence[Line], hidden: dict[Cell, Mark]) -> list[Cell]:
        members = {member for parts, total in lines for member in (*parts, total)}
        shown = sorted(
            (c for c in members if c not in hidden and self.values[c] > 0),
            key=lambda c: (c in self.totals, self.values[c], c),
        )
        small_totals = sorted(
            c for c in members if hidden.get(c) is Mark.SMALL and c in self.totals
        )
        return shown + small_totals


def _reaches(graph: dict[Node, set[Node]], start: Node, goal: Node) -> bool:
    """Whether `goal` can be reached from `start` along the graph's arcs."""
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for following in graph.get(node, ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return False
