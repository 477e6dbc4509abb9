"""Tables of the prisoner-of-war registry (Third Geneva Convention).

A `PowRecord` belongs to one person received as surrendered or captured. What the prisoner
must give under Art. 17 (surname, first names, rank, date of birth, service number) is kept in
its own columns, apart from what the Information Bureau records under Art. 122 "in so far as
available" (`bureau_details`, one encrypted object). A refusal to answer is a list of item
names (`art17_refused`, `art122_refused`): recorded, never blocking, never penalised.

Confidential values are encrypted under the person's data key (`PERSON_KEYS`), so erasing the
person also shreds them here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.kernel.keys import canonical_service_number
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security import fields
from haven.security.fields import JSON_OBJECT, TEXT, BlindIndexSpec, Codec, DataKeys, EncryptedField

PERSONAL = sensitive(Sensitivity.PERSONAL)
CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)
T = TypeVar("T")


def _keys() -> DataKeys:
    return PERSON_KEYS


def _field(attr: str, codec: Codec[T], blind: BlindIndexSpec | None = None) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_keys, owner_attr="person_id", blind=blind)


class PowPlace(IdMixin, TimestampMixin, Base):
    """A place of internment: a camp, a transit camp, a hospital."""

    __tablename__ = "pow_places"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    township: Mapped[str | None] = mapped_column(String(100))


class PowRecord(IdMixin, TimestampMixin, Base):
    """One prisoner of war: Art. 17 identity, Art. 122 bureau items, status and place."""

    __tablename__ = "pow_records"
    __table_args__ = (
        CheckConstraint("birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name="day"),
        Index("ix_pow_records_prisoner_number", "organisation_id", "prisoner_number", unique=True),
        Index("ix_pow_records_organisation_captured", "organisation_id", "captured_on"),
        # The board's inspection deadlines of the interned, from the index alone (0032).
        Index(
            "ix_pow_records_organisation_status_captured",
            "organisation_id",
            "status",
            "captured_on",
            "id",
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The prisoner's number in the detaining organisation (the capture card's "Prisoner No."),
    # given at registration: POW-<year of capture>-<six hex digits>.
    prisoner_number: Mapped[str] = mapped_column(String(40))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reception_events.id"))
    classification: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_changed_at: Mapped[datetime]
    captured_on: Mapped[date]
    # Where the person was captured or surrendered, as the officer wrote it (a village, a
    # township, a road): not a place of internment.
    captured_place: Mapped[str | None] = mapped_column(String(200))
    arrived_on: Mapped[date | None]
    place_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_places.id"))
    seriously_ill: Mapped[bool] = mapped_column(default=False)
    # Art. 17: what the prisoner is obliged to give.
    surname: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    first_names: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    rank: Mapped[str | None] = mapped_column(String(100))
    # The rank of the forces' tables that `rank` names (its Burmese name goes on the card);
    # None when the recorded text names none.
    rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    birth_year: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_month: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_day: Mapped[int | None] = mapped_column(info=PERSONAL)
    service_number_ct: Mapped[bytes | None] = mapped_column(
        "service_number", LargeBinary, info=CONFIDENTIAL
    )
    service_number_index: Mapped[str | None] = mapped_column(
        String(64), index=True, info={"blind_index": True}
    )
    art17_refused: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Art. 122: recorded in so far as available, one encrypted object.
    bureau_details_ct: Mapped[bytes | None] = mapped_column(
        "bureau_details", LargeBinary, info=CONFIDENTIAL
    )
    art122_refused: Mapped[list[str]] = mapped_column(JSON, default=list)
    wishes_not_repatriated: Mapped[bool] = mapped_column(default=False)

    service_number = _field(
        "service_number_ct",
        TEXT,
        BlindIndexSpec(
            attr="service_number_index",
            field="service_number",
            canonical=canonical_service_number,
        ),
    )
    bureau_details = _field("bureau_details_ct", JSON_OBJECT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class PowTransfer(IdMixin, TimestampMixin, Base):
    """A move from one place of internment to another (Art. 46-48)."""

    __tablename__ = "pow_transfers"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_place_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_places.id"))
    to_place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_places.id"))
    moved_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # The party that holds the person after the move (None: the detaining organisation), and
    # the risk assessment made before it (None only on transfers recorded before issue 17).
    receiving_force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    risk_assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pow_risk_assessments.id")
    )


class CaptureCard(IdMixin, TimestampMixin, Base):
    """One capture card owed under Art. 70: on capture/arrival, on transfer (to a hospital
    included), on admission to hospital, on serious illness.

    `due_on` is the last day on which sending is still on time (the occasion's date plus seven
    days); a newer occasion supersedes an unsent card, which stays in the history. `place_id`
    is the card's "present address" (where the person is held after the occasion) and
    `coming_from_id` the camp or hospital a transfer came from (GC III Annex IV B, items 10
    and 12), both as they were when the card fell due.
    """

    __tablename__ = "pow_capture_cards"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    occasion: Mapped[str] = mapped_column(String(20))
    occasion_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    sent_on: Mapped[date | None]
    superseded_at: Mapped[datetime | None]
    place_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_places.id"))
    coming_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_places.id"))


class PowNotice(IdMixin, TimestampMixin, Base):
    """A notice for the Information Bureau (Art. 122): capture, transfer, release, …

    `detail` holds only what the notice itself says (a place name, a date): never a medical
    finding, a vetting note or a case note. `exported_at` is set when it leaves in a signed file.
    """

    __tablename__ = "pow_notices"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date]
    detail: Mapped[str | None] = mapped_column(String(300))
    exported_at: Mapped[datetime | None] = mapped_column(index=True)
    export_id: Mapped[str | None] = mapped_column(String(40))
    # A notice about a prisoner who changed sides that did not leave before the change is
    # withheld (never exported): only the person's own tracing choice may queue one.
    withheld_at: Mapped[datetime | None]


class MedicalInspection(IdMixin, TimestampMixin, Base):
    """A medical inspection (Art. 31: at least monthly; also the examination on arrival);
    findings are confidential. `state_of_health` is the capture card's choice (GC III Annex
    IV B) as found by `examined_by`; None on inspections that recorded none."""

    __tablename__ = "pow_medical_inspections"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    inspected_on: Mapped[date]
    weight_grams: Mapped[int | None]
    state_of_health: Mapped[str | None] = mapped_column(String(30), info=PERSONAL)
    examined_by: Mapped[str | None] = mapped_column(String(200))
    seriously_ill: Mapped[bool] = mapped_column(default=False)
    hospitalised: Mapped[bool] = mapped_column(default=False)
    findings_ct: Mapped[bytes | None] = mapped_column("findings", LargeBinary, info=CONFIDENTIAL)

    findings = _field("findings_ct", TEXT)


class PersonalEffect(IdMixin, TimestampMixin, Base):
    """An article of value taken from a prisoner, only against a receipt (Art. 18)."""

    __tablename__ = "pow_effects"
    __table_args__ = (UniqueConstraint("organisation_id", "receipt_number"),)

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    amount_minor: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    taken_on: Mapped[date]
    taken_by: Mapped[str] = mapped_column(String(120))
    receipt_number: Mapped[str] = mapped_column(String(40))
    returned_on: Mapped[date | None]


class Correspondence(IdMixin, TimestampMixin, Base):
    """A letter or card sent or received (Art. 71); the content is never stored."""

    __tablename__ = "pow_correspondence"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    exchanged_on: Mapped[date]


class IcrcVisit(IdMixin, TimestampMixin, Base):
    """A visit of ICRC delegates to a place of internment (Art. 126)."""

    __tablename__ = "pow_icrc_visits"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_places.id"), index=True)
    visited_on: Mapped[date]
    delegates: Mapped[str] = mapped_column(String(300))
    private_interviews: Mapped[int] = mapped_column(default=0)


class PayRate(IdMixin, TimestampMixin, Base):
    """The monthly advance of pay of one rank category (Art. 60), in minor units."""

    __tablename__ = "pow_pay_rates"
    __table_args__ = (
        UniqueConstraint("organisation_id", "category"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    ranks: Mapped[str] = mapped_column(String(200))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    position: Mapped[int] = mapped_column(default=0)


class PowDeath(IdMixin, TimestampMixin, Base):
    """A death certificate (Art. 120) and the registration of the grave."""

    __tablename__ = "pow_deaths"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    died_on: Mapped[date]
    place_of_death: Mapped[str] = mapped_column(String(200))
    cause_ct: Mapped[bytes | None] = mapped_column("cause", LargeBinary, info=CONFIDENTIAL)
    buried_on: Mapped[date | None]
    burial_place: Mapped[str | None] = mapped_column(String(200))
    grave_number: Mapped[str | None] = mapped_column(String(60))
    cremated: Mapped[bool] = mapped_column(default=False)
    cremation_reason: Mapped[str | None] = mapped_column(String(300))
    certificate_number: Mapped[str] = mapped_column(String(40))

    cause = _field("cause_ct", TEXT)


class PowRelease(IdMixin, TimestampMixin, Base):
    """A release or repatriation (Art. 109, 118), with the person's own wish."""

    __tablename__ = "pow_releases"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    grounds: Mapped[str] = mapped_column(String(30))
    released_on: Mapped[date]
    wishes_not_repatriated: Mapped[bool] = mapped_column(default=False)
    receiving_force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    risk_assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pow_risk_assessments.id")
    )


class VoluntarinessCheck(IdMixin, TimestampMixin, Base):
    """The interview that must precede any change of a prisoner's path (defect, serve, home,
    exile).

    Held by someone independent of the detaining unit, without the unit or the person's former
    commanders present; it records who was present, the person's own words in their language
    (encrypted), an independent witness or an ICRC visit (or why neither was available), the
    person's mark and who attests it, and the paths the person chose. Only a complete check
    (`haven.pow.voluntariness.missing` is empty) whose outcome is `voluntary` allows a change.
    """

    __tablename__ = "pow_voluntariness_checks"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    interviewer_name: Mapped[str] = mapped_column(String(120))
    interviewer_independent: Mapped[bool]
    detaining_unit_absent: Mapped[bool]
    former_commanders_absent: Mapped[bool] = mapped_column(default=False)
    interviewed_on: Mapped[date]
    statement_language: Mapped[str | None] = mapped_column(String(60))
    paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    witness: Mapped[str | None] = mapped_column(String(20))
    witness_name: Mapped[str | None] = mapped_column(String(200))
    icrc_visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_icrc_visits.id"))
    no_witness_reason: Mapped[str | None] = mapped_column(String(500))
    mark: Mapped[str | None] = mapped_column(String(20))
    mark_attested_by: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(20))
    completed_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    statement_ct: Mapped[bytes | None] = mapped_column("statement", LargeBinary, info=CONFIDENTIAL)
    present_ct: Mapped[bytes | None] = mapped_column("present", LargeBinary, info=CONFIDENTIAL)

    statement = _field("statement_ct", TEXT)
    present = _field("present_ct", TEXT)

    @property
    def missing(self) -> list[str]:
        """What this check lacks to be complete (field names; empty when complete)."""
        gaps = [
            name
            for name, given in (
                ("interviewer_independent", self.interviewer_independent),
                ("detaining_unit_absent", self.detaining_unit_absent),
                ("former_commanders_absent", self.former_commanders_absent),
                ("present", self.present_ct is not None),
                ("statement", self.statement_ct is not None),
                ("statement_language", bool(self.statement_language)),
                ("paths", bool(self.paths)),
                ("witness", self.witness is not None),
                ("mark", self.mark is not None),
                ("mark_attested_by", bool(self.mark_attested_by)),
            )
            if not given
        ]
        if self.witness == "independent" and not self.witness_name:
            gaps.append("witness_name")
        if self.witness == "icrc" and self.icrc_visit_id is None:
            gaps.append("icrc_visit_id")
        if self.witness == "none" and not self.no_witness_reason:
            gaps.append("no_witness_reason")
        if self.outcome == "inconclusive":
            gaps.append("outcome")
        return gaps


class RiskAssessment(IdMixin, TimestampMixin, Base):
    """The assessment made before a prisoner is transferred, released or handed over
    (non-refoulement, docs/pow.md): who assessed, when, the risks considered, the conclusion,
    and the party that receives the person (never the party they left). Notes are encrypted:
    they may say where the family lives."""

    __tablename__ = "pow_risk_assessments"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    movement: Mapped[str] = mapped_column(String(20))
    receiving_force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    assessed_by: Mapped[str] = mapped_column(String(200))
    assessed_on: Mapped[date]
    risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    conclusion: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    notes_ct: Mapped[bytes | None] = mapped_column("notes", LargeBinary, info=CONFIDENTIAL)

    notes = _field("notes_ct", TEXT)


class TracingConsent(IdMixin, TimestampMixin, Base):
    """The informed choice of a prisoner who changed sides about what the tracing agency may
    learn: no notice (the default, when nothing is recorded), a private message to the family,
    or a notice as released; with the date and the witness. A newer choice supersedes an older
    one and withholds the older one's notice if it has not left yet."""

    __tablename__ = "pow_tracing_consents"

    pow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pow_records.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    choice: Mapped[str] = mapped_column(String(20))
    chosen_on: Mapped[date]
    witness_name: Mapped[str] = mapped_column(String(200))
    informed: Mapped[bool]
    notice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pow_notices.id"))
    superseded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
