"""The thirteen ways of tampering with the audit trail of issue 19, each on a real database,
each followed by the real `haven audit verify` (or `haven restore`).

The attacker holds the laptop: the database (they drop the append-only triggers first), the
key file (they recompute hashes and re-sign checkpoints with the key derived from it) and,
in the strongest cases, the key directory too (they delete the laptop's own record of its
last witnessed head, and the operator's attestations from the database). What they do not
hold is what was kept off the laptop: the witness code printed before the tampering (written
on paper) and the operator's signing key. Every case is detected against those, except the
one named as a limit in docs/security.md ("Audit integrity"), which verify names instead.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from typer.testing import CliRunner

from haven.audit import chain, checkpoints, service, witness
from haven.audit.actions import AuditAction
from haven.audit.models import AuditCheckpoint, AuditEvent
from haven.cli.main import app
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from haven.db.types import utcnow
from haven.security.permissions import Actor
from tests.audit.conftest import drop_append_only_triggers, shift_seq
from tests.cli_databases import CliDatabase, open_cli_database
from tests.conftest import BACKENDS, LAPTOP

runner = CliRunner()
EVENTS = AuditEvent.__table__
CHECKPOINTS = AuditCheckpoint.__table__
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def _haven(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _ok(*args: str) -> str:
    result = _haven(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def _events(database: CliDatabase, count: int) -> None:
    engine = database.engine()
    try:
        with transaction(make_session_factory(engine, database.keyring())) as session:
            for i in range(count):
                service.record(
                    session,
                    Actor.system("clerk"),
                    AuditAction.PERSON_UPDATED,
                    subject_type="person",
                    subject_id=uuid.uuid4(),
                    organisation_id=None,
                    changes={"religion": {"before": f"old {i}", "after": f"new {i}"}},
                )
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Scenario:
    """A working laptop's trail, and what was kept off the laptop about it."""

    database: CliDatabase
    folder: Path
    code: str  # the witness code of the head, written on paper before the tampering
    witnessed_seq: int
    checkpoint_seqs: tuple[int, ...]
    attested_seq: int
    backup: Path  # a backup made halfway, for the restore case


def _seq_of(output: str, pattern: str) -> int:
    found = re.search(pattern, output)
    assert found is not None, output
    return int(found.group(1))


@pytest.fixture(params=BACKENDS)
def scenario(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Scenario]:
    with open_cli_database(request, tmp_path, monkeypatch, "schema") as database:
        operator = tmp_path / "operator"  # the operator's own machine
        _events(database, 5)
        first = _seq_of(_ok("audit", "checkpoint"), r"Checkpoint signed: event (\d+)")
        _events(database, 5)
        made = _ok("audit", "operator-key", str(operator / "operator.key"))
        public = re.search(r"haven audit trust KEY\): (\S+)", made)
        assert public is not None, made
        _ok("audit", "trust", public.group(1))
        _ok("audit", "witness", "--out", str(tmp_path / "witness.json"))
        _ok(
            "audit",
            "attest",
            str(tmp_path / "witness.json"),
            "--key",
            str(operator / "operator.key"),
            "--out",
            str(operator / "attested.json"),
        )
        attested = _seq_of(
            _ok("audit", "import", str(operator / "attested.json")), r"up to event (\d+)"
        )
        backup = tmp_path / "halfway.backup"
        _ok("backup", str(backup))
        _events(database, 5)
        second = _seq_of(_ok("audit", "checkpoint"), r"Checkpoint signed: event (\d+)")
        _events(database, 3)
        paper = _ok("audit", "witness")
        code = re.search(r"Witness code: (\S+)", paper)
        assert code is not None, paper
        yield Scenario(
            database=database,
            folder=tmp_path,
            code=code.group(1),
            witnessed_seq=_seq_of(paper, r"Head: event (\d+)"),
            checkpoint_seqs=(first, second),
            attested_seq=attested,
            backup=backup,
        )


# --- what the attacker does -------------------------------------------------------------------


def _row(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(EVENTS.select().where(EVENTS.c.seq == seq)).one()._mapping)


def _rehash_from(conn: Connection, seq: int) -> None:
    """Recompute the links and hashes of every event from `seq` on, as the code would."""
    previous = _row(conn, seq - 1)["event_hash"] if seq > 1 else chain.GENESIS
    rows = conn.execute(EVENTS.select().where(EVENTS.c.seq >= seq).order_by(EVENTS.c.seq)).all()
    for found in rows:
        record = chain.ChainRecord.of(found)
        digest = chain.recompute(chain.ChainRecord(**{**record.__dict__, "prev_hash": previous}))
        conn.execute(
            EVENTS.update()
            .where(EVENTS.c.id == record.id)
            .values(prev_hash=previous, event_hash=digest)
        )
        previous = digest


def _append_forged(conn: Connection, label: str = "ghost") -> int:
    seq, head = conn.execute(
        text("SELECT seq, event_hash FROM audit_events ORDER BY seq DESC LIMIT 1")
    ).one()
    forged = chain.ChainRecord(
        seq=seq + 1,
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        actor_user_id=None,
        actor_label=label,
        organisation_id=None,
        action=str(AuditAction.PERSON_UPDATED),
        subject_type="person",
        subject_id=uuid.uuid4(),
        changes={},
        prev_hash=head,
        event_hash="",
    )
    values = {**forged.__dict__, "event_hash": chain.recompute(forged)}
    conn.execute(EVENTS.insert(), [values])
    return int(seq + 1)


def _resign(conn: Connection, keyring: Keyring) -> None:
    """Delete every checkpoint and sign the rewritten chain's with the laptop's derived key."""
    seqs = [row[0] for row in conn.execute(text("SELECT seq FROM audit_checkpoints"))]
    conn.execute(text("DELETE FROM audit_checkpoints"))
    key = keyring.audit_signing_key
    signer = checkpoints.key_id(key.public_key())
    for seq in seqs:
        found = conn.execute(
            text("SELECT event_hash FROM audit_events WHERE seq = :s"), {"s": seq}
        ).first()
        if found is None:
            continue
        at = utcnow()
        message = checkpoints.signed_message(
            seq=seq, event_hash=found[0], signed_at=at, signer=signer
        )
        conn.execute(
            CHECKPOINTS.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "seq": seq,
                    "event_hash": found[0],
                    "signed_at": at,
                    "key_id": signer,
                    "signature": key.sign(message).hex(),
                }
            ],
        )


def _forget_outside_records(s: Scenario, conn: Connection) -> None:
    """The strongest attacker also removes the attestations and the laptop's own record."""
    conn.execute(text("DELETE FROM audit_attestations"))
    (s.database.key_dir / witness.HEAD_FILE).unlink()


def modified_row(s: Scenario, conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 3"))


def recomputed_hash(s: Scenario, conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 3"))
    record = chain.ChainRecord.of(conn.execute(EVENTS.select().where(EVENTS.c.seq == 3)).one())
    conn.execute(
        text("UPDATE audit_events SET event_hash = :h WHERE seq = 3"),
        {"h": chain.recompute(record)},
    )


def deleted_event(s: Scenario, conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))


def inserted_event(s: Scenario, conn: Connection) -> None:
    shift_seq(conn, from_seq=5, by=1)
    forged = _row(conn, 4) | {"id": uuid.uuid4(), "seq": 5, "actor_label": "ghost"}
    forged["prev_hash"] = _row(conn, 4)["event_hash"]
    forged["event_hash"] = chain.recompute(chain.ChainRecord(**forged))
    conn.execute(EVENTS.insert(), [forged])


def reordered_events(s: Scenario, conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET seq = -4 WHERE seq = 4"))
    conn.execute(text("UPDATE audit_events SET seq = 4 WHERE seq = 5"))
    conn.execute(text("UPDATE audit_events SET seq = 5 WHERE seq = -4"))


def rewritten_under_old_checkpoints(s: Scenario, conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 3"))
    _rehash_from(conn, 3)


def rewritten_and_resigned(s: Scenario, conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 3"))
    _rehash_from(conn, 3)
    _resign(conn, s.database.keyring())
    _forget_outside_records(s, conn)


def middle_deleted_renumbered(s: Scenario, conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    shift_seq(conn, from_seq=5, by=-1)
    _rehash_from(conn, 4)
    _append_forged(conn, label="padding")  # the trail keeps its length
    _resign(conn, s.database.keyring())
    _forget_outside_records(s, conn)


def forged_at_head(s: Scenario, conn: Connection) -> None:
    _append_forged(conn)
    _resign(conn, s.database.keyring())


def after_last_checkpoint_deleted(s: Scenario, conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": s.checkpoint_seqs[-1]})
    _forget_outside_records(s, conn)


def last_checkpoints_deleted(s: Scenario, conn: Connection) -> None:
    last = s.checkpoint_seqs[-1]
    conn.execute(text("DELETE FROM audit_checkpoints WHERE seq >= :s"), {"s": last})
    conn.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": last})
    _forget_outside_records(s, conn)


def everything_deleted(s: Scenario, conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_checkpoints"))
    conn.execute(text("DELETE FROM audit_events"))
    _forget_outside_records(s, conn)


@dataclass(frozen=True)
class Case:
    name: str  # as docs/security.md names it
    tamper: Callable[[Scenario, Connection], None] | None
    kind: str | None  # what verify names, or None: a documented limit


CASES = [
    Case("a modified row", modified_row, "changed"),
    Case("a recomputed hash", recomputed_hash, "deleted"),
    Case("a deleted event", deleted_event, "deleted"),
    Case("an inserted event", inserted_event, "inserted"),
    Case("reordered events", reordered_events, "reordered"),
    Case("a chain rewritten under old checkpoints", rewritten_under_old_checkpoints, "rewritten"),
    Case(
        "a chain rewritten and re-signed with the derived key", rewritten_and_resigned, "rewritten"
    ),
    Case(
        "a middle event deleted, the rest renumbered, rehashed and re-signed",
        middle_deleted_renumbered,
        "rewritten",
    ),
    Case("a forged event appended at the head", forged_at_head, None),
    Case("the events after the last checkpoint deleted", after_last_checkpoint_deleted, "deleted"),
    Case("the last checkpoints and their events deleted", last_checkpoints_deleted, "deleted"),
    Case("every event and checkpoint deleted", everything_deleted, "deleted"),
    Case("a restore that rolls the trail back", None, "rolled_back"),
]


def test_thirteen_cases() -> None:
    assert len(CASES) == 13
    assert len({case.name for case in CASES}) == 13


# The thirteen cases tamper with the laptop's trail, so they run on the laptop's engine; the
# verifier and the tampering SQL are the same on both, and the other tests run on both.
@pytest.mark.parametrize("scenario", LAPTOP, indirect=True)
@pytest.mark.parametrize("case", CASES, ids=[c.name.replace(" ", "-") for c in CASES])
def test_tampering_is_detected_against_what_was_kept_off_the_laptop(
    scenario: Scenario, case: Case
) -> None:
    assert _haven("audit", "verify", "--witness", scenario.code).exit_code == 0
    if case.tamper is not None:
        engine = scenario.database.engine()
        try:
            with engine.begin() as conn:
                drop_append_only_triggers(conn)
                case.tamper(scenario, conn)
        finally:
            engine.dispose()
    else:
        restored = _haven("restore", str(scenario.backup))
        assert restored.exit_code == 0, restored.output
        # The restore itself says so, comparing with the head known outside the backup.
        assert re.search(
            r"The audit trail was rolled back from event \d+ to event \d+", restored.output
        ), restored.output

    result = _haven("audit", "verify", "--witness", scenario.code)
    if case.kind is None:
        # The documented limit: nothing outside the laptop vouches for events after the last
        # witness. Verify does not call them intact-and-vouched: it names them.
        assert result.exit_code == 0, result.output
        named = re.search(
            rf"Events {scenario.witnessed_seq + 1} to (\d+) are not witnessed yet", result.output
        )
        assert named is not None, result.output
        assert int(named.group(1)) >= scenario.witnessed_seq + 2  # the forged one among them
        assert "cannot be told apart from events forged" in result.output
    else:
        assert result.exit_code == 1, result.output
        assert "The audit trail has been tampered with." in result.output
        assert f"[{case.kind}]" in result.output, result.output


def test_docs_name_every_case_and_the_limit() -> None:
    section = DOCS.read_text().split("## Audit integrity", 1)[1].split("\n## ", 1)[0]
    for case in CASES:
        assert case.name in section, case.name
    limits = [line for line in section.splitlines() if "**limit**" in line]
    assert [case.name for case in CASES if case.kind is None] == [
        case.name for case in CASES if any(case.name in line for line in limits)
    ]


@pytest.mark.parametrize("case", [after_last_checkpoint_deleted, everything_deleted])
def test_a_database_only_attacker_is_caught_by_the_laptops_own_record(
    scenario: Scenario, case: Callable[[Scenario, Connection], None]
) -> None:
    """Without the paper code: the head the laptop recorded outside its database suffices
    against someone who holds the database (a copy, a bug) but not the key directory."""
    engine = scenario.database.engine()
    try:
        with engine.begin() as conn:
            drop_append_only_triggers(conn)
            conn.execute(
                text("DELETE FROM audit_events WHERE seq > :s"),
                {"s": 0 if case is everything_deleted else scenario.checkpoint_seqs[-1]},
            )
            if case is everything_deleted:
                conn.execute(text("DELETE FROM audit_checkpoints"))
    finally:
        engine.dispose()
    result = _haven("audit", "verify")
    assert result.exit_code == 1, result.output
    assert "[deleted]" in result.output


def test_a_rewritten_chain_is_caught_by_the_operator_attestation(scenario: Scenario) -> None:
    """Without the paper code and the laptop's record: the attestation signed off the laptop
    no longer matches a chain rewritten and re-signed with the laptop's own key."""
    engine = scenario.database.engine()
    try:
        with engine.begin() as conn:
            drop_append_only_triggers(conn)
            conn.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 3"))
            _rehash_from(conn, 3)
            _resign(conn, scenario.database.keyring())
    finally:
        engine.dispose()
    (scenario.database.key_dir / witness.HEAD_FILE).unlink()
    result = _haven("audit", "verify")
    assert result.exit_code == 1, result.output
    assert "no longer matches what the operator attested" in result.output


def test_a_mistyped_code_is_refused_not_taken_for_tampering(scenario: Scenario) -> None:
    last = scenario.code[-1]
    wrong = scenario.code[:-1] + ("A" if last != "A" else "B")
    result = _haven("audit", "verify", "--witness", wrong)
    assert result.exit_code == 2
    assert "mistyped" in result.output


def test_an_attestation_by_an_untrusted_key_is_refused(scenario: Scenario, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    _ok("audit", "operator-key", str(stranger / "key"))
    _ok("audit", "witness", "--out", str(stranger / "witness.json"))
    _ok(
        "audit", "attest", str(stranger / "witness.json"),
        "--key", str(stranger / "key"), "--out", str(stranger / "attested.json"),
    )  # fmt: skip
    refused = _haven("audit", "import", str(stranger / "attested.json"))
    assert refused.exit_code == 1
    assert "not signed by an operator key this laptop trusts" in refused.output


def test_the_operator_key_is_refused_beside_the_laptops_keys(scenario: Scenario) -> None:
    refused = _haven("audit", "operator-key", str(scenario.database.key_dir / "operator.key"))
    assert refused.exit_code == 1
    assert "must not sit with this Haven's keys" in refused.output


def test_a_code_survives_lookalike_characters_and_spaces() -> None:
    head = "ab" * 32
    code = witness.short_code(41, head)
    sloppy = code.lower().replace("-", " ").replace("o", "0").replace("i", "1")
    parsed = witness.parse_code(sloppy)
    assert parsed.seq == 41
    assert parsed.matches(head)
    assert not parsed.matches("ac" * 32)


def test_a_restored_trail_says_it_was_rolled_back(scenario: Scenario) -> None:
    restored = _haven("restore", str(scenario.backup))
    assert restored.exit_code == 0, restored.output
    # Without the old code, the restored trail is intact but says it was rolled back.
    result = _haven("audit", "verify")
    assert result.exit_code == 0, result.output
    assert re.search(r"a restore rolled the trail back from event \d+ to event \d+", result.output)
