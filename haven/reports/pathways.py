"""Pathways chosen and followed (docs/reports.md, "Pathways chosen and followed").

Every choice of a pathway made in the period, counted once by what became of it: not started,
in progress, completed, stopped (the case closed first) or changed (a later choice replaced
it); the changes made in the period, from which pathway to which; and the choices by month.
The cases are those the actor's organisation follows (a transferred case counts where it is
now). Counted by the database (`haven.pathways.public`); nothing is counted here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from haven.i18n import N_, Text
from haven.kernel import clock
from haven.pathways.public import (
    Pathway,
    choice_progress,
    choices_in_windows,
    pathway_changes,
)
from haven.reports.tables import Column, Filters, Report, ReportSpec, Row, Table
from haven.security.permissions import Actor, Permission, require

KEY = "pathways"
TITLE = N_("Pathways chosen and followed")
DESCRIPTION = N_(
    "The pathways people chose in the period, what became of each choice, the changes of "
    "pathway and the choices by month."
)

# What became of a choice, in the order of the columns (values of the pathways repository).
PROGRESS = (
    ("not_started", N_("Not started"), "#affected +pathway +not_started"),
    ("in_progress", N_("In progress"), "#affected +pathway +in_progress"),
    ("completed", N_("Completed"), "#affected +pathway +completed"),
    ("stopped", N_("Case closed first"), "#affected +pathway +stopped"),
    ("changed", N_("Changed later"), "#affected +pathway +changed"),
)
# The short names of the pathways as column headings (their labels are sentences).
SHORT = {
    Pathway.SERVE: N_("Serve"),
    Pathway.HOME: N_("Go home"),
    Pathway.EXILE: N_("Exile"),
}
PATHWAY_HXL = "#indicator +pathway"


def instants(filters: Filters) -> tuple[datetime, datetime]:
    """The period as instants: from the first day's midnight to the midnight after the last
    day, in the programme's zone (`haven.kernel.clock`)."""
    return clock.start_of_day(filters.start), clock.start_of_day(filters.end + timedelta(days=1))


def month_edges(filters: Filters) -> tuple[list[datetime], list[str]]:
    """The period cut at each first of a month (the programme's zone): the windows' edges
    and each window's label ("2026-11"); the first and last windows may be part-months."""
    start, end = instants(filters)
    edges, labels = [start], [f"{filters.start:%Y-%m}"]
    day = date(filters.start.year, filters.start.month, 1)
    while True:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day > filters.end:
            break
        edges.append(clock.start_of_day(day))
        labels.append(f"{day:%Y-%m}")
    edges.append(end)
    return edges, labels


def _pathway_row(pathway: Pathway, values: tuple[int, ...]) -> Row:
    return Row(key=pathway.value, label=Text(pathway.label), values=values)


def _pathway_columns(prefix: str) -> tuple[Column, ...]:
    return tuple(
        Column(key=p.value, label=SHORT[p], hxl=f"#affected +{prefix}{p.value}") for p in Pathway
    )


def progress_table(session: Session, actor: Actor, filters: Filters) -> Table:
    counts = {
        (pathway, progress): count
        for pathway, progress, count in choice_progress(session, actor, *instants(filters))
    }
    rows = tuple(
        _pathway_row(p, tuple(counts.get((p.value, key), 0) for key, _, _ in PROGRESS))
        for p in Pathway
    )
    return Table(
        key="progress",
        title=N_("Choices made in the period and what became of them"),
        description=N_(
            "Each choice once: completed means posted to a unit, home plan completed or "
            "arrived in exile; changed means a later choice replaced it."
        ),
        dimension=N_("Pathway"),
        dimension_hxl=PATHWAY_HXL,
        columns=tuple(Column(key=key, label=label, hxl=hxl) for key, label, hxl in PROGRESS),
        rows=rows if any(sum(r.values) for r in rows) else (),
    )


def changes_table(session: Session, actor: Actor, filters: Filters) -> Table:
    counts = {
        (before, after): count
        for before, after, count in pathway_changes(session, actor, *instants(filters))
    }
    rows = tuple(
        _pathway_row(b, tuple(counts.get((b.value, a.value), 0) for a in Pathway)) for b in Pathway
    )
    return Table(
        key="changes",
        title=N_("Changes of pathway made in the period"),
        description=N_("Rows: the pathway chosen before; columns: the pathway chosen instead."),
        dimension=N_("Pathway before"),
        dimension_hxl=f"{PATHWAY_HXL} +from",
        columns=_pathway_columns("to_"),
        rows=rows if any(sum(r.values) for r in rows) else (),
    )


def months_table(session: Session, actor: Actor, filters: Filters) -> Table:
    edges, labels = month_edges(filters)
    counts = {
        (window, pathway): count
        for window, pathway, count in choices_in_windows(session, actor, edges)
    }
    rows = tuple(
        Row(key=label, label=label, values=tuple(counts.get((i, p.value), 0) for p in Pathway))
        for i, label in enumerate(labels)
    )
    return Table(
        key="months",
        title=N_("Choices by month"),
        description=N_("Every choice made, by the month it was made (changes included)."),
        dimension=N_("Month"),
        dimension_hxl="#date +month",
        columns=_pathway_columns(""),
        rows=rows if any(sum(r.values) for r in rows) else (),
        chart="bar",
    )


def build(session: Session, actor: Actor, filters: Filters) -> Report:
    require(actor, Permission.REPORT_AGGREGATE)
    return Report(
        key=KEY,
        title=TITLE,
        filters=filters,
        tables=(
            progress_table(session, actor, filters),
            changes_table(session, actor, filters),
            months_table(session, actor, filters),
        ),
    )


SPEC = ReportSpec(
    key=KEY,
    title=TITLE,
    description=DESCRIPTION,
    permission=Permission.REPORT_AGGREGATE,
    build=build,
)
