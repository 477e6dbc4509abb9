"""Relatives as people of their own (issue 24): the relation choice list, where a relative is
(a non-identifying kind of area), and the dependant rule allowances count by.

The dependant rule (docs/families.md): a spouse, or a child who may be under 18 (judged by
age, else by year of birth, doubt resolved in the child's favour as for persons), is a
dependant unless the case worker says otherwise; anyone else is one only when the case worker
says so. The rule is applied whenever the relative is written; a decision the case worker
made (`dependant_decided`) is kept as it is.

Rows written before the choice list hold free text ("wife", "uncle"): they stay readable as
typed (`relation_label` shows the text itself when it is no choice); a word of the list's
meaning typed by an older client ("son", "mother") is stored as its choice.
"""

from __future__ import annotations

from datetime import date

from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.people.age import ADULT_AGE


class Relation(Labelled):
    SPOUSE = "spouse", N_("Spouse")
    CHILD = "child", N_("Child")
    PARENT = "parent", N_("Parent")
    SIBLING = "sibling", N_("Brother or sister")
    GRANDPARENT = "grandparent", N_("Grandparent")
    OTHER = "other", N_("Other relative")


class Area(Labelled):
    """Where a relative is, as a kind of area only: never a place that identifies them."""

    REGIME_HELD = "regime_held", N_("Regime-held area")
    CONTESTED = "contested", N_("Contested area")
    RESISTANCE_HELD = "resistance_held", N_("Resistance-held area")
    ABROAD = "abroad", N_("Abroad")
    UNKNOWN = "unknown", N_("Not known")


RELATION_LABELS = labels(Relation)
AREA_LABELS = labels(Area)

# Words older clients and rows use for a relation of the list (English only: Burmese words
# are typed into a choice list, not free text).
SYNONYMS: dict[str, Relation] = {
    **dict.fromkeys(("wife", "husband", "spouse", "partner"), Relation.SPOUSE),
    **dict.fromkeys(("son", "daughter", "child", "stepson", "stepdaughter"), Relation.CHILD),
    **dict.fromkeys(("mother", "father", "parent"), Relation.PARENT),
    **dict.fromkeys(("brother", "sister", "sibling"), Relation.SIBLING),
    **dict.fromkeys(("grandmother", "grandfather", "grandparent"), Relation.GRANDPARENT),
    **dict.fromkeys(("other", "uncle", "aunt", "cousin", "nephew", "niece"), Relation.OTHER),
}


def as_relation(value: str) -> Relation | None:
    """The relation a typed value stands for (a choice or a known word), or None."""
    word = value.strip().lower()
    if word in RELATION_LABELS:
        return Relation(word)
    return SYNONYMS.get(word)


def relation_label(value: str) -> str:
    """A relation's label (an English msgid the template translates), or the free text a row
    written before the choice list holds."""
    return RELATION_LABELS.get(value, value)


def may_be_a_minor(age: int | None, birth_year: int | None, on: date) -> bool:
    """Possibly under 18 on `on`: by the age recorded, else by the year of birth (a year
    younger than the difference of the years, in the child's favour); unknown: no."""
    if age is not None:
        return age < ADULT_AGE
    if birth_year is not None:
        return on.year - birth_year - 1 < ADULT_AGE
    return False


def dependant_by_rule(relation: str, age: int | None, birth_year: int | None, on: date) -> bool:
    """Whether the rule makes a relative a dependant: a spouse, or a child who may be a minor."""
    if relation == Relation.SPOUSE:
        return True
    return relation == Relation.CHILD and may_be_a_minor(age, birth_year, on)
