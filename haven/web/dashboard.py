"""The dashboard's charts: arrivals, pathway choices, payments and deadlines over time.

Every figure is counted by the database in the domain that owns it (one query a chart,
through each domain's public surface), in the actor's scope, so the dashboard costs the
same for 100 people as for 100,000. Weeks and days are the programme's (its time zone), and
each chart is shown only to the roles whose work it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from haven import i18n
from haven.allowances import public as allowances
from haven.i18n import N_
from haven.kernel import clock
from haven.pathways import public as pathways
from haven.pow import public as pow_registry
from haven.reception import public as reception
from haven.security.permissions import Actor, Permission
from haven.vetting import public as vetting
from haven.web.charts import Chart, Point, day, number

WEEKS = 12
# Far ends for open windows ("overdue": since ever; "later": until whenever).
EVER = datetime(1900, 1, 1, tzinfo=UTC)
NEVER = datetime(9999, 1, 1, tzinfo=UTC)

ARRIVALS = N_("People received, week by week")
ARRIVALS_DESC = N_("People received in each of the last %(weeks)s weeks: %(total)s in all.")
PATHWAYS = N_("Pathways chosen")
PATHWAYS_DESC = N_("People whose current choice is each pathway: %(total)s in all.")
PAYMENTS = N_("Payments handed over, week by week")
PAYMENTS_DESC = N_("Payments handed over in each of the last %(weeks)s weeks: %(total)s in all.")
CHILDREN = N_("Children's 48 hours for handover to child protection")
CHILDREN_DESC = N_(
    "Children not yet handed over to child protection, by when their 48 hours end: %(total)s."
)
VETTING = N_("Vetting cases waiting, by age")
VETTING_DESC = N_("Vetting cases not decided yet, by how long ago they were opened: %(total)s.")
CARDS = N_("Capture cards to send")
CARDS_DESC = N_(
    "Capture cards not sent yet, by the last day on which sending is on time: %(total)s."
)
WEEK_OF = N_("Week starting")
PEOPLE = N_("People")
PAYMENTS_AXIS = N_("Payments")
PATHWAY = N_("Pathway")
CASES_AXIS = N_("Cases")
CARDS_AXIS = N_("Cards")
WHEN_DUE = N_("When due")
AGE = N_("Age")
CHILDREN_AXIS = N_("Children")
OVERDUE = N_("Overdue")
NEXT_12_HOURS = N_("In the next 12 hours")
NEXT_24_HOURS = N_("In 12 to 24 hours")
LATER = N_("Later")
UNDER_WEEK = N_("Under a week")
ONE_TO_FOUR_WEEKS = N_("1 to 4 weeks")
ONE_TO_THREE_MONTHS = N_("1 to 3 months")
OVER_THREE_MONTHS = N_("Over 3 months")
TODAY_OR_BEFORE = N_("Due today or overdue")
NEXT_3_DAYS = N_("In the next 3 days")
LATER_DAYS = N_("Later")


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays starting the last `weeks` weeks (this one last) and the next Monday: the
    edges of `weeks` windows."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - n) for n in range(weeks + 1)]


def _described(msgid: str, language: str, **params: object) -> str:
    return i18n.gettext(msgid, language) % params


def charts(session: Session, actor: Actor, language: str) -> list[Chart]:
    """The charts this actor's role needs, in order, with texts in `language`."""

    def _(msgid: str) -> str:
        return i18n.gettext(msgid, language)

    now = datetime.now(UTC)
    today = clock.local_today(now)
    mondays = week_starts(today)
    week_labels = [day(monday, language) for monday in mondays[:-1]]
    found: list[Chart] = []

    if actor.can(Permission.PERSON_READ) or actor.can(Permission.REPORT_AGGREGATE):
        counts = reception.arrivals_in_windows(session, actor, mondays)
        found.append(
            _chart(
                "chart-arrivals",
                ARRIVALS,
                ARRIVALS_DESC,
                WEEK_OF,
                PEOPLE,
                week_labels,
                counts,
                language,
                kind="line",
            )
        )
    if actor.can(Permission.CASE_READ) or actor.can(Permission.CASE_MANAGE):
        by_pathway = pathways.choices_by_pathway(session, actor)
        labels = [i18n.render(p.label, language) for p in pathways.Pathway]
        counts = [by_pathway.get(p.value, 0) for p in pathways.Pathway]
        found.append(
            _chart(
                "chart-pathways",
                PATHWAYS,
                PATHWAYS_DESC,
                PATHWAY,
                PEOPLE,
                labels,
                counts,
                language,
                kind="rows",
            )
        )
    if actor.can(Permission.PAYMENT_READ):
        instants = [clock.start_of_day(monday) for monday in mondays]
        counts = allowances.payments_in_windows(session, actor, instants)
        found.append(
            _chart(
                "chart-payments",
                PAYMENTS,
                PAYMENTS_DESC,
                WEEK_OF,
                PAYMENTS_AXIS,
                week_labels,
                counts,
                language,
            )
        )
    if actor.can(Permission.PERSON_READ):
        edges = [EVER, now, now + timedelta(hours=12), now + timedelta(hours=24), NEVER]
        counts = reception.child_handovers_in_windows(session, actor, edges)
        labels = [_(OVERDUE), _(NEXT_12_HOURS), _(NEXT_24_HOURS), _(LATER)]
        found.append(
            _chart(
                "chart-children",
                CHILDREN,
                CHILDREN_DESC,
                WHEN_DUE,
                CHILDREN_AXIS,
                labels,
                counts,
                language,
                kind="rows",
            )
        )
    if actor.can(Permission.VETTING_READ):
        edges = [
            EVER,
            now - timedelta(days=90),
            now - timedelta(days=28),
            now - timedelta(days=7),
            NEVER,
        ]
        oldest_first = vetting.open_cases_in_windows(session, actor, edges)
        labels = [_(UNDER_WEEK), _(ONE_TO_FOUR_WEEKS), _(ONE_TO_THREE_MONTHS), _(OVER_THREE_MONTHS)]
        found.append(
            _chart(
                "chart-vetting",
                VETTING,
                VETTING_DESC,
                AGE,
                CASES_AXIS,
                labels,
                list(reversed(oldest_first)),
                language,
                kind="rows",
            )
        )
    if actor.can(Permission.POW_READ):
        days = [
            date(1900, 1, 1),
            today + timedelta(days=1),
            today + timedelta(days=4),
            date(9999, 1, 1),
        ]
        counts = pow_registry.cards_due_in_windows(session, actor, days)
        labels = [_(TODAY_OR_BEFORE), _(NEXT_3_DAYS), _(LATER_DAYS)]
        found.append(
            _chart(
                "chart-cards",
                CARDS,
                CARDS_DESC,
                WHEN_DUE,
                CARDS_AXIS,
                labels,
                counts,
                language,
                kind="rows",
            )
        )
    return found


def _chart(
    key: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    labels: Sequence[str],
    counts: Sequence[int],
    language: str,
    *,
    kind: Literal["bar", "line", "rows"] = "bar",
) -> Chart:
    total = sum(counts)
    return Chart(
        key=key,
        title=i18n.gettext(title, language),
        description=_described(
            description, language, weeks=number(WEEKS, language), total=number(total, language)
        ),
        x_label=i18n.gettext(x_label, language),
        y_label=i18n.gettext(y_label, language),
        points=[Point(label, value) for label, value in zip(labels, counts, strict=True)],
        kind=kind,
    )
