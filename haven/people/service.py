"""Rules for persons: profile, family, photo, search and possible duplicates.

Every entry point sets the session's field reader to the actor's clearance
(`haven.kernel.sensitivity`): confidential fields the actor may not see read as empty, in the
API's output and in the pages alike, and are never decrypted. Confidential fields are stored
encrypted (`haven.security.fields`); NRC and service number are found by blind index.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.kernel import clock, keys
from haven.kernel.events import publish
from haven.kernel.photos import JPEG, clean_jpeg
from haven.kernel.sensitivity import (
    Sensitivity,
    classified_columns,
    may_read,
    revealed_classes,
    sensitive_names,
)
from haven.people import repository
from haven.people.events import FamilyChanged, PersonChanged
from haven.people.models import FamilyMember, Person, PersonPhoto
from haven.people.relatives import dependant_by_rule
from haven.people.schemas import FamilyMemberIn, FamilyMemberUpdate, ProfileUpdate
from haven.security.blind_index import blind_index
from haven.security.fields import session_keyring, unmasked
from haven.security.permissions import Actor, Permission, require
from haven.text import UncertainEncoding

# Every classified field, names included, is recorded as changed without its value: the
# trail is append-only, so a value copied into it would outlive the person's erasure.
_SENSITIVE = sensitive_names(Person.__table__, Sensitivity.PERSONAL)  # type: ignore[arg-type]
_BLIND = {c.name for c in Person.__table__.columns if c.info.get("blind_index")}
_CLASSES = classified_columns(Person.__table__)  # type: ignore[arg-type]
_FAMILY_CLASSES = classified_columns(FamilyMember.__table__)  # type: ignore[arg-type]


def _require_visible(
    session: Session, actor: Actor, person_id: uuid.UUID, permission: Permission
) -> Person:
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


def new_person(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    site_id: uuid.UUID,
    prefix: str | None,
    name_my: str | None,
    name_latin: str | None,
    birth_year: int | None,
    birth_approximate: bool,
    sex: str,
) -> Person:
    """A new person with the minimum identity, search keys set and flushed (the caller,
    reception, has checked the actor's right and audits the reception)."""
    person = build_person(
        organisation_id=organisation_id,
        site_id=site_id,
        prefix=prefix,
        name_my=name_my,
        name_latin=name_latin,
        birth_year=birth_year,
        birth_approximate=birth_approximate,
        sex=sex,
    )
    session.add(person)
    session.flush()
    return person


def build_person(
    *,
    organisation_id: uuid.UUID,
    site_id: uuid.UUID,
    prefix: str | None,
    name_my: str | None,
    name_latin: str | None,
    birth_year: int | None,
    birth_approximate: bool,
    sex: str,
) -> Person:
    """A new person with the minimum identity and search keys, not yet added to a session
    (reception's bulk path adds a chunk's persons together)."""
    person = Person(
        organisation_id=organisation_id,
        site_id=site_id,
        prefix=prefix,
        name_my=name_my,
        name_latin=name_latin,
        birth_year=birth_year,
        birth_approximate=birth_approximate,
        sex=sex,
    )
    set_names(person)
    return person


def person_by_id(session: Session, person_id: uuid.UUID) -> Person | None:
    """The person, unchecked: for services that check the actor's right themselves."""
    return repository.person_by_id(session, person_id)


def persons_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Person]:
    """Persons by id, unchecked, batched (list pages)."""
    return repository.persons_by_id(session, ids)


def _snapshot(person: Person) -> dict[str, Any]:
    # Column names are the plain attribute names (`nrc`, not `nrc_ct`); blind indexes are
    # left out: an HMAC of a confidential value never enters the trail.
    return {
        c.name: getattr(person, c.name)
        for c in Person.__table__.columns
        if c.name not in ("updated_at",) and c.name not in _BLIND
    }


def apply_profile(person: Person, data: ProfileUpdate) -> dict[str, Any]:
    """Set the fields sent on the person (checked, search keys recomputed) and return the
    change as the audit trail records it (sensitive fields without their values). The caller
    checked the actor's right, audits and announces the change (`update_profile`, or
    reception's bulk path for a person received with their profile)."""
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
    return diff


def update_profile(
    session: Session, actor: Actor, person_id: uuid.UUID, data: ProfileUpdate
) -> Person:
    """Complete or correct a profile; only the fields sent change; the change is audited."""
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    diff = apply_profile(person, data)
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
        # Vetting re-screens and matching re-indexes the person (their handlers).
        publish(session, actor, PersonChanged(person_id=person.id, fields=frozenset(diff)))
    return person


def family(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[FamilyMember]:
    _require_visible(session, actor, person_id, Permission.PERSON_READ)
    return repository.family_of(session, person_id)


# What a relative's audit event shows as values: the relation, the kind of area and the
# flags; a name, an age, a year of birth or a whereabouts is only marked changed.
_RELATIVE_SHOWN = ("relationship", "area", "at_risk", "to_move", "is_dependant")
_RELATIVE_HIDDEN = ("name", "age", "birth_year", "whereabouts")


def _relative_snapshot(member: FamilyMember) -> dict[str, Any]:
    # The whereabouts by its ciphertext: a change is seen without decrypting it.
    names = (*_RELATIVE_SHOWN, *_RELATIVE_HIDDEN[:-1])
    return {name: getattr(member, name) for name in names} | {"whereabouts": member.whereabouts_ct}


def _resolve_dependant(member: FamilyMember, decided: bool | None) -> None:
    """The case worker's decision when given (True/False), else the dependant rule."""
    if decided is not None:
        member.is_dependant = decided
        member.dependant_decided = True
    elif not member.dependant_decided:
        member.is_dependant = dependant_by_rule(
            member.relationship, member.age, member.birth_year, clock.local_today()
        )


def add_family_member(
    session: Session, actor: Actor, person_id: uuid.UUID, data: FamilyMemberIn
) -> FamilyMember:
    """Record a relative; their whereabouts is classified highly confidential. Allowances
    recompute the person's entitlements (a dependant changes what is owed)."""
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    member = FamilyMember(
        person_id=person.id,
        organisation_id=person.organisation_id,
        **data.model_dump(exclude={"text_encoding", "is_dependant"}),
    )
    _resolve_dependant(member, data.is_dependant)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_MEMBER_ADDED,
        subject_type="family_member",
        subject_id=member.id,
        organisation_id=person.organisation_id,
        changes=audit.diff({}, _relative_snapshot(member), sensitive=_RELATIVE_HIDDEN),
    )
    publish(
        session,
        actor,
        FamilyChanged(
            person_id=person.id, organisation_id=person.organisation_id, member_id=member.id
        ),
    )
    return member


def _relative_of(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    permission: Permission,
) -> tuple[Person, FamilyMember]:
    person = _require_visible(session, actor, person_id, permission)
    member = repository.family_member_by_id(session, member_id)
    if member is None or member.person_id != person.id:
        raise NotFound
    return person, member


def family_member(
    session: Session, actor: Actor, person_id: uuid.UUID, member_id: uuid.UUID
) -> FamilyMember:
    """One relative of the person (404 when not theirs)."""
    return _relative_of(session, actor, person_id, member_id, Permission.PERSON_READ)[1]


def update_family_member(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    data: FamilyMemberUpdate,
) -> FamilyMember:
    """Correct a relative: only the fields sent change; the change is audited (a name, age,
    year of birth or whereabouts only marked changed) and entitlements recompute."""
    person, member = _relative_of(session, actor, person_id, member_id, Permission.PERSON_WRITE)
    before = _relative_snapshot(member)
    sent = data.model_dump(exclude_unset=True, exclude={"text_encoding"})
    decided = sent.pop("is_dependant", ...)
    if "whereabouts" in sent:
        # Compared only, never returned: an unchanged whereabouts is not re-encrypted (nor
        # recorded as changed), whoever corrects the relative.
        with unmasked(session):
            if member.whereabouts == sent["whereabouts"]:
                del sent["whereabouts"]
    for name, value in sent.items():
        if name in ("relationship", "area", "at_risk", "to_move") and value is None:
            continue  # these have no empty value: null leaves them as they are
        setattr(member, name, value)
    if decided is None:
        member.dependant_decided = False  # given back to the rule
    _resolve_dependant(member, None if decided is ... else decided)
    changes = audit.diff(before, _relative_snapshot(member), sensitive=_RELATIVE_HIDDEN)
    if changes:
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.FAMILY_MEMBER_UPDATED,
            subject_type="family_member",
            subject_id=member.id,
            organisation_id=person.organisation_id,
            changes=changes,
        )
        publish(
            session,
            actor,
            FamilyChanged(
                person_id=person.id, organisation_id=person.organisation_id, member_id=member.id
            ),
        )
    return member


def remove_family_member(
    session: Session, actor: Actor, person_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """Remove a relative recorded by mistake (they leave any movement plan with them); the
    audit event keeps the relation, never the name."""
    person, member = _relative_of(session, actor, person_id, member_id, Permission.PERSON_WRITE)
    changes = audit.diff(_relative_snapshot(member), {}, sensitive=_RELATIVE_HIDDEN)
    session.delete(member)
    session.flush()
    publish(
        session,
        actor,
        FamilyChanged(
            person_id=person.id,
            organisation_id=person.organisation_id,
            member_id=member_id,
            removed=True,
        ),
    )
    audit.record(
        session,
        actor,
        AuditAction.FAMILY_MEMBER_REMOVED,
        subject_type="family_member",
        subject_id=member_id,
        organisation_id=person.organisation_id,
        changes=changes,
    )


def set_photo(session: Session, actor: Actor, person_id: uuid.UUID, content: bytes) -> PersonPhoto:
    """Store a photo re-encoded as JPEG: no EXIF, GPS or other metadata survives."""
    person = _require_visible(session, actor, person_id, Permission.PERSON_WRITE)
    data = clean_jpeg(content, field="photo", max_side=800)
    photo = repository.photo_of(session, person.id)
    if photo is None:
        photo = PersonPhoto(
            person_id=person.id,
            organisation_id=person.organisation_id,
            content_type=JPEG,
            data=data,
        )
        session.add(photo)
    else:
        photo.data = data
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


def has_photo(session: Session, actor: Actor, person_id: uuid.UUID) -> bool:
    """Whether the person has a photo (the photo itself is not loaded)."""
    _require_visible(session, actor, person_id, Permission.PERSON_READ)
    return repository.has_photo(session, person_id)


def search(
    session: Session,
    actor: Actor,
    query: str,
    *,
    limit: int = 50,
    person_ids: Collection[uuid.UUID] | Select[uuid.UUID] = (),
) -> Sequence[Person]:
    """Find persons by name in either script (with or without honorific), father's name,
    NRC or service number — only among those the actor may see. `person_ids` are found too:
    the caller passes those a query names otherwise (e.g. received from a unit)."""
    require(actor, Permission.PERSON_READ)
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    exact = {
        f"{name}_index": index
        for name, index in (
            ("nrc", identifier_index(session, "nrc", query)),
            ("service_number", identifier_index(session, "service_number", query)),
        )
        if index is not None
    }
    return repository.search(
        session,
        actor,
        name=keys.query_part(query),
        exact=exact,
        person_ids=person_ids,
        limit=limit,
    )


def find_people(
    session: Session,
    actor: Actor,
    query: str = "",
    *,
    tiers: Sequence[Collection[uuid.UUID] | Select[uuid.UUID]] = (),
    within: Select[uuid.UUID] | None = None,
    sort: str = "newest",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[Person], int]:
    """The people list: one page of the persons the actor may see and how many in all.

    With a query: those found by NRC or service number (exact blind index), by the ids the
    caller found (`tiers`, best first: e.g. the phonetic name lookup, a reference number, a
    unit), or whose name or father's name starts with the query; sorted "best" puts them in
    that order. Without one: everyone. `within` narrows either (the list's filters)."""
    require(actor, Permission.PERSON_READ)
    query = " ".join(query.split())
    exact = {
        f"{name}_index": index
        for name, index in (
            ("nrc", identifier_index(session, "nrc", query)),
            ("service_number", identifier_index(session, "service_number", query)),
        )
        if query and index is not None
    }
    return repository.find(
        session,
        actor,
        searching=bool(query),
        name=keys.query_part(query) if len(query) >= 2 else "",
        exact=exact,
        tiers=tiers,
        within=within,
        sort=sort,
        limit=limit,
        offset=offset,
    )


def identifier_index(
    session: Session, field: Literal["nrc", "service_number"], value: str | None
) -> str | None:
    """The blind index of an NRC or service number as typed (canonicalised first), or None."""
    if not value:
        return None
    try:
        canonical = (
            keys.canonical_nrc(value) if field == "nrc" else keys.canonical_service_number(value)
        )
    except UncertainEncoding:  # Burmese text that may be Zawgyi is no identifier to look up
        return None
    if not canonical:
        return None
    return blind_index(session_keyring(session).index_key, field, canonical)
