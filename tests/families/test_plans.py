"""Family-movement plans through the services: a person's plan from planned to completed
(progress, overdue steps, reasons, illegal moves, scope), an agreement's plan on its
reconciliation, and erasure (a person's plan goes; an agreement's keeps its counts)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.agreements import crossing
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.families import service
from haven.families.models import FamilyPlan, FamilyPlanKey, FamilyPlanMember
from haven.families.schemas import MovedIn, PlanIn, PlanUpdate, StatusIn, StepDoneIn, StepIn
from haven.kernel import clock
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.people.public import FamilyMemberIn, add_family_member, remove_family_member
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements import helpers
from tests.families import support as s

TODAY = clock.local_today()


def _plan_in(**fields: object) -> PlanIn:
    return PlanIn.model_validate(
        {"origin_kind": "compound", "origin": "Compound 12", "destination": "Safe house 3"} | fields
    )


def test_a_persons_plan_from_planned_to_completed(db: Session, settings: Settings) -> None:
    t = s.team(db, settings)
    fam = s.family(db, s.received(db, t))
    worker = t.caseworker
    bind_actor(db, worker)
    plan = service.create_plan(
        db,
        worker,
        _plan_in(
            person_id=str(fam.person_id),
            relative_ids=[str(fam.spouse_id), str(fam.child_id)],
            unnamed_relatives=1,
        ),
    )
    assert (plan.status, plan.origin, plan.destination) == (
        "planned",
        "Compound 12",
        "Safe house 3",
    )
    late = service.add_step(
        db, worker, plan.id, StepIn(title="Send the guide", planned_on=TODAY - timedelta(days=2))
    )
    assert t.manager1.user_id is not None
    service.add_step(
        db,
        worker,
        plan.id,
        StepIn(title="Cross the river", planned_on=TODAY + timedelta(days=3)),
    )
    view = service.get_plan(db, worker, plan.id)
    p = view.progress
    assert (p.relatives, p.moved, p.at_risk, p.steps, p.steps_done, p.overdue) == (3, 0, 1, 2, 0, 1)

    service.mark_step_done(db, worker, plan.id, late.id, StepDoneIn())
    with pytest.raises(Conflict):  # a step is done once
        service.mark_step_done(db, worker, plan.id, late.id, StepDoneIn())
    with pytest.raises(ValidationFailed) as future:
        service.add_step(
            db,
            worker,
            plan.id,
            StepIn(
                title="x", responsible_partner="Partner", responsible_user_id=t.manager1.user_id
            ),
        )
    assert "responsible_partner" in future.value.fields

    # The spouse reaches the safe place: the plan is under way from then on.
    service.mark_moved(db, worker, plan.id, MovedIn(relative_ids=[fam.spouse_id]))
    view = service.get_plan(db, worker, plan.id)
    p = view.progress
    assert view.plan.status == "under_way"
    assert (p.relatives, p.moved, p.at_risk, p.steps_done, p.overdue) == (3, 1, 0, 1, 0)
    with pytest.raises(ValidationFailed):  # already moved
        service.mark_moved(db, worker, plan.id, MovedIn(relative_ids=[fam.spouse_id]))

    # Suspending needs a reason; a suspended plan records nobody moved; then it resumes.
    with pytest.raises(ValidationFailed) as missing:
        service.move_plan(db, worker, plan.id, StatusIn(status="suspended"))  # type: ignore[arg-type]
    assert "reason" in missing.value.fields
    service.move_plan(
        db,
        worker,
        plan.id,
        StatusIn(status="suspended", reason="Checkpoint closed"),  # type: ignore[arg-type]
    )
    with pytest.raises(Conflict):
        service.mark_moved(db, worker, plan.id, MovedIn(relative_ids=[fam.child_id]))
    service.move_plan(db, worker, plan.id, StatusIn(status="under_way"))  # type: ignore[arg-type]
    # Editing keeps the moved spouse whatever the list says; the unnamed count changes.
    service.update_plan(
        db, worker, plan.id, PlanUpdate(relative_ids=[fam.child_id], unnamed_relatives=0)
    )
    assert service.get_plan(db, worker, plan.id).progress.relatives == 2
    service.mark_moved(db, worker, plan.id, MovedIn(relative_ids=[fam.child_id]))
    service.move_plan(db, worker, plan.id, StatusIn(status="completed"))  # type: ignore[arg-type]
    with pytest.raises(Conflict) as illegal:  # completed is final
        service.move_plan(db, worker, plan.id, StatusIn(status="under_way"))  # type: ignore[arg-type]
    assert illegal.value.status == 409
    with pytest.raises(Conflict):
        service.add_step(db, worker, plan.id, StepIn(title="Too late"))

    _scope_and_trail(db, t, fam, plan.id)

    # A relative removed from the family leaves the plan with them.
    remove_family_member(db, s.SYSTEM, fam.person_id, fam.child_id)
    db.expire_all()
    assert service.get_plan(db, worker, plan.id).progress.relatives == 1


def _scope_and_trail(db: Session, t: helpers.Team, fam: s.Family, plan_id: uuid.UUID) -> None:
    plan = db.get(FamilyPlan, plan_id)
    assert plan is not None
    worker = t.caseworker
    # Scope: another organisation's case worker is told nothing; a registrar may not read.
    stranger_org = f.organisation(db)
    stranger = actor_for(f.user(db, organisation=stranger_org, role=Role.CASE_WORKER))
    with pytest.raises(NotFound):
        service.get_plan(db, stranger, plan.id)
    with pytest.raises(NotFound):
        service.create_plan(db, stranger, _plan_in(person_id=str(fam.person_id)))
    assert service.list_plans(db, stranger) == []
    with pytest.raises(PermissionDenied):
        service.get_plan(db, t.registrar, plan.id)
    # Another person's relative is no relative of this person's plan.
    other = s.family(db, s.received(db, t, name="Kyaw Min"))
    with pytest.raises(ValidationFailed):
        service.create_plan(
            db, worker, _plan_in(person_id=str(fam.person_id), relative_ids=[str(other.child_id)])
        )

    # The trail: every change, never a place, a step's words or a reason.
    trail = db.scalars(select(AuditEvent).where(AuditEvent.subject_type == "family_plan")).all()
    actions = {e.action for e in trail}
    assert {
        "family_plan.created",
        "family_plan.step_added",
        "family_plan.step_done",
        "family_plan.relatives_moved",
        "family_plan.status_changed",
        "family_plan.updated",
        "family_plan.viewed",
    } <= actions
    written = json.dumps([e.changes for e in trail])
    for secret in ("Compound 12", "Safe house", "Send the guide", "Checkpoint closed"):
        assert secret not in written


def test_an_agreements_plan_on_its_reconciliation_and_erasure(
    db: Session, settings: Settings, tmp_path: Path
) -> None:
    t = s.team(db, settings)
    agreement = helpers.executing(db, t, size=3)
    crossed = s.arrived(db, t, agreement.id, 0)
    spouse = add_family_member(
        db,
        s.SYSTEM,
        crossed,
        FamilyMemberIn.model_validate(
            {"relationship": "spouse", "at_risk": True, "to_move": True, "area": "contested"}
        ),
    )
    mother = add_family_member(db, s.SYSTEM, crossed, FamilyMemberIn(relationship="mother"))
    outsider = s.family(db, s.received(db, t, name="Not On The Roll"))
    bind_actor(db, t.negotiator)
    with pytest.raises(ValidationFailed):  # not received under the agreement
        service.create_plan(
            db,
            t.negotiator,
            _plan_in(agreement_id=str(agreement.id), relative_ids=[str(outsider.child_id)]),
        )
    plan = service.create_plan(
        db,
        t.negotiator,
        _plan_in(
            agreement_id=str(agreement.id),
            origin_kind="village",
            relative_ids=[str(spouse.id), str(mother.id)],
            unnamed_relatives=2,
        ),
    )
    service.add_step(
        db, t.negotiator, plan.id, StepIn(title="Guide", planned_on=TODAY - timedelta(days=1))
    )
    service.mark_moved(db, t.negotiator, plan.id, MovedIn(relative_ids=[mother.id]))
    # The person's own plan, which goes with them.
    own = service.create_plan(db, t.caseworker, _plan_in(person_id=str(crossed)))
    # A cancelled plan counts for nothing on the board.
    dropped = service.create_plan(
        db, t.negotiator, _plan_in(agreement_id=str(agreement.id), unnamed_relatives=9)
    )
    service.move_plan(
        db,
        t.negotiator,
        dropped.id,
        StatusIn(status="cancelled", reason="Duplicate"),  # type: ignore[arg-type]
    )

    board = crossing.reconcile(db, t.negotiator, agreement.id).families
    assert board.model_dump() == {
        "plans": 1,
        "relatives_planned": 4,
        "relatives_moved": 1,
        "relatives_at_risk": 1,
        "overdue_steps": 1,
    }

    erasure.erase_person(db, s.SYSTEM, crossed, reason="request", ledger=tmp_path / "ledger")
    db.expire_all()
    assert db.get(FamilyPlan, own.id) is None
    assert db.get(FamilyPlanKey, own.id) is None
    kept = db.get(FamilyPlan, plan.id)
    assert kept is not None
    assert (kept.erased_relatives, kept.erased_moved) == (2, 1)
    assert (
        db.scalars(select(FamilyPlanMember).where(FamilyPlanMember.plan_id == plan.id)).all() == []
    )
    after = crossing.reconcile(db, t.negotiator, agreement.id).families
    assert (after.relatives_planned, after.relatives_moved, after.relatives_at_risk) == (4, 1, 0)
