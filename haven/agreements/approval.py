"""What a named approver reads and does before approving: the screening hits on the
commanders and the roll (`screening.py`), and the acknowledgement of them.

Only the approvers named on the agreement see the hits: each names who was hit (the roll
entry or the commander, decrypted for this reader) and why. An acknowledgement is recorded
with who, when and the approver's note, and covers the hits the approver was shown; a hit
found afterwards needs another one. Each approver acknowledges for themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.agreements import repository
from haven.agreements import service as agreements
from haven.agreements.models import (
    AcknowledgedHit,
    Agreement,
    AgreementParty,
    HitAcknowledgement,
    RollEntry,
)
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.forces.public import ranks_by_id
from haven.i18n import N_
from haven.security.fields import unmasked
from haven.security.permissions import Actor, in_scope
from haven.vetting.public import HitKind


@dataclass(frozen=True)
class HitLine:
    id: uuid.UUID
    kind: HitKind
    subject: str  # "commander" or "roll_entry"
    roll_entry_id: uuid.UUID | None
    party_id: uuid.UUID | None
    row_number: int | None
    name: str
    details: str  # rank, position, unit as the roll or the party gives them
    score: float
    explanation: str | None
    acknowledged_by_you: bool
    acknowledged_by: list[str]


@dataclass(frozen=True)
class AcknowledgementLine:
    id: uuid.UUID
    user_id: uuid.UUID
    user: str
    acknowledged_at: datetime
    note: str | None
    hits: int


@dataclass(frozen=True)
class Screening:
    hits: list[HitLine]
    acknowledgements: list[AcknowledgementLine]

    @property
    def pending(self) -> list[HitLine]:
        """The hits the reader has not acknowledged."""
        return [h for h in self.hits if not h.acknowledged_by_you]


def _entitled(session: Session, actor: Actor, agreement: Agreement) -> None:
    if not in_scope(actor, agreement):
        raise NotFound
    if not (actor.is_system or agreements.is_named_approver(session, actor, agreement)):
        raise PermissionDenied(N_("Only the approvers named on this agreement may see it."))


def _join(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p)


def _entry_line(entry: RollEntry, ranks: dict[uuid.UUID, str]) -> tuple[str, str]:
    name = _join(" ".join(n for n in (entry.prefix, entry.name_my) if n), entry.name_latin)
    rank = ranks.get(entry.rank_id) if entry.rank_id else None
    return name or "—", _join(rank, entry.position, entry.unit_text, entry.company)


def _party_line(party: AgreementParty) -> tuple[str, str]:
    identity = party.identity or {}
    details = _join(identity.get("rank"), identity.get("position"), identity.get("unit"))
    return str(identity.get("name") or "—"), details


def screening_for_approver(session: Session, actor: Actor, agreement: Agreement) -> Screening:
    """The hits on the agreement's commanders and roll with who they name, for a named
    approver (the read is audited when there is a hit to read)."""
    _entitled(session, actor, agreement)
    hits = repository.hits_of(session, agreement.id)
    entries = repository.roll_entries_by_id(
        session, [h.roll_entry_id for h in hits if h.roll_entry_id]
    )
    parties = {p.id: p for p in repository.parties_of(session, agreement.id)}
    acknowledgers = repository.acknowledgers_of_hits(session, agreement.id)
    acknowledgements = repository.acknowledgements_of(session, agreement.id)
    users = accounts.users_by_id(
        session,
        {u for found in acknowledgers.values() for u in found}
        | {a.user_id for a in acknowledgements},
    )

    def who(user_id: uuid.UUID) -> str:
        user = users.get(user_id)
        return f"{user.display_name} ({user.username})" if user else str(user_id)

    lines: list[HitLine] = []
    with unmasked(session):
        ranks = {
            rank_id: rank.name_en
            for rank_id, rank in ranks_by_id(
                session, [e.rank_id for e in entries.values() if e.rank_id]
            ).items()
        }
        for hit in hits:
            entry = entries.get(hit.roll_entry_id) if hit.roll_entry_id else None
            party = parties.get(hit.party_id) if hit.party_id else None
            if entry is not None:
                name, details = _entry_line(entry, ranks)
            elif party is not None:
                name, details = _party_line(party)
            else:  # pragma: no cover - a hit always names one of the two
                continue
            by = acknowledgers.get(hit.id, set())
            lines.append(
                HitLine(
                    id=hit.id,
                    kind=HitKind(hit.kind),
                    subject="commander" if party is not None else "roll_entry",
                    roll_entry_id=hit.roll_entry_id,
                    party_id=hit.party_id,
                    row_number=entry.row_number if entry is not None else None,
                    name=name,
                    details=details,
                    score=hit.score,
                    explanation=hit.explanation,
                    acknowledged_by_you=actor.user_id in by,
                    acknowledged_by=sorted(who(u) for u in by),
                )
            )
        done = [
            AcknowledgementLine(
                id=a.id,
                user_id=a.user_id,
                user=who(a.user_id),
                acknowledged_at=a.created_at,
                note=a.note,
                hits=a.hits,
            )
            for a in acknowledgements
        ]
    if lines:
        audit.record(
            session,
            actor,
            AuditAction.AGREEMENT_VIEWED,
            subject_type="agreement",
            subject_id=agreement.id,
            organisation_id=agreement.organisation_id,
            changes={"screening_hits": {"before": None, "after": len(lines)}},
        )
    # Commanders first, then the roll in its order.
    lines.sort(key=lambda h: (h.subject != "commander", h.row_number or 0, str(h.kind)))
    return Screening(hits=lines, acknowledgements=done)


def acknowledge(
    session: Session,
    actor: Actor,
    agreement_id: uuid.UUID,
    hit_ids: Sequence[uuid.UUID],
    note: str,
) -> HitAcknowledgement:
    """A named approver acknowledges the hits they were shown, saying why the agreement may
    still go ahead; who and when are recorded with the note."""
    agreement = agreements.get_for_approver(session, actor, agreement_id)
    if actor.user_id is None or not agreements.is_named_approver(session, actor, agreement):
        raise PermissionDenied(N_("Only the approvers named on this agreement may approve it."))
    wanted = set(hit_ids)
    hits = repository.hits_by_id(session, agreement.id, list(wanted))
    if not wanted or len(hits) != len(wanted):
        raise ValidationFailed(
            fields={"hit_ids": N_("Acknowledge the hits shown on this agreement's approval page.")}
        )
    seen = repository.acknowledged_hit_ids(session, agreement.id, actor.user_id)
    todo = [h for h in hits if h.id not in seen]
    if not todo:
        raise Conflict(N_("You have already acknowledged these hits."))
    row = HitAcknowledgement(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        user_id=actor.user_id,
        hits=len(todo),
    )
    session.add(row)
    row.note = note
    session.flush()
    session.add_all(AcknowledgedHit(acknowledgement_id=row.id, hit_id=h.id) for h in todo)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGREEMENT_HITS_ACKNOWLEDGED,
        subject_type="agreement",
        subject_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"hits": {"before": None, "after": len(todo)}, "note": audit.REDACTED},
    )
    return row
