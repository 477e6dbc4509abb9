"""Relatives as people of their own: the relation list (older words and free text kept), the
dependant rule, corrections audited without values, and the person's entitlements following
every change of their family (a plan with a dependant allowance)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.errors import ValidationFailed
from haven.people.public import (
    FamilyMemberIn,
    FamilyMemberUpdate,
    add_family_member,
    dependant_by_rule,
    relation_label,
    remove_family_member,
    update_family_member,
)
from haven.people.relatives import as_relation
from haven.validation import parse
from tests.allowances import support as a

ON = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("relation", "age", "birth_year", "expected"),
    [
        ("spouse", 40, None, True),
        ("spouse", None, None, True),
        ("child", 17, None, True),
        ("child", 18, None, False),
        ("child", None, 2008, True),  # may still be 17 on the day: doubt favours the child
        ("child", None, 2007, False),
        ("child", None, None, False),  # nothing known: the case worker decides
        ("parent", 70, None, False),
        ("sibling", 9, None, False),
        ("uncle", 5, None, False),  # free text of an older row
    ],
)
def test_the_dependant_rule(
    relation: str, age: int | None, birth_year: int | None, expected: bool
) -> None:
    assert dependant_by_rule(relation, age, birth_year, ON) is expected


def test_relations_from_the_list_from_older_words_and_free_text() -> None:
    assert [as_relation(w) for w in ("Son", "wife", "grandmother", "sibling", "cousin")] == [
        "child",
        "spouse",
        "grandparent",
        "sibling",
        "other",
    ]
    assert as_relation("neighbour") is None
    assert relation_label("spouse") == "Spouse"
    assert relation_label("step-uncle") == "step-uncle"  # an older row reads as typed
    with pytest.raises(ValidationFailed) as refused:
        parse(FamilyMemberIn, {"relationship": "neighbour"})
    assert "relationship" in refused.value.fields


def test_a_relative_corrected_and_removed_and_the_allowance_follows(db: Session) -> None:
    w = a.world(db)
    a.publish_plan(db, w)
    pid = a.person(db, w)
    assert ("dependants", 1) not in a.owed(db, pid)
    child = add_family_member(
        db,
        a.SYSTEM,
        pid,
        FamilyMemberIn.model_validate({"relationship": "son", "age": 5, "name": "Mg Aye"}),
    )
    assert (child.relationship, child.is_dependant, child.dependant_decided) == (
        "child",
        True,
        False,
    )
    assert a.owed(db, pid)[("dependants", 1)] == 50_000  # recomputed at once

    # Grown up by the record: the rule no longer counts them, and the entitlement follows.
    update_family_member(
        db,
        a.SYSTEM,
        pid,
        child.id,
        FamilyMemberUpdate(age=25, name="U Aye", area="abroad"),  # type: ignore[arg-type]
    )
    assert (child.is_dependant, child.area) == (False, "abroad")
    assert ("dependants", 1) not in a.owed(db, pid)
    # The case worker decides otherwise; null gives it back to the rule.
    update_family_member(db, a.SYSTEM, pid, child.id, FamilyMemberUpdate(is_dependant=True))
    assert (child.is_dependant, child.dependant_decided) == (True, True)
    assert a.owed(db, pid)[("dependants", 1)] == 50_000
    update_family_member(db, a.SYSTEM, pid, child.id, FamilyMemberUpdate(is_dependant=None))
    assert (child.is_dependant, child.dependant_decided) == (False, False)

    spouse = add_family_member(
        db, a.SYSTEM, pid, FamilyMemberIn(relationship="spouse", is_dependant=False)
    )
    assert (spouse.is_dependant, spouse.dependant_decided) == (False, True)
    update_family_member(db, a.SYSTEM, pid, spouse.id, FamilyMemberUpdate(is_dependant=None))
    assert spouse.is_dependant is True
    assert a.owed(db, pid)[("dependants", 1)] == 50_000
    remove_family_member(db, a.SYSTEM, pid, spouse.id)
    assert ("dependants", 1) not in a.owed(db, pid)

    trail = db.scalars(select(AuditEvent).where(AuditEvent.subject_type == "family_member")).all()
    assert {e.action for e in trail} >= {
        "family_member.added",
        "family_member.updated",
        "family_member.removed",
    }
    updated = next(e for e in trail if e.action == "family_member.updated")
    assert updated.changes["name"] == "<changed>"
    assert updated.changes["area"] == {"before": "unknown", "after": "abroad"}
    written = json.dumps([e.changes for e in trail])
    assert "Aye" not in written
