"""Rules for persons: profile, family, photo, search and possible duplicates.

Every entry point sets the session's field reader to the actor's clearance
(`haven.kernel.sensitivity`): confidential fields the actor may not see read as empty, in the
API's output and in the pages alike, and are never decrypted. Confidential fields are stored
encrypted (`haven.security.fields`); NRC and service number are found by blind index.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.forces import repository as forces_repository
from haven.i18n import N_
from haven.kernel import keys
from haven.kernel.sensitivity import (
    Sensitivity,
    classified_columns,
    may_read,
    reader_for,
    revealed_classes,
    sensitive_names,
)
from haven.matching import service as matching
from haven.people import repository
from haven.people.models import FamilyMember, Person, PersonPhoto
from haven.people.schemas import FamilyMemberIn, ProfileUpdate
from haven.security.blind_index import blind_index
from haven.security.fields import session_keyring, set_reader
from haven.security.permissions import Actor, Permission, in_scope, require
from haven.text.units import parse_unit
from haven.vetting.screening import screen_person

# Every classified field, names included, is recorded as changed without its value: the
# trail is append-only, so a value copied into it would outlive the person's erasure.
_SENSITIVE = sensitive_names(Person.__table__, Sensitivity.PERSONAL)  # type: ignore[arg-type]
_BLIND = {c.name for c in Person.__table__.columns if c.info.get("blind_index")}
_CLASSES = classified_columns(Person.__table__)  # type: ignore[arg-type]
_FAMILY_CLASSES = classified_columns(FamilyMember.__table__)  # type: ignore[arg-type]
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def as_reader(session: Session, actor: Actor) -> None:
    """Mask, for the rest of the session, what the actor may not see."""
    set_reader(session, None if actor.is_system else reader_for(actor))


def _require_visible(
    session: Session, actor: Actor, person_id: uuid.UUID, permission: Permission
) -> Person:
    as_reader(session, actor)
    person = repository.person_by_id(session, person_id)
    if person is None:
        raise NotFound
    require(actor, permission, person)
    if permission is Permission.PERSON_WRITE and person.is_erased:
        raise Conflict
    return person


def get_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Person:
    """A person's record; the read is audited with the sensitivity classes it revealed."""
    person = _require_visible(session, actor, person_id, Permission.PERSON_READ)
    audit.record(
        session,
        actor,
        AuditAction.PERSON_VIEWED,
        subject_type="person",
        subject_id=person.id,
        organisation_id=person.organisation_id,
        changes={"revealed": revealed_classes(actor, _CLASSES | _FAMILY_CLASSES)},
    )
    return person


def set_names(person: Person) -> None:
    person.name_key = keys.name_key(person.name_latin, person.name_my)
    person.father_key = keys.name_part(person.father_name) or None


def _snapshot(person: Person) -> dict[str, Any]:
    # Column names are the plain attribute names (`nrc`, not `nrc_ct`); blind indexes are
    # left out: an HMAC of a confidential value never enters the trail.
    return {
        c.name: getattr(person, c.name)
        for c in Person.__table__.columns
        if c.name not in ("updated_at",) and c.name not in _BLIND
    }


def update_profile(
    session: Session, actor: Actor, person_id: uuid.UUID, data: ProfileUpdate
) -> Person:
    """Complete or correct a profile; only the fields sent change; the change is audited."""
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    before = _snapshot(person)
    changes = data.model_dump(exclude_unset=True, exclude={"text_encoding"})
    for name, value in changes.items():
        setattr(person, name, value)
    if not person.name_my and not person.name_latin:
        raise ValidationFailed(
            fields={
                "name_latin": N_("Enter the name in Myanmar script, in Latin letters, or both.")
            }
        )
    set_names(person)
    if person.profile_completed_at is None:
        person.profile_completed_at = utcnow()
    diff = audit.diff(before, _snapshot(person), sensitive=_SENSITIVE)
    diff.pop("profile_completed_at", None)
    if diff:
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.PERSON_UPDATED,
            subject_type="person",
            subject_id=person.id,
            organisation_id=person.organisation_id,
            changes=diff,
        )
        screen_person(session, person.id, requested_by=actor)
        matching.on_person_changed(session, actor, person.id, source="profile")
    return person


def family(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[FamilyMember]:
    _require_visible(session, actor, person_id, Permission.PERSON_READ)
    return repository.family_of(session, person_id)


def add_family_member(
    session: Session, actor: Actor, person_id: uuid.UUID, data: FamilyMemberIn
) -> FamilyMember:
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    member = FamilyMember(
        person_id=person.id,
        organisation_id=person.organisation_id,
        **data.model_dump(exclude={"text_encoding"}),
    )
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_MEMBER_ADDED,
        subject_type="family_member",
        subject_id=member.id,
        organisation_id=person.organisation_id,
        changes=audit.diff(
            {},
            {"relationship": data.relationship, "whereabouts": data.whereabouts},
            sensitive={"whereabouts"},
        ),
    )
    return member


def remove_family_member(
    session: Session, actor: Actor, person_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    member = session.get(FamilyMember, member_id)
    if member is None or member.person_id != person.id:
        raise NotFound
    session.delete(member)
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_MEMBER_REMOVED,
        subject_type="family_member",
        subject_id=member_id,
        organisation_id=person.organisation_id,
    )


def set_photo(session: Session, actor: Actor, person_id: uuid.UUID, content: bytes) -> PersonPhoto:
    """Store a photo re-encoded as JPEG: no EXIF, GPS or other metadata survives."""
    from PIL import Image, UnidentifiedImageError

    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationFailed(fields={"photo": N_("The photo is too large: at most 5 MB.")})
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed(
            fields={"photo": N_("Choose a photo in JPEG or PNG format.")}
        ) from None
    rgb.thumbnail((800, 800))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85)
    photo = repository.photo_of(session, person.id)
    if photo is None:
        photo = PersonPhoto(
            person_id=person.id,
            organisation_id=person.organisation_id,
            content_type="image/jpeg",
            data=out.getvalue(),
        )
        session.add(photo)
    else:
        photo.data = out.getvalue()
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PHOTO_SET,
        subject_type="person",
        subject_id=person.id,
        organisation_id=person.organisation_id,
    )
    return photo


def get_photo(session: Session, actor: Actor, person_id: uuid.UUID) -> PersonPhoto:
    """The photo, for an actor whose clearance covers it (a face identifies)."""
    _require_visible(session, actor, person_id, Permission.PERSON_READ)
    if not may_read(actor, Sensitivity.CONFIDENTIAL, "data"):
        raise PermissionDenied
    photo = repository.photo_of(session, person_id)
    if photo is None:
        raise NotFound
    return photo


def search(session: Session, actor: Actor, query: str, *, limit: int = 50) -> Sequence[Person]:
    """Find persons by name in either script (with or without honorific), father's name,
    NRC, service number or unit — only among those the actor may see."""
    require(actor, Permission.PERSON_READ)
    as_reader(session, actor)
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    exact = {
        f"{name}_index": index
        for name, index in (
            ("nrc", _index(session, "nrc", query)),
            ("service_number", _index(session, "service_number", query)),
        )
        if index is not None
    }
    unit_ids: list[uuid.UUID] = []
    code = parse_unit(query)
    if code is not None:
        unit_ids = list(forces_repository.unit_ids_by_code(session, code.kind, code.number))
    return repository.search(
        session, actor, name=keys.query_part(query), exact=exact, unit_ids=unit_ids, limit=limit
    )


def _index(session: Session, field: str, value: str | None) -> str | None:
    """The blind index of a value as typed (canonicalised first), or None."""
    if not value:
        return None
    canonical = (
        keys.canonical_nrc(value) if field == "nrc" else keys.canonical_service_number(value)
    )
    if not canonical:
        return None
    return blind_index(session_keyring(session).index_key, field, canonical)


@dataclass(frozen=True)
class Duplicates:
    """Possible duplicates the actor may see, and how many more exist beyond their scope."""

    visible: list[Person]
    hidden_count: int


def possible_duplicates(
    session: Session,
    actor: Actor,
    *,
    name_latin: str | None,
    name_my: str | None,
    father_name: str | None = None,
    birth_year: int | None = None,
    nrc: str | None = None,
    service_number: str | None = None,
    exclude: uuid.UUID | None = None,
) -> Duplicates:
    require(actor, Permission.PERSON_READ)
    as_reader(session, actor)
    # The matching engine (haven.matching): phonetic keys, blocking, Fellegi-Sunter scores.
    row = matching.comparable(
        name_my=name_my,
        name_latin=name_latin,
        father_name=father_name,
        birth_year=birth_year,
        nrc_index=_index(session, "nrc", nrc),
        service_number_index=_index(session, "service_number", service_number),
    )
    ranked = matching.candidates(
        session,
        row,
        organisation_id=None if actor.is_system else actor.organisation_id,
        exclude=exclude,
    )
    people = matching.persons_by_id(session, [c.person_id for c in ranked])
    found = [people[c.person_id] for c in ranked if c.person_id in people]
    visible = [p for p in found if in_scope(actor, p)]
    return Duplicates(visible=visible, hidden_count=len(found) - len(visible))
