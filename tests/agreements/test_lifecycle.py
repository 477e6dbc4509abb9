from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import service
from haven.agreements.models import Agreement, AgreementParty
from haven.agreements.schemas import AgreementStatus, AgreementUpdate
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, NotFound, PermissionDenied
from tests import factories as f
from tests.agreements.helpers import Team, draft, team

S = AgreementStatus


@pytest.fixture
def t(db: Session, fast_settings: Settings) -> Team:
    return team(db, fast_settings)


def _negotiating_with_approvers(db: Session, t: Team) -> Agreement:
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, S.NEGOTIATING)
    for manager in (t.manager1, t.manager2):
        assert manager.user_id is not None
        service.name_approver(db, t.negotiator, agreement.id, manager.user_id)
    return agreement


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], S.EXECUTING),
        ([], S.COMPLETED),
        ([S.NEGOTIATING], S.DRAFT),
        ([S.NEGOTIATING], S.EXECUTING),
        ([S.CANCELLED], S.NEGOTIATING),
        ([S.NEGOTIATING, S.COLLAPSED], S.NEGOTIATING),
    ],
)
def test_illegal_moves_are_conflicts(
    db: Session, t: Team, path: list[AgreementStatus], illegal: AgreementStatus
) -> None:
    agreement = draft(db, t)
    for step in path:
        service.transition(db, t.negotiator, agreement.id, step)
    with pytest.raises(Conflict):
        service.transition(db, t.negotiator, agreement.id, illegal)
    assert agreement.status == (path[-1] if path else S.DRAFT)


def test_finalization_needs_two_different_named_approvers(db: Session, t: Team) -> None:
    agreement = _negotiating_with_approvers(db, t)
    with pytest.raises(Conflict):  # never a plain move
        service.transition(db, t.negotiator, agreement.id, S.FINALIZED)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    assert agreement.status == S.NEGOTIATING
    with pytest.raises(Conflict):  # the same approver twice is still one approver
        service.approve(db, f.fresh(db, t.manager1), agreement.id)
    assert agreement.status == S.NEGOTIATING
    service.approve(db, f.fresh(db, t.manager2), agreement.id)
    assert agreement.status == S.FINALIZED
    with pytest.raises(Conflict):
        service.approve(db, f.fresh(db, t.manager2), agreement.id)


def test_an_unnamed_manager_can_neither_see_nor_approve(
    db: Session, t: Team, fast_settings: Settings
) -> None:
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, S.NEGOTIATING)
    with pytest.raises(PermissionDenied):
        service.approve(db, f.fresh(db, t.manager1), agreement.id)
    with pytest.raises(PermissionDenied):
        service.get_for_approver(db, t.manager1, agreement.id)
    with pytest.raises(PermissionDenied):
        service.read_confidential(db, t.manager1, agreement)
    for outsider in (t.registrar, t.caseworker):
        with pytest.raises((PermissionDenied, NotFound)):
            service.get_for_reader(db, outsider, agreement.id)


def test_changing_the_terms_withdraws_approvals(db: Session, t: Team) -> None:
    agreement = _negotiating_with_approvers(db, t)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    service.update(
        db, t.negotiator, agreement.id, AgreementUpdate.model_validate({"expected_headcount": 9})
    )
    service.approve(db, f.fresh(db, t.manager2), agreement.id)
    assert agreement.status == S.NEGOTIATING  # manager1's approval was of the old text


def test_finalized_terms_are_locked(db: Session, t: Team) -> None:
    agreement = _negotiating_with_approvers(db, t)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    service.approve(db, f.fresh(db, t.manager2), agreement.id)
    with pytest.raises(Conflict):
        service.update(
            db, t.negotiator, agreement.id, AgreementUpdate.model_validate({"notes": "x"})
        )


def test_identities_and_terms_are_ciphertext_and_every_change_is_audited(
    db: Session, t: Team
) -> None:
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, S.NEGOTIATING)
    db.flush()
    raw = db.execute(
        select(Agreement.__table__.c.terms, Agreement.__table__.c.notes).where(
            Agreement.__table__.c.id == agreement.id
        )
    ).one()
    parties = db.execute(
        select(AgreementParty.__table__.c.identity).where(
            AgreementParty.__table__.c.agreement_id == agreement.id
        )
    ).all()
    blobs = [bytes(raw[0]), bytes(raw[1]), *(bytes(p[0]) for p in parties)]
    assert len(parties) == 1
    assert all(b"HVNCANARY" not in blob for blob in blobs)
    seen = service.read_confidential(db, t.negotiator, agreement)
    assert seen.parties[0].name == "Bo HVNCANARY-Commander"
    assert seen.notes == "Commander asks for HVNCANARY-NOTE"
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == agreement.id)
    ).all()
    assert {
        "agreement.created",
        "agreement.party_added",
        "agreement.status_changed",
        "agreement.viewed",
    } <= set(actions)
    trail = " ".join(
        str(c)
        for c in db.scalars(select(AuditEvent.changes).where(AuditEvent.subject_id == agreement.id))
    )
    assert "HVNCANARY" not in trail
    assert db.scalars(
        select(AgreementParty).where(AgreementParty.agreement_id == agreement.id)
    ).all()


def test_board_counts_for_everyone_without_names(db: Session, t: Team) -> None:
    draft(db, t)
    a = draft(db, t)
    service.transition(db, t.negotiator, a.id, S.NEGOTIATING)
    counts = service.board(db, t.caseworker)
    assert counts[S.DRAFT] == 1
    assert counts[S.NEGOTIATING] == 1
    assert set(counts) == set(S)
