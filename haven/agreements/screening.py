"""Rolls and commanders screened against the incident registry before finalization
(docs/agreements.md, "Screening before finalization").

Every roll entry and every commander (party) is screened, by name and by unit and period,
through vetting's `screen_subjects`: when the roll is imported (the new entries), when the
commander is added, and again, everyone, before each approval. What is found is kept per
entry or commander (`ScreeningHit`, its explanation encrypted under the agreement's key). A
hit decides nothing: each named approver reads the hits on the approval page and must
acknowledge them with a note (`approval.acknowledge`: who, when, why) before approving;
approving with a hit they have not acknowledged is refused (`HitsUnacknowledged`, 409).

A roll entry or commander serves in their unit until the expected crossing (today when no
date is set) since a date nobody knows, so every earlier incident of the unit counts: recall
first, as for persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.agreements import repository
from haven.agreements.models import Agreement, AgreementParty, RollEntry, ScreeningHit
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.security.fields import unmasked
from haven.security.permissions import Actor
from haven.text import has_myanmar
from haven.text.names import split_name
from haven.vetting.public import ScreeningSubject, screen_subjects

UNACKNOWLEDGED = N_(
    "Screening found {count} hits on this agreement's commanders or roll that you have not "
    "acknowledged. Read them on the approval page and acknowledge them, with a note, before "
    "you approve."
)


class HitsUnacknowledged(Conflict):
    """An approval refused because of screening hits the approver has not acknowledged.
    The hits found meanwhile are kept (the boundary answers without rolling back)."""

    code = "screening_unacknowledged"


def served_until(agreement: Agreement) -> date:
    return agreement.expected_crossing_on or local_today()


def _entry_subject(entry: RollEntry, until: date) -> ScreeningSubject:
    return ScreeningSubject(
        key=entry.id,
        served_until=until,
        name_my=entry.name_my,
        name_latin=entry.name_latin,
        birth_year=entry.birth_year,
        unit_id=entry.unit_id,
        unit_text=entry.unit_text,
    )


def _party_subject(party: AgreementParty, until: date) -> ScreeningSubject:
    identity = party.identity or {}
    name = split_name(str(identity.get("name") or "")).name or None
    burmese = name is not None and has_myanmar(name)
    unit = identity.get("unit")
    return ScreeningSubject(
        key=party.id,
        served_until=until,
        name_my=name if burmese else None,
        name_latin=None if burmese else name,
        unit_text=str(unit) if unit else None,
    )


def screen(
    session: Session,
    actor: Actor,
    agreement: Agreement,
    *,
    entries: Sequence[RollEntry] | None = None,
    parties: Sequence[AgreementParty] | None = None,
) -> list[ScreeningHit]:
    """Screen these roll entries and commanders (all of the agreement's when neither is
    given), keep the hits not recorded yet and return them; the run is audited."""
    if entries is None and parties is None:
        entries = repository.roll_of(session, agreement.id)
        parties = repository.parties_of(session, agreement.id)
    until = served_until(agreement)
    with unmasked(session):
        subjects = [_entry_subject(e, until) for e in entries or () if not e.is_erased]
        party_ids = {p.id for p in parties or ()}
        subjects += [_party_subject(p, until) for p in parties or ()]
    if not subjects:
        return []
    found = screen_subjects(session, agreement.organisation_id, subjects)
    known = repository.hit_signatures(session, agreement.id)
    new: list[ScreeningHit] = []
    for subject in subjects:
        for hit in found.get(subject.key, ()):
            if (subject.key, hit.signature) in known:
                continue
            known.add((subject.key, hit.signature))
            is_party = subject.key in party_ids
            row = ScreeningHit(
                agreement_id=agreement.id,
                organisation_id=agreement.organisation_id,
                roll_entry_id=None if is_party else subject.key,
                party_id=subject.key if is_party else None,
                kind=str(hit.kind),
                signature=hit.signature,
                incident_id=hit.incident_id,
                score=hit.score,
            )
            session.add(row)
            row.explanation = hit.explanation
            new.append(row)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_SCREENED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"screened": len(subjects), "new_hits": len(new)},
    )
    return new


def unacknowledged(session: Session, agreement: Agreement, actor: Actor) -> list[ScreeningHit]:
    """The agreement's hits the actor has not acknowledged."""
    seen = repository.acknowledged_hit_ids(session, agreement.id, actor.user_id)
    return [h for h in repository.hits_of(session, agreement.id) if h.id not in seen]
