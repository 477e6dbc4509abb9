"""Tables of persons, their family members and photos."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.people.sensitivity import Sensitivity, sensitive

PERSONAL = sensitive(Sensitivity.PERSONAL)
CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL)


class Person(IdMixin, TimestampMixin, Base):
    """Someone received by the programme. Minimum identity first; the profile grows later.

    A name in Myanmar script and/or Latin letters is required; everything else may be
    missing, because defectors often arrive without documents. The honorific or ethnic prefix
    (U, Daw, Saw, ဦး …) is kept apart from the name. `*_key` columns hold normalised forms
    for search, written by the service from the names.
    """

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("name_my IS NOT NULL OR name_latin IS NOT NULL", name="has_name"),
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name="day"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
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
    religion: Mapped[str | None] = mapped_column(String(100), info=CONFIDENTIAL)
    nrc: Mapped[str | None] = mapped_column(String(60), index=True, info=CONFIDENTIAL)
    service_number: Mapped[str | None] = mapped_column(String(60), index=True, info=PERSONAL)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(40))
    literacy: Mapped[str | None] = mapped_column(String(40))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    weapon_specialisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    disability: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=CONFIDENTIAL)
    phone: Mapped[str | None] = mapped_column(String(60), info=CONFIDENTIAL)
    contact_notes: Mapped[str | None] = mapped_column(String(1000), info=CONFIDENTIAL)
    profile_completed_at: Mapped[datetime | None]


class FamilyMember(IdMixin, TimestampMixin, Base):
    """A relative of a person. Their whereabouts is the most sensitive field Haven holds:
    the regime holds soldiers' families and takes relatives hostage."""

    __tablename__ = "family_members"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    age: Mapped[int | None]
    is_dependant: Mapped[bool] = mapped_column(default=False)
    whereabouts: Mapped[str | None] = mapped_column(String(1000), info=HIGHLY_CONFIDENTIAL)


class PersonPhoto(IdMixin, TimestampMixin, Base):
    """A photo, re-encoded on upload so that no metadata (EXIF, GPS) survives."""

    __tablename__ = "person_photos"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary, info=CONFIDENTIAL)
