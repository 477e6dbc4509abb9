"""The choice: explanation version recorded, no default, history on change, no serve for a
child; `current_pathway` for other domains; children's task made at reception."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.errors import Conflict, ValidationFailed
from haven.kernel import events
from haven.kernel.sensitivity import bind_actor
from haven.pathways import repository, service
from haven.pathways.models import CaseTask, PathwayChoice
from haven.pathways.public import Pathway, PathwayChosen, current_pathway
from haven.pathways.schemas import ChoiceIn, ConsentTextIn
from haven.people.models import Person
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor
from tests import factories as f
from tests.pathways.support import SAFEGUARDS, choose, consent_text

SYSTEM = Actor.system()


def _person(db: Session, **fields: object) -> ReceptionEvent:
    """A received person; the system, who acts in these tests, is bound as the reader."""
    bind_actor(db, SYSTEM)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    event = f.receive(db, SYSTEM, site_id=str(site.id), **fields)
    assert isinstance(event, ReceptionEvent)
    return event


def test_choice_records_the_explanation_version_and_keeps_history(db: Session) -> None:
    event = _person(db)
    assert current_pathway(db, event.person_id) is None
    first = choose(db, event.person_id, Pathway.SERVE)
    assert first.consent_version == 1
    assert current_pathway(db, event.person_id) is Pathway.SERVE
    # A new version of the explanation; the next choice records it.
    service.add_consent_text(
        db,
        SYSTEM,
        ConsentTextIn(language="en", text="Version two of the explanation, read aloud."),
        organisation_id=event.organisation_id,
    )
    second = choose(db, event.person_id, Pathway.HOME, change_reason="Wants to see his mother.")
    assert second.consent_version == 2
    assert current_pathway(db, event.person_id) is Pathway.HOME
    history = repository.choices_of(db, event.person_id)
    assert [(c.pathway, c.consent_version) for c in history] == [("serve", 1), ("home", 2)]
    assert history[0].superseded_at is not None
    assert history[1].superseded_at is None
    assert history[1].change_reason == "Wants to see his mother."
    # The statement is stored encrypted.
    raw = db.scalar(select(PathwayChoice.statement_ct).where(PathwayChoice.id == first.id))
    assert raw is not None
    assert b"myself" not in raw
    assert first.statement == "I choose this myself."


def test_recording_a_choice_publishes_pathway_chosen(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[PathwayChosen] = []

    def listen(_session: Session, _actor: Actor, event: PathwayChosen) -> None:
        heard.append(event)

    listening = [*events.subscriptions(), events.Subscription(PathwayChosen, listen, ())]
    monkeypatch.setattr(events, "_subscriptions", listening)
    event = _person(db)
    first = choose(db, event.person_id, Pathway.EXILE)
    second = choose(db, event.person_id, Pathway.HOME)
    assert heard == [
        PathwayChosen(person_id=event.person_id, choice_id=first.id, pathway="exile"),
        PathwayChosen(person_id=event.person_id, choice_id=second.id, pathway="home"),
    ]


def test_a_change_needs_a_reason_and_the_same_choice_twice_conflicts(db: Session) -> None:
    event = _person(db)
    choose(db, event.person_id, Pathway.EXILE)
    text = consent_text(db, organisation_id=event.organisation_id)
    data = ChoiceIn(pathway=Pathway.HOME, language="en", consent_text_id=text.id, explained=True)
    with pytest.raises(ValidationFailed) as error:
        service.record_choice(db, SYSTEM, event.person_id, data)
    assert "change_reason" in error.value.fields
    with pytest.raises(Conflict):
        choose(db, event.person_id, Pathway.EXILE, change_reason="again")


def test_no_choice_without_the_explanation_in_the_persons_language(db: Session) -> None:
    event = _person(db)
    text = consent_text(db, organisation_id=event.organisation_id, language="en")
    with pytest.raises(ValidationFailed) as error:
        service.record_choice(
            db,
            SYSTEM,
            event.person_id,
            ChoiceIn.model_validate(
                {
                    "pathway": "home",
                    "language": "my",
                    "consent_text_id": text.id,
                    "explained": False,
                    **SAFEGUARDS,
                }
            ),
        )
    assert set(error.value.fields) == {"explained", "consent_text_id"}
    assert repository.current_choice(db, event.person_id) is None


def test_a_child_is_never_given_the_serve_pathway(db: Session) -> None:
    event = _person(db, classification="child", birth_year=2012)
    with pytest.raises(ValidationFailed) as error:
        choose(db, event.person_id, Pathway.SERVE)
    assert "pathway" in error.value.fields
    assert current_pathway(db, event.person_id) is None
    choose(db, event.person_id, Pathway.HOME)
    with pytest.raises(ValidationFailed):
        choose(db, event.person_id, Pathway.SERVE, change_reason="asked to fight")
    assert current_pathway(db, event.person_id) is Pathway.HOME


def test_a_received_child_gets_a_case_and_a_protection_task_due_in_48_hours(
    db: Session,
) -> None:
    event = _person(db, classification="child")
    case = repository.case_of_person(db, event.person_id)
    assert case is not None
    assert case.organisation_id == event.organisation_id
    tasks = db.scalars(select(CaseTask).where(CaseTask.case_id == case.id)).all()
    assert [t.kind for t in tasks] == ["child_protection"]
    assert event.child_protection_due_at is not None
    assert tasks[0].due_at == event.child_protection_due_at
    assert tasks[0].due_at - event.created_at <= timedelta(hours=48, seconds=5)
    # Opening the case again never makes a second task.
    assert (
        service.ensure_child_protection(db, SYSTEM, case, db.get_one(Person, event.person_id))
        is tasks[0]
    )


def test_an_adult_gets_no_child_task(db: Session) -> None:
    event = _person(db, birth_year=1990)
    assert repository.case_of_person(db, event.person_id) is None
    case = service.open_case(db, SYSTEM, event.person_id)
    assert repository.tasks_of(db, case.id) == []
    with pytest.raises(Conflict):
        service.open_case(db, SYSTEM, event.person_id)
