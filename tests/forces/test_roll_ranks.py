"""Ranks on a nominal roll: short forms and romanisations resolve, a row with a rank no table
lists is imported without one and reported (row, text, unknown rank) instead of the whole roll
being lost, and police and Border Guard Force rows resolve in their own tables and cross the
desk as received from that force."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.agreements import crossing, repository, roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.forces import repository as forces_repo
from haven.forces import service as forces
from haven.forces.reference import BORDER_GUARD_FORCE, MYANMAR_POLICE
from haven.kernel.sensitivity import bind_actor
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements.helpers import draft, team

ROLL = (
    "name_latin,rank,force,unit,company\n"
    "Aung Min,ဒုဗိုလ်မှူးကြီး,,LIB 531,HQ\n"  # row 2: a Burmese short form
    "Kyaw Zin,Bo Gyi,,LIB 531,Coy 1\n"  # row 3: a romanisation
    "Saw Eh,Bo Lay,,LIB 531,Coy 1\n"  # row 4: no table lists it
    "Zaw Win,ဒုရဲအုပ်,Police,Police Battalion 12,\n"  # row 5: a police rank
    "Naw Paw,Bo Hmu,BGF,BGF 1004,\n"  # row 6: a BGF major
    "Min Thu,L/Cpl,,LIB 531,Coy 2\n"  # row 7: an English abbreviation
)


def _ranks(db: Session) -> dict[tuple[str, str], object]:
    forces.ensure_reference_data(db)
    found: dict[tuple[str, str], object] = {}
    for name in ("Myanmar Armed Forces (Tatmadaw)", MYANMAR_POLICE, BORDER_GUARD_FORCE):
        force = forces_repo.force_by_name(db, name)
        assert force is not None
        for rank in forces_repo.ranks_of(db, force.id):
            found[(name, rank.name_en)] = rank
    return found


def test_a_roll_with_an_unknown_rank_imports_every_row_and_reports_it(
    db: Session, client: TestClient, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    negotiator = f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=negotiator))
    agreement = draft(db, t)
    response = client.post(
        f"/api/agreements/{agreement.id}/roll?dry_run=false",
        headers=headers,
        files={"file": ("roll.csv", ROLL.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["imported"], body["errors"]) == (6, [])
    (warning,) = body["warnings"]
    assert (warning["row"], warning["field"], warning["text"], warning["code"]) == (
        4,
        "rank",
        "Bo Lay",
        "unknown_rank",
    )
    assert "Bo Lay" in warning["message"]
    entries = client.get(f"/api/agreements/{agreement.id}/roll", headers=headers).json()
    ranks = _ranks(db)
    army, police, bgf = "Myanmar Armed Forces (Tatmadaw)", MYANMAR_POLICE, BORDER_GUARD_FORCE
    expected = [
        ranks[(army, "Lieutenant Colonel")],
        ranks[(army, "Captain")],
        None,
        ranks[(police, "Police Lieutenant")],
        ranks[(bgf, "Major")],
        ranks[(army, "Lance Corporal")],
    ]
    got = [e["rank_id"] for e in entries]
    assert got == [str(r.id) if r else None for r in expected]  # type: ignore[attr-defined]
    assert [e["rank_text"] for e in entries] == [None, None, "Bo Lay", None, None, None]
    police_force = forces_repo.force_by_name(db, police)
    assert entries[3]["force_id"] == str(police_force.id)  # type: ignore[union-attr]
    assert entries[0]["force_id"] is None  # the army
    # The police battalion is a unit of the police force.
    units = forces_repo.units_of(db, police_force.id)  # type: ignore[union-attr]
    assert [u.label for u in units] == ["PB-12"]


def test_a_dry_run_reports_the_unknown_rank_and_writes_nothing(
    db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    bind_actor(db, t.negotiator)
    agreement = draft(db, t)
    table = roll.read_roll(ROLL.encode(), filename="roll.csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=True)
    assert report.ok
    assert [(w.row, w.text, w.code) for w in report.warnings] == [(4, "Bo Lay", "unknown_rank")]
    assert repository.roll_size(db, agreement.id) == 0


def test_an_unknown_force_is_an_error_of_its_row(db: Session, fast_settings: Settings) -> None:
    t = team(db, fast_settings)
    bind_actor(db, t.negotiator)
    agreement = draft(db, t)
    table = roll.read_roll(b"name_latin,rank,force\nA,Sgt,Navy of Atlantis\n", filename="roll.csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert [(e.row, e.field) for e in report.errors] == [(2, "force")]


def test_a_police_entry_crosses_as_received_from_the_police(
    db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    bind_actor(db, t.negotiator)
    agreement = draft(db, t)
    table = roll.read_roll(
        "name_latin,rank,force,unit\nZaw Win,Pol Capt,MPF,ရဲတပ်ရင်း ၁၂\n".encode(),
        filename="roll.csv",
    )
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert report.ok, report.errors
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for manager in (t.manager1, t.manager2):
        assert manager.user_id is not None
        service.name_approver(db, t.negotiator, agreement.id, manager.user_id)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    service.approve(db, f.fresh(db, t.manager2), agreement.id)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.EXECUTING)
    (entry,) = repository.roll_of(db, agreement.id)
    bind_actor(db, t.registrar)
    done = crossing.register_arrival(
        db,
        t.registrar,
        agreement.id,
        DeskRegistration(idempotency_key="police-entry-1", roll_entry_id=entry.id),
    )
    event = db.get(ReceptionEvent, done.arrival.reception_id)
    assert event is not None
    police = forces_repo.force_by_name(db, MYANMAR_POLICE)
    assert police is not None
    assert event.origin_force_id == police.id
    assert event.rank_id == _ranks(db)[(MYANMAR_POLICE, "Police Captain")].id  # type: ignore[attr-defined]
