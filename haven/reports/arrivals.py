"""Arrivals: the people received in the period, by ISO week, classification, sex, age band,
township of the reception site and force of origin (docs/reports.md).

An arrival is a reception event (a person received twice in the period counts twice). Every
figure is counted by the database (`haven.reception.public.arrival_counts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from haven.i18n import N_, Text
from haven.reception.public import AGE_BANDS, Classification, arrival_counts, force_names_my
from haven.reports.tables import Column, Filters, Label, Names, Report, ReportSpec, Row, Table
from haven.security.permissions import Actor, Permission

TITLE = N_("Arrivals")

# Classifications as columns: HXL `#affected` with an attribute naming the classification.
CLASSIFICATIONS = tuple(
    Column(key=c.value, label=c.label, hxl=f"#affected +{c.value}") for c in Classification
)
SEXES = (
    Column(key="female", label=N_("Women"), hxl="#affected +f"),
    Column(key="male", label=N_("Men"), hxl="#affected +m"),
    Column(key="other", label=N_("Other"), hxl="#affected +x"),
    Column(key="unknown", label=N_("Not known"), hxl="#affected +unknown_sex"),
)
AGE_LABELS: dict[str, Label] = {
    "0-17": Text(N_("Under 18")),
    "18-24": "18–24",
    "25-34": "25–34",
    "35-49": "35–49",
    "50+": "50+",
    "unknown": Text(N_("Age not known")),
}
NOT_RECORDED = Text(N_("Not recorded"))


def build(session: Session, actor: Actor, filters: Filters) -> Report:
    def counts(first: str, second: str) -> list[tuple[str, str, int]]:
        return arrival_counts(
            session,
            actor,
            first,
            second,
            start=filters.start,
            end=filters.end,
            agreement_id=filters.agreement_id,
            site_id=filters.site_id,
        )

    weeks = [monday.isoformat() for monday in _mondays(filters.start, filters.end)]
    by_week = _grid(counts("week", "classification"), weeks, CLASSIFICATIONS, _week_label)
    by_age = _grid(counts("age", "sex"), list(AGE_BANDS), SEXES, AGE_LABELS.__getitem__)
    by_township = _grid(counts("township", "classification"), None, CLASSIFICATIONS, _stored)
    names_my = force_names_my(session)
    by_force = _grid(
        counts("force", "classification"),
        None,
        CLASSIFICATIONS,
        lambda key: Names(key, names_my.get(key)) if key else NOT_RECORDED,
    )
    return Report(
        key=SPEC.key,
        title=TITLE,
        filters=filters,
        tables=(
            Table(
                key="by-week",
                title=N_("Arrivals by week"),
                description=N_("People received each week, by classification."),
                dimension=N_("Week"),
                dimension_hxl="#date +week_start",
                columns=CLASSIFICATIONS,
                rows=by_week,
                chart="bar",
            ),
            Table(
                key="by-age-sex",
                title=N_("Arrivals by age and sex"),
                description=N_("People received, by age in the year of reception and by sex."),
                dimension=N_("Age"),
                dimension_hxl="#indicator +age_band",
                columns=SEXES,
                rows=by_age,
            ),
            Table(
                key="by-township",
                title=N_("Arrivals by township"),
                description=N_("People received, by the township of the reception site."),
                dimension=N_("Township"),
                dimension_hxl="#adm3 +name",
                columns=CLASSIFICATIONS,
                rows=by_township,
            ),
            Table(
                key="by-force",
                title=N_("Arrivals by force"),
                description=N_("People received, by the force they came from."),
                dimension=N_("Force"),
                dimension_hxl="#org +name",
                columns=CLASSIFICATIONS,
                rows=by_force,
            ),
        ),
    )


def _mondays(start: date, end: date) -> list[date]:
    monday = start - timedelta(days=start.weekday())
    out = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(weeks=1)
    return out


def _week_label(key: str) -> Label:
    year, week, _ = date.fromisoformat(key).isocalendar()
    return f"{year}-W{week:02d}"


def _stored(key: str) -> Label:
    return key or NOT_RECORDED


def _grid(
    counts: list[tuple[str, str, int]],
    keys: Sequence[str] | None,
    columns: Sequence[Column],
    label: Callable[[str], Label],
) -> tuple[Row, ...]:
    """Rows of `(row key, column key, count)` as table rows: every key of `keys` in its order
    (zeros included), or the keys that have counts, largest total first."""
    cells: dict[str, dict[str, int]] = {}
    for row_key, column_key, count in counts:
        cells.setdefault(row_key, {})[column_key] = count
    if keys is None:
        keys = sorted(cells, key=lambda k: (-sum(cells[k].values()), k == "", k))
    return tuple(
        Row(
            key=key,
            label=label(key),
            values=tuple(cells.get(key, {}).get(column.key, 0) for column in columns),
        )
        for key in keys
    )


SPEC = ReportSpec(
    key="arrivals",
    title=TITLE,
    description=N_("People received by week, classification, sex, age, township and force."),
    permission=Permission.REPORT_AGGREGATE,
    build=build,
    filters=frozenset({"agreement", "site"}),
)
