"""The auditor's viewer through the real app: scope, filters, pages, verification, auditing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from haven.accounts import sessions as login_sessions
from haven.accounts.models import Organisation
from haven.audit import chain, service
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.security.permissions import Actor, Role
from haven.web.deps import SESSION_COOKIE
from tests import factories as f
from tests.audit.conftest import drop_append_only_triggers


def _auditor_token(db: Session, org: Organisation, settings: Settings) -> str:
    auditor = f.user(db, organisation=org, role=Role.AUDITOR, settings=settings)
    return f.api_token(db, user=auditor)


def _person_update(db: Session, org: Organisation) -> AuditEvent:
    return service.record(
        db,
        Actor.system(),
        AuditAction.PERSON_UPDATED,
        subject_type="person",
        subject_id=uuid.uuid4(),
        organisation_id=org.id,
        changes={"religion": {"before": "Buddhist", "after": "Christian"}, "phone": "<changed>"},
    )


def test_auditors_see_only_their_organisations_events(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    ours, theirs = f.organisation(db), f.organisation(db)
    mine = _person_update(db, ours)
    other = _person_update(db, theirs)
    token = _auditor_token(db, ours, fast_settings)
    response = client.get("/api/audit/events", headers=f.bearer(token))
    assert response.status_code == 200
    events = response.json()["events"]
    assert {e["organisation_id"] for e in events} == {str(ours.id)}
    assert str(mine.id) in {e["id"] for e in events}
    assert str(other.id) not in {e["id"] for e in events}
    shown = next(e for e in events if e["id"] == str(mine.id))
    assert shown["changes"] == {
        "religion": {"before": "Buddhist", "after": "Christian"},
        "phone": "<changed>",
    }
    assert shown["seq"] == mine.seq
    assert shown["event_hash"] == mine.event_hash
    own = client.get(f"/api/audit/events/{mine.id}", headers=f.bearer(token))
    assert own.status_code == 200
    assert own.json()["action"] == "person.updated"
    foreign = client.get(f"/api/audit/events/{other.id}", headers=f.bearer(token))
    assert foreign.status_code == 404
    assert foreign.json()["error"] == "not_found"


def test_other_roles_may_not_read_the_trail(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    admin = f.user(db, organisation=org, role=Role.ADMINISTRATOR, settings=fast_settings)
    token = f.api_token(db, user=admin)
    for path in ("/api/audit/events", "/api/audit/verify"):
        response = client.get(path, headers=f.bearer(token))
        assert response.status_code == 403
        assert response.json()["error"] == "permission_denied"
    assert client.get("/api/audit/events").status_code == 401


def test_filters_and_pages(client: TestClient, db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    updates = [_person_update(db, org) for _ in range(5)]
    token = _auditor_token(db, org, fast_settings)
    by_subject = client.get(
        "/api/audit/events",
        params={"subject_id": str(updates[2].subject_id)},
        headers=f.bearer(token),
    ).json()
    assert [e["id"] for e in by_subject["events"]] == [str(updates[2].id)]
    first = client.get(
        "/api/audit/events",
        params={"action": "person.updated", "limit": 2},
        headers=f.bearer(token),
    ).json()
    assert [e["id"] for e in first["events"]] == [str(updates[4].id), str(updates[3].id)]
    assert first["next_before"] == updates[3].seq
    second = client.get(
        "/api/audit/events",
        params={"action": "person.updated", "limit": 2, "before": first["next_before"]},
        headers=f.bearer(token),
    ).json()
    assert [e["id"] for e in second["events"]] == [str(updates[2].id), str(updates[1].id)]
    day = updates[0].occurred_at.date().isoformat()
    dated = client.get(
        "/api/audit/events",
        params={"action": "person.updated", "occurred_from": day, "occurred_to": day},
        headers=f.bearer(token),
    ).json()
    assert len(dated["events"]) == 5
    bad = client.get(
        "/api/audit/events", params={"subject_id": "not-an-id"}, headers=f.bearer(token)
    )
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"subject_id": "Choose a valid option."}


def test_reading_and_verifying_the_trail_are_audited(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    auditor = f.user(db, organisation=org, role=Role.AUDITOR, settings=fast_settings)
    token = f.api_token(db, user=auditor)
    client.get("/api/audit/events", params={"action": "user.created"}, headers=f.bearer(token))
    client.get("/api/audit/verify", headers=f.bearer(token))
    db.expire_all()
    trail = db.scalars(
        select(AuditEvent).where(AuditEvent.actor_user_id == auditor.id).order_by(AuditEvent.seq)
    ).all()
    assert [e.action for e in trail] == ["audit.viewed", "audit.verified"]
    assert trail[0].changes == {"action": "user.created"}
    assert trail[0].organisation_id == org.id
    assert trail[1].changes["result"] == "intact"


def test_verify_reports_the_first_bad_event(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    ours, theirs = f.organisation(db), f.organisation(db)
    token = _auditor_token(db, ours, fast_settings)
    intact = client.get("/api/audit/verify", headers=f.bearer(token)).json()
    assert intact["ok"] is True
    assert intact["first_problem"] is None
    assert intact["signatures_checked"] is True
    mine, other = _person_update(db, ours), _person_update(db, theirs)
    drop_append_only_triggers(db)
    db.execute(text("UPDATE audit_events SET actor_label = 'x' WHERE seq = :s"), {"s": mine.seq})
    report = client.get("/api/audit/verify", headers=f.bearer(token)).json()
    assert report["ok"] is False
    assert report["first_problem"] == {
        "kind": "changed",
        "seq": mine.seq,
        "event_id": str(mine.id),
        "message": (
            f"Event {mine.seq} ({mine.id}) was changed: what it records no longer matches its hash."
        ),
    }
    db.execute(
        text("UPDATE audit_events SET actor_label = 'system' WHERE seq = :s"), {"s": mine.seq}
    )
    db.execute(text("UPDATE audit_events SET actor_label = 'x' WHERE seq = :s"), {"s": other.seq})
    masked = client.get("/api/audit/verify", headers=f.bearer(token)).json()["first_problem"]
    assert (masked["kind"], masked["seq"], masked["event_id"]) == ("changed", other.seq, None)
    assert str(other.id) not in masked["message"]


def _logged_in_as(
    client: TestClient, db: Session, settings: Settings, org: Organisation, role: Role
) -> None:
    """The pages as a user of this role sees them (logging in itself is tested elsewhere)."""
    user = f.user(db, organisation=org, role=role)
    token, _login = login_sessions.start(db, user, settings, second_factor="totp")
    client.cookies.set(SESSION_COOKIE, token)


def test_the_viewer_page_shows_events_with_their_changes(
    client: TestClient, db: Session, settings: Settings
) -> None:
    org = f.organisation(db)
    event = _person_update(db, org)
    _logged_in_as(client, db, settings, org, Role.AUDITOR)
    page = client.get("/audit", params={"action": "person.updated"})
    assert page.status_code == 200
    assert f'id="event-{event.seq}"' in page.text
    assert "before: <samp>Buddhist</samp> → after: <samp>Christian</samp>" in page.text
    assert "&lt;changed&gt;" in page.text
    assert 'hx-get="/audit/verify"' in page.text
    head = chain.head(db)[0]
    status = client.get("/audit/verify", headers={"HX-Request": "true"})
    assert status.status_code == 200
    assert "The audit trail is intact" in status.text
    assert f"Last event: {head}." in status.text
    assert "<html" not in status.text
    full = client.get("/audit/verify")
    assert "<html" in full.text
    assert "The audit trail is intact" in full.text
    bad = client.get("/audit", params={"subject_id": "nope"})
    assert bad.status_code == 422
    assert 'href="#field-subject_id"' in bad.text
    assert 'value="nope"' in bad.text


def test_the_viewer_page_is_for_auditors(
    client: TestClient, db: Session, settings: Settings
) -> None:
    _logged_in_as(client, db, settings, f.organisation(db), Role.CASE_WORKER)
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/verify").status_code == 403
