"""Crossing-day results per agreement: the roll against who arrived, weapons and families
expected against received, no-shows, arrivals not on the roll and roll entries flagged by
screening (docs/reports.md).

An agreement is identified by its reference, never its code name (the code name stays with
the negotiation team). Every figure is counted by the database
(`haven.agreements.public.crossing_figures`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements.public import CROSSING_MEASURES, crossing_figures
from haven.i18n import N_
from haven.reports.tables import Column, Filters, Report, ReportSpec, Row, Table
from haven.security.permissions import Actor, Permission

TITLE = N_("Crossing-day results")

COLUMNS = tuple(
    Column(key=key, label=label, hxl=hxl)
    for key, label, hxl in (
        ("expected", N_("On the roll"), "#affected +expected"),
        ("arrived", N_("Arrived"), "#affected +arrived"),
        ("no_show", N_("Did not arrive"), "#affected +no_show"),
        ("unexpected", N_("Arrived, not on the roll"), "#affected +not_on_roll"),
        ("weapons_expected", N_("Weapons expected"), "#item +weapons +expected"),
        ("weapons_received", N_("Weapons received"), "#item +weapons +received"),
        ("family_expected", N_("Family members expected"), "#affected +family +expected"),
        ("family_moved", N_("Family members moved"), "#affected +family +moved"),
        ("screening_flagged", N_("Flagged by screening"), "#affected +screening_flagged"),
    )
)
if tuple(c.key for c in COLUMNS) != CROSSING_MEASURES:  # pragma: no cover - a coding error
    raise RuntimeError("the crossing report's columns are the agreements' measures")


def build(session: Session, actor: Actor, filters: Filters) -> Report:
    figures = crossing_figures(
        session,
        actor,
        start=filters.start,
        end=filters.end,
        agreement_id=filters.agreement_id,
        site_id=filters.site_id,
    )
    rows = tuple(
        Row(
            key=str(agreement_id),
            label=f"{reference} ({day.isoformat()})" if day else reference,
            values=tuple(values[c.key] for c in COLUMNS),
        )
        for agreement_id, reference, day, values in figures
    )
    return Report(
        key=SPEC.key,
        title=TITLE,
        filters=filters,
        tables=(
            Table(
                key="per-agreement",
                title=N_("Crossing-day results per agreement"),
                description=N_(
                    "Each agreement whose crossing day falls in the period: the roll against "
                    "who arrived, weapons and family members expected against received."
                ),
                dimension=N_("Agreement (expected crossing day)"),
                dimension_hxl="#activity +code",
                columns=COLUMNS,
                rows=rows,
                row_totals=False,
                chart=None,
            ),
        ),
    )


SPEC = ReportSpec(
    key="crossing",
    title=TITLE,
    description=N_("Per agreement: the roll against who arrived, weapons and families."),
    permission=Permission.REPORT_AGGREGATE,
    build=build,
    filters=frozenset({"agreement", "site"}),
)
