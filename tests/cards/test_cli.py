"""`haven card verify` at a checkpoint without the database: a PNG of the QR made by segno,
the public key file and the signed revocation list from headquarters; the exit code says the
verdict (0 only when valid). Then the key's life on a database: made at headquarters, its
public file and signed list, retired; refused at a field node."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from haven.cards import payload, signing
from haven.cards.payload import CardFields
from haven.cli.main import app
from haven.db.session import make_session_factory, transaction
from haven.kernel.clock import local_today
from haven.sync import nodes
from haven.sync.models import Role
from tests.cli_databases import CliDatabase

KEY = Ed25519PrivateKey.generate()
PUBLIC = payload.public_bytes(KEY)


def _fields(number: str, valid_for: int = 30) -> CardFields:
    return CardFields(
        key_id=payload.key_id_of(PUBLIC),
        card_number=number,
        reference="P-7K3M9QR",
        name_latin="Aung Ko Htwe",
        name_my="အောင်ကိုထွေး",
        valid_until=local_today() + timedelta(days=valid_for),
        issuer="Haven",
        photo_hash="0a1b2c3d4e5f",
    )


def _png(path: Path, text: str) -> str:
    segno.make(text, error="m").save(str(path), kind="png", scale=6)
    return str(path)


def test_verify_a_photo_of_the_code_offline(tmp_path: Path) -> None:
    runner = CliRunner()
    key_file = tmp_path / "card-key.json"
    key_file.write_bytes(payload.public_key_file(PUBLIC))
    good = _png(tmp_path / "good.png", payload.sign(KEY, _fields("HC-AAAA-BBBB")))
    lost = _png(tmp_path / "lost.png", payload.sign(KEY, _fields("HC-CCCC-DDDD")))
    old = _png(tmp_path / "old.png", payload.sign(KEY, _fields("HC-EEEE-FFFF", valid_for=-1)))
    revocations = tmp_path / "revoked.json"
    revocations.write_bytes(
        payload.sign_revocations(
            KEY, issued_at="2026-12-07T00:00:00+00:00", revoked=[("HC-CCCC-DDDD", "", "lost")]
        )
    )

    def verify(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["card", "verify", *args, "--public-key", str(key_file)])
        return result.exit_code, result.output

    code, output = verify(good, "--revocations", str(revocations))
    assert code == 0, output
    assert "VALID" in output
    assert "card_number: HC-AAAA-BBBB" in output
    assert "name_my: အောင်ကိုထွေး" in output
    code, output = verify(lost, "--revocations", str(revocations))
    assert (code, "REVOKED" in output, "reason: lost" in output) == (4, True, True)
    assert verify(lost)[0] == 0  # without the list, this checkpoint cannot know
    assert verify(old)[0] == 5
    # The text itself, altered in one character: the signature fails.
    text = payload.sign(KEY, _fields("HC-GGGG-HHHH"))
    altered = text[:20] + ("0" if text[20] != "0" else "1") + text[21:]
    assert verify(text)[0] == 0
    assert verify(altered)[0] in (3, 6)
    # Another programme's key: unknown here. A picture with no code: exit 7.
    stranger = Ed25519PrivateKey.generate()
    other = replace(
        _fields("HC-JJJJ-KKKK"), key_id=payload.key_id_of(payload.public_bytes(stranger))
    )
    assert verify(payload.sign(stranger, other))[0] == 6
    blank = tmp_path / "blank.png"
    segno.make("just text").save(str(blank), kind="png")
    assert verify(str(blank))[0] == 7
    # A tampered revocation list is refused outright.
    revocations.write_bytes(revocations.read_bytes().replace(b"lost", b"damaged"))
    assert verify(lost, "--revocations", str(revocations))[0] == 2


def test_the_signing_key_at_headquarters_and_a_field_node(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["card", "new-key"])
    assert made.exit_code == 0, made.output
    key_file, listed = tmp_path / "key.json", tmp_path / "revoked.json"
    assert runner.invoke(app, ["card", "public-key", "--out", str(key_file)]).exit_code == 0
    assert runner.invoke(app, ["card", "revocations", "--out", str(listed)]).exit_code == 0
    kept = runner.invoke(app, ["card", "keep-revocations", str(listed)])
    assert kept.output.strip() == "0 revoked card(s) now known here."
    key_id, public = payload.read_public_key_file(key_file.read_bytes())
    assert payload.read_revocations(listed.read_bytes(), {key_id: public}) == {}

    engine = cli_database.engine()
    factory = make_session_factory(engine, cli_database.keyring())
    with transaction(factory) as session:
        signed_id, private = signing.private_key(session)
        nodes.init_node(session, role=Role.FIELD, name="Checkpoint laptop")
    engine.dispose()
    assert signed_id == key_id
    text = payload.sign(private, replace(_fields("HC-MMMM-NNNN"), key_id=key_id))
    assert runner.invoke(app, ["card", "verify", text]).exit_code == 0  # the database's keys

    refused = runner.invoke(app, ["card", "new-key"])
    assert refused.exit_code == 1
    assert "field node" in refused.output
    assert runner.invoke(app, ["card", "retire-key", key_id]).exit_code == 0
    assert runner.invoke(app, ["card", "verify", text]).exit_code == 6  # unknown key now
