"""Demo duplicates: a few demo people registered a second time under another spelling.

Each second registration goes through the reception service (which queues the pair for
review, as in real use once the profiles agree); the father's name is then completed on both
profiles, and one pair already has a first reviewer's vote. Every name is invented. Safe to
run twice: nothing is added when the demo organisation already has a review.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.matching import service
from haven.matching.models import MatchReview
from haven.people import service as people
from haven.people.models import Person
from haven.people.schemas import ProfileUpdate
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security import sessions

FATHERS = ("U Aung Myint", "U Tin Shwe", "U Hla Maung")


def _variant(name: str) -> str:
    """Another way of writing the same name (spelling variant or honorific)."""
    swaps = {"Htun": "Tun", "Tun": "Htun", "Win": "Winn", "Myint": "Myin", "Thein": "Thane"}
    words = [swaps.get(word, word) for word in name.split()]
    variant = " ".join(words)
    return variant if variant != name else f"Ko {name}"


def seed_matching(session: Session) -> int:
    """Queue demo pairs for review in the demo registrar's organisation; the number queued."""
    registrar_user = accounts.user_by_username(session, "registrar")
    worker_user = accounts.user_by_username(session, "caseworker")
    if registrar_user is None or worker_user is None:
        return 0
    registrar = sessions.actor_for(registrar_user)
    existing = session.scalar(
        select(MatchReview.id)
        .where(MatchReview.organisation_id == registrar_user.organisation_id)
        .limit(1)
    )
    if existing is not None:
        return 0
    originals = session.scalars(
        select(Person)
        .where(
            Person.site_id == registrar_user.site_id,
            Person.name_latin.is_not(None),
            Person.birth_year.is_not(None),
        )
        .order_by(Person.created_at)
        .limit(len(FATHERS))
    ).all()
    for original, father in zip(originals, FATHERS, strict=False):
        again = reception.receive(
            session,
            registrar,
            ReceptionCreate(
                name_latin=_variant(original.name_latin or ""),
                classification="defector",
                birth_year=original.birth_year,
            ),
        )
        for person_id in (original.id, again.person_id):
            people.update_profile(session, registrar, person_id, ProfileUpdate(father_name=father))
    reviews = service.list_reviews(session, sessions.actor_for(worker_user))
    if reviews:
        service.decide(session, sessions.actor_for(worker_user), reviews[0].id, "link")
    return len(reviews)
