"""The defection plan's components as data, and the pure computation of what a person is owed.

Nothing here touches the database: `compute(facts, components)` is a deterministic function
of the person's facts and the plan version's components, so the same facts always give the
same lines, and every line carries the facts behind its amount (`detail`) for the
line-by-line explanation.

Rank bands are set on a receiving force's rank table (`RankTable`, read by `plans`): a person
is banded by the equivalent of their rank in that force, taken at the date their terms were
fixed (`Facts.equivalents`, read by `facts`), never by the raw place of their own rank in
their own force's table. A child is never handed cash (`ChildDelivery`), and `open_to` says
in words who a component is for (docs/allowances.md).
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
from haven.pathways.public import PATHWAY_LABELS, Pathway
from haven.reception.public import Classification, WeaponKind
from haven.vetting.public import PAYABLE, STATUS_LABELS, VettingStatus


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


class ChildDelivery(Labelled):
    """How a child receives a component: never as cash in the child's hands (the Paris
    Principles). Stored in a component's eligibility as `children`."""

    GUARDIAN_OR_IN_KIND = "guardian_or_in_kind", N_("Through a guardian, or in kind")
    IN_KIND = "in_kind", N_("In kind only")
    NOT_OPEN = "not_open", N_("Not open to children")


@dataclass(frozen=True)
class RankRef:
    """A rank of a force's table, as the computation needs it."""

    id: str
    seniority: int
    name_en: str
    name_my: str | None = None


@dataclass(frozen=True)
class RankTable:
    """A receiving force's rank table: what rank bands are set on."""

    force_id: str
    name: str
    ranks: tuple[RankRef, ...]
    name_my: str | None = None

    def rank(self, ref: Any) -> RankRef | None:
        """The rank a plan names: its id, its English name, or its place in the table."""
        if isinstance(ref, bool):
            return None
        if isinstance(ref, int):
            return next((r for r in self.ranks if r.seniority == ref), None)
        if isinstance(ref, str) and ref.strip():
            wanted = ref.strip().casefold()
            return next(
                (r for r in self.ranks if r.id == ref.strip() or r.name_en.casefold() == wanted),
                None,
            )
        return None


@dataclass(frozen=True)
class Equivalent:
    """The rank a person's rank becomes in one receiving force, on the date it was taken.
    `today` says the fallback was used: no equivalence was in force on the date the terms
    fixed, so the one in force today is shown (and named as such)."""

    rank: RankRef
    on: date
    today: bool = False


@dataclass(frozen=True)
class Facts:
    """What the computation needs to know about one person, read once by `facts.load`."""

    person_id: uuid.UUID
    organisation_id: uuid.UUID
    received_on: date
    classification: str
    rank_id: str | None = None  # the person's own rank, in the force they came from
    rank_name: str | None = None
    # Receiving force id -> the equivalent of the person's rank there.
    equivalents: Mapping[str, Equivalent] = field(default_factory=dict)
    dependants: int = 0
    weapons: Mapping[str, int] = field(default_factory=dict)  # kind -> serviceable or unknown
    weapons_any: Mapping[str, int] = field(default_factory=dict)  # kind -> all handed over
    pathway: Pathway | None = None
    vetting: VettingStatus | None = VettingStatus.PENDING  # None: a child, who is not vetted
    child: bool = False
    excluded: bool = False  # referred for accountability, or not eligible: owed nothing


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
    tables: Mapping[str, RankTable] | None = None,
) -> tuple[ComponentKind, dict[str, Any], dict[str, Any]]:
    """Check a component's data; return the kind and normalised rules and eligibility.

    `tables`: the receiving forces' rank tables by force id, on which rank bands are set.
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
    if parsed_kind is ComponentKind.DEFECTION_PAYMENT:
        clean = _rules_defection(rules, fields, tables or {})
    else:
        clean = _validate_rules(parsed_kind, rules, fields)
    clean_eligibility = _validate_eligibility(eligibility, fields)
    if fields:
        raise ValidationFailed(fields=fields)
    return parsed_kind, clean, clean_eligibility


def _receiving_table(
    rules: Mapping[str, Any], tables: Mapping[str, RankTable], fields: dict[str, Text | str]
) -> RankTable | None:
    """The receiving force the bands are set on: `force_id`, or `force` (its name), or the
    only receiving force there is."""
    named = rules.get("force_id", rules.get("force"))
    if named is None:
        if len(tables) == 1:
            return next(iter(tables.values()))
        fields["rules"] = N_(
            'Name the receiving force whose rank table the bands are set on: {"force": '
            '"…", "bands": […]}.'
        )
        return None
    wanted = str(named).strip()
    for table in tables.values():
        if wanted in (table.force_id, table.name) or wanted.casefold() == table.name.casefold():
            return table
    fields["rules"] = N_("Rank bands are set on a receiving force's rank table: name one.")
    return None


def _rules_defection(
    rules: Mapping[str, Any], fields: dict[str, Text | str], tables: Mapping[str, RankTable]
) -> dict[str, Any]:
    bands = rules.get("bands")
    if not isinstance(bands, list) or not bands:
        fields["rules"] = N_(
            'List the rank bands of the receiving force: {"force": "…", "bands": [{"label": '
            '"Captain", "from": "Captain", "to": "Captain", "amount": 500000}]}.'
        )
        return {}
    table = _receiving_table(rules, tables, fields)
    if table is None:
        return {}
    clean_bands = []
    for band in bands:
        if not isinstance(band, dict) or not isinstance(band.get("label"), str):
            fields["rules"] = N_("Each band needs a label, a first and a last rank, an amount.")
            return {}
        low = table.rank(band.get("from_rank_id", band.get("from")))
        high = table.rank(band.get("to_rank_id", band.get("to")))
        if low is None or high is None:
            fields["rules"] = N_(
                "A band's first and last ranks must be ranks of the receiving force: its "
                "name, or its place in that force's table (1 is the most senior)."
            )
            return {}
        if high.seniority < low.seniority:
            fields["rules"] = N_("A band runs from its more senior rank to its more junior rank.")
            return {}
        amount = _amount(band.get("amount"), "rules", fields, allow_zero=False)
        label_my = band.get("label_my")
        clean_bands.append(
            {
                "label": band["label"].strip()[:100],
                # The band's name in Burmese, for the Burmese statement (optional).
                **(
                    {"label_my": label_my.strip()[:100]}
                    if isinstance(label_my, str) and label_my.strip()
                    else {}
                ),
                "from_rank_id": low.id,
                "to_rank_id": high.id,
                "from": low.seniority,
                "to": high.seniority,
                "amount": amount,
            }
        )
    ordered = sorted(clean_bands, key=lambda b: b["from"])
    for before, after in itertools.pairwise(ordered):
        if after["from"] <= before["to"]:
            fields["rules"] = N_("Rank bands may not overlap.")
    result: dict[str, Any] = {"force_id": table.force_id, "bands": ordered}
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
        if name == "children":
            if values in (None, ""):
                continue
            if values not in {str(c) for c in ChildDelivery}:
                fields["eligibility"] = N_(
                    "Say how a child receives it: through a guardian or in kind, in kind "
                    "only, or not at all."
                )
                continue
            if values != ChildDelivery.GUARDIAN_OR_IN_KIND:
                clean["children"] = str(values)
            continue
        if name not in allowed:
            fields["eligibility"] = N_(
                "Eligibility may name classifications, pathways, vetting statuses and how a "
                "child receives it, only."
            )
            continue
        if not isinstance(values, list) or not set(map(str, values)) <= allowed[name]:
            fields["eligibility"] = N_("An eligibility value is not one Haven knows.")
            continue
        if values:
            clean[name] = sorted(set(map(str, values)))
    return clean


def child_delivery(eligibility: Mapping[str, Any]) -> ChildDelivery:
    """How a child receives a component (through a guardian or in kind, unless it says
    otherwise): never as cash in the child's hands."""
    try:
        return ChildDelivery(str(eligibility.get("children") or ChildDelivery.GUARDIAN_OR_IN_KIND))
    except ValueError:
        return ChildDelivery.GUARDIAN_OR_IN_KIND


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
    if facts.child and child_delivery(rule) is ChildDelivery.NOT_OPEN:
        return N_("Not open to children.")
    classifications = rule.get("classifications")
    if classifications and facts.classification not in classifications:
        return N_("Not open to this classification.")
    pathways = rule.get("pathways") or [str(p) for p in DEFAULT_PATHWAYS.get(spec.kind, ())]
    if pathways:
        if facts.pathway is None:
            return N_("Pathway not chosen yet.")
        if str(facts.pathway) not in pathways:
            return N_("Not open to the chosen pathway.")
    # A vetting outcome restricts adults; a child is not vetted.
    vetting = rule.get("vetting")
    if (
        vetting
        and facts.vetting is not None
        and str(facts.vetting) not in vetting
        and facts.vetting in PAYABLE
    ):
        return N_("Not open to this vetting outcome.")
    return None


def _owed_defection(
    rules: Mapping[str, Any], facts: Facts
) -> tuple[list[tuple[int, int, dict[str, Any]]], str | None]:
    default = rules.get("default_amount")
    if facts.rank_id is None:
        if default is None:
            return [], N_("No rank recorded.")
        return [(1, default, {"band": None, "rank": None})], None
    force_id = rules.get("force_id")
    if force_id is None:
        # Bands written before they were set on a receiving force's table (docs/allowances.md).
        return [], N_(
            "The plan's rank bands name no receiving force: publish a plan version whose bands "
            "are set on a receiving force's rank table."
        )
    equivalent = facts.equivalents.get(str(force_id))
    if equivalent is None:
        if default is None:
            return [], N_("The rank has no equivalent in the receiving force's rank table.")
        return [(1, default, {"band": None, "rank": facts.rank_name})], None
    detail: dict[str, Any] = {
        "rank": facts.rank_name,
        "equivalent": equivalent.rank.name_en,
        "equivalent_my": equivalent.rank.name_my,
        "equivalent_rank_id": equivalent.rank.id,
        "equivalence_on": equivalent.on.isoformat(),
    }
    if equivalent.today:
        detail["equivalence_today"] = True
    for band in rules["bands"]:
        if band["from"] <= equivalent.rank.seniority <= band["to"]:
            named = {"band": band["label"]} | (
                {"band_my": band["label_my"]} if band.get("label_my") else {}
            )
            return [(1, band["amount"], detail | named)], None
    if default is None:
        return [], N_("The equivalent rank is in no band of the plan.")
    return [(1, default, detail | {"band": None})], None


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
    that is checked when a batch is prepared, approved and disbursed, from the person's
    standing (a child's support is never held by vetting). A child is owed the same amounts,
    delivered through a guardian or in kind (`detail["delivery"]`), never as cash in the
    child's hands. An agreement's override replaces the amount of each instalment of that
    component (eligibility still applies).
    """
    overrides = overrides or {}
    lines: list[Line] = []
    not_eligible: dict[str, str] = {}
    for spec in components:
        if facts.excluded:
            # Excluded: referred for accountability, or not a member of the force.
            not_eligible[spec.code] = (
                N_("Not eligible: not a member of the force")
                if facts.vetting is VettingStatus.NOT_ELIGIBLE
                else N_("Referred for accountability: excluded.")
            )
            continue
        reason = _eligibility_reason(spec, facts)
        if reason is None:
            parts, reason = _lines_of(spec, facts)
        if reason is not None:
            not_eligible[spec.code] = reason
            continue
        override = overrides.get(spec.code)
        delivery = {"delivery": str(child_delivery(spec.eligibility))} if facts.child else {}
        for number, amount, detail in parts:
            final = amount if override is None else max(0, int(override))
            lines.append(
                Line(
                    component_code=spec.code,
                    number=number,
                    due_on=add_months(facts.received_on, number - 1),
                    amount_minor=final,
                    currency=spec.currency,
                    detail=detail
                    | ({"plan_amount": amount} if override is not None else {})
                    | delivery,
                    overridden=override is not None,
                )
            )
    return Outcome(lines=tuple(lines), not_eligible=not_eligible)


# How a child's instalment is delivered, as the statement says it.
DELIVERY_NOTE: dict[str, str] = {
    ChildDelivery.GUARDIAN_OR_IN_KIND: N_("(for a child: handed to a guardian, or given in kind)"),
    ChildDelivery.IN_KIND: N_("(for a child: given in kind, never in cash)"),
}


def _explain_defection(
    name: str, money: str, detail: Mapping[str, Any], *, gettext: Any, language: str
) -> str:
    _ = gettext
    if detail.get("band"):
        text = _("%(name)s, %(band)s band: %(amount)s") % {
            "name": name,
            "band": (detail.get("band_my") if language == "my" else None) or detail["band"],
            "amount": money,
        }
    else:
        text = _("%(name)s, no rank band: %(amount)s") % {"name": name, "amount": money}
    if detail.get("equivalent"):
        equivalent = (detail.get("equivalent_my") if language == "my" else None) or detail[
            "equivalent"
        ]
        text += " " + _("(equivalent rank in the receiving force: %(rank)s, on %(on)s)") % {
            "rank": equivalent,
            "on": detail.get("equivalence_on", ""),
        }
        if detail.get("equivalence_today"):
            text += " " + _(
                "(no equivalence was in force on that date: the one in force today is used)"
            )
    return str(text)


def explain(
    kind: ComponentKind,
    name: str,
    amount_minor: int,
    currency: str,
    detail: Mapping[str, Any],
    *,
    gettext: Any,
    language: str = "en",
) -> str:
    """One line of explanation in the reader's language ("Defection payment, Captain band:
    500,000 MMK"). `gettext` is the translation function of the reader's language."""
    money = format_money(amount_minor, currency)
    _ = gettext
    if kind is ComponentKind.DEFECTION_PAYMENT:
        text = _explain_defection(name, money, detail, gettext=gettext, language=language)
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
        kinds = {str(k): k.label for k in WeaponKind}  # in the reader's words, not the code
        parts = ", ".join(
            f"{item['quantity']} × {_(kinds.get(item['kind'], item['kind']))} @ "
            f"{format_money(item['reward'], currency)}"
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
    delivery = DELIVERY_NOTE.get(str(detail.get("delivery")))
    if delivery:
        text += " " + _(delivery)
    return str(text)


# --- who a component is open to, in words ----------------------------------------------------

OPEN_TO_EVERYONE = N_("Open to everyone received.")
OPEN_TO_CLASSIFICATIONS = N_("Open to those received as: %(classifications)s.")
OPEN_TO_PATHWAYS = N_("Only for those who chose: %(pathways)s.")
# Said instead of "everyone" when only a pathway or a vetting outcome narrows it.
OPEN_TO_CHOSEN = N_("Open to those who chose: %(pathways)s.")
OPEN_TO_ADULTS_VETTED = N_("Open to adults once vetting has found: %(outcomes)s.")
OPEN_TO_VETTING = N_("For adults, only once vetting has found: %(outcomes)s.")
OPEN_TO_RANKS = N_("The amount follows the person's equivalent rank in %(force)s.")
CHILDREN_SENTENCE: dict[ChildDelivery, str] = {
    ChildDelivery.GUARDIAN_OR_IN_KIND: N_(
        "A child is never handed cash: a guardian from the child's family receives it, or "
        "it is given in kind."
    ),
    ChildDelivery.IN_KIND: N_("A child receives it in kind only, never in cash."),
    ChildDelivery.NOT_OPEN: N_("Not open to children."),
}


def open_to(
    kind: ComponentKind,
    eligibility: Mapping[str, Any],
    *,
    gettext: Any,
    language: str = "en",
    rules: Mapping[str, Any] | None = None,
    tables: Mapping[str, RankTable] | None = None,
) -> str:
    """Who a component is open to, in a sentence or two of the reader's language: the
    classifications, the pathways (a relocation grant defaults to exile, a settlement grant
    to going home), the vetting outcomes, the receiving force whose ranks set the amount,
    and how a child receives it."""
    _ = gettext
    comma = "၊ " if language == "my" else ", "
    sentences: list[str] = []
    classifications = eligibility.get("classifications") or []
    pathways = eligibility.get("pathways") or [str(p) for p in DEFAULT_PATHWAYS.get(kind, ())]
    outcomes = eligibility.get("vetting") or []
    pathway_names = comma.join(_(PATHWAY_LABELS.get(p, p)) for p in pathways)
    outcome_names = comma.join(_(STATUS_LABELS.get(v, v)) for v in outcomes)
    # Say exactly who: "everyone" only when nothing narrows it.
    if classifications:
        names = comma.join(_(Classification(c).label) for c in classifications)
        sentences.append(_(OPEN_TO_CLASSIFICATIONS) % {"classifications": names})
        if pathways:
            sentences.append(_(OPEN_TO_PATHWAYS) % {"pathways": pathway_names})
    elif pathways:
        sentences.append(_(OPEN_TO_CHOSEN) % {"pathways": pathway_names})
    elif outcomes:
        sentences.append(_(OPEN_TO_ADULTS_VETTED) % {"outcomes": outcome_names})
        outcomes = []  # said once
    else:
        sentences.append(_(OPEN_TO_EVERYONE))
    if outcomes:
        sentences.append(_(OPEN_TO_VETTING) % {"outcomes": outcome_names})
    force_id = (rules or {}).get("force_id") if kind is ComponentKind.DEFECTION_PAYMENT else None
    table = (tables or {}).get(str(force_id)) if force_id else None
    if table is not None:
        force = (table.name_my if language == "my" else None) or table.name
        sentences.append(_(OPEN_TO_RANKS) % {"force": force})
    sentences.append(_(CHILDREN_SENTENCE[child_delivery(eligibility)]))
    return " ".join(str(sentence) for sentence in sentences)
