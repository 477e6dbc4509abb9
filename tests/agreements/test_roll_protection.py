"""Issue 17, point 5: roll entries get the same field protection as persons. Names, prefix,
birth year, rank and position are ciphertext in the database (on SQLite and PostgreSQL), the
name is found through a blind index, and a role without the clearance reads them masked."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.agreements import crossing, repository, roll
from haven.agreements.models import RollEntry
from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.security.fields import encrypted_fields
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements.helpers import Team, draft, executing, team

ROLL = (
    "name_latin,name_my,prefix,birth_year,rank,unit,company,position\n"
    "Hvncanary Latin,ထွန်းထွန်းဝင်း,U,1975,Lieutenant Colonel,LIB 531,HQ,Battalion commander\n"
)
PROTECTED = ["birth_year", "name_latin", "name_my", "position", "prefix", "rank_id", "rank_text"]


@pytest.fixture
def t(db: Session, fast_settings: Settings) -> Team:
    return team(db, fast_settings)


def _imported(db: Session, t: Team) -> RollEntry:
    bind_actor(db, t.negotiator)
    agreement = draft(db, t)
    table = roll.read_roll(ROLL.encode(), filename="roll.csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert report.ok, report.errors
    (entry,) = repository.roll_of(db, agreement.id)
    return entry


def _as_text(value: object, marker: str) -> str:
    """The stored value as the marker would show in it: bytes as text, or as hex for a
    marker written in hex (a short marker such as "1975" is found by chance in the hex of
    random ciphertext about once in 700 runs; never in its bytes)."""
    if isinstance(value, bytes | memoryview):
        hexed = len(marker) >= 32 and all(c in "0123456789abcdef" for c in marker.lower())
        return bytes(value).hex() if hexed else bytes(value).decode("latin-1")
    return str(value)


def test_roll_entry_identity_is_ciphertext_in_the_database(db: Session, t: Team) -> None:
    entry = _imported(db, t)
    db.flush()
    key = entry.id if db.get_bind().dialect.name == "postgresql" else entry.id.hex
    row = (
        db.execute(text("SELECT * FROM agreement_roll_entries WHERE id = :id"), {"id": key})
        .mappings()
        .one()
    )
    plain = [
        "Hvncanary",
        "ထွန်းထွန်းဝင်း",
        "ထွန်းထွန်းဝင်း".encode().hex(),
        "1975",
        "Battalion commander",
        "Lieutenant",
        str(entry.rank_id),
        entry.rank_id.hex,  # type: ignore[union-attr]
        "hvncanary latin",
    ]
    for column, value in row.items():
        if column != "rank_id" and (column == "id" or column.endswith("_id")):
            continue  # the row's own links: random ids, where "1975" may occur by chance
        for marker in plain:
            assert marker.lower() not in _as_text(value, marker).lower(), (column, marker)
    # The protected columns hold ciphertext; the old plaintext name key is gone.
    for name in ("prefix", "name_my", "name_latin", "birth_year", "rank_id", "position"):
        assert isinstance(row[name], bytes | memoryview), name
    assert "name_key" not in row
    assert len(row["name_index"]) == 64
    # Decrypted for a reader who may see them.
    assert (entry.prefix, entry.name_latin, entry.name_my) == ("U", "Hvncanary Latin", "ထွန်းထွန်းဝင်း")
    assert (entry.birth_year, entry.position) == (1975, "Battalion commander")
    assert entry.rank_id is not None
    assert (entry.unit_text, entry.company) == ("LIB 531", "HQ")  # a group, kept plain


def test_every_protected_roll_field_is_encrypted_under_the_agreements_key() -> None:
    assert sorted(encrypted_fields(RollEntry)) == PROTECTED


def test_a_role_without_the_clearance_reads_roll_entries_masked(
    db: Session, t: Team, fast_settings: Settings
) -> None:
    entry = _imported(db, t)
    auditor = f.user(db, organisation=t.org, role=Role.AUDITOR, settings=fast_settings)
    readers: list[tuple[Actor, bool]] = [
        (t.negotiator, True),  # the team
        (t.registrar, True),  # a crossing desk
        (Actor.system(), True),
        (t.manager1, False),  # an approver reads hits through the service, not the roll
        (t.caseworker, False),  # highly confidential clearance, but no business on the roll
        (actor_for(auditor), False),  # no clearance beyond names of persons
    ]
    for actor, sees in readers:
        bind_actor(db, actor)
        if sees:
            assert entry.masked_fields == [], actor.role
            assert entry.name_latin == "Hvncanary Latin"
            assert entry.position == "Battalion commander"
        else:
            assert entry.masked_fields == PROTECTED, actor.role
            assert [getattr(entry, name) for name in PROTECTED] == [None] * len(PROTECTED)
            assert entry.company == "HQ"


def test_the_desk_finds_and_a_late_link_matches_encrypted_names(db: Session, t: Team) -> None:
    bind_actor(db, t.registrar)
    agreement = executing(db, t, size=12)
    found = crossing.search_roll(db, t.registrar, agreement.id, "soldier 0011")
    assert [e.name_latin for e, _arrived in found] == ["Soldier 0011"]
    assert [e.name_latin for e, _ in crossing.search_roll(db, t.registrar, agreement.id, "coy")][
        :2
    ] == ["Soldier 0000", "Soldier 0001"]
    assert crossing.search_roll(db, t.registrar, agreement.id, "nobody") == []
    # Someone received individually under the same name is matched to the entry by its index.
    bind_actor(db, t.negotiator)
    event = f.receive(db, t.registrar, name_latin="Soldier 0007", site_id=str(t.site.id))
    arrival = crossing.link_person(db, t.negotiator, agreement.id, event.person_id)  # type: ignore[attr-defined]
    entry = repository.roll_entry(db, arrival.roll_entry_id)  # type: ignore[arg-type]
    assert entry is not None
    assert entry.name_latin == "Soldier 0007"
