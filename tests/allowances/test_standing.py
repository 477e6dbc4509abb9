"""Issue 17, allowances: rank bands on the receiving force's table through equivalence; a
child is never handed cash (a guardian or in kind instead) and never held by vetting; each
component says in words who it is open to, in English and Burmese."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.allowances import batches, entitlements, plans
from haven.allowances.batches import SkipReason
from haven.allowances.facts import rank_tables
from haven.allowances.rules import (
    CHILDREN_SENTENCE,
    OPEN_TO_CLASSIFICATIONS,
    OPEN_TO_EVERYONE,
    OPEN_TO_PATHWAYS,
    OPEN_TO_RANKS,
    ChildDelivery,
)
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import ValidationFailed
from haven.forces.public import add_equivalence, add_rank, create_force
from haven.i18n import gettext
from haven.kernel.sensitivity import bind_actor
from haven.people.public import FamilyMemberIn, ProfileUpdate, add_family_member, update_profile
from haven.security.permissions import Role
from haven.standing.public import standing_of
from haven.vetting.public import VettingStatus, vetting_status
from tests import factories as f
from tests.allowances import support as s
from tests.vetting.support import clear_person

DUE = date(2026, 12, 31)
MYANMAR_SCRIPT = re.compile(r"[\u1000-\u109f]")


def _api(db: Session, w: s.World) -> dict[str, str]:
    user = f.user(db, organisation=w.org, role=Role.FINANCE_OFFICER)
    return f.bearer(f.api_token(db, user=user))


def _receiving_rank(db: Session, name: str) -> Any:
    force = next(t for t in rank_tables(db).values() if t.name == s.RECEIVING_FORCE)
    return next(r for r in force.ranks if r.name_en == name)


# --- rank bands on the receiving force's table ------------------------------------------------


def test_same_seniority_in_two_forces_is_banded_by_the_receiving_equivalent(
    client: TestClient, db: Session
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    police = create_force(db, s.SYSTEM, name="Police (allowances test)", kind="police")
    # Place 10 in the police table is a sergeant; in the army's it is a captain.
    police_sergeant = add_rank(
        db, s.SYSTEM, force_id=police.id, seniority=10, name_en="Police sergeant"
    )
    add_equivalence(
        db,
        s.SYSTEM,
        receiving_force_id=uuid.UUID(_receiving_force_id(db)),
        source_rank_id=police_sergeant.id,
        target_rank_id=uuid.UUID(_receiving_rank(db, "Sergeant").id),
        effective_from=date(2020, 1, 1),
    )
    unmatched = add_rank(db, s.SYSTEM, force_id=police.id, seniority=11, name_en="Constable")
    captain = s.person(db, w, seniority=10, name="Army Captain")
    sergeant = s.person(db, w, rank=police_sergeant, name="Police Sergeant")
    constable = s.person(db, w, rank=unmatched, name="Police Constable")
    headers = _api(db, w)

    answer = client.post(
        "/api/allowances/entitlements/recompute",
        json={"person_ids": [str(captain), str(sergeant), str(constable)]},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    by_person = {row["person_id"]: row for row in answer.json()}
    assert by_person[str(constable)]["not_eligible"]["defection"] == (
        "The rank has no equivalent in the receiving force's rank table."
    )

    def defection(person_id: uuid.UUID) -> dict[str, Any]:
        statement = client.get(f"/api/allowances/people/{person_id}/statement", headers=headers)
        assert statement.status_code == 200
        return next(x for x in statement.json()["lines"] if x["component_code"] == "defection")

    assert defection(captain)["amount_minor"] == 500_000  # Captain band
    assert "Captain band" in defection(captain)["explanation"]
    assert defection(sergeant)["amount_minor"] == 200_000  # Other ranks, not Captain
    assert "Other ranks band" in defection(sergeant)["explanation"]
    assert "receiving force: Sergeant" in defection(sergeant)["explanation"]


def _receiving_force_id(db: Session) -> str:
    return next(t.force_id for t in rank_tables(db).values() if t.name == s.RECEIVING_FORCE)


def test_equivalence_is_taken_on_the_reception_date_and_today_only_as_a_named_fallback(
    db: Session,
) -> None:
    w = s.world(db)
    # A second receiving force whose equivalence table starts today: after the reception.
    late = s.receiving_force(
        db, "Late table (test)", equivalence={10: 6}, effective_from=utcnow().date()
    )
    plan = {
        **s.PLAN,
        "components": [
            {
                **s.PLAN["components"][0],
                "rules": {
                    "force": late.name,
                    "bands": [
                        {"label": "Lieutenants", "from": 6, "to": 6, "amount": 250_000},
                    ],
                },
            }
        ],
    }
    s.publish_plan(db, w, plan)
    pid = s.person(db, w, seniority=10, received_on=date(2026, 3, 10))
    entitlements.recompute(db, w.maker(db), [pid])
    line = entitlements.statement(db, s.SYSTEM, pid).lines[0]
    assert line.instalment.amount_minor == 250_000
    assert line.instalment.detail["equivalence_today"] is True
    assert line.instalment.detail["equivalence_on"] == "2026-03-10"


def test_bands_must_name_ranks_of_a_receiving_force(client: TestClient, db: Session) -> None:
    w = s.world(db)
    admin = f.user(db, organisation=w.org, role=Role.ADMINISTRATOR)
    headers = f.bearer(f.api_token(db, user=admin))
    version = plans.create_version(db, w.admin, name="Draft", effective_from=date(2027, 1, 1))
    url = f"/api/allowances/plans/{version.id}/components/defection"
    body: dict[str, Any] = {
        "kind": "defection_payment",
        "name_en": "Defection payment",
        "currency": "MMK",
        "eligibility": {},
    }
    unknown_force = client.put(
        url,
        json={
            **body,
            "rules": {
                "force": "No such force",
                "bands": [{"label": "A", "from": 1, "to": 1, "amount": 1}],
            },
        },
        headers=headers,
    )
    assert unknown_force.status_code == 422
    assert "receiving force" in unknown_force.json()["fields"]["rules"]
    not_a_rank = client.put(
        url,
        json={
            **body,
            "rules": {
                "force": s.RECEIVING_FORCE,
                "bands": [{"label": "A", "from": "Field marshal", "to": 1, "amount": 1}],
            },
        },
        headers=headers,
    )
    assert not_a_rank.status_code == 422
    assert "ranks of the receiving force" in not_a_rank.json()["fields"]["rules"]
    saved = client.put(
        url,
        json={
            **body,
            "rules": {
                "force": s.RECEIVING_FORCE,
                "bands": [
                    {"label": "Officers", "from": "Captain", "to": "Lieutenant", "amount": 1}
                ],
            },
        },
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    rules = saved.json()["rules"]
    assert rules["force_id"] == _receiving_force_id(db)
    band = rules["bands"][0]
    assert (band["from"], band["to"]) == (5, 6)
    assert band["from_rank_id"] == _receiving_rank(db, "Captain").id
    assert band["to_rank_id"] == _receiving_rank(db, "Lieutenant").id


# --- children: never cash, never held by vetting -------------------------------------------


def _child_world(db: Session, plan: dict[str, Any] | None = None) -> tuple[s.World, uuid.UUID]:
    w = s.world(db)
    s.publish_plan(db, w, plan)
    s.fund_everything(db, w)
    child = s.person(db, w, classification="child", seniority=None, name="Maung Lay")
    return w, child


def _family(db: Session, child: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    mother = add_family_member(
        db, s.SYSTEM, child, FamilyMemberIn(relationship="mother", name="Daw Hla", age=41)
    )
    sister = add_family_member(
        db, s.SYSTEM, child, FamilyMemberIn(relationship="sister", name="Ma Aye", age=12)
    )
    return mother.id, sister.id


def _approved_thb(db: Session, w: s.World) -> batches.PaymentBatch:
    batch = batches.create_batch(db, w.maker(db), title="Stipends", currency="THB")
    result = batches.add_due(db, w.maker(db), batch, due_by=DUE)
    assert result.skipped[SkipReason.VETTING] == 0
    batches.submit(db, w.maker(db), batch)
    return batches.approve(db, w.checker(db), batch)


def test_a_child_is_never_handed_cash_but_a_guardian_or_in_kind(db: Session) -> None:
    w, child = _child_world(db)
    mother, sister = _family(db, child)
    assert standing_of(db, child).may_receive_cash is False
    entitlements.recompute(db, w.maker(db), [child])
    # The stipend is open to everyone: the child is owed it, delivered to a guardian or in kind.
    owed = s.owed(db, child)
    assert owed[("stipend", 1)] == 150_000
    lines = entitlements.statement(db, s.SYSTEM, child).lines
    assert {x.instalment.detail["delivery"] for x in lines} == {"guardian_or_in_kind"}
    items = batches.items_of(db, _approved_thb(db, w))
    assert len(items) == 3
    pay = w.checker(db)

    def disburse(n: int, **kwargs: Any) -> batches.DisburseResult:
        return batches.disburse(
            db,
            pay,
            items[n].id,
            idempotency_key=f"child-{n}-{uuid.uuid4().hex[:8]}",
            receipt_reference=f"C-{n}",
            **{"method": "cash", **kwargs},
        )

    with pytest.raises(ValidationFailed) as cash:
        disburse(0)
    assert "never handed cash" in cash.value.fields["recipient"]
    with pytest.raises(ValidationFailed) as mobile:
        disburse(0, method="mobile_money")
    assert "recipient" in mobile.value.fields
    with pytest.raises(ValidationFailed) as minor:
        disburse(0, recipient="guardian", guardian_id=sister)
    assert "adult" in minor.value.fields["guardian_id"]
    with pytest.raises(ValidationFailed):
        disburse(0, recipient="guardian", guardian_id=uuid.uuid4())

    to_mother = disburse(0, recipient="guardian", guardian_id=mother).disbursement
    assert (to_mother.recipient, to_mother.guardian_id, to_mother.method) == (
        "guardian",
        mother,
        "cash",
    )
    in_kind = disburse(1, method="in_kind").disbursement
    assert (in_kind.recipient, in_kind.guardian_id) == ("person", None)


def test_an_adult_receives_their_own_support(db: Session) -> None:
    w, child = _child_world(db)
    adult = s.person(db, w, name="Ko Aung")
    clear_person(db, adult)
    mother, _ = _family(db, child)
    entitlements.recompute(db, w.maker(db), [adult])
    batch = batches.create_batch(db, w.maker(db), title="Cash", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=DUE, person_ids=[adult])
    batches.submit(db, w.maker(db), batch)
    batches.approve(db, w.checker(db), batch)
    item = batches.items_of(db, batch)[0]
    with pytest.raises(ValidationFailed) as guardian:
        batches.disburse(
            db,
            w.checker(db),
            item.id,
            idempotency_key="adult-guardian-1",
            method="cash",
            receipt_reference="A-1",
            recipient="guardian",
            guardian_id=mother,
        )
    assert "adult receives" in guardian.value.fields["recipient"]
    paid = batches.disburse(
        db,
        w.checker(db),
        item.id,
        idempotency_key="adult-cash-01",
        method="cash",
        receipt_reference="A-1",
    )
    assert paid.disbursement.recipient == "person"


def test_components_decide_in_kind_only_or_not_open_to_children(db: Session) -> None:
    plan = {
        **s.PLAN,
        "components": [
            {**c, "eligibility": {"children": "in_kind"}}
            if c["code"] == "stipend"
            else {**c, "eligibility": {"children": "not_open"}}
            if c["code"] == "settlement"
            else c
            for c in s.PLAN["components"]
        ],
    }
    w, child = _child_world(db, plan)
    mother, _ = _family(db, child)
    from_pathway = entitlements.recompute(db, w.maker(db), [child])[0]
    assert from_pathway.not_eligible["settlement"] == "Not open to children."
    items = batches.items_of(db, _approved_thb(db, w))
    with pytest.raises(ValidationFailed) as cash:
        batches.disburse(
            db,
            w.checker(db),
            items[0].id,
            idempotency_key="kind-only-01",
            method="cash",
            receipt_reference="K-1",
            recipient="guardian",
            guardian_id=mother,
        )
    assert "in kind only" in cash.value.fields["method"]
    done = batches.disburse(
        db,
        w.checker(db),
        items[0].id,
        idempotency_key="kind-only-02",
        method="in_kind",
        receipt_reference="K-1",
        recipient="guardian",
        guardian_id=mother,
    )
    assert done.disbursement.method == "in_kind"


def test_a_child_is_never_held_by_vetting_an_adult_is(client: TestClient, db: Session) -> None:
    w, child = _child_world(db)
    adult = s.person(db, w, name="Ko Pending")  # vetting pending
    entitlements.recompute(db, w.maker(db), [child, adult])
    batch = batches.create_batch(db, w.maker(db), title="Stipends", currency="THB")
    added = batches.add_due(db, w.maker(db), batch, due_by=DUE)
    assert added.added == 3  # the child's three stipend instalments
    assert added.skipped[SkipReason.VETTING] == 3  # the adult's, held
    batches.submit(db, w.maker(db), batch)
    batches.approve(db, w.checker(db), batch)  # no one in it is held

    headers = _api(db, w)
    child_statement = client.get(f"/api/allowances/people/{child}/statement", headers=headers)
    body = child_statement.json()
    assert (body["payable"], body["vetting"], body["may_receive_cash"]) == (True, None, False)
    assert body["standing"] == "child"
    assert {x["delivery"] for x in body["lines"]} == {"guardian_or_in_kind"}
    adult_statement = client.get(f"/api/allowances/people/{adult}/statement", headers=headers)
    assert adult_statement.json()["payable"] is False
    assert {x["state"] for x in adult_statement.json()["lines"]} == {"held"}


def test_a_child_whose_vetting_is_pending_still_gets_support(db: Session) -> None:
    """A person received as an adult (vetting opened) whose year of birth, learned later,
    shows they may be under 18 is a child: whatever vetting says, the support is not held."""
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    young = s.person(db, w, seniority=None, name="Maung Nge")
    bind_actor(db, s.SYSTEM)  # the profile's protected fields are read to be changed
    update_profile(db, s.SYSTEM, young, ProfileUpdate(birth_year=utcnow().year - 16))  # type: ignore[call-arg]
    assert vetting_status(db, young) is VettingStatus.PENDING
    standing = standing_of(db, young)
    assert standing.child
    assert not standing.support_held
    entitlements.recompute(db, w.maker(db), [young])
    assert entitlements.statement(db, s.SYSTEM, young).payable
    batch = batches.create_batch(db, w.maker(db), title="Young", currency="THB")
    added = batches.add_due(db, w.maker(db), batch, due_by=DUE, person_ids=[young])
    assert (added.added, added.skipped[SkipReason.VETTING]) == (3, 0)


# --- who a component is open to, in words --------------------------------------------------


def test_components_say_who_they_are_open_to_in_english_and_burmese(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    version = s.publish_plan(db, w)
    components = {c.code: c for c in plans.components_of(db, version.id)}
    tables = rank_tables(db)
    guardian = CHILDREN_SENTENCE[ChildDelivery.GUARDIAN_OR_IN_KIND]
    assert plans.describe(components["defection"], tables, "en") == (
        "Open to those received as: Defector, Surrendered. The amount follows the person's "
        f"equivalent rank in {s.RECEIVING_FORCE}. {guardian}"
    )
    assert plans.describe(components["relocation"], tables, "en") == (
        f"Open to those who chose: Relocate in exile. {guardian}"  # not "everyone"
    )
    # In Burmese: every sentence is translated, the labels too.
    for msgid in (OPEN_TO_CLASSIFICATIONS, OPEN_TO_EVERYONE, OPEN_TO_PATHWAYS, OPEN_TO_RANKS):
        assert gettext(msgid, "my") != msgid, msgid
    for msgid in CHILDREN_SENTENCE.values():
        assert gettext(msgid, "my") != msgid, msgid
    burmese = plans.describe(components["defection"], tables, "my")
    assert gettext("Defector", "my") in burmese
    assert gettext(guardian, "my") in burmese
    assert f"{s.RECEIVING_FORCE} (my)" in burmese  # the force's Burmese name
    assert "Open to" not in burmese

    # The API answers in the reader's language; the plan page and the statement show it.
    admin = f.user(
        db,
        organisation=w.org,
        role=Role.ADMINISTRATOR,
        username="plan.reader",
        settings=fast_settings,
    )
    admin_headers = f.bearer(f.api_token(db, user=admin))
    answer = client.get(
        f"/api/allowances/plans/{version.id}",
        headers={**admin_headers, "Accept-Language": "my"},
    )
    assert answer.status_code == 200, answer.text
    sentences = {c["code"]: c["open_to"] for c in answer.json()["components"]}
    assert sentences["defection"] == burmese
    f.login(client, username="plan.reader")
    page = client.get(f"/allowances/plans/{version.id}")
    assert "Open to those who chose: Relocate in exile." in page.text
    pid = s.person(db, w)
    entitlements.recompute(db, s.SYSTEM, [pid])
    f.user(
        db,
        organisation=w.org,
        role=Role.FINANCE_OFFICER,
        username="cash.reader",
        settings=fast_settings,
    )
    f.login(client, username="cash.reader")
    statement = client.get(f"/allowances/people/{pid}?lang=my&form=full")  # for the files
    assert statement.status_code == 200
    assert gettext(OPEN_TO_CLASSIFICATIONS, "my").split("%")[0] in statement.text
    assert MYANMAR_SCRIPT.search(statement.text)


def test_the_batch_page_pays_a_child_through_a_guardian(
    app: FastAPI, db: Session, fast_settings: Settings
) -> None:
    w, child = _child_world(db)
    mother, sister = _family(db, child)
    entitlements.recompute(db, w.maker(db), [child])
    batch = _approved_thb(db, w)
    f.user(
        db,
        organisation=w.org,
        role=Role.FINANCE_OFFICER,
        username="cash.child",
        settings=fast_settings,
    )
    cashier = TestClient(app, base_url="http://testserver")
    f.login(cashier, username="cash.child")
    url = f"/allowances/batches/{batch.id}"
    token = f.csrf_from(cashier, url)
    page = cashier.get(url).text
    assert "Never hand cash to the child." in page
    assert f'id="batch-reference">{batch.reference}<' in page
    assert f'value="{mother}"' in page
    assert f'value="{sister}"' not in page  # a 12-year-old is no guardian
    item_id = page.split('action="/allowances/items/')[1].split("/")[0]
    form = {
        "csrf_token": token,
        "batch_id": str(batch.id),
        "idempotency_key": page.split('name="idempotency_key" value="')[1].split('"')[0],
        "method": "cash",
        "recipient": "person",
        "guardian_id": "",
        "receipt_reference": "G-1",
    }
    refused = cashier.post(f"/allowances/items/{item_id}/disburse", data=form)
    assert refused.status_code == 422
    assert "A child is never handed cash" in refused.text
    form |= {"recipient": "guardian", "guardian_id": str(mother)}
    paid = cashier.post(f"/allowances/items/{item_id}/disburse", data=form, follow_redirects=False)
    assert paid.status_code == 303, paid.text
    assert "A guardian from the child&#39;s family" in cashier.get(url).text
    cashier.close()
