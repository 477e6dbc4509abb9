"""The chart kit (haven/web/charts.py) and the dashboard's charts (haven/web/dashboard.py):
SVG that names and describes itself, figures as a table, numbers and dates the reader's way,
counts made by the database in the actor's scope."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.kernel import clock
from haven.security.permissions import Role
from haven.web import dashboard
from haven.web.charts import Chart, Point, day, nice_ceiling, number, render
from tests import factories as f


def test_a_chart_is_an_accessible_svg_with_its_figures_in_a_table() -> None:
    chart = Chart(
        key="chart-test",
        title="Arrivals <by week>",
        description="Twelve weeks.",
        x_label="Week",
        y_label="People",
        points=[Point("1 Dec", 1234), Point("8 Dec", 0)],
        kind="line",
    )
    html = str(render(chart, "en"))
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in html
    assert '<title id="chart-test-title">Arrivals &lt;by week&gt;</title>' in html
    assert '<desc id="chart-test-desc">Twelve weeks.</desc>' in html
    assert "<polyline" in html
    assert '<th scope="row">1 Dec</th><td class="figure-cell">1,234</td>' in html
    assert "<summary>The figures</summary>" in html
    assert "<by week>" not in html  # every text escaped


def test_numbers_dates_and_axis_ends_are_the_readers() -> None:
    assert nice_ceiling(0) == 1
    assert nice_ceiling(7) == 10
    assert nice_ceiling(11) == 20
    assert nice_ceiling(240) == 250
    assert number(12345, "my") == "12,345"
    assert day(date(2026, 12, 7), "en") == "7 Dec"
    assert "Dec" not in day(date(2026, 12, 7), "my")
    mondays = dashboard.week_starts(date(2026, 12, 9))
    assert len(mondays) == dashboard.WEEKS + 1
    assert mondays[-2] == date(2026, 12, 7)
    assert all(m.weekday() == 0 for m in mondays)


def test_dashboard_counts_arrivals_and_children_in_the_actors_scope(db: Session) -> None:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    registrar = actor_for(f.registrar(db, organisation=organisation, site=site))
    today = clock.local_today()
    for days_ago in (0, 0, 14):
        f.receive(db, registrar, received_on=today - timedelta(days=days_ago))
    f.receive(
        db,
        registrar,
        name_latin="Maung Thu",
        classification="child",
        birth_year=today.year - 15,
        received_on=today,
    )
    other = f.organisation(db)
    elsewhere = actor_for(f.registrar(db, organisation=other, site=f.site(db, organisation=other)))
    f.receive(db, elsewhere, received_on=today)

    token = i18n.current_language.set("en")
    try:
        charts = {c.key: c for c in dashboard.charts(db, registrar, "en")}
    finally:
        i18n.current_language.reset(token)
    assert set(charts) == {"chart-arrivals", "chart-children"}  # a registrar's work only
    arrivals = [p.value for p in charts["chart-arrivals"].points]
    assert len(arrivals) == dashboard.WEEKS
    assert arrivals[-1] == 3  # this week: two adults and the child, not the other programme's
    assert arrivals[-3] == 1  # two weeks ago
    assert charts["chart-arrivals"].total == 4
    assert "4 in all" in charts["chart-arrivals"].description
    children = [p.value for p in charts["chart-children"].points]
    assert children == [0, 0, 0, 1]  # due in 48 hours: later than the next 24


def test_the_dashboard_draws_the_charts_with_burmese_dates(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    user = f.user(
        db,
        organisation=organisation,
        site=site,
        role=Role.REGISTRAR,
        settings=fast_settings,
        username="ko.charts",
        language="my",
    )
    today = clock.local_today()
    f.receive(db, actor_for(user), received_on=today)
    db.flush()
    f.login(client, username="ko.charts")
    page = client.get("/").text
    assert 'id="chart-arrivals"' in page
    assert 'id="chart-arrivals-table"' in page  # the figures, readable without the picture
    monday = today - timedelta(days=today.weekday())
    assert f'<th scope="row">{day(monday, "my")}</th>' in page


def test_every_roles_charts_are_counted_by_the_database(db: Session) -> None:
    """Every chart's query runs on this engine, for each role that sees it."""
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    seen: set[str] = set()
    token = i18n.current_language.set("my")
    try:
        for role in Role:
            user = f.user(
                db,
                organisation=organisation,
                role=role,
                site=site if role == Role.REGISTRAR else None,
            )
            for chart in dashboard.charts(db, actor_for(user), "my"):
                assert chart.total == 0
                seen.add(chart.key)
    finally:
        i18n.current_language.reset(token)
    assert seen == {
        "chart-arrivals",
        "chart-pathways",
        "chart-payments",
        "chart-children",
        "chart-vetting",
        "chart-cards",
    }


def test_categories_are_rows_whose_long_labels_never_collide() -> None:
    chart = Chart(
        key="chart-rows",
        title="Pathways chosen",
        description="Three pathways.",
        x_label="Pathway",
        y_label="People",
        points=[Point("ပြည်သူ့ဘက် ကူးပြောင်းသူ", 2), Point("Home", 0), Point("Exile", 1)],
        kind="rows",
    )
    html = str(render(chart, "my"))
    assert 'viewBox="0 0 400 156"' in html  # one row of 44 a category, under the top margin
    assert html.count("<rect") == 3
    assert ">ပြည်သူ့ဘက် ကူးပြောင်းသူ</text>" in html
