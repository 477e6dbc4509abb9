"""Tables of persons, their family members and photos, and each person's data key.

Every column classified CONFIDENTIAL or HIGHLY_CONFIDENTIAL is stored encrypted
(`haven.security.fields`), on SQLite as on PostgreSQL: the model maps the ciphertext column
as `<name>_ct` and exposes the plain value under the column's own name (`person.nrc`)
through an `EncryptedField`. PERSONAL columns (names, birth date) stay plaintext: duplicate
detection and name search need them. NRC and service number are also blind-indexed
(`nrc_index`, `service_number_index`) for exact search.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.i18n import N_
from haven.kernel.keys import canonical_nrc, canonical_service_number
from haven.kernel.labels import Labelled
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security import fields
from haven.security.fields import (
    BYTES,
    JSON_OBJECT,
    TEXT,
    BlindIndexSpec,
    Codec,
    DataKeys,
    EncryptedField,
)

PERSONAL = sensitive(Sensitivity.PERSONAL)
CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL)
# A blind index is an HMAC of a confidential value: never copied into the audit trail.
BLIND_INDEX = {"blind_index": True}
T = TypeVar("T")


class PersonKey(Base):
    """A person's 32-byte data key, wrapped (AES-256-GCM) under the keyring's `field_kek`.

    Deleting the row is the erasure: every confidential field of the person, in this
    database and in any backup restored through `haven restore`, becomes unreadable.
    """

    __tablename__ = "person_keys"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


PERSON_KEYS = DataKeys(PersonKey, owner_attr="person_id", label="person")


def _person_keys() -> DataKeys:
    return PERSON_KEYS


def _person_field(
    attr: str, codec: Codec[T], blind: BlindIndexSpec | None = None
) -> EncryptedField[T]:
    return EncryptedField(
        attr, codec, keys=_person_keys, owner_attr="id", assign_owner_id=True, blind=blind
    )


def _relative_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_person_keys, owner_attr="person_id")


class RiskLevel(Labelled):
    """How endangered a person is (issue 24): raised by the security incidents that touch
    them (`haven.protection`), lowered only by a person with a reason. In order."""

    NORMAL = "normal", N_("Normal")
    ELEVATED = "elevated", N_("Elevated")
    HIGH = "high", N_("High")
    CRITICAL = "critical", N_("Critical")

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


# What the people search tests of a person besides their scope (see the indexes below).
_SEARCHED = ("site_id", "erased_at", "id", "name_key", "father_key")


class Person(IdMixin, TimestampMixin, Base):
    """Someone received by the programme. Minimum identity first; the profile grows later.

    A name in Myanmar script and/or Latin letters is required; everything else may be
    missing, because defectors often arrive without documents. The honorific or ethnic prefix
    (U, Daw, Saw, ဦး …) is kept apart from the name. `*_key` columns hold normalised forms
    for search, written by the service from the names. `retention_until` is set by an
    administrator; `haven person apply-retention` erases persons past it. An erased person
    keeps an anonymous skeleton (`erased_at`, reception events) for aggregate statistics.
    """

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("name_my IS NOT NULL OR name_latin IS NOT NULL", name="has_name"),
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name="day"),
        # Everyone newest first (migration 0026), for a whole organisation or one site; with
        # what a search tests, so that reading a common name's matches newest first reads
        # these indexes alone, never the persons' rows (migration 0034).
        Index("ix_persons_organisation_created", "organisation_id", "created_at", *_SEARCHED),
        Index(
            "ix_persons_organisation_site_created",
            "organisation_id",
            "site_id",
            "created_at",
            *_SEARCHED[1:],
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    reference: Mapped[str] = reference_column(Kind.PERSON)
    prefix: Mapped[str | None] = mapped_column(String(20), info=PERSONAL)
    name_my: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    name_latin: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    name_key: Mapped[str] = mapped_column(String(400), index=True, info=PERSONAL)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list, info=PERSONAL)
    father_name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    father_key: Mapped[str | None] = mapped_column(String(200), index=True, info=PERSONAL)
    mother_name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    birth_year: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_month: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_day: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_approximate: Mapped[bool] = mapped_column(default=False)
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    ethnicity: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    religion_ct: Mapped[bytes | None] = mapped_column("religion", LargeBinary, info=CONFIDENTIAL)
    nrc_ct: Mapped[bytes | None] = mapped_column("nrc", LargeBinary, info=CONFIDENTIAL)
    nrc_index: Mapped[str | None] = mapped_column(String(64), index=True, info=BLIND_INDEX)
    service_number_ct: Mapped[bytes | None] = mapped_column(
        "service_number", LargeBinary, info=CONFIDENTIAL
    )
    service_number_index: Mapped[str | None] = mapped_column(
        String(64), index=True, info=BLIND_INDEX
    )
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(40))
    literacy: Mapped[str | None] = mapped_column(String(40))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    weapon_specialisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    disability_ct: Mapped[bytes | None] = mapped_column(
        "disability", LargeBinary, info=CONFIDENTIAL
    )
    phone_ct: Mapped[bytes | None] = mapped_column("phone", LargeBinary, info=CONFIDENTIAL)
    contact_notes_ct: Mapped[bytes | None] = mapped_column(
        "contact_notes", LargeBinary, info=CONFIDENTIAL
    )
    profile_completed_at: Mapped[datetime | None]
    retention_until: Mapped[date | None] = mapped_column(index=True)
    erased_at: Mapped[datetime | None]
    # The person's risk (haven.protection, revision 0039): the level, since when, and the
    # incident that set it (no foreign key: the incident stays at headquarters while the
    # level travels down to field nodes, docs/protection.md).
    risk_level: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")
    risk_since: Mapped[datetime | None]
    risk_incident_id: Mapped[uuid.UUID | None]

    religion = _person_field("religion_ct", TEXT)
    nrc = _person_field(
        "nrc_ct", TEXT, BlindIndexSpec(attr="nrc_index", field="nrc", canonical=canonical_nrc)
    )
    service_number = _person_field(
        "service_number_ct",
        TEXT,
        BlindIndexSpec(
            attr="service_number_index",
            field="service_number",
            canonical=canonical_service_number,
        ),
    )
    disability = _person_field("disability_ct", JSON_OBJECT)
    phone = _person_field("phone_ct", TEXT)
    contact_notes = _person_field("contact_notes_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        """Confidential fields hidden from the session's reader (they read as empty)."""
        return fields.masked_fields(self)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class FamilyMember(IdMixin, TimestampMixin, Base):
    """A relative of a person. Their whereabouts is the most sensitive field Haven holds:
    the regime holds soldiers' families and takes relatives hostage. Encrypted under the
    person's data key."""

    __tablename__ = "family_members"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # A choice of `haven.people.relatives.Relation`; rows written before the list (issue 24)
    # may hold free text, shown as typed.
    relationship: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    age: Mapped[int | None]
    birth_year: Mapped[int | None] = mapped_column(info=PERSONAL)
    # Resolved by the dependant rule (`haven.people.relatives`) unless the case worker decided.
    is_dependant: Mapped[bool] = mapped_column(default=False)
    dependant_decided: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A kind of area (`relatives.Area`), never a place: the place is the encrypted whereabouts.
    area: Mapped[str] = mapped_column(String(20), default="unknown", server_default="unknown")
    at_risk: Mapped[bool] = mapped_column(default=False, server_default=false())
    to_move: Mapped[bool] = mapped_column(default=False, server_default=false())
    whereabouts_ct: Mapped[bytes | None] = mapped_column(
        "whereabouts", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    whereabouts = _relative_field("whereabouts_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class PersonPhoto(IdMixin, TimestampMixin, Base):
    """A photo, re-encoded on upload so that no metadata (EXIF, GPS) survives; encrypted under
    the person's data key."""

    __tablename__ = "person_photos"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data_ct: Mapped[bytes] = mapped_column("data", LargeBinary, info=CONFIDENTIAL)

    data = _relative_field("data_ct", BYTES)


ENCRYPTED_MODELS: tuple[type[Base], ...] = (Person, FamilyMember, PersonPhoto)
