"""Erasure of a person: crypto-shredding, blanking, and the ledger that outlives backups.

`erase_person` publishes `PersonErased`; every domain clears its own rows about the person
in its `handlers.py` (`@handles(PersonErased, clears=(tables…))`; a test proves that every
table holding a person's data has one). The people domain's own handler (`shred`) destroys
the person's data key (every confidential field, photo and family whereabouts becomes
unreadable ciphertext, which is then removed too), blanks the PERSONAL fields (the name
becomes `ERASED_NAME`), deletes family members and the photo, and keeps the anonymous
skeleton (the person row, reception events) for aggregate statistics. The erasure is
audited without any personal value.

A backup holds the wrapped data key of everyone in it. So every erasure is also appended to
an erasure ledger kept with the key material (`settings.key_dir / "erasure-ledger"`,
append-only, fsynced before the transaction commits), and `haven restore` calls
`reapply_ledger` to erase again every ledgered person found in the restored database. The
ledger holds only person ids (random UUIDs) and times.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import get_settings
from haven.db.types import utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.kernel import keys
from haven.kernel.events import publish
from haven.kernel.sensitivity import Sensitivity, classified_columns
from haven.people import repository
from haven.people.events import PersonErased
from haven.people.models import PERSON_KEYS, FamilyMember, Person, PersonPhoto
from haven.security.fields import encrypted_fields, forget_plaintext
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require

ERASED_NAME = "[erased]"
LEDGER_FILE = "erasure-ledger"
MAX_REASON = 200
ERASED_ACTION = AuditAction.PERSON_ERASED


def ledger_path(key_dir: Path) -> Path:
    return key_dir / LEDGER_FILE


def default_ledger() -> Path:
    return ledger_path(get_settings().key_dir)


def append_to_ledger(ledger: Path, person_id: uuid.UUID) -> None:
    """Append one line (`<person id> <UTC time>`) and fsync file and folder."""
    ledger.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = f"{person_id} {utcnow().isoformat()}\n".encode()
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    folder = os.open(ledger.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class LedgerDamaged(ValueError):
    """A ledger line that is not `<person id> [time]`: better to stop than to forget one."""


def read_ledger(ledger: Path) -> list[uuid.UUID]:
    """Every person id in the ledger, in order, once each; a damaged line raises."""
    try:
        text = ledger.read_text()
    except FileNotFoundError:
        return []
    seen: dict[uuid.UUID, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first = line.split(" ", 1)[0].strip()
        try:
            seen.setdefault(uuid.UUID(first), None)
        except ValueError:
            raise LedgerDamaged(
                f"Line {number} of the erasure ledger is not a person id."
            ) from None
    return list(seen)


def _erase(session: Session, actor: Actor, person: Person) -> None:
    """Tell every domain (each clears its own rows in its handler, people's own included:
    `haven.people.handlers`), then drop what the session still holds of the person."""
    publish(session, actor, PersonErased(person_id=person.id))
    session.flush()
    for instance in list(session.identity_map.values()):
        if isinstance(instance, FamilyMember | PersonPhoto) and instance.person_id == person.id:
            session.expunge(instance)


def shred(session: Session, person: Person) -> None:
    """Destroy the key, remove ciphertext, relatives and photo, blank the PERSONAL fields;
    the anonymous skeleton (the row, `erased_at`) stays for aggregate statistics."""
    PERSON_KEYS.destroy(session, person.id)
    forget_plaintext(person)
    for field in encrypted_fields(Person).values():
        setattr(person, field.ciphertext_attr, None)
        if field.blind is not None:
            setattr(person, field.blind.attr, None)
    repository.delete_family_and_photo(session, person.id)
    personal = classified_columns(Person.__table__)  # type: ignore[arg-type]
    for name, level in personal.items():
        if level is not Sensitivity.PERSONAL:
            continue
        column = Person.__table__.c[name]
        if not column.nullable:
            continue  # name_key and aliases: set below
        setattr(person, name, None)
    person.aliases = []
    person.name_latin = ERASED_NAME
    person.name_key = keys.name_key(None, None)
    person.birth_approximate = False
    person.erased_at = person.erased_at or utcnow()


def erase_person(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    reason: str,
    ledger: Path | None = None,
) -> Person:
    """Erase a person (see the module docstring); the ledger is written before the commit,
    so a crash after it errs on the side of erasure, never of resurrection."""
    person = repository.person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, Permission.PERSON_WRITE, person)  # out of scope: 404; no right: 403
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed(fields={"reason": N_("Say why this person is erased.")})
    if not actor.is_system:
        require_fresh(session, actor)
    _erase(session, actor, person)
    audit.record(
        session,
        actor,
        ERASED_ACTION,
        subject_type="person",
        subject_id=person.id,
        organisation_id=person.organisation_id,
        changes={"erased": {"before": None, "after": True}, "reason": reason[:MAX_REASON]},
    )
    append_to_ledger(ledger if ledger is not None else default_ledger(), person.id)
    return person


def reapply_ledger(session: Session, person_ids: Iterable[uuid.UUID]) -> int:
    """Erase again every ledgered person present in a (restored) database; how many were.

    Called by `haven restore` after restoring a backup: a person erased after the backup was
    taken comes back with their data key, and leaves again here. Audited as the system.
    """
    actor = Actor.system("restore")
    count = 0
    for person_id in person_ids:
        person = repository.person_by_id(session, person_id)
        if person is None:
            continue
        remaining = (
            not person.is_erased
            or PERSON_KEYS.exists(session, person.id)
            or repository.photo_of(session, person.id) is not None
            or bool(repository.family_of(session, person.id))
        )
        if not remaining:
            continue
        _erase(session, actor, person)
        audit.record(
            session,
            actor,
            ERASED_ACTION,
            subject_type="person",
            subject_id=person.id,
            organisation_id=person.organisation_id,
            changes={"erased": {"before": None, "after": True}, "reason": "erasure ledger"},
        )
        count += 1
    return count
