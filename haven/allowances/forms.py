"""The plan page's component forms: one form per kind of component, amounts in major units.

The plan's rules are stored (and served by the API) in minor units (`rules.CURRENCY_EXPONENT`:
whole kyat; satang; cents). An administrator types amounts as people write them ("300",
"1,500.50") in the component's currency; `to_minor` converts them exactly (Decimal, never a
float) and `to_major` shows a stored amount back the same way. `rules_from_form` turns a
kind's form fields into the rules `rules.validate_component` checks, with a message beside
each field; `values_of` fills the form from a stored component to change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from haven.allowances.rules import CURRENCY_EXPONENT, MAX_AMOUNT, ComponentKind
from haven.errors import ValidationFailed
from haven.i18n import N_, Text
from haven.reception.public import WeaponKind

BAND_ROWS = 4  # blank band rows offered beyond the bands already set (at least this many)
STEP_ROWS = 3  # a stipend: up to this many steps of "amount a month, for N months"
MAX_MONTHS = 120

AMOUNT_WHOLE = N_("Enter a whole amount, without decimals: the kyat has no smaller unit.")
AMOUNT_DECIMALS = N_("Enter an amount with at most two decimals, such as 1500.50.")
AMOUNT_NUMBER = N_("Enter an amount in figures, such as 300 or 1,500.50.")
AMOUNT_RANGE = N_("Enter an amount above zero and below one trillion.")
NEEDED = N_("Enter an amount.")


def to_minor(text: str, currency: str) -> int:
    """`"1,500.50", "THB"` → 150050; `"150000", "MMK"` → 150000. Raises ValueError with the
    field's message as its argument."""
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    cleaned = text.replace(",", "").replace(" ", "").replace("\u00a0", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(AMOUNT_NUMBER) from None
    if not amount.is_finite():
        raise ValueError(AMOUNT_NUMBER)
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise ValueError(AMOUNT_WHOLE if exponent == 0 else AMOUNT_DECIMALS)
    value = int(minor)
    if value <= 0 or value > MAX_AMOUNT:
        raise ValueError(AMOUNT_RANGE)
    return value


def to_major(amount_minor: int | None, currency: str) -> str:
    """150050, "THB" → "1500.50"; 150000, "MMK" → "150000" (for an input's value)."""
    if amount_minor is None:
        return ""
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    return f"{Decimal(amount_minor).scaleb(-exponent):.{exponent}f}"


class _Reader:
    """Reads amounts from the form, collecting a message per field."""

    def __init__(self, values: Mapping[str, Any], currency: str) -> None:
        self.values = values
        self.currency = currency
        self.fields: dict[str, Text | str] = {}

    def text(self, name: str) -> str:
        return str(self.values.get(name, "") or "").strip()

    def amount(self, name: str, *, required: bool = True) -> int | None:
        raw = self.text(name)
        if not raw:
            if required:
                self.fields[name] = NEEDED
            return None
        try:
            return to_minor(raw, self.currency)
        except ValueError as problem:
            self.fields[name] = str(problem.args[0])
            return None

    def count(self, name: str, message: str, *, required: bool, upper: int = 1000) -> int | None:
        raw = self.text(name)
        if not raw:
            if required:
                self.fields[name] = message
            return None
        if not raw.isdigit() or not 1 <= int(raw) <= upper:
            self.fields[name] = message
            return None
        return int(raw)


def kind_and_currency(values: Mapping[str, Any]) -> tuple[ComponentKind, str]:
    """The kind and currency a component form names, or a message beside each."""
    fields: dict[str, Text | str] = {}
    try:
        kind = ComponentKind(str(values.get("kind", "")))
    except ValueError:
        fields["kind"] = N_("Choose a kind of component.")
    currency = str(values.get("currency", ""))
    if currency not in CURRENCY_EXPONENT:
        fields["currency"] = N_("Choose MMK, THB or USD.")
    if fields:
        raise ValidationFailed(fields=fields)
    return kind, currency


def _defection(read: _Reader) -> dict[str, Any]:
    rules: dict[str, Any] = {"force_id": read.text("force_id"), "bands": []}
    rows = read.text("band_rows")
    for i in range(int(rows) if rows.isdigit() and int(rows) <= 50 else BAND_ROWS):
        label, low, high = (read.text(f"band-{i}-{k}") for k in ("label", "from", "to"))
        if not (label or low or high or read.text(f"band-{i}-amount")):
            continue
        if not label:
            read.fields[f"band-{i}-label"] = N_("Give the band a name, such as Captain.")
        if not low or not high:
            read.fields[f"band-{i}-from"] = N_("Choose the band's first and last rank.")
        amount = read.amount(f"band-{i}-amount")
        band = {"label": label, "from": low, "to": high, "amount": amount}
        if read.text(f"band-{i}-label_my"):
            band["label_my"] = read.text(f"band-{i}-label_my")
        rules["bands"].append(band)
    if not rules["bands"] and not read.fields:
        read.fields["band-0-label"] = N_("Set at least one rank band.")
    default = read.amount("default_amount", required=False)
    if default is not None:
        rules["default_amount"] = default
    return rules


def _stipend(read: _Reader) -> dict[str, Any]:
    instalments: list[int | None] = []
    for i in range(STEP_ROWS):
        if not read.text(f"step-{i}-amount") and not read.text(f"step-{i}-months"):
            continue
        amount = read.amount(f"step-{i}-amount")
        months = read.count(
            f"step-{i}-months",
            N_("Enter the number of months, from 1 to 120."),
            required=True,
            upper=MAX_MONTHS,
        )
        instalments.extend([amount] * (months or 0))
    if not instalments and not read.fields:
        read.fields["step-0-amount"] = NEEDED
    elif len(instalments) > MAX_MONTHS:
        read.fields["step-0-months"] = N_("At most 120 months in all.")
    rules: dict[str, Any] = {"instalments": instalments}
    top_up = read.amount("per_dependant", required=False)
    if top_up is not None:
        rules["per_dependant"] = top_up
    return rules


def _dependants(read: _Reader) -> dict[str, Any]:
    rules: dict[str, Any] = {"amount_per_dependant": read.amount("amount_per_dependant")}
    cap = read.count(
        "max_dependants", N_("Enter a number of dependants, 1 or more."), required=False
    )
    if cap is not None:
        rules["max_dependants"] = cap
    return rules


def _weapons(read: _Reader) -> dict[str, Any]:
    rewards = {}
    for weapon in WeaponKind:
        reward = read.amount(f"reward-{weapon}", required=False)
        if reward is not None:
            rewards[str(weapon)] = reward
    if not rewards and not read.fields:
        read.fields[f"reward-{WeaponKind.RIFLE}"] = N_(
            "Give a reward for at least one kind of weapon or equipment."
        )
    return {"rewards": rewards, "serviceable_only": bool(read.values.get("serviceable_only"))}


def _grant(read: _Reader) -> dict[str, Any]:
    return {"amount": read.amount("amount")}


def rules_from_form(kind: ComponentKind, values: Mapping[str, Any], currency: str) -> Any:
    """The rules of a component of `kind` from its form's fields, in minor units. Raises
    ValidationFailed naming the form's fields."""
    read = _Reader(values, currency)
    readers = {
        ComponentKind.DEFECTION_PAYMENT: _defection,
        ComponentKind.MONTHLY_STIPEND: _stipend,
        ComponentKind.DEPENDANT_ALLOWANCE: _dependants,
        ComponentKind.WEAPON_REWARD: _weapons,
    }
    rules = readers.get(kind, _grant)(read)
    if read.fields:
        raise ValidationFailed(fields=read.fields)
    return rules


def steps(instalments: list[int]) -> list[tuple[int, int]]:
    """[150000, 150000, 100000] → [(150000, 2), (100000, 1)]: runs of the same amount."""
    runs: list[tuple[int, int]] = []
    for amount in instalments:
        if runs and runs[-1][0] == amount:
            runs[-1] = (amount, runs[-1][1] + 1)
        else:
            runs.append((amount, 1))
    return runs


def values_of(
    *,
    kind: str,
    currency: str,
    rules: Mapping[str, Any],
    eligibility: Mapping[str, Any],
    code: str,
    name_en: str,
    name_my: str | None,
) -> dict[str, Any]:
    """The form's values for a stored component (amounts in major units)."""

    def major(amount: int | None) -> str:
        return to_major(amount, currency)

    values: dict[str, Any] = {
        "code": code,
        "kind": kind,
        "currency": currency,
        "name_en": name_en,
        "name_my": name_my or "",
        "eligibility": dict(eligibility),
    }
    if kind == ComponentKind.DEFECTION_PAYMENT:
        bands = list(rules.get("bands", []))
        values["force_id"] = str(rules.get("force_id", ""))
        values["band_rows"] = str(max(BAND_ROWS, len(bands) + 2))
        for i, band in enumerate(bands):
            values[f"band-{i}-label"] = band.get("label", "")
            values[f"band-{i}-label_my"] = band.get("label_my", "")
            values[f"band-{i}-from"] = str(band.get("from_rank_id", ""))
            values[f"band-{i}-to"] = str(band.get("to_rank_id", ""))
            values[f"band-{i}-amount"] = major(band.get("amount"))
        values["default_amount"] = major(rules.get("default_amount"))
    elif kind == ComponentKind.MONTHLY_STIPEND:
        for i, (amount, months) in enumerate(steps(list(rules.get("instalments", [])))):
            if i >= STEP_ROWS:  # a plan file may carry more steps than the form shows
                break
            values[f"step-{i}-amount"] = major(amount)
            values[f"step-{i}-months"] = str(months)
        values["per_dependant"] = major(rules.get("per_dependant"))
    elif kind == ComponentKind.DEPENDANT_ALLOWANCE:
        values["amount_per_dependant"] = major(rules.get("amount_per_dependant"))
        cap = rules.get("max_dependants")
        values["max_dependants"] = str(cap) if cap else ""
    elif kind == ComponentKind.WEAPON_REWARD:
        for name, reward in dict(rules.get("rewards", {})).items():
            values[f"reward-{name}"] = major(reward)
        values["serviceable_only"] = bool(rules.get("serviceable_only", True))
    else:
        values["amount"] = major(rules.get("amount"))
    return values


def fits_form(kind: str, rules: Mapping[str, Any]) -> bool:
    """Whether the form can show the component whole (a stipend of more than `STEP_ROWS`
    different amounts, from a plan file, cannot)."""
    if kind == ComponentKind.MONTHLY_STIPEND:
        return len(steps(list(rules.get("instalments", [])))) <= STEP_ROWS
    return True


def blank_values(kind: ComponentKind, currency: str = "MMK") -> dict[str, Any]:
    """A new component's form: no amounts yet; a weapon reward counts serviceable items."""
    values: dict[str, Any] = {
        "kind": str(kind),
        "currency": currency,
        "eligibility": {},
        "band_rows": str(BAND_ROWS),
    }
    if kind is ComponentKind.WEAPON_REWARD:
        values["serviceable_only"] = True
    return values


def new_code(kind: ComponentKind, taken: set[str]) -> str:
    """A code for a new component (`monthly_stipend`, then `monthly_stipend_2`…): codes join
    a component to its budget lines and instalments, and are never shown to people."""
    base = str(kind)
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"
