"""Input and output shapes for forces, ranks, positions, units and their equivalences."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText


class ForceKind(Labelled):
    """What an armed force is; a receiving force takes defectors into its ranks."""

    STATE_ARMY = "state_army", N_("State army")
    POLICE = "police", N_("Police")
    MILITIA = "militia", N_("Militia")
    ARMED_GROUP = "armed_group", N_("Armed group")
    RECEIVING = "receiving", N_("Receiving force")


class ForceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    name_my: CleanText = Field(default=None, max_length=200)
    kind: str = Field(min_length=1, max_length=40)


class ForceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    name_my: str | None
    kind: str
    is_receiving: bool


class RankIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    seniority: int = Field(ge=1, le=200)
    name_en: str = Field(min_length=1, max_length=100)
    name_my: CleanText = Field(default=None, max_length=100)
    verified: bool = False
    pay_group: str | None = Field(default=None, max_length=40)


class RankUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name_my: CleanText = Field(default=None, max_length=100)
    verified: bool
    aliases: list[CleanText] | None = Field(
        default=None,
        max_length=40,
        description="Other ways the rank is written (abbreviations, short forms, "
        "romanisations); replaces the list. Omitted: unchanged.",
    )


class RankOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    force_id: uuid.UUID
    seniority: int
    name_en: str
    name_my: str | None
    verified: bool
    pay_group: str | None
    aliases: list[str] = Field(
        default_factory=list, description="Other ways the rank is written on rolls and forms."
    )


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    force_id: uuid.UUID
    kind: str
    number: str
    label: str


class EquivalenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiving_force_id: uuid.UUID
    source_rank_id: uuid.UUID
    target_rank_id: uuid.UUID
    effective_from: date
    effective_to: date | None = None


class EquivalenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    receiving_force_id: uuid.UUID
    source_rank_id: uuid.UUID
    target_rank_id: uuid.UUID
    effective_from: date
    effective_to: date | None


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    grade: int = Field(ge=1, le=100)
    name_en: str = Field(min_length=1, max_length=100)
    name_my: CleanText = Field(default=None, max_length=100)
    verified: bool = False


class PositionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name_my: CleanText = Field(default=None, max_length=100)
    verified: bool


class PositionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    force_id: uuid.UUID
    code: str | None
    grade: int
    name_en: str
    name_my: str | None
    verified: bool


class PositionEquivalenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receiving_force_id: uuid.UUID
    source_position_id: uuid.UUID
    target_position_id: uuid.UUID
    effective_from: date
    effective_to: date | None = None


class PositionEquivalenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    receiving_force_id: uuid.UUID
    source_position_id: uuid.UUID
    target_position_id: uuid.UUID
    effective_from: date
    effective_to: date | None
