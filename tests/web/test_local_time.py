"""Deadlines are shown in the programme's time zone (`HAVEN_TIME_ZONE`, default Asia/Yangon),
never in UTC: the 48-hour child handover on the dashboard, the person page and the child's
case task, and the capture card's "today" on the prisoner-of-war board; the same instant in
another configured zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.errors import ValidationFailed
from haven.kernel import clock
from haven.kernel.sensitivity import bind_actor
from haven.pathways.models import Case
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Role
from haven.web.app import create_app
from tests import factories as f

YANGON_DUE = "2026-11-03 00:00 +06:30"
BANGKOK_DUE = "2026-11-03 00:30 +07:00"


def _receive_child(client: TestClient, db: Session, fast_settings: Settings) -> ReceptionEvent:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.registrar(db, organisation=org, site=site, settings=fast_settings, username="desk.tz")
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.tz")
    f.login(client, username="desk.tz")
    token = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new",
        data={
            "csrf_token": token,
            "name_latin": "Mg Pyae",
            "classification": "child",
            "received_on": "2026-11-01",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return db.scalars(select(ReceptionEvent).where(ReceptionEvent.site_id == site.id)).one()


def _shown(client: TestClient, event: ReceptionEvent, db: Session) -> list[str]:
    """The handover deadline as the dashboard, the person page and the case page show it."""
    dashboard = client.get("/").text.split('id="children-handover"')[1].split("</article>")[0]
    person = client.get(f"/people/{event.person_id}").text
    notice = person.split("hand over to child protection by ")[1].split("</p>")[0]
    f.login(client, username="cw.tz")
    case = db.scalars(select(Case).where(Case.person_id == event.person_id)).one()
    page = client.get(f"/cases/{case.id}").text
    task = page.split('class="task')[1].split("</tr>")[0]
    f.login(client, username="desk.tz")
    # The times as shown, not the forms' random CSRF tokens (which may spell "UTC").
    shown = re.sub(r'value="[^"]*"', "", dashboard + notice + task)
    assert "UTC" not in shown
    return [dashboard, notice, task]


def test_the_child_handover_deadline_is_shown_in_yangon_time_or_the_configured_zone(
    client: TestClient,
    db: Session,
    fast_settings: Settings,
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
) -> None:
    event = _receive_child(client, db, fast_settings)
    # Received on 1 November (a date in Myanmar): 48 hours from that day's start there.
    assert event.child_protection_due_at == datetime(2026, 11, 2, 17, 30, tzinfo=UTC)
    for shown in _shown(client, event, db):
        assert YANGON_DUE in shown

    bangkok = settings.model_copy(update={"time_zone": "Asia/Bangkok"})
    app = create_app(
        bangkok, engine=engine, session_factory=session_factory, check_migrations=False
    )
    with TestClient(app, base_url="http://testserver") as other:
        f.login(other, username="desk.tz")
        for shown in _shown(other, event, db):
            assert BANGKOK_DUE in shown
            assert YANGON_DUE not in shown


def test_a_time_zone_setting_must_be_a_real_zone(fast_settings: Settings) -> None:
    assert Settings().time_zone == "Asia/Yangon"
    with pytest.raises(ValueError, match="time zone"):
        Settings(time_zone="Myanmar/Loikaw")
    assert fast_settings.model_copy(update={"time_zone": "UTC"}).time_zone == "UTC"


def test_today_and_times_follow_the_programme_zone() -> None:
    late = datetime(2026, 11, 8, 17, 45, tzinfo=UTC)
    assert clock.local_today(late) == date(2026, 11, 9)  # Yangon: 00:15 on the 9th
    assert clock.format_local(late) == "2026-11-09 00:15 +06:30"
    with clock.in_zone("Europe/London"):
        assert clock.local_today(late) == date(2026, 11, 8)
        assert clock.format_local(late) == "2026-11-08 17:45 +00:00"
        assert clock.start_of_day(date(2026, 7, 1)).isoformat() == "2026-07-01T00:00:00+01:00"
    assert clock.zone_name() == "Asia/Yangon"
    assert clock.format_local(None) == "—"


def test_a_reception_dated_today_in_myanmar_is_not_in_the_future(
    db: Session, fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 19:00 UTC on 8 November is 01:30 on 9 November in Yangon.
    now = datetime(2026, 11, 8, 19, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    bind_actor(db, registrar)
    event = f.receive(
        db, registrar, name_latin="Mg Tun Tun", classification="child", received_on="2026-11-09"
    )
    assert isinstance(event, ReceptionEvent)
    assert event.received_on == date(2026, 11, 9)
    with pytest.raises(ValidationFailed) as refused:
        f.receive(db, registrar, name_latin="Mg Later", received_on="2026-11-10")
    assert set(refused.value.fields) == {"received_on"}
