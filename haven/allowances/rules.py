"""The defection plan's components as data, and the pure computation of what a person is owed.

Nothing here touches the database: `compute(facts, components)` is a deterministic function
of the person's facts and the plan version's components, so the same facts always give the
same lines, and every line carries the facts behind its amount (`detail`) for the
line-by-line explanation.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.errors import ValidationFailed
from haven.i18n import N_, Text
from haven.kernel.labels import Labelled
from haven.pathways.public import Pathway
from haven.reception.public import Classification, WeaponKind
from haven.vetting.public import PAYABLE, VettingStatus


class ComponentKind(Labelled):
    # one time, by rank band
    DEFECTION_PAYMENT = "defection_payment", N_("Defection payment by rank band")
    # N monthly instalments, possibly decreasing
    MONTHLY_STIPEND = "monthly_stipend", N_("Monthly stipend in instalments")
    # per dependant
    DEPENDANT_ALLOWANCE = "dependant_allowance", N_("Allowance per dependant")
    # per weapon or equipment type handed over
    WEAPON_REWARD = "weapon_reward", N_("Reward per weapon or equipment handed over")
    # exile pathway
    RELOCATION_GRANT = "relocation_grant", N_("Relocation grant (exile)")
    # going home
    SETTLEMENT_GRANT = "settlement_grant", N_("Settlement grant (going home)")


# Minor units per currency. The kyat is used without pya in practice, so MMK amounts are
# whole kyat; baht and dollars have two decimals.
CURRENCY_EXPONENT: dict[str, int] = {"MMK": 0, "THB": 2, "USD": 2}
CURRENCIES = tuple(CURRENCY_EXPONENT)
MAX_AMOUNT = 10**12  # minor units; far above any allowance, far below any integer limit
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# Defaults when a component's eligibility does not name pathways.
DEFAULT_PATHWAYS: dict[ComponentKind, tuple[Pathway, ...]] = {
    ComponentKind.RELOCATION_GRANT: (Pathway.EXILE,),
    ComponentKind.SETTLEMENT_GRANT: (Pathway.HOME,),
}


def format_money(amount_minor: int, currency: str) -> str:
    """`500000, "MMK"` → "500,000 MMK"; `150050, "THB"` → "1,500.50 THB"."""
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**exponent) if exponent else (abs(amount_minor), 0)
    text = f"{whole:,}"
    if exponent:
        text += f".{frac:0{exponent}d}"
    return f"{sign}{text} {currency}"


@dataclass(frozen=True)
class Facts:
    """What the computation needs to know about one person, read once by `facts.load`."""

    person_id: uuid.UUID
    organisation_id: uuid.UUID
    received_on: date
    classification: str
    rank_seniority: int | None = None
    rank_name: str | None = None
    dependants: int = 0
    weapons: Mapping[str, int] = field(default_factory=dict)  # kind -> serviceable or unknown
    weapons_any: Mapping[str, int] = field(default_factory=dict)  # kind -> all handed over
    pathway: Pathway | None = None
    vetting: VettingStatus = VettingStatus.PENDING


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    kind: ComponentKind
    name_en: str
    name_my: str | None
    currency: str
    rules: Mapping[str, Any]
    eligibility: Mapping[str, Any]


@dataclass(frozen=True)
class Line:
    """One instalment owed, with the facts that explain its amount."""

    component_code: str
    number: int
    due_on: date
    amount_minor: int
    currency: str
    detail: Mapping[str, Any]
    overridden: bool = False


@dataclass(frozen=True)
class Outcome:
    lines: tuple[Line, ...]
    # Component code -> why the person gets nothing from it (a translatable reason).
    not_eligible: Mapping[str, str]


# --- validation of plan data --------------------------------------------------------------


def _amount(value: Any, where: str, fields: dict[str, Text | str], *, allow_zero: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        fields[where] = N_("Enter a whole number of minor units (no decimals, no commas).")
        return 0
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_AMOUNT:
        fields[where] = N_("Enter an amount above zero and below one trillion.")
    return value


def validate_component(
    *,
    code: str,
    kind: str,
    currency: str,
    rules: Any,
    eligibility: Any,
) -> tuple[ComponentKind, dict[str, Any], dict[str, Any]]:
    """Check a component's data; return the kind and normalised rules and eligibility.

    Raises ValidationFailed with a message per field (`code`, `kind`, `currency`, `rules`,
    `eligibility`) so that an administrator's form or an imported file says what is wrong.
    """
    fields: dict[str, Text | str] = {}
    if not CODE_PATTERN.match(code or ""):
        fields["code"] = N_(
            "Use 2 to 40 lower-case letters, digits or underscores, starting with a letter."
        )
    try:
        parsed_kind = ComponentKind(kind)
    except ValueError:
        raise ValidationFailed(
            fields={**fields, "kind": N_("Choose a kind of component.")}
        ) from None
    if currency not in CURRENCY_EXPONENT:
        fields["currency"] = N_("Choose MMK, THB or USD.")
    if not isinstance(rules, dict):
        raise ValidationFailed(fields={**fields, "rules": N_("The amounts must be a JSON object.")})
    if not isinstance(eligibility, dict):
        raise ValidationFailed(
            fields={**fields, "eligibility": N_("The eligibility must be a JSON object.")}
        )
    clean = _validate_rules(parsed_kind, rules, fields)
    clean_eligibility = _validate_eligibility(eligibility, fields)
    if fields:
        raise ValidationFailed(fields=fields)
    return parsed_kind, clean, clean_eligibility


def _rules_defection(rules: Mapping[str, Any], fields: dict[str, Text | str]) -> dict[str, Any]:
    bands = rules.get("bands")
    if not isinstance(bands, list) or not bands:
        fields["rules"] = N_(
            'List the rank bands: {"bands": [{"label": "Captain", "from": 10, "to": 10, '
            '"amount": 500000}]}.'
        )
        return {}
    clean_bands = []
    for band in bands:
        if not isinstance(band, dict) or not isinstance(band.get("label"), str):
            fields["rules"] = N_("Each band needs a label, a from and to seniority, an amount.")
            return {}
        low, high = band.get("from"), band.get("to")
        if not isinstance(low, int) or not isinstance(high, int) or low < 1 or high < low:
            fields["rules"] = N_(
                "A band's seniorities run from the more senior (smaller number) to the "
                "more junior, both 1 or more."
            )
            return {}
        amount = _amount(band.get("amount"), "rules", fields, allow_zero=False)
        clean_bands.append(
            {"label": band["label"].strip()[:100], "from": low, "to": high, "amount": amount}
        )
    ordered = sorted(clean_bands, key=lambda b: b["from"])
    for before, after in itertools.pairwise(ordered):
        if after["from"] <= before["to"]:
            fields["rules"] = N_("Rank bands may not overlap.")
    result: dict[str, Any] = {"bands": ordered}
    if rules.get("default_amount") is not None:
        result["default_amount"] = _amount(
            rules["default_amount"], "rules", fields, allow_zero=False
        )
    return result


def _rules_stipend(rules: Mapping[str, Any], fields: dict[str, Text | str]) -> dict[str, Any]:
    instalments = rules.get("instalments")
    if not isinstance(instalments, list) or not 1 <= len(instalments) <= 120:
        fields["rules"] = N_(
            'List 1 to 120 monthly amounts: {"instalments": [150000, 150000, 100000]}.'
        )
        return {}
    amounts = [_amount(a, "rules", fields, allow_zero=False) for a in instalments]
    result: dict[str, Any] = {"instalments": amounts}
    if rules.get("per_dependant") is not None:
        result["per_dependant"] = _amount(rules["per_dependant"], "rules", fields, allow_zero=True)
    return result


def _rules_dependants(rules: Mapping[str, Any], fields: dict[str, Text | str]) -> dict[str, Any]:
    amount = _amount(rules.get("amount_per_dependant"), "rules", fields, allow_zero=False)
    result = {"amount_per_dependant": amount}
    cap = rules.get("max_dependants")
    if cap is not None:
        if not isinstance(cap, int) or cap < 1:
            fields["rules"] = N_("The maximum number of dependants must be 1 or more.")
        result["max_dependants"] = cap
    return result


def _rules_weapons(rules: Mapping[str, Any], fields: dict[str, Text | str]) -> dict[str, Any]:
    rewards = rules.get("rewards")
    if not isinstance(rewards, dict) or not rewards:
        fields["rules"] = N_('Give a reward per kind: {"rewards": {"rifle": 300000}}.')
        return {}
    kinds = {str(k) for k in WeaponKind}
    clean_rewards = {}
    for name, value in rewards.items():
        if name not in kinds:
            fields["rules"] = N_("Use the weapon kinds of the reception form (rifle, pistol…).")
            return {}
        clean_rewards[name] = _amount(value, "rules", fields, allow_zero=False)
    return {
        "rewards": dict(sorted(clean_rewards.items())),
        "serviceable_only": bool(rules.get("serviceable_only", True)),
    }


def _rules_grant(rules: Mapping[str, Any], fields: dict[str, Text | str]) -> dict[str, Any]:
    amount = _amount(rules.get("amount"), "rules", fields, allow_zero=False)
    return {"amount": amount}


def _validate_rules(
    kind: ComponentKind, rules: Mapping[str, Any], fields: dict[str, Text | str]
) -> dict[str, Any]:
    validators = {
        ComponentKind.DEFECTION_PAYMENT: _rules_defection,
        ComponentKind.MONTHLY_STIPEND: _rules_stipend,
        ComponentKind.DEPENDANT_ALLOWANCE: _rules_dependants,
        ComponentKind.WEAPON_REWARD: _rules_weapons,
    }
    return validators.get(kind, _rules_grant)(rules, fields)


def _validate_eligibility(
    eligibility: Mapping[str, Any], fields: dict[str, Text | str]
) -> dict[str, Any]:
    allowed = {
        "classifications": {str(c) for c in Classification},
        "pathways": {str(p) for p in Pathway},
        "vetting": {str(s) for s in PAYABLE},
    }
    clean: dict[str, Any] = {}
    for name, values in eligibility.items():
        if name not in allowed:
            fields["eligibility"] = N_(
                "Eligibility may name classifications, pathways and vetting statuses only."
            )
            continue
        if not isinstance(values, list) or not set(map(str, values)) <= allowed[name]:
            fields["eligibility"] = N_("An eligibility value is not one Haven knows.")
            continue
        if values:
            clean[name] = sorted(set(map(str, values)))
    return clean


# --- computation ----------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(day, start.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _eligibility_reason(spec: ComponentSpec, facts: Facts) -> str | None:
    rule = spec.eligibility
    classifications = rule.get("classifications")
    if classifications and facts.classification not in classifications:
        return N_("Not open to this classification.")
    pathways = rule.get("pathways") or [str(p) for p in DEFAULT_PATHWAYS.get(spec.kind, ())]
    if pathways:
        if facts.pathway is None:
            return N_("Pathway not chosen yet.")
        if str(facts.pathway) not in pathways:
            return N_("Not open to the chosen pathway.")
    vetting = rule.get("vetting")
    if vetting and str(facts.vetting) not in vetting and facts.vetting in PAYABLE:
        return N_("Not open to this vetting outcome.")
    return None


def _owed_defection(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    if facts.rank_seniority is None:
        default = rules.get("default_amount")
        if default is None:
            return [], N_("No rank recorded.")
        return [(1, default, {"band": None, "rank": None})], None
    for band in rules["bands"]:
        if band["from"] <= facts.rank_seniority <= band["to"]:
            detail = {"band": band["label"], "rank": facts.rank_name}
            return [(1, band["amount"], detail)], None
    default = rules.get("default_amount")
    if default is None:
        return [], N_("The rank is in no band of the plan.")
    return [(1, default, {"band": None, "rank": facts.rank_name})], None


def _owed_stipend(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    per_dependant = rules.get("per_dependant", 0)
    out = []
    for index, base in enumerate(rules["instalments"]):
        top_up = per_dependant * facts.dependants
        detail = {"month": index + 1, "of": len(rules["instalments"]), "base": base}
        if top_up:
            detail |= {"dependants": facts.dependants, "per_dependant": per_dependant}
        out.append((index + 1, base + top_up, detail))
    return out, None


def _owed_dependants(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    cap = rules.get("max_dependants")
    count = min(facts.dependants, cap) if cap else facts.dependants
    if count == 0:
        return [], N_("No dependants recorded.")
    per = rules["amount_per_dependant"]
    return [(1, per * count, {"dependants": count, "per_dependant": per})], None


def _owed_weapons(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    items = []
    total = 0
    counted = facts.weapons if rules.get("serviceable_only", True) else facts.weapons_any
    for kind, reward in rules["rewards"].items():
        quantity = counted.get(kind, 0)
        if quantity:
            items.append({"kind": kind, "quantity": quantity, "reward": reward})
            total += quantity * reward
    if not items:
        return [], N_("No rewarded weapon or equipment handed over.")
    return [(1, total, {"items": items})], None


def _owed_grant(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    return [(1, rules["amount"], {})], None


def _lines_of(
    spec: ComponentSpec, facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    """(number, amount, detail) per instalment, or a reason for none."""
    compute_owed = {
        ComponentKind.DEFECTION_PAYMENT: _owed_defection,
        ComponentKind.MONTHLY_STIPEND: _owed_stipend,
        ComponentKind.DEPENDANT_ALLOWANCE: _owed_dependants,
        ComponentKind.WEAPON_REWARD: _owed_weapons,
    }
    return compute_owed.get(spec.kind, _owed_grant)(spec.rules, facts)


def compute(
    facts: Facts,
    components: Sequence[ComponentSpec],
    *,
    overrides: Mapping[str, int] | None = None,
) -> Outcome:
    """Every instalment the person is owed under these components, in a stable order.

    A person referred for accountability is owed nothing. A pending vetting does not stop the
    computation (the amounts are shown) but nothing is payable until the person is cleared;
    that is checked when a batch is prepared, approved and disbursed. An agreement's override
    replaces the amount of each instalment of that component (eligibility still applies).
    """
    overrides = overrides or {}
    lines: list[Line] = []
    not_eligible: dict[str, str] = {}
    for spec in components:
        if facts.vetting is VettingStatus.REFERRED:
            not_eligible[spec.code] = N_("Referred for accountability: excluded.")
            continue
        reason = _eligibility_reason(spec, facts)
        if reason is None:
            parts, reason = _lines_of(spec, facts)
        if reason is not None:
            not_eligible[spec.code] = reason
            continue
        override = overrides.get(spec.code)
        for number, amount, detail in parts:
            final = amount if override is None else max(0, int(override))
            lines.append(
                Line(
                    component_code=spec.code,
                    number=number,
                    due_on=add_months(facts.received_on, number - 1),
                    amount_minor=final,
                    currency=spec.currency,
                    detail=detail | ({"plan_amount": amount} if override is not None else {}),
                    overridden=override is not None,
                )
            )
    return Outcome(lines=tuple(lines), not_eligible=not_eligible)


def explain(
    kind: ComponentKind,
    name: str,
    amount_minor: int,
    currency: str,
    detail: Mapping[str, Any],
    *,
    gettext: Any,
) -> str:
    """One line of explanation in the reader's language ("Defection payment, Captain band:
    500,000 MMK"). `gettext` is the translation function of the reader's language."""
    money = format_money(amount_minor, currency)
    _ = gettext
    if kind is ComponentKind.DEFECTION_PAYMENT:
        if detail.get("band"):
            text = _("%(name)s, %(band)s band: %(amount)s") % {
                "name": name,
                "band": detail["band"],
                "amount": money,
            }
        else:
            text = _("%(name)s, no rank band: %(amount)s") % {"name": name, "amount": money}
    elif kind is ComponentKind.MONTHLY_STIPEND:
        text = _("%(name)s, month %(month)s of %(of)s: %(amount)s") % {
            "name": name,
            "month": detail.get("month"),
            "of": detail.get("of"),
            "amount": money,
        }
        if detail.get("dependants"):
            text += " " + _("(including %(count)s dependants at %(each)s)") % {
                "count": detail["dependants"],
                "each": format_money(detail["per_dependant"], currency),
            }
    elif kind is ComponentKind.DEPENDANT_ALLOWANCE:
        text = _("%(name)s, %(count)s dependants at %(each)s: %(amount)s") % {
            "name": name,
            "count": detail.get("dependants"),
            "each": format_money(detail.get("per_dependant", 0), currency),
            "amount": money,
        }
    elif kind is ComponentKind.WEAPON_REWARD:
        parts = ", ".join(
            f"{item['quantity']} × {item['kind']} @ {format_money(item['reward'], currency)}"
            for item in detail.get("items", [])
        )
        text = _("%(name)s (%(items)s): %(amount)s") % {
            "name": name,
            "items": parts,
            "amount": money,
        }
    else:
        text = _("%(name)s: %(amount)s") % {"name": name, "amount": money}
    if "plan_amount" in detail:
        text += " " + _("(set by the agreement; the plan says %(plan)s)") % {
            "plan": format_money(detail["plan_amount"], currency)
        }
    return str(text)
