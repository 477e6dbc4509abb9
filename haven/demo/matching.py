"""Demo duplicates: a few demo people registered a second time under another spelling.

Each second registration goes through the reception service (which queues the pair for
review, as in real use once the profiles agree); the father's name is then completed on both
profiles, and one pair already has a first reviewer's vote. Every name is invented. Safe to
run twice: nothing is added when the demo organisation already has a review.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.matching import service
from haven.matching.public import has_reviews
from haven.people.public import ProfileUpdate, name_records, persons_by_id, update_profile
from haven.reception.public import ReceptionCreate, receive

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
    if has_reviews(session, registrar_user.organisation_id):
        return 0
    named = [
        person_id
        for person_id, latin, _my, year in name_records(session, registrar_user.organisation_id)
        if latin is not None and year is not None
    ]
    at_site = [
        person
        for person in persons_by_id(session, named).values()
        if person.site_id == registrar_user.site_id
    ]
    originals = sorted(at_site, key=lambda person: person.created_at)[: len(FATHERS)]
    for original, father in zip(originals, FATHERS, strict=False):
        again = receive(
            session,
            registrar,
            ReceptionCreate(
                name_latin=_variant(original.name_latin or ""),
                classification="defector",
                birth_year=original.birth_year,
            ),
        )
        for person_id in (original.id, again.person_id):
            update_profile(session, registrar, person_id, ProfileUpdate(father_name=father))
    reviews = service.list_reviews(session, sessions.actor_for(worker_user))
    if reviews:
        service.decide(session, sessions.actor_for(worker_user), reviews[0].id, "link")
    return len(reviews)
