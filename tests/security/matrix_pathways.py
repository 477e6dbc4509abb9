"""The pathways domain's API operations in the authorisation matrix.

Each side gets: the matrix person's case (`case_id`) with all three pathway tracks, a task,
a note, an explanation text, and a referral received from a partner organisation of its own
(so that its case workers are the receiving side and the other side's are strangers to it).
"""

from __future__ import annotations

from haven.pathways import repository, work
from haven.pathways.public import Pathway
from haven.pathways.schemas import NoteIn, ReferralIn, TaskIn
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Permission
from tests import factories as f
from tests.pathways.support import SAFEGUARDS, choose, consent_text
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
P = Permission


def _case(path: str, method: str, permission: Permission, json: object = None) -> Operation:
    return Operation(
        method, path, permission, record=True, json=(lambda w: json) if json is not None else None
    )


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/consent-texts", P.CONSENT_TEXT_MANAGE),
    Operation(
        "POST",
        "/api/consent-texts",
        P.CONSENT_TEXT_MANAGE,
        json=lambda w: {"language": "my", "text": "ရွေးချယ်ခွင့် သုံးမျိုး ရှိပါသည်။ " * 3},
    ),
    Operation("GET", "/api/consent-texts/current", P.CASE_WRITE),
    Operation(
        "POST",
        "/api/people/{person_id}/pathway-choices",
        P.CASE_WRITE,
        record=True,
        json=lambda w: {
            "pathway": "exile",
            "language": "en",
            "consent_text_id": str(w.mine.ids["consent_text_id"]),
            "explained": True,
            **SAFEGUARDS,
            "change_reason": "Family moved abroad",
        },
    ),
    Operation("POST", "/api/people/{person_id}/case", P.CASE_WRITE, record=True),
    Operation("GET", "/api/cases", P.CASE_READ),
    Operation("GET", "/api/caseload", P.CASE_MANAGE),
    Operation("GET", "/api/tasks/overdue", P.CASE_READ),
    Operation("GET", "/api/referrals", P.CASE_READ),
    _case("/api/cases/{case_id}", "GET", P.CASE_READ),
    _case("/api/cases/{case_id}/choices", "GET", P.CASE_READ),
    _case("/api/cases/{case_id}/standing", "GET", P.CASE_READ),
    Operation("GET", "/api/people/{person_id}/standing", P.CASE_READ, record=True),
    Operation(
        "POST",
        "/api/cases/{case_id}/assign",
        P.CASE_MANAGE,
        record=True,
        json=lambda w: {"user_id": str(w.mine.ids["user_id"])},
    ),
    Operation(
        "POST",
        "/api/cases/assign",
        P.CASE_MANAGE,
        record=True,
        # the side's case, to a case worker of the caller's own organisation
        body=lambda w, side: {
            "case_ids": [str(side.ids["case_id"])],
            "user_id": str(w.mine.ids["user_id"]),
        },
    ),
    Operation(
        "POST",
        "/api/cases/{case_id}/transfer",
        P.CASE_MANAGE,
        record=True,
        json=lambda w: {"organisation_id": str(w.mine.ids["partner_id"]), "reason": "Moved"},
    ),
    _case("/api/cases/{case_id}/close", "POST", P.CASE_WRITE, {"reason": "Settled well"}),
    _case("/api/cases/{case_id}/reopen", "POST", P.CASE_WRITE, {"reason": "New threat"}),
    _case("/api/cases/{case_id}/tasks", "GET", P.CASE_READ),
    _case(
        "/api/cases/{case_id}/tasks",
        "POST",
        P.CASE_WRITE,
        {"title": "Call the family", "due_on": "2099-01-01"},
    ),
    _case("/api/tasks/{task_id}/status", "POST", P.CASE_WRITE, {"status": "done"}),
    _case("/api/cases/{case_id}/notes", "GET", P.CASE_READ),
    _case("/api/cases/{case_id}/notes", "POST", P.CASE_WRITE, {"text": "Slept well."}),
    _case("/api/cases/{case_id}/referrals", "GET", P.CASE_READ),
    Operation(
        "POST",
        "/api/cases/{case_id}/referrals",
        P.CASE_WRITE,
        record=True,
        json=lambda w: {
            "to_organisation_id": str(w.mine.ids["partner_id"]),
            "kind": "medical",
            "reason": "Needs a doctor",
        },
    ),
    _case("/api/referrals/{referral_id}", "GET", P.CASE_READ),
    _case("/api/referrals/{referral_id}/status", "POST", P.CASE_WRITE, {"status": "accepted"}),
    _case("/api/cases/{case_id}/serve", "GET", P.CASE_READ),
    Operation(
        "POST",
        "/api/cases/{case_id}/serve/claim",
        P.CASE_WRITE,
        record=True,
        json=lambda w: {
            "receiving_force_id": str(w.shared["receiving_force_id"]),
            "claimed_rank_id": str(w.shared["source_rank_id"]),
        },
    ),
    _case(
        "/api/cases/{case_id}/serve/verify",
        "POST",
        P.CASE_WRITE,
        {"status": "disputed", "evidence": ["peers"]},
    ),
    _case(
        "/api/cases/{case_id}/serve/post",
        "POST",
        P.CASE_WRITE,
        {"unit": "Battalion 1", "personnel_number": "KN-0001"},
    ),
    _case(
        "/api/cases/{case_id}/serve/override",
        "POST",
        P.POSTING_OVERRIDE,
        {"reason": "Matrix override: the person asked for it."},
    ),
    _case("/api/cases/{case_id}/home", "GET", P.CASE_READ),
    _case("/api/cases/{case_id}/home", "POST", P.CASE_WRITE, {"township": "Demoso"}),
    _case(
        "/api/cases/{case_id}/home/safety",
        "POST",
        P.CASE_WRITE,
        {"regime_controlled": True, "risk": "high", "safety_plan": "Stay with the uncle."},
    ),
    _case("/api/cases/{case_id}/home/status", "POST", P.CASE_WRITE, {"status": "completed"}),
    _case("/api/cases/{case_id}/home/visits", "GET", P.CASE_READ),
    _case(
        "/api/cases/{case_id}/home/visits",
        "POST",
        P.CASE_WRITE,
        {"visited_on": "2026-01-01", "notes": "Fine"},
    ),
    _case("/api/cases/{case_id}/exile", "GET", P.CASE_READ),
    _case(
        "/api/cases/{case_id}/exile",
        "POST",
        P.CASE_WRITE,
        {"host_organisation": "Host NGO", "host_country": "Country X"},
    ),
    _case(
        "/api/cases/{case_id}/exile/steps/{step}",
        "POST",
        P.CASE_WRITE,
        {"status": "in_progress", "risks": "Passport office watched"},
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    db = ctx.db
    side.ids["consent_text_id"] = consent_text(db, organisation_id=ctx.organisation.id).id
    # One case with all three tracks (the person changed their mind twice); home is current,
    # so serve and exile operations answer 409 after passing the authorisation checks.
    for pathway in (Pathway.SERVE, Pathway.EXILE, Pathway.HOME):
        choose(db, ctx.person_id, pathway)
    case = repository.case_of_person(db, ctx.person_id)
    assert case is not None
    side.ids["case_id"] = case.id
    side.ids["step"] = "documents"  # type: ignore[assignment] - a path value, not an id
    side.ids["task_id"] = work.add_task(
        db,
        SYSTEM,
        case.id,
        TaskIn(title="Visit the family", due_on="2099-01-01"),  # type: ignore[arg-type]
    ).id
    work.add_note(db, SYSTEM, case.id, NoteIn(text="Matrix note"))
    # A partner organisation refers one of its own people to this side.
    partner = f.organisation(db, name=f"Partner of {ctx.organisation.name}")
    partner_site = f.site(db, organisation=partner)
    partner_person = reception.receive(
        db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {
                "name_latin": "Partner Person",
                "classification": "defector",
                "site_id": str(partner_site.id),
            }
        ),
    ).person_id
    partner_case = choose(db, partner_person, Pathway.HOME).case_id
    side.ids["partner_id"] = partner.id
    side.ids["referral_id"] = work.send_referral(
        db,
        SYSTEM,
        partner_case,
        ReferralIn(to_organisation_id=ctx.organisation.id, kind="medical", reason="Matrix"),  # type: ignore[arg-type]
    ).id
