"""The table model every programme report is made of (docs/reports.md).

A `Report` is a title, the `Filters` it was built with and one or more `Table`s. A table has
a key, a title and a description (msgids, translated when shown), a row dimension (its heading
and HXL hashtag: "Week" / `#date +week`) and count columns (each with its heading and HXL
hashtag + attributes: "Women" / `#affected +f`). Its rows are a key, a label and one integer
per column, counted by the database (GROUP BY); the totals are sums of those rows.

A row's label is either data shown as stored (a township, an agreement's reference: a plain
`str`), data with a name in each script (`Names(en, my)`: a force), or a translatable message
(`Text(N_("Female"))`). Headings, titles and
descriptions are msgids (`N_()`, or `NC_()` for a word that needs a context).

Nothing here touches the database or knows a language: `haven.reports.suppression` turns a
table into what may leave Haven, `haven.reports.downloads` writes it as XLSX, CSV or PDF,
the pages draw it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from haven.i18n import N_, Text
from haven.security.permissions import Actor, Permission

TOTAL = N_("Total")
# The HXL hashtags of the totals: the row-totals column and the totals row's label.
TOTAL_HXL = "#affected +total"


@dataclass(frozen=True)
class Names:
    """A row label that is data with a name in each script (a force's English and Burmese
    names): the Burmese one on Burmese pages and files when there is one."""

    en: str
    my: str | None = None

    def render(self, language: str | None = None) -> str:
        return self.my if language == "my" and self.my else self.en


Label = str | Text | Names


@dataclass(frozen=True)
class Filters:
    """What a report covers: a period (both days included) and, where the report offers them,
    one agreement or one site. A report ignores the filters it does not offer."""

    start: date
    end: date
    agreement_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None

    @classmethod
    def default(cls, today: date) -> Filters:
        """The last twelve weeks: from the Monday eleven weeks before this week's, to today."""
        monday = today - timedelta(days=today.weekday())
        return cls(start=monday - timedelta(weeks=11), end=today)

    def as_audit(self) -> dict[str, str | None]:
        """The filters as an audit event records them (no figures, no names)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "agreement_id": str(self.agreement_id) if self.agreement_id else None,
            "site_id": str(self.site_id) if self.site_id else None,
        }


@dataclass(frozen=True)
class Column:
    """A column of counts.

    `hxl` is the column's HXL hashtag and attributes ("#affected +f +adult"), written under
    the heading in CSV and XLSX downloads (https://hxlstandard.org/standard/1-1final/dictionary/).
    A count of persons (or of anything that is one per person: cards, visits) is suppressed
    when small (`suppress=True`). A column that is not a count of persons (an amount of money:
    `currency` set, cells in integer minor units) is published as it is and stays out of the
    row totals and out of suppression: do not give such a table `row_totals`.
    """

    key: str
    label: str  # msgid
    hxl: str
    suppress: bool = True
    currency: str | None = None


@dataclass(frozen=True)
class Row:
    """One row: a stable key (an ISO week "2026-W49", a stored value "female", an id), its
    label (data as a `str`, or a translatable `Text`) and one integer per column."""

    key: str
    label: Label
    values: tuple[int, ...]


@dataclass(frozen=True)
class Table:
    """A table of counts. `row_totals`: each row's sum is shown (and published) in a last
    column, only where adding the columns means something (women + men, not "expected" +
    "arrived"); `column_totals`: a last row of each column's sum. `chart` is how the page draws
    the table's totals (the row totals, or the first column's values when there are none)."""

    key: str
    title: str  # msgid
    description: str  # msgid
    dimension: str  # msgid: the heading of the rows' labels ("Week", "Township")
    dimension_hxl: str  # "#date +week", "#adm2 +name", "#org +name"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = ()
    row_totals: bool = True
    column_totals: bool = True
    chart: Literal["bar", "line", "rows"] | None = "rows"

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row.values) != len(self.columns):
                raise ValueError(f"row {row.key!r} of {self.key!r}: one value per column")

    @property
    def counted(self) -> tuple[int, ...]:
        """The indexes of the columns that are counts of persons (suppressed, summed by row)."""
        return tuple(i for i, column in enumerate(self.columns) if column.suppress)

    def row_total(self, index: int) -> int:
        values = self.rows[index].values
        return sum(values[i] for i in self.counted)

    def column_total(self, index: int) -> int:
        return sum(row.values[index] for row in self.rows)

    @property
    def grand_total(self) -> int:
        return sum(self.row_total(i) for i in range(len(self.rows)))

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Report:
    """What a report's `build` returns: its key and title (msgid), the filters it was built
    with, its tables, and notes shown under the title (msgids or `Text`)."""

    key: str
    title: str
    filters: Filters
    tables: tuple[Table, ...]
    notes: Sequence[Label] = field(default_factory=tuple)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


Build = Callable[[Session, Actor, Filters], Report]
FilterName = Literal["agreement", "site"]


@dataclass(frozen=True)
class ReportSpec:
    """A report of the catalogue (`haven.reports.catalogue`): its key (the page's
    `/reports/{key}`), title and one-line description (msgids), the permission it needs, how it
    is built, and the optional filters it offers besides the period."""

    key: str
    title: str
    description: str
    permission: Permission
    build: Build
    filters: frozenset[FilterName] = frozenset()
