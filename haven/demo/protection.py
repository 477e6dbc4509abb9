"""Demo protection data (issue 24), so that each part shows something in a new demo:

- the programme's card-signing key and a card for one demo person;
- a threat against one person, which raised their risk level (`caseworker`);
- a family-movement plan for another person's relatives not yet named (`caseworker`);
- an anonymous complaint of a payment not received (`caseworker`);
- a first contact under a code name (`negotiator`).

No data-sharing agreement: drafting one and bringing it into force need a manager's fresh
sign-in, done in the pages (`manager`); until then the demo's exports are refused, as they
would be in the programme.

Every name, place and event is invented.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.cards import service as cards
from haven.cards import signing
from haven.complaints import service as complaints
from haven.complaints.schemas import ComplaintIn
from haven.contacts import service as contacts
from haven.contacts.schemas import ContactIn
from haven.families import service as families
from haven.families.schemas import PlanIn
from haven.kernel.clock import local_today
from haven.people.public import persons_by_id
from haven.protection import service as protection
from haven.protection.schemas import IncidentIn
from haven.reception.public import latest_receptions, persons_received
from haven.security.permissions import Actor

CARD_VALIDITY_DAYS = 365


def _actor(session: Session, username: str) -> Actor | None:
    user = accounts.user_by_username(session, username)
    return sessions.actor_for(user) if user is not None else None


def seed_protection(session: Session) -> int:
    """Add the demo protection records once; returns how many were made."""
    worker = _actor(session, "caseworker")
    negotiator = _actor(session, "negotiator")
    if worker is None or negotiator is None:
        return 0
    organisation_id = worker.organisation_id
    if organisation_id is None or contacts.list_contacts(session, negotiator):
        return 0
    received = latest_receptions(session, persons_received(session, organisation_id))
    defectors = [p for p, event in received.items() if event.classification == "defector"]
    persons = persons_by_id(session, defectors)
    earliest = sorted(
        (p for p in persons.values() if p.organisation_id == organisation_id),
        key=lambda p: (p.created_at, str(p.id)),
    )[:2]
    if len(earliest) < 2:
        return 0
    today = local_today()
    if not signing.public_keys(session):
        signing.create_key(session, Actor.system("demo"))
    cards.issue(session, worker, earliest[0].id, validity_days=CARD_VALIDITY_DAYS)
    protection.record_incident(
        session,
        worker,
        IncidentIn(
            kind="threat",
            severity="medium",
            occurred_on=today - timedelta(days=3),
            place="Synthetic village C",
            narrative="Synthetic demonstration record: a relative was told by phone that the "
            "family would be punished.",
            person_ids=[earliest[0].id],
        ),
    )
    families.create_plan(
        session,
        worker,
        PlanIn(
            person_id=earliest[1].id,
            origin_kind="village",
            origin="Synthetic village D",
            destination="Synthetic safe house (demonstration)",
            unnamed_relatives=3,
        ),
    )
    complaints.record(
        session,
        worker,
        ComplaintIn(
            category="payment_not_received",
            channel="hotline",
            complainant="anonymous",
            text="Synthetic demonstration record: the second instalment did not arrive.",
        ),
    )
    contacts.record_contact(
        session,
        negotiator,
        ContactIn(code_name="Kestrel 7", channel="messenger", companions="1-5", family="1-3"),
    )
    return 5
