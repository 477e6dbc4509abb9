"""The pow domain's API operations in the authorisation matrix."""

from __future__ import annotations

import uuid
from datetime import date

from haven.accounts.sessions import actor_for
from haven.pow import care, ending, service, voluntariness
from haven.pow.schemas import DeathIn, PlaceIn, PowRegister, VoluntarinessIn
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Permission, Role
from tests.security.matrix import Operation, Side, SideContext

READ, WRITE, PAY = Permission.POW_READ, Permission.POW_WRITE, Permission.POW_PAY_MANAGE
R = "/api/pow/records/{pow_id}"
# The risk assessment every transfer and release records (non-refoulement, docs/pow.md).
ASSESSED = {
    "risk_assessed_by": "Protection officer",
    "risks": ["persecution"],
    "risk_conclusion": "no_real_risk",
}

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/pow/records", READ),
    Operation(
        "POST",
        "/api/pow/records",
        WRITE,
        json=lambda w: {"person_id": str(w.mine.ids["prisoner_id"]), "captured_on": "2026-11-01"},
    ),
    Operation(
        "POST",
        "/api/pow/captures",
        WRITE,
        json=lambda w: {
            "name_latin": "Matrix Captive",
            "captured_on": "2026-11-01",
            "site_id": str(w.mine.ids["pow_site_id"]),
        },
    ),
    Operation("GET", R, READ, record=True),
    Operation("PUT", R + "/art17", WRITE, record=True, json=lambda w: {"rank": "Corporal"}),
    Operation("PUT", R + "/art122", WRITE, record=True, json=lambda w: {"refused": ["address"]}),
    Operation("GET", "/api/pow/places", READ),
    Operation(
        "POST", "/api/pow/places", WRITE, json=lambda w: {"name": f"P {uuid.uuid4().hex[:6]}"}
    ),
    Operation("GET", R + "/transfers", READ, record=True),
    Operation(
        "POST",
        R + "/transfers",
        WRITE,
        record=True,
        json=lambda w: {"to_place_id": str(w.mine.ids["place2_id"]), **ASSESSED},
    ),
    Operation("GET", R + "/cards", READ, record=True),
    Operation("GET", "/api/pow/cards/{card_id}/pdf", READ, record=True),
    Operation("POST", "/api/pow/cards/{card_id}/sent", WRITE, record=True, json=lambda w: {}),
    Operation("GET", R + "/inspections", READ, record=True),
    Operation(
        "POST", R + "/inspections", WRITE, record=True, json=lambda w: {"seriously_ill": True}
    ),
    Operation("GET", R + "/effects", READ, record=True),
    Operation(
        "POST",
        R + "/effects",
        WRITE,
        record=True,
        json=lambda w: {"description": "Watch", "taken_by": "Sgt. Matrix"},
    ),
    Operation("POST", "/api/pow/effects/{effect_id}/return", WRITE, record=True),
    Operation("GET", R + "/correspondence", READ, record=True),
    Operation(
        "POST",
        R + "/correspondence",
        WRITE,
        record=True,
        json=lambda w: {"direction": "sent", "kind": "letter"},
    ),
    Operation("GET", "/api/pow/visits", READ),
    Operation(
        "POST",
        "/api/pow/visits",
        WRITE,
        json=lambda w: {"place_id": str(w.mine.ids["place_id"]), "delegates": "ICRC team"},
    ),
    Operation("GET", "/api/pow/pay-rates", PAY),
    Operation(
        "PUT",
        "/api/pow/pay-rates/{rate_id}",
        PAY,
        record=True,
        json=lambda w: {"amount_minor": 900},
    ),
    Operation(
        "POST",
        R + "/death",
        WRITE,
        record=True,
        json=lambda w: {"died_on": "2026-11-05", "place_of_death": "Camp", "cause": "Illness"},
    ),
    Operation("GET", "/api/pow/deaths/{death_id}/certificate", READ, record=True),
    Operation(
        "PUT",
        R + "/repatriation-wish",
        WRITE,
        record=True,
        json=lambda w: {"wishes_not_repatriated": True},
    ),
    Operation(
        "POST",
        R + "/release",
        WRITE,
        record=True,
        json=lambda w: {"kind": "release", "grounds": "end_of_hostilities", **ASSESSED},
    ),
    Operation("POST", R + "/escape", WRITE, record=True, json=lambda w: {}),
    Operation("GET", R + "/voluntariness-checks", READ, record=True),
    Operation("GET", R + "/risk-assessments", READ, record=True),
    Operation("GET", R + "/tracing-choices", READ, record=True),
    Operation(
        "POST",
        R + "/tracing-choices",
        WRITE,
        record=True,
        json=lambda w: {"choice": "no_notice", "witness_name": "Witness", "informed": True},
    ),
    Operation(
        "POST",
        R + "/voluntariness-checks",
        WRITE,
        record=True,
        json=lambda w: {"interviewer_name": "Independent", "outcome": "inconclusive"},
    ),
    Operation(
        "POST",
        R + "/defect",
        WRITE,
        record=True,
        json=lambda w: {"check_id": str(w.mine.ids["check_id"])},
    ),
    Operation("GET", "/api/pow/notices", READ),
    Operation("GET", "/api/pow/board", READ),
]


def _prisoner(ctx: SideContext, name: str) -> uuid.UUID:
    event = reception.receive(
        ctx.db,
        Actor.system(),
        ReceptionCreate.model_validate(
            {
                "name_latin": name,
                "classification": "captured",
                "site_id": str(ctx.site.id),
                "received_on": "2026-11-01",
            }
        ),
    )
    return event.person_id


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    officer = actor_for(ctx.users[Role.POW_OFFICER])
    one = service.create_place(ctx.db, officer, PlaceIn(name="Matrix camp"))
    two = service.create_place(ctx.db, officer, PlaceIn(name="Matrix camp two"))
    record = service.register(
        ctx.db,
        officer,
        PowRegister(
            person_id=_prisoner(ctx, "Matrix Prisoner"),
            captured_on=date(2026, 11, 1),
            place_id=one.id,
        ),
    )
    dead = service.register(
        ctx.db,
        officer,
        PowRegister(person_id=_prisoner(ctx, "Matrix Deceased"), captured_on=date(2026, 11, 1)),
    )
    death = ending.record_death(
        ctx.db,
        officer,
        dead.id,
        DeathIn(died_on=date(2026, 11, 2), place_of_death="Camp", cause="Illness"),
    )
    effect = care.take_effect(
        ctx.db, officer, record.id, care.EffectIn(description="Ring", taken_by="Sgt. Matrix")
    )
    check = voluntariness.record_check(
        ctx.db,
        officer,
        record.id,
        VoluntarinessIn(
            interviewer_name="Independent",
            interviewer_independent=True,
            detaining_unit_absent=True,
            former_commanders_absent=True,
            present="Interviewer, interpreter",
            statement="My own choice.",
            statement_language="Burmese",
            paths=["defect"],
            witness="none",
            no_witness_reason="No one available",
            mark="thumbprint",
            mark_attested_by="Interpreter",
            outcome="voluntary",
        ),
    )
    side.ids.update(
        pow_id=record.id,
        death_id=death.id,
        prisoner_id=_prisoner(ctx, "Matrix Unregistered"),
        place_id=one.id,
        place2_id=two.id,
        pow_site_id=ctx.site.id,
        card_id=service.cards(ctx.db, officer, record.id)[0].id,
        effect_id=effect.id,
        check_id=check.id,
        rate_id=care.pay_rates(ctx.db, officer)[0].id,
    )
