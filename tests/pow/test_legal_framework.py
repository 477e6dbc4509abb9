"""The registry's pages and documents follow the organisation's legal framework
(docs/legal-framework.md): under an international armed conflict they cite the Third Geneva
Convention as such; under a non-international one they say that its standards are applied by
the recorded commitment, and never claim Convention prisoner-of-war status."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.pow import bureau, care, ending, repository
from haven.pow.schemas import DeathIn, EffectIn
from haven.programme.public import LegalFrameworkIn, set_legal_framework
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pow.conftest import Setting, place, register
from tests.pow.pdf_glyphs import read

DECLARATION = {
    "conflict": "non_international",
    "commitment_kind": "unilateral_declaration",
    "commitment_date": "2023-06-15",
    "commitment_reference": "KIEC-DEMO/2023/01",
}
NIAC_LINE = (
    "Person detained in relation to the conflict — treated as a prisoner of war under the "
    "unilateral declaration of 2023-06-15 (KIEC-DEMO/2023/01)"
)


def squash(text: str) -> str:
    """The text without whitespace: a PDF wraps long lines where it likes."""
    return "".join(text.split())


def non_international(db: Session, setting: Setting, **changes: str) -> None:
    set_legal_framework(
        db,
        Actor.system(),
        LegalFrameworkIn.model_validate({**DECLARATION, **changes}),
        organisation_id=setting.organisation.id,
    )


def card_text(db: Session, setting: Setting) -> str:
    record = register(db, setting, captured_on=date(2026, 11, 1), at=place(db, setting))
    (card,) = repository.cards_of(db, record.id)
    return squash(read(bureau.capture_card_pdf(db, setting.officer, card.id)).text())


def test_capture_card_under_an_international_conflict_cites_gc_iii(
    db: Session, setting: Setting
) -> None:
    text = card_text(db, setting)  # nothing recorded: read as international, as before
    assert squash("CAPTURE CARD FOR PRISONER OF WAR (GC III Art. 70)") in text
    assert (
        squash("International armed conflict: the Third Geneva Convention (1949) applies.") in text
    )
    for absent in ("applied by commitment", "Person detained", "Common Article 3"):
        assert squash(absent) not in text, absent


@pytest.mark.parametrize(
    ("kind", "words_en", "words_my"),
    [
        ("unilateral_declaration", "unilateral declaration", "တစ်ဖက်သတ် ကြေညာချက်"),
        ("special_agreement", "special agreement", "အထူး သဘောတူညီချက်"),
    ],
)
def test_capture_card_under_a_non_international_conflict_cites_the_commitment(
    kind: str, words_en: str, words_my: str, db: Session, setting: Setting
) -> None:
    non_international(db, setting, commitment_kind=kind)
    text = card_text(db, setting)
    assert squash("CAPTURE CARD (standards of GC III Art. 70, applied by commitment)") in text
    assert squash(NIAC_LINE.replace("unilateral declaration", words_en)) in text
    assert squash(words_my) in text
    assert squash("ကတိကဝတ်အရ") in text
    assert squash("Common Article 3 of the Geneva Conventions") in text
    assert squash("does not apply as such") in text
    assert squash("ဘုံအပိုဒ် ၃") in text
    # Never the Convention status as such.
    assert squash("CAPTURE CARD FOR PRISONER OF WAR") not in text
    assert squash("the Third Geneva Convention (1949) applies") not in text


def test_death_certificate_follows_the_framework(db: Session, setting: Setting) -> None:
    record = register(db, setting, at=place(db, setting))
    ending.record_death(
        db,
        setting.officer,
        record.id,
        DeathIn(died_on=date(2026, 11, 9), place_of_death="Camp One", cause="Illness"),
    )
    before = squash(read(bureau.death_certificate_pdf(db, setting.officer, record.id)).text())
    assert squash("DEATH CERTIFICATE OF A PRISONER OF WAR (GC III Art. 120)") in before
    non_international(db, setting)
    after = squash(read(bureau.death_certificate_pdf(db, setting.officer, record.id)).text())
    assert (
        squash("DEATH CERTIFICATE (standards of GC III Art. 120, applied by commitment)") in after
    )
    assert squash(NIAC_LINE) in after
    assert squash("OF A PRISONER OF WAR") not in after


def _officer(client: TestClient, db: Session, fast_settings: Settings, setting: Setting) -> None:
    f.user(
        db,
        organisation=setting.organisation,
        role=Role.POW_OFFICER,
        username="framework.pow",
        settings=fast_settings,
    )
    f.login(client, username="framework.pow")


def test_pages_and_the_notices_export_follow_the_framework(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    record = register(db, setting, at=place(db, setting))
    pages = ("/pow", "/pow/register", "/pow/notices", f"/pow/records/{record.id}")
    for path in pages:
        text = client.get(path).text
        assert "the Third Geneva Convention (1949) applies as such" in text, path
        assert "applies the standards of the Third Geneva Convention" not in text, path

    non_international(db, setting)
    for path in pages:
        text = client.get(path).text
        assert 'id="legal-framework"' in text, path
        assert "the Conventions&#39; prisoner-of-war status does not apply as such" in text, path
        assert (
            "treated as prisoners of war under the unilateral declaration of 2023-06-15 "
            "(KIEC-DEMO/2023/01)" in text
        ), path
        assert "Treated under the Third Geneva Convention" not in text, path

    bind_actor(db, setting.officer)
    effect = care.take_effect(
        db, setting.officer, record.id, EffectIn(description="Watch", taken_by="Sgt. Framework")
    )
    receipt = client.get(f"/pow/effects/{effect.id}/receipt").text
    assert "taken from a person detained in relation to the conflict" in receipt
    assert "taken from a prisoner of war" not in receipt

    token = f.csrf_from(client, "/pow/notices")
    exported = client.post("/pow/notices/export", data={"csrf_token": token})
    assert exported.status_code == 200, exported.text
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        text = squash(read(archive.read("notices.pdf")).text())
    assert (
        squash(
            "NOTICES TO THE INFORMATION BUREAU (standards of GC III Art. 122, applied by "
            "commitment)"
        )
        in text
    )
    assert squash("Common Article 3 of the Geneva Conventions") in text


def test_pages_in_burmese_follow_the_framework(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    non_international(db, setting)
    token = f.csrf_from(client, "/pow")
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    page = client.get("/pow")
    assert page.status_code == 200
    assert "2023-06-15" in page.text
    assert "KIEC-DEMO/2023/01" in page.text
