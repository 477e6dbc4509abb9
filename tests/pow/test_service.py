"""The registry's rules: registration, Art. 17/122 with refusals, transfers and cards, care,
death, release, and the prisoner → defector change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.kernel.sensitivity import bind_actor
from haven.pow import care, ending, repository, service, voluntariness
from haven.pow.models import PowRecord
from haven.pow.schemas import (
    Art17In,
    Art122In,
    CardSentIn,
    DeathIn,
    DefectIn,
    EffectIn,
    InspectionIn,
    PayRateIn,
    PowRegister,
    ReleaseIn,
    TransferIn,
    VoluntarinessIn,
    WishIn,
)
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pow.conftest import ASSESSED, Setting, captured, complete_check, place, register


def _actions(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_registration_prefills_art17_and_owes_a_card_and_a_notice(
    db: Session, setting: Setting
) -> None:
    camp = place(db, setting)
    record = register(db, setting, captured_on=date(2026, 11, 1), at=camp)
    assert record.first_names == "Zaw Min Htet"
    assert record.rank == "Sergeant"
    assert record.birth_year == 1990
    assert record.service_number == "BA-123456"
    assert record.bureau_details == {"father_first_name": "U Ba Tin"}
    (card,) = repository.cards_of(db, record.id)
    assert (card.occasion, card.due_on) == ("capture", date(2026, 11, 8))
    (notice,) = repository.notices_of(db, record.id)
    assert (notice.kind, notice.detail) == ("capture", "Camp One")
    assert "pow.registered" in _actions(db)
    # The service number is ciphertext in the table, never plain text.
    raw = db.scalar(select(PowRecord.service_number_ct).where(PowRecord.id == record.id))
    assert b"BA-123456" not in bytes(raw)


def test_only_prisoners_and_only_once(db: Session, setting: Setting) -> None:
    defector = captured(db, setting, name="Kyaw Defector", classification="defector")
    bind_actor(db, setting.officer)
    with pytest.raises(Conflict):
        service.register(
            db,
            setting.officer,
            PowRegister(person_id=defector.person_id, captured_on=date(2026, 11, 1)),
        )
    record = register(db, setting)
    with pytest.raises(Conflict):
        service.register(
            db,
            setting.officer,
            PowRegister(person_id=record.person_id, captured_on=date(2026, 11, 1)),
        )
    bind_actor(db, setting.registrar)
    with pytest.raises(PermissionDenied):
        service.get_record(db, setting.registrar, record.id)


def test_another_organisation_cannot_see_the_record(
    db: Session, setting: Setting, fast_settings: object
) -> None:
    record = register(db, setting)
    other = f.organisation(db)
    stranger = actor_for(f.user(db, organisation=other, role=Role.POW_OFFICER))
    bind_actor(db, stranger)
    with pytest.raises(NotFound):
        service.get_record(db, stranger, record.id)
    assert service.list_records(db, stranger) == []


def test_refusals_are_recorded_and_never_block(db: Session, setting: Setting) -> None:
    record = register(db, setting)
    service.update_art17(
        db,
        setting.officer,
        record.id,
        Art17In(first_names="Zaw Min Htet", rank="Sergeant", refused=["surname", "service_number"]),
    )
    assert record.art17_refused == ["service_number", "surname"]
    assert record.service_number is None
    service.update_art122(
        db,
        setting.officer,
        record.id,
        Art122In(place_of_birth="Loikaw", refused=["address", "person_to_inform"]),
    )
    assert record.bureau_details == {"place_of_birth": "Loikaw"}
    assert record.art122_refused == ["address", "person_to_inform"]
    with pytest.raises(ValueError, match="both given and refused"):
        Art17In(surname="Htet", refused=["surname"])
    # The values never enter the audit trail.
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "pow.bureau_updated")).all()
    assert "Loikaw" not in str([e.changes for e in events])


def test_transfer_owes_a_new_card_and_supersedes_the_unsent_one(
    db: Session, setting: Setting
) -> None:
    one, two = place(db, setting), place(db, setting, "Camp Two")
    record = register(db, setting, captured_on=date(2026, 11, 1), at=one)
    service.transfer(
        db,
        setting.officer,
        record.id,
        TransferIn(to_place_id=two.id, moved_on=date(2026, 11, 5), **ASSESSED),  # type: ignore[arg-type]
    )
    cards = repository.cards_of(db, record.id)
    assert [(c.occasion, c.due_on, c.superseded_at is not None) for c in cards] == [
        ("capture", date(2026, 11, 8), True),
        ("transfer", date(2026, 11, 12), False),
    ]
    assert record.place_id == two.id
    assert [n.kind for n in repository.notices_of(db, record.id)] == ["capture", "transfer"]
    with pytest.raises(ValidationFailed):
        service.transfer(
            db,
            setting.officer,
            record.id,
            TransferIn(to_place_id=two.id, **ASSESSED),  # type: ignore[arg-type]
        )
    service.mark_card_sent(db, setting.officer, cards[1].id, CardSentIn(sent_on=date(2026, 11, 6)))
    with pytest.raises(Conflict):
        service.mark_card_sent(db, setting.officer, cards[1].id, CardSentIn())


def test_serious_illness_owes_a_card_and_hospital_admission_a_notice(
    db: Session, setting: Setting
) -> None:
    record = register(db, setting, captured_on=date(2026, 11, 1))
    care.record_inspection(
        db,
        setting.officer,
        record.id,
        InspectionIn(
            inspected_on=date(2026, 11, 10),
            seriously_ill=True,
            hospitalised=True,
            findings="Malaria, severe",
        ),
    )
    assert record.seriously_ill
    # Ill and admitted to hospital on the same day: one new card, for the admission.
    occasions = [(c.occasion, c.due_on) for c in repository.cards_of(db, record.id)]
    assert occasions == [("capture", date(2026, 11, 8)), ("hospital", date(2026, 11, 17))]
    care.record_inspection(
        db,
        setting.officer,
        record.id,
        InspectionIn(inspected_on=date(2026, 11, 20), seriously_ill=True, hospitalised=False),
    )
    assert len(repository.cards_of(db, record.id)) == 2  # still ill: nothing new is owed
    assert "hospital_admission" in [n.kind for n in repository.notices_of(db, record.id)]


def test_effects_need_a_receipt_and_pay_rates_default_to_the_convention(
    db: Session, setting: Setting
) -> None:
    record = register(db, setting)
    effect = care.take_effect(
        db,
        setting.officer,
        record.id,
        EffectIn(description="Wristwatch", taken_by="Sgt. Ko Ko", taken_on=date(2026, 11, 2)),
    )
    assert effect.receipt_number.startswith("PE-20261102-")
    with pytest.raises(ValueError, match="Name who took"):
        EffectIn(description="Cash", amount_minor=5000, currency="MMK")
    rates = care.pay_rates(db, setting.officer)
    assert [(r.category, r.amount_minor, r.currency) for r in rates] == [
        ("below_sergeant", 800, "CHF"),
        ("sergeant", 1200, "CHF"),
        ("warrant_to_captain", 5000, "CHF"),
        ("major_to_colonel", 6000, "CHF"),
        ("general", 7500, "CHF"),
    ]
    care.set_pay_rate(db, setting.officer, rates[0].id, PayRateIn(amount_minor=900))
    assert care.pay_rates(db, setting.officer)[0].amount_minor == 900
    bind_actor(db, setting.registrar)
    with pytest.raises(PermissionDenied):
        care.pay_rates(db, setting.registrar)


def test_death_certificate_items_and_terminal_status(db: Session, setting: Setting) -> None:
    record = register(db, setting)
    with pytest.raises(ValueError, match="reason for the cremation"):
        DeathIn(died_on=date(2026, 11, 9), place_of_death="Camp", cause="Illness", cremated=True)
    death = ending.record_death(
        db,
        setting.officer,
        record.id,
        DeathIn(
            died_on=date(2026, 11, 9),
            place_of_death="Camp One infirmary",
            cause="Cerebral malaria",
            buried_on=date(2026, 11, 10),
            burial_place="Demoso cemetery",
            grave_number="Row 3, grave 12",
        ),
    )
    assert record.status == "deceased"
    assert death.cause == "Cerebral malaria"
    with pytest.raises(Conflict):
        ending.escape(db, setting.officer, record.id, ending.EscapeIn())
    ending.death_certificate(db, setting.officer, record.id)
    assert "pow.death_certificate_viewed" in _actions(db)


def test_no_repatriation_against_the_recorded_wish(db: Session, setting: Setting) -> None:
    record = register(db, setting)
    ending.set_wish(db, setting.officer, record.id, WishIn(wishes_not_repatriated=True))
    with pytest.raises(Conflict):
        ending.release(
            db,
            setting.officer,
            record.id,
            ReleaseIn(kind="repatriation", grounds="end_of_hostilities", **ASSESSED),  # type: ignore[arg-type]
        )
    item = ending.release(
        db,
        setting.officer,
        record.id,
        ReleaseIn(kind="release", grounds="end_of_hostilities", **ASSESSED),  # type: ignore[arg-type]
    )
    assert item.wishes_not_repatriated
    assert record.status == "released"


def _check(db: Session, setting: Setting, record: PowRecord, **overrides: object) -> object:
    data = complete_check(**overrides)
    return voluntariness.record_check(
        db, setting.officer, record.id, VoluntarinessIn.model_validate(data)
    )


def test_defection_is_refused_without_a_completed_voluntariness_check(
    db: Session, setting: Setting
) -> None:
    record = register(db, setting)
    unit_present = _check(db, setting, record, detaining_unit_absent=False)
    not_independent = _check(db, setting, record, interviewer_independent=False)
    no_statement = _check(db, setting, record, statement=None)
    refused = _check(db, setting, record, outcome="not_voluntary")
    for check in (unit_present, not_independent, no_statement, refused):
        with pytest.raises(Conflict):
            ending.defect(
                db,
                setting.officer,
                record.id,
                DefectIn(check_id=check.id, changed_on=date(2026, 11, 4)),  # type: ignore[attr-defined]
            )
    assert record.status == "interned"
    events = db.scalars(
        select(ReceptionEvent).where(ReceptionEvent.person_id == record.person_id)
    ).all()
    assert [e.classification for e in events] == ["captured"]


def test_defection_after_a_completed_check_keeps_both_in_the_history(
    db: Session, setting: Setting
) -> None:
    record = register(db, setting)
    check = _check(db, setting, record)
    assert check.completed_at is not None  # type: ignore[attr-defined]
    new = ending.defect(
        db,
        setting.officer,
        record.id,
        DefectIn(check_id=check.id, changed_on=date(2026, 11, 4)),  # type: ignore[attr-defined]
    )
    assert record.status == "defected"
    events = db.scalars(
        select(ReceptionEvent)
        .where(ReceptionEvent.person_id == record.person_id)
        .order_by(ReceptionEvent.received_on)
    ).all()
    assert [e.classification for e in events] == ["captured", "defector"]
    assert new.received_on == date(2026, 11, 4)
    assert "pow.defected" in _actions(db)
    with pytest.raises(Conflict):  # a check is used once; a defected record is closed
        ending.defect(db, setting.officer, record.id, DefectIn(check_id=check.id))  # type: ignore[attr-defined]


def test_system_actor_reads_everything(db: Session, setting: Setting) -> None:
    record = register(db, setting)
    system = Actor.system()
    bind_actor(db, system)
    assert service.get_record(db, system, record.id).service_number == "BA-123456"
