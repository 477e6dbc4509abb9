"""Vetting and prisoner-of-war compliance (docs/reports.md, "Vetting and prisoner-of-war
compliance").

Vetting: the cases by state now, the decisions confirmed in the period (by outcome and on what
basis: first decision, review, appeal), the cases still waiting for a first decision by how
long they have waited (`DECISION_DUE_DAYS` and more is overdue), and the reviews, appeals and
reopenings of the period with where they stand.

Prisoners of war (Third Geneva Convention): the capture cards owed for occasions in the period,
sent within 7 days or not (Art. 70); the notices to the Information Bureau of events in the
period, sent or not (Art. 122); ICRC visits per place of internment in the period (Art. 126).

Every figure is counted by the database (`haven.vetting.public`, `haven.pow.public`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.i18n import N_, Text
from haven.kernel import clock
from haven.kernel.labels import Labelled
from haven.pow.public import (
    CardOccasion,
    NoticeKind,
    card_compliance,
    notice_compliance,
    visits_by_place,
)
from haven.reports.tables import Column, Filters, Report, ReportSpec, Row, Table
from haven.security.permissions import Actor, Permission, require
from haven.vetting.public import (
    CaseState,
    Outcome,
    ReviewKind,
    cases_by_state,
    decisions_confirmed,
    reviews_opened,
    undecided_in_windows,
)

KEY = "compliance"
TITLE = N_("Vetting and prisoner-of-war compliance")
DESCRIPTION = N_(
    "Vetting decisions, waiting cases and appeals; capture cards within 7 days, notices to "
    "the Information Bureau and ICRC visits."
)
# A first vetting decision is due within this many days of the case's opening: Haven sets no
# deadline, so the report uses this one and says so (docs/reports.md).
DECISION_DUE_DAYS = 30
# How long a case has waited: (key, label, from this many days), each band up to the next.
WAITING = (
    ("0-13", N_("Under 14 days"), 0),
    ("14-29", N_("14 to 29 days"), 14),
    ("30-89", N_("30 to 89 days (overdue)"), DECISION_DUE_DAYS),
    ("90+", N_("90 days or more (overdue)"), 90),
)
BASES = (
    ("initial", N_("First decision"), "#affected +decision +initial"),
    ("review", N_("On review"), "#affected +decision +review"),
    ("appeal", N_("On appeal"), "#affected +decision +appeal"),
)
CARD_STANDING = (
    ("on_time", N_("Sent within 7 days"), "#affected +card +on_time"),
    ("late", N_("Sent late"), "#affected +card +late"),
    ("overdue", N_("Not sent, overdue"), "#affected +card +overdue"),
    ("not_due", N_("Not sent, still on time"), "#affected +card +not_due"),
)
NOTICE_STANDING = (
    ("sent", N_("Sent"), "#affected +notice +sent"),
    ("waiting", N_("Waiting to be sent"), "#affected +notice +waiting"),
    ("withheld", N_("Withheld"), "#affected +notice +withheld"),
)
REVIEW_STANDING = (
    ("open", N_("Still open"), "#affected +review +open"),
    ("decided", N_("Decided again"), "#affected +review +decided"),
)


def _instants(filters: Filters) -> tuple[datetime, datetime]:
    return clock.start_of_day(filters.start), clock.start_of_day(filters.end + timedelta(days=1))


def _columns(spec: tuple[tuple[str, str, str], ...]) -> tuple[Column, ...]:
    return tuple(Column(key=key, label=label, hxl=hxl) for key, label, hxl in spec)


def _grid(
    counts: list[tuple[str, str, int]],
    rows: tuple[Labelled, ...],
    columns: tuple[tuple[str, str, str], ...],
) -> tuple[Row, ...]:
    """Rows of a labelled vocabulary, one value per column, from (row, column, count)."""
    found = {(row, column): count for row, column, count in counts}
    made = tuple(
        Row(
            key=member.value,
            label=Text(member.label),
            values=tuple(found.get((member.value, key), 0) for key, _, _ in columns),
        )
        for member in rows
    )
    return made if any(sum(row.values) for row in made) else ()


def vetting_tables(session: Session, actor: Actor, filters: Filters) -> tuple[Table, ...]:
    start, end = _instants(filters)
    states = cases_by_state(session, actor)
    by_state = tuple(
        Row(key=s.value, label=Text(s.label), values=(states.get(s.value, 0),)) for s in CaseState
    )
    decisions = [
        (outcome, basis, count)
        for basis, outcome, count in decisions_confirmed(session, actor, start, end)
    ]
    now = utcnow()
    # Windows of the opening time, the oldest first: 90 days ago and before, 90 to 30 days
    # ago, 30 to 14, the last 14 days.
    edges = [datetime(1970, 1, 1, tzinfo=UTC)]
    edges += [now - timedelta(days=low) for _, _, low in reversed(WAITING[1:])]
    edges.append(now + timedelta(seconds=1))
    waited = list(reversed(undecided_in_windows(session, actor, edges)))
    waiting = tuple(
        Row(key=key, label=Text(label), values=(count,))
        for (key, label, _), count in zip(WAITING, waited, strict=True)
    )
    reviews = reviews_opened(session, actor, start, end)
    return (
        Table(
            key="vetting-cases",
            title=N_("Vetting cases by state now"),
            description=N_("Every vetting case, by where it stands today."),
            dimension=N_("State"),
            dimension_hxl="#status +vetting",
            columns=(Column(key="cases", label=N_("Cases"), hxl="#affected +vetting"),),
            rows=by_state if any(r.values[0] for r in by_state) else (),
            row_totals=False,
        ),
        Table(
            key="vetting-decisions",
            title=N_("Vetting decisions confirmed in the period"),
            description=N_(
                "By outcome, and whether it was a first decision, a review or an appeal."
            ),
            dimension=N_("Outcome"),
            dimension_hxl="#status +outcome",
            columns=_columns(BASES),
            rows=_grid(decisions, tuple(Outcome), BASES),
        ),
        Table(
            key="vetting-waiting",
            title=N_("Cases waiting for a first decision"),
            description=N_(
                "How long each case has waited today; a first decision is due within 30 days."
            ),
            dimension=N_("Waiting"),
            dimension_hxl="#date +waiting",
            columns=(Column(key="cases", label=N_("Cases"), hxl="#affected +waiting"),),
            rows=waiting if any(r.values[0] for r in waiting) else (),
            row_totals=False,
        ),
        Table(
            key="vetting-reviews",
            title=N_("Reviews, appeals and reopenings opened in the period"),
            description=N_("Decided again: a decision is in force again after it."),
            dimension=N_("Kind"),
            dimension_hxl="#indicator +review",
            columns=_columns(REVIEW_STANDING),
            rows=_grid(reviews, tuple(ReviewKind), REVIEW_STANDING),
        ),
    )


def pow_tables(session: Session, actor: Actor, filters: Filters) -> tuple[Table, ...]:
    first, after = filters.start, filters.end + timedelta(days=1)
    today: date = clock.local_today()
    cards = card_compliance(session, actor, first, after, today)
    notices = notice_compliance(session, actor, first, after)
    visits = tuple(
        Row(key=place, label=place, values=(count, interviews, held))
        for place, count, interviews, held in visits_by_place(session, actor, first, after)
    )
    return (
        Table(
            key="pow-cards",
            title=N_("Capture cards (Art. 70)"),
            description=N_(
                "Cards owed for a capture, transfer, hospital admission or serious illness in "
                "the period: due within 7 days."
            ),
            dimension=N_("Occasion"),
            dimension_hxl="#indicator +card",
            columns=_columns(CARD_STANDING),
            rows=_grid(cards, tuple(CardOccasion), CARD_STANDING),
        ),
        Table(
            key="pow-notices",
            title=N_("Notices to the Information Bureau (Art. 122)"),
            description=N_("Notices of events in the period, by whether they have been sent."),
            dimension=N_("Event"),
            dimension_hxl="#indicator +notice",
            columns=_columns(NOTICE_STANDING),
            rows=_grid(notices, tuple(NoticeKind), NOTICE_STANDING),
        ),
        Table(
            key="pow-visits",
            title=N_("ICRC visits per place of internment (Art. 126)"),
            description=N_(
                "Visits in the period, the people the delegates interviewed in private, and "
                "the prisoners held there today."
            ),
            dimension=N_("Place of internment"),
            dimension_hxl="#loc +name",
            columns=(
                Column(
                    key="visits", label=N_("Visits"), hxl="#activity +visit +num", suppress=False
                ),
                Column(
                    key="interviews",
                    label=N_("Private interviews"),
                    hxl="#reached +interview",
                ),
                Column(key="held", label=N_("Prisoners held today"), hxl="#affected +interned"),
            ),
            rows=visits,
            row_totals=False,
            chart=None,
        ),
    )


def build(session: Session, actor: Actor, filters: Filters) -> Report:
    require(actor, Permission.REPORT_AGGREGATE)
    return Report(
        key=KEY,
        title=TITLE,
        filters=filters,
        tables=vetting_tables(session, actor, filters) + pow_tables(session, actor, filters),
    )


SPEC = ReportSpec(
    key=KEY,
    title=TITLE,
    description=DESCRIPTION,
    permission=Permission.REPORT_AGGREGATE,
    build=build,
)
