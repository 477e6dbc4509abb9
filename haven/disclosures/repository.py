"""Every query of the disclosures domain, scoped to the actor (organisation-wide: agreements
and the log have no site)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from haven.disclosures.models import Disclosure, DisclosurePerson, SharingAgreement
from haven.kernel.repository import Repository
from haven.security.permissions import Actor


class Agreements(Repository[SharingAgreement]):
    model = SharingAgreement
    site_column = None


class Disclosures(Repository[Disclosure]):
    model = Disclosure
    site_column = None


def agreements(
    session: Session, actor: Actor, *, status: str | None = None
) -> Sequence[SharingAgreement]:
    query = Agreements(session).readable(actor)
    if status is not None:
        query = query.where(SharingAgreement.status == status)
    return Agreements(session).all(
        query.order_by(SharingAgreement.recipient_name, SharingAgreement.created_at)
    )


def agreements_in_force(
    session: Session, organisation_id: uuid.UUID, on: date
) -> Sequence[SharingAgreement]:
    """The organisation's agreements in force and valid on `on`."""
    query = select(SharingAgreement).where(
        SharingAgreement.organisation_id == organisation_id,
        SharingAgreement.status == "in_force",
        SharingAgreement.valid_from <= on,
        (SharingAgreement.valid_until.is_(None)) | (SharingAgreement.valid_until >= on),
    )
    return Agreements(session).all(query.order_by(SharingAgreement.created_at))


@dataclass(frozen=True)
class LogFilter:
    recipient: str = ""
    agreement_id: uuid.UUID | None = None
    no_agreement: bool = False
    kind: str = ""
    since: datetime | None = None
    before: datetime | None = None


def _filtered(session: Session, actor: Actor, wanted: LogFilter) -> Select[Disclosure]:
    query = Disclosures(session).readable(actor)
    if wanted.recipient:
        query = query.where(
            func.lower(Disclosure.recipient_name).contains(
                wanted.recipient.lower(), autoescape=True
            )
        )
    if wanted.agreement_id is not None:
        query = query.where(Disclosure.agreement_id == wanted.agreement_id)
    if wanted.no_agreement:
        query = query.where(Disclosure.agreement_id.is_(None))
    if wanted.kind:
        query = query.where(Disclosure.kind == wanted.kind)
    if wanted.since is not None:
        query = query.where(Disclosure.disclosed_at >= wanted.since)
    if wanted.before is not None:
        query = query.where(Disclosure.disclosed_at < wanted.before)
    return query


def log_page(
    session: Session, actor: Actor, wanted: LogFilter, *, limit: int, offset: int
) -> tuple[Sequence[Disclosure], int]:
    """A page of the log, newest first, and how many entries match."""
    query = _filtered(session, actor, wanted)
    total = session.scalar(query.order_by(None).with_only_columns(func.count())) or 0
    rows = Disclosures(session).all(
        query.order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return rows, int(total)


def add_people(session: Session, disclosure_id: uuid.UUID, person_ids: Sequence[uuid.UUID]) -> None:
    """The link rows in one INSERT (an export may carry thousands of people)."""
    if person_ids:
        session.execute(
            insert(DisclosurePerson),
            [{"disclosure_id": disclosure_id, "person_id": p} for p in person_ids],
        )


def people_of(session: Session, disclosure_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(DisclosurePerson.person_id).where(
                DisclosurePerson.disclosure_id == disclosure_id
            )
        )
    )


def of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[Disclosure]:
    """Where a person's data went, newest first, within the actor's scope (one query)."""
    query = (
        Disclosures(session)
        .readable(actor)
        .join(DisclosurePerson, DisclosurePerson.disclosure_id == Disclosure.id)
        .where(DisclosurePerson.person_id == person_id)
        .order_by(Disclosure.disclosed_at.desc())
    )
    return Disclosures(session).all(query)
