"""The bulk contracts give what the per-person ones give, person by person, on a varied set:
`allowance_terms_for_people` against `allowance_terms_for_person`, `current_pathways`
against `current_pathway`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements import crossing, repository, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.public import allowance_terms_for_people, allowance_terms_for_person
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.pathways.public import Pathway, current_pathway, current_pathways
from tests import factories as f
from tests.agreements.helpers import draft, executing, team
from tests.pathways.support import choose


def test_bulk_terms_and_pathways_match_the_per_person_contracts(
    db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    running = executing(db, t, size=3)
    running.allowance_overrides = {"monthly": 120000}
    collapsing = executing(db, t, size=2)
    unapproved = draft(db, t)
    arrived = []
    for agreement, key in ((running, "bulk-run"), (collapsing, "bulk-col")):
        for n, entry in enumerate(repository.roll_of(db, agreement.id)[:2]):
            done = crossing.register_arrival(
                db,
                t.registrar,
                agreement.id,
                DeskRegistration(idempotency_key=f"{key}-{n:04d}", roll_entry_id=entry.id),
            )
            arrived.append(done.arrival.person_id)
    # Collapsed: binding for those who arrived under it, not for a reception naming it.
    service.transition(db, t.negotiator, collapsing.id, AgreementStatus.COLLAPSED)
    named = [
        f.receive(db, t.registrar, name_latin="Named Running", agreement_id=str(running.id)),
        f.receive(db, t.registrar, name_latin="Named Collapsed", agreement_id=str(collapsing.id)),
        f.receive(db, t.registrar, name_latin="Named Draft", agreement_id=str(unapproved.id)),
        f.receive(db, t.registrar, name_latin="Came Alone"),
    ]
    people = [*arrived, *(event.person_id for event in named)]  # type: ignore[attr-defined]
    choose(db, people[0], Pathway.EXILE)
    choose(db, people[1], Pathway.HOME)
    choose(db, people[1], Pathway.SERVE)  # superseded: the current one counts
    choose(db, people[-1], Pathway.HOME)

    terms = allowance_terms_for_people(db, [*people, *people[:2]])  # repeats are harmless
    expected = {p: allowance_terms_for_person(db, p) for p in people}
    assert terms == {p: found for p, found in expected.items() if found is not None}
    # The set is varied: bound by arrival (running, collapsed), by a reception, and not.
    assert set(terms) == {*arrived, named[0].person_id}  # type: ignore[attr-defined]
    assert dict(terms[arrived[0]].overrides) == {"monthly": 120000}

    pathways = current_pathways(db, people)
    per_person = {p: current_pathway(db, p) for p in people}
    assert pathways == {p: found for p, found in per_person.items() if found is not None}
    assert pathways[people[1]] is Pathway.SERVE
    assert allowance_terms_for_people(db, []) == {}
    assert current_pathways(db, []) == {}
