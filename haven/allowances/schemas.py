"""Input and output shapes of the allowances API.

Money in the API is in MINOR units of its currency, as integers (`*_minor`, and every amount
inside a component's `rules`): whole kyat for MMK (the kyat has no smaller unit in use),
satang for THB and cents for USD (`rules.CURRENCY_EXPONENT`): `{"amount": 30000}` in USD is
300.00 dollars. The pages take and show major units ("300.00 USD"; `forms.to_minor`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from haven.kernel.text_fields import CleanText


class PlanVersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CleanText = Field(default=None, max_length=200)
    effective_from: date
    notes: CleanText = Field(default=None, max_length=2000)
    copy_from: uuid.UUID | None = None


class ComponentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: str = Field(max_length=30)
    name_en: CleanText = Field(default=None, max_length=200)
    name_my: CleanText = Field(default=None, max_length=200)
    currency: str = Field(max_length=3)
    rules: dict[str, Any] = Field(
        default_factory=dict,
        description="The kind's amounts (docs/allowances.md), in minor units of `currency`: "
        "whole kyat; satang; cents (USD 300.00 is 30000).",
    )
    eligibility: dict[str, Any] = Field(default_factory=dict)


class ComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: str
    name_en: str
    name_my: str | None
    currency: str
    rules: dict[str, Any]
    eligibility: dict[str, Any]
    open_to: str = Field(
        default="", description="Who the component is open to, in the reader's language."
    )


class PlanVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int
    name: str
    effective_from: date
    status: str
    notes: str | None
    published_at: datetime | None


class PlanVersionDetail(PlanVersionOut):
    components: list[ComponentOut]


class FunderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CleanText = Field(default=None, max_length=200)
    name_my: CleanText = Field(default=None, max_length=200)


class FunderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    name_my: str | None
    active: bool


class BudgetLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    component_code: str = Field(max_length=40)
    currency: str = Field(max_length=3)
    share_bp: int = Field(ge=1, le=10_000)
    budget_minor: int = Field(
        ge=0, le=10**12, description="In minor units: whole kyat; satang; cents."
    )


class BudgetLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    funder_id: uuid.UUID
    component_code: str
    currency: str
    share_bp: int
    budget_minor: int


class BudgetStateOut(BaseModel):
    funder_id: uuid.UUID
    funder: str
    component_code: str
    currency: str
    share_bp: int
    budget_minor: int
    paid_minor: int
    reserved_minor: int
    remaining_minor: int


class RecomputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_ids: list[uuid.UUID] = Field(min_length=1, max_length=10_000)


class LineChangeOut(BaseModel):
    component_code: str
    number: int
    before_minor: int
    after_minor: int
    currency: str
    overpaid_minor: int


class PersonChangeOut(BaseModel):
    person_id: uuid.UUID
    plan_version_id: uuid.UUID | None
    changes: list[LineChangeOut]
    not_eligible: dict[str, str]
    problem: str | None


class StatementLineOut(BaseModel):
    component_code: str
    number: int
    part: int
    due_on: date
    amount_minor: int
    currency: str
    explanation: str
    delivery: str | None = Field(
        default=None, description="For a child: guardian_or_in_kind or in_kind (never cash)."
    )
    state: str
    paid_on: date | None
    receipt_reference: str | None


class StatementOut(BaseModel):
    person_id: uuid.UUID
    vetting: str | None = Field(description="None for a child: children are not vetted.")
    standing: str
    may_receive_cash: bool = Field(
        description="False for a child: support goes to a guardian or is given in kind."
    )
    payable: bool
    lines: list[StatementLineOut]
    owed: dict[str, int]
    paid: dict[str, int]
    outstanding: dict[str, int]


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: CleanText = Field(default=None, max_length=200)
    currency: str = Field(max_length=3)


class AddDueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_by: date
    component_codes: list[str] | None = Field(default=None, max_length=50)
    person_ids: list[uuid.UUID] | None = Field(default=None, max_length=10_000)


class AddDueOut(BaseModel):
    added: int
    total_minor: int
    skipped: dict[str, int]


class BatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    number: int
    title: str
    currency: str
    status: str
    created_by_id: uuid.UUID | None
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by_id: uuid.UUID | None
    disbursed_at: datetime | None
    reconciled_at: datetime | None


class BatchDetail(BatchOut):
    item_count: int
    total_minor: int
    disbursed_count: int
    disbursed_minor: int


class ReportRowOut(BaseModel):
    funder: str
    component_code: str
    month: str
    currency: str
    disbursed_minor: int
    outstanding_minor: int


class DifferenceOut(BaseModel):
    what: str
    owner_id: uuid.UUID | None
    currency: str
    ledger_minor: int
    expected_minor: int
