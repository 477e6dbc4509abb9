"""Capture cards as the Convention's model (GC III Annex IV B), read back from the PDF: the
state of health as found by whoever examined the person (never "good" when nobody did),
"coming from" and the present address with the prisoner number, both scripts of the name,
the rank in both languages, the date and signature lines; and a new card on every transfer,
to a hospital included, and on admission to hospital (Art. 70)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.errors import ValidationFailed
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.kernel.sensitivity import bind_actor
from haven.pow import bureau, care, repository, service
from haven.pow.models import CaptureCard, PowRecord
from haven.pow.schemas import Art17In, InspectionIn, PlaceIn, PowRegister, TransferIn
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Role
from tests import factories as f
from tests.pow.conftest import ASSESSED, Setting, place
from tests.pow.pdf_glyphs import read

NAME_LATIN = "Kyaw Zin Oo"
NAME_MY = "ကျော်ဇင်ဦး"
SERGEANT_MY = "တပ်ကြပ်ကြီး"


def _received(db: Session, setting: Setting) -> ReceptionEvent:
    army = forces.ensure_reference_data(db)
    sergeant = next(r for r in forces_repository.ranks_of(db, army.id) if r.name_en == "Sergeant")
    bind_actor(db, setting.registrar)
    event = f.receive(
        db,
        setting.registrar,
        name_latin=NAME_LATIN,
        name_my=NAME_MY,
        classification="captured",
        received_on="2026-11-01",
        birth_year=1995,
        rank_id=str(sergeant.id),
    )
    assert isinstance(event, ReceptionEvent)
    bind_actor(db, setting.officer)
    return event


def _register(db: Session, setting: Setting, **examination: object) -> PowRecord:
    camp = place(db, setting, "Camp Daw Ta Ma")
    event = _received(db, setting)
    return service.register(
        db,
        setting.officer,
        PowRegister.model_validate(
            {
                "person_id": str(event.person_id),
                "captured_on": "2026-11-01",
                "place_id": str(camp.id),
                **examination,
            }
        ),
    )


def _card_text(db: Session, setting: Setting, card: CaptureCard) -> str:
    return read(bureau.capture_card_pdf(db, setting.officer, card.id)).text()


def test_a_seriously_wounded_prisoner_card_says_so_and_who_examined_him(
    db: Session, setting: Setting
) -> None:
    record = _register(
        db, setting, state_of_health="seriously_wounded", examined_by="Dr Nang Hseng (medic)"
    )
    (card,) = repository.cards_of(db, record.id)
    page = _card_text(db, setting, card)
    for expected in (
        "CAPTURE CARD",
        "Seriously wounded",
        "ဒဏ်ရာ ပြင်းထန်စွာရ",
        "Dr Nang Hseng (medic)",
        "2026-11-01",  # taken prisoner on, and the examination on arrival
        # Both scripts of the name, as recorded; the rank in both languages from the table.
        NAME_LATIN,
        NAME_MY,
        f"Sergeant / {SERGEANT_MY}",
        # Item 12: present address with the prisoner number.
        record.prisoner_number,
        "Camp Daw Ta Ma (camp / စခန်း)",
        "Coming from (camp or hospital)",
        # Items 13 and 14, left for the prisoner.
        "Date / ရက်စွဲ",
        "Signature / လက်မှတ်",
    ):
        assert expected in page, expected
    assert record.prisoner_number.startswith("POW-2026-")
    for never in ("good", "Good", "ကောင်း", "Healthy", "Not examined"):
        assert never not in page, never


def test_nobody_examined_the_prisoner_so_the_card_says_not_examined(
    db: Session, setting: Setting
) -> None:
    record = _register(db, setting)
    (card,) = repository.cards_of(db, record.id)
    page = _card_text(db, setting, card)
    assert "Not examined / ဆေးမစစ်ရသေး" in page
    for never in ("good", "Good", "ကောင်း", "Healthy"):
        assert never not in page, never
    # An examination recorded later changes the card still to be sent.
    care.record_inspection(
        db,
        setting.officer,
        record.id,
        InspectionIn(
            inspected_on=date(2026, 11, 3), state_of_health="sick", examined_by="Saw Htoo (medic)"
        ),
    )
    page = _card_text(db, setting, card)
    assert "Sick / ဖျားနာနေသည်" in page
    assert "Saw Htoo (medic) · 2026-11-03" in page
    assert "Not examined" not in page


def test_a_state_of_health_needs_who_examined(db: Session, setting: Setting) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _register(db, setting, state_of_health="healthy")
    assert set(refused.value.fields) == {"examined_by"}


def test_a_transfer_to_hospital_owes_a_new_card_coming_from_the_camp(
    db: Session, setting: Setting
) -> None:
    record = _register(
        db, setting, state_of_health="slightly_wounded", examined_by="Dr Nang Hseng (medic)"
    )
    camp_id = record.place_id
    hospital = service.create_place(
        db, setting.officer, PlaceIn(name="Hpruso field hospital", kind="hospital")
    )
    service.transfer(
        db,
        setting.officer,
        record.id,
        TransferIn(to_place_id=hospital.id, moved_on=date(2026, 11, 4), **ASSESSED),  # type: ignore[arg-type]
    )
    capture, moved = repository.cards_of(db, record.id)
    assert (capture.occasion, capture.superseded_at is not None) == ("capture", True)
    assert (moved.occasion, moved.occasion_on, moved.due_on) == (
        "hospital",
        date(2026, 11, 4),
        date(2026, 11, 11),
    )
    assert (moved.coming_from_id, moved.place_id) == (camp_id, hospital.id)
    assert [n.kind for n in repository.notices_of(db, record.id)] == [
        "capture",
        "hospital_admission",
    ]

    page = _card_text(db, setting, moved)
    for expected in (
        "Coming from (camp or hospital)",
        "Camp Daw Ta Ma (camp / စခန်း)",  # coming from
        "Hpruso field hospital (hospital / ဆေးရုံ)",  # present address
        record.prisoner_number,
        "2026-11-01",  # taken prisoner on
        "Slightly wounded",
        "hospital admission / ဆေးရုံတက်ခြင်း",
        "due by / နောက်ဆုံးထား: 2026-11-11",
    ):
        assert expected in page, expected
    assert page.index("Camp Daw Ta Ma") < page.index("Hpruso field hospital")
    # The first card, kept in the history, still gives the camp as the present address.
    first = _card_text(db, setting, capture)
    assert "Camp Daw Ta Ma (camp / စခန်း)" in first
    assert "Hpruso field hospital" not in first


def test_an_admission_to_hospital_owes_one_new_card_and_one_notice(
    db: Session, setting: Setting
) -> None:
    record = _register(db, setting)
    admitted = InspectionIn(
        inspected_on=date(2026, 11, 5),
        state_of_health="seriously_wounded",
        examined_by="Dr Nang Hseng (medic)",
        hospitalised=True,
    )
    care.record_inspection(db, setting.officer, record.id, admitted)
    still = admitted.model_copy(update={"inspected_on": date(2026, 11, 20)})
    care.record_inspection(db, setting.officer, record.id, still)
    occasions = [(c.occasion, c.occasion_on) for c in repository.cards_of(db, record.id)]
    assert occasions == [("capture", date(2026, 11, 1)), ("hospital", date(2026, 11, 5))]
    kinds = [n.kind for n in repository.notices_of(db, record.id)]
    assert kinds.count("hospital_admission") == 1


def test_the_api_records_the_examiner_and_names_a_missing_one(
    client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    user = f.user(
        db, organisation=setting.organisation, role=Role.POW_OFFICER, settings=fast_settings
    )
    officer = f.bearer(f.api_token(db, user=user))
    event = _received(db, setting)
    made = client.post(
        "/api/pow/records",
        json={"person_id": str(event.person_id), "captured_on": "2026-11-01"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    assert made.json()["prisoner_number"].startswith("POW-2026-")
    assert made.json()["rank_id"] is not None
    inspections = f"/api/pow/records/{made.json()['id']}/inspections"
    missing = client.post(
        inspections, json={"inspected_on": "2026-11-02", "state_of_health": "sick"}, headers=officer
    )
    assert missing.status_code == 422, missing.text
    assert set(missing.json()["fields"]) == {"examined_by"}
    done = client.post(
        inspections,
        json={"inspected_on": "2026-11-02", "state_of_health": "sick", "examined_by": "Saw Htoo"},
        headers=officer,
    )
    assert done.status_code == 201, done.text
    assert (done.json()["state_of_health"], done.json()["examined_by"]) == ("sick", "Saw Htoo")
    cards = client.get(f"/api/pow/records/{made.json()['id']}/cards", headers=officer).json()
    assert [(c["occasion"], c["place_id"], c["coming_from_id"]) for c in cards] == [
        ("capture", None, None)
    ]


def test_the_rank_on_the_card_follows_the_recorded_rank(db: Session, setting: Setting) -> None:
    record = _register(db, setting)
    (card,) = repository.cards_of(db, record.id)

    def given(rank: str) -> str:
        service.update_art17(
            db,
            setting.officer,
            record.id,
            Art17In(first_names=NAME_LATIN, rank=rank, birth_year=1995),
        )
        return _card_text(db, setting, card)

    # Corrected to another rank of the table (its Burmese name, as the officer typed it).
    assert "Corporal / တပ်ကြပ်" in given("တပ်ကြပ်")
    assert record.rank_id is not None
    # A rank no table names stays as recorded, in the words given.
    page = given("Column leader (his words)")
    assert record.rank_id is None
    assert "Column leader (his words)" in page
    assert SERGEANT_MY not in page


def test_the_registration_page_records_the_examination_on_arrival(
    client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=setting.organisation,
        role=Role.POW_OFFICER,
        username="pow.cards",
        settings=fast_settings,
    )
    f.login(client, username="pow.cards")
    event = _received(db, setting)
    token = f.csrf_from(client, "/pow/register")
    form = {
        "csrf_token": token,
        "person_id": str(event.person_id),
        "captured_on": "2026-11-01",
        "state_of_health": "seriously_wounded",
    }
    refused = client.post("/pow/register", data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert 'id="error-examined_by"' in refused.text
    assert 'value="seriously_wounded" selected' in refused.text  # kept for re-display
    assert repository.record_of_person(db, event.person_id) is None
    done = client.post(
        "/pow/register",
        data={**form, "examined_by": "Dr Nang Hseng (medic)"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    record = repository.record_of_person(db, event.person_id)
    assert record is not None
    page = client.get(done.headers["location"]).text
    assert f'id="pow-number">{record.prisoner_number}<' in page
    assert "Seriously wounded · Dr Nang Hseng (medic)" in page
