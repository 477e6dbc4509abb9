"""The registry's list pages (the board with the prisoners, the Information Bureau, the
registration list) make the same number of queries whatever their row count."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.pow import care
from haven.pow.schemas import InspectionIn
from haven.security.permissions import Role
from tests import factories as f
from tests.pow.conftest import Setting, captured, place, register
from tests.queries import Statements, counting

PAGES = ("/pow", "/pow/notices", "/pow/register", "/pow/places")


def _about_rows(seen: Statements) -> list[str]:
    """The statements of the page, less the login session's `last_seen_at` touch (written
    at most every 30 s, so it falls on one measurement or another by the clock)."""
    return [sql for sql in seen.sql if not sql.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS")]


def _add(db: Session, setting: Setting, first: int, count: int) -> None:
    """`count` prisoners registered at a new camp (one seriously ill, with a notice and a
    card each) and `count` received prisoners waiting to be registered."""
    camp = place(db, setting, f"Camp {first}")
    for number in range(first, first + count):
        record = register(db, setting, at=camp, name=f"Zaw Min {number}")
        care.record_inspection(
            db,
            setting.officer,
            record.id,
            InspectionIn(inspected_on=date(2026, 11, 5), seriously_ill=True, hospitalised=True),
        )
        captured(db, setting, name=f"Waiting Prisoner {number}")


def _counts(client: TestClient, engine: Engine) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in PAGES:
        with counting(engine) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        found[path] = len(_about_rows(seen))
    return found


def test_registry_pages_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings, setting: Setting
) -> None:
    f.user(
        db,
        organisation=setting.organisation,
        role=Role.POW_OFFICER,
        username="pow.lists",
        settings=fast_settings,
    )
    _add(db, setting, 0, 2)
    f.login(client, username="pow.lists")
    few = _counts(client, engine)
    _add(db, setting, 2, 4)
    many = _counts(client, engine)
    assert many == few
    board = client.get("/pow").text
    assert all(f"Zaw Min {n}" in board for n in range(6))
    # The prisoners a page at a time: more rows than a page give a second page.
    paged = client.get("/pow?per_page=4").text
    assert 'rel="next"' in paged
    assert 'href="/pow?per_page=4&amp;page=2"' in paged
    table = paged.split('id="records-table"')[1].split("</table>")[0]
    assert sum(f"Zaw Min {n}" in table for n in range(6)) == 4
    waiting = client.get("/pow/register").text
    assert all(f"Waiting Prisoner {n}" in waiting for n in range(6))
