"""The page sweep's later states: records the authorisation matrix's seeds stop short of.

The matrix's seeds leave each domain at its first state (a draft batch, a case in interview,
an executing agreement, an adult received). The pages of a later or other state are reached
here, through the real services, for the sweep only (`tests/sweep.py`):

- a child received, whose handover to child protection is due (`child_reception_id`);
- a person whose vetting case two officers decided (`decided_case_id`: its notice), with an
  approved batch paying them, one item paid with a receipt and one still to pay
  (`paid_batch_id`);
- an agreement still negotiating, with a commander party and a named approver
  (`negotiating_agreement_id`, `party_id`).
"""

from __future__ import annotations

import io
import uuid
from datetime import date

from PIL import Image

from haven.agreements import service as agreements
from haven.agreements.schemas import AgreementCreate, AgreementStatus, PartyIn
from haven.allowances import batches, entitlements, funders, plans
from haven.kernel import clock
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.security.matrix import Side, SideContext
from tests.vetting.support import clear_person, fresh_actor

SYSTEM = Actor.system("page sweep")
# A stipend of two instalments, so that the paid batch has an item paid and one still to pay.
STIPEND = {
    "kind": "monthly_stipend",
    "name_en": "Sweep stipend",
    "name_my": "ထောက်ပံ့ငွေ",
    "currency": "MMK",
    "rules": {"instalments": [100_000, 50_000]},
    "eligibility": {},
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="JPEG")
    return out.getvalue()


def seed(ctx: SideContext, side: Side) -> None:
    """Create the later states' records for one organisation; store their ids in `side.ids`."""
    db, org = ctx.db, ctx.organisation.id

    # A child: no military questions; a handover to child protection is due.
    child = reception.receive(
        db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {
                "name_latin": "Sweep Child",
                "classification": "child",
                "birth_year": clock.local_today().year - 15,
                "site_id": str(ctx.site.id),
            }
        ),
    )

    # An adult cleared by two vetting officers (the side's and one more): a decision notice.
    adult = reception.receive(
        db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {"name_latin": "Sweep Cleared", "classification": "defector", "site_id": ctx.site.id}
        ),
    )
    case = clear_person(db, adult.person_id, first=ctx.users[Role.VETTING_OFFICER])

    # A published plan of one stipend, fully funded; the cleared adult's batch approved by a
    # second finance officer and half paid.
    version = plans.create_version(
        db, SYSTEM, name="Sweep plan", effective_from=date(2020, 1, 1), organisation_id=org
    )
    funder = funders.save_funder(db, SYSTEM, name="Sweep funder", organisation_id=org)
    plans.save_component(db, SYSTEM, version, code="stipend", **STIPEND)  # type: ignore[arg-type]
    funders.save_budget_line(
        db,
        SYSTEM,
        funder,
        component_code="stipend",
        currency="MMK",
        share_bp=10_000,
        budget_minor=10**9,
    )
    plans.publish(db, SYSTEM, version)
    maker = fresh_actor(db, ctx.users[Role.FINANCE_OFFICER], ctx.settings)
    checker_user = f.user(
        db, organisation=ctx.organisation, role=Role.FINANCE_OFFICER, settings=ctx.settings
    )
    checker = fresh_actor(db, checker_user, ctx.settings)
    entitlements.recompute(db, maker, [adult.person_id])
    batch = batches.create_batch(db, maker, title="Sweep cash", currency="MMK")
    batches.add_due(db, maker, batch, due_by=date(2099, 12, 31))
    batches.submit(db, maker, batch)
    batches.approve(db, checker, batch)
    first = batches.items_of(db, batch)[0]
    batches.disburse(
        db,
        checker,
        first.id,
        idempotency_key=uuid.uuid4().hex,  # unique: the browser's database is shared
        method="cash",
        receipt_reference="SW-1",
        receipt_photo=_jpeg(),
    )

    # An agreement still negotiating: its terms and parties can change.
    negotiator = fresh_actor(db, ctx.users[Role.NEGOTIATOR], ctx.settings)
    agreement = agreements.create(
        db,
        negotiator,
        AgreementCreate.model_validate(
            {"code_name": f"Sweep talks {ctx.organisation.name}", "site_id": str(ctx.site.id)}
        ),
    )
    party = agreements.add_party(
        db, negotiator, agreement.id, PartyIn(name="Sweep Commander", rank="Major")
    )
    agreements.transition(db, negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    agreements.name_approver(db, negotiator, agreement.id, ctx.users[Role.MANAGER].id)

    side.ids |= {
        "child_id": child.person_id,
        "child_reception_id": child.id,
        "cleared_person_id": adult.person_id,
        "decided_case_id": case.id,
        "paid_batch_id": batch.id,
        "negotiating_agreement_id": agreement.id,
        "party_id": party.id,
    }
