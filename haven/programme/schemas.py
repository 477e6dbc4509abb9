"""Input and output shapes of the programme settings: the legal framework of the conflict."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText


class Conflict(Labelled):
    """The kind of armed conflict the programme works in."""

    INTERNATIONAL = "international", N_("International armed conflict")
    NON_INTERNATIONAL = "non_international", N_("Non-international armed conflict")


class Commitment(Labelled):
    """How a party to a non-international conflict bound itself to the Third Geneva
    Convention's standards (Common Article 3 encourages special agreements)."""

    UNILATERAL_DECLARATION = "unilateral_declaration", N_("Unilateral declaration")
    SPECIAL_AGREEMENT = "special_agreement", N_("Special agreement")


class LegalFrameworkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    conflict: Conflict
    commitment_kind: Commitment | None = Field(
        default=None,
        description="Required for a non-international conflict, empty for an international one.",
    )
    commitment_date: date | None = Field(
        default=None, description="The date of the declaration or agreement (not in the future)."
    )
    commitment_reference: CleanText = Field(
        default=None,
        max_length=300,
        description="Its title or number, as documents cite it.",
    )


class LegalFrameworkOut(BaseModel):
    organisation_id: uuid.UUID
    conflict: Conflict
    conflict_label: str
    commitment_kind: Commitment | None
    commitment_date: date | None
    commitment_reference: str | None
    recorded: bool = Field(
        description="False: nobody has recorded the framework yet, and documents cite the "
        "Third Geneva Convention as for an international armed conflict."
    )
    updated_at: datetime | None
    status_line: str = Field(
        description="How documents name a person held (English), e.g. on capture cards."
    )
    status_line_my: str = Field(description="The same in Burmese.")
    basis: str = Field(description="The footer documents carry: the law that binds (English).")
    basis_my: str = Field(description="The same in Burmese.")
