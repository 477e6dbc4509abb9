"""Issue 17's "Done when", in a browser: an agreement retaining ranks and positions, whose
commander and battalion commander on the roll match an incident; the approver sees the hits
and acknowledges them to approve; a desk registers the battalion commander; posting him as
cook is refused until a programme manager records an override, which the agreement lists."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from haven.agreements import repository as agreements_repository
from haven.agreements import roll
from haven.agreements import service as agreements
from haven.agreements.approval import acknowledge
from haven.agreements.schemas import AgreementCreate, AgreementStatus
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.pathways import repository as pathways_repository
from haven.pathways import service as pathways
from haven.pathways import tracks
from haven.pathways.schemas import ChoiceIn, ServeClaimIn, ServeVerifyIn
from haven.reception.importing import ImportRow
from haven.security.permissions import Actor, Role
from haven.vetting import incidents
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in
from tests.pathways.support import SAFEGUARDS

LONG_AGO = date(2020, 1, 1)


@dataclass(frozen=True)
class Cast:
    manager: world.Account  # a named approver, and the programme manager who overrides
    second_approver: Actor  # the other named approver, who never logs in here
    organisation_id: uuid.UUID
    registrar: world.Account  # staffs the desk at the crossing's reception point
    worker: world.Account
    agreement_id: uuid.UUID
    code_name: str
    commander: str  # the party, implicated through his unit
    battalion_commander: str  # on the roll, "Battalion commander", Lieutenant Colonel
    receiving_force_id: uuid.UUID
    cook_id: uuid.UUID  # the receiving force's cook


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    unit = f"LIB {600 + secrets.randbelow(250)}"
    code_name = f"Operation Teak {suffix}"
    commander = f"Bo {world.burmese_name().name_latin}"
    battalion_commander = world.burmese_name().name_latin
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Retained terms council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Teak point {suffix}")

        def account(role: Role, stem: str | None = None, **extra: object) -> world.Account:
            return world.account(
                session, organisation=organisation, role=role, suffix=suffix, stem=stem, **extra
            )

        manager = account(Role.MANAGER)
        second = account(Role.MANAGER, "manager2", authenticator=False)
        negotiator = account(Role.NEGOTIATOR)
        registrar = account(Role.REGISTRAR, site=site)
        worker = account(Role.CASE_WORKER)
        officer = account(Role.VETTING_OFFICER, authenticator=False)
        world.explanation_texts(session, organisation=organisation)

        # The unit is implicated in an incident in the registry.
        incidents.record_incident(
            session,
            officer.actor,
            IncidentIn.model_validate(
                {
                    "kind": "arson",
                    "period": "2022",
                    "township": "Demoso",
                    "units": [unit],
                    "summary": "Synthetic test record.",
                    "source_reliability": "C",
                    "information_credibility": 3,
                }
            ),
        )
        # The receiving force's tables: a Lieutenant Colonel stays one, a battalion commander
        # stays one (positions are seeded; the equivalences are set by an administrator).
        army = forces.ensure_reference_data(session)
        lt_col = next(r for r in forces_repository.ranks_of(session, army.id) if r.seniority == 8)
        receiving = forces.create_force(
            session, world.SYSTEM, name=f"Receiving force {suffix}", kind="receiving"
        )
        their_lt_col = forces.add_rank(
            session, world.SYSTEM, force_id=receiving.id, seniority=8, name_en="Lieutenant Colonel"
        )
        forces.add_equivalence(
            session,
            world.SYSTEM,
            receiving_force_id=receiving.id,
            source_rank_id=lt_col.id,
            target_rank_id=their_lt_col.id,
            effective_from=LONG_AGO,
        )
        mine = {p.code: p for p in forces_repository.positions_of(session, army.id)}
        theirs = {p.code: p for p in forces_repository.positions_of(session, receiving.id)}
        forces.add_position_equivalence(
            session,
            world.SYSTEM,
            receiving_force_id=receiving.id,
            source_position_id=mine["battalion_commander"].id,
            target_position_id=theirs["battalion_commander"].id,
            effective_from=LONG_AGO,
        )

        agreement = agreements.create(
            session,
            negotiator.actor,
            AgreementCreate.model_validate(
                {
                    "code_name": code_name,
                    "site_id": str(site.id),
                    "terms": {"ranks_retained": True, "positions_retained": True},
                    "parties": [{"name": commander, "rank": "Colonel", "unit": unit}],
                }
            ),
        )
        rows = [
            ImportRow(
                number=2,
                values={
                    "name_latin": battalion_commander,
                    "rank": "Lieutenant Colonel",
                    "position": "Battalion commander",
                    "unit": unit,
                    "weapons": "1",
                },
            )
        ]
        report = roll.import_roll(session, negotiator.actor, agreement.id, rows, dry_run=False)
        assert report.ok, report.errors
        agreements.transition(session, negotiator.actor, agreement.id, AgreementStatus.NEGOTIATING)
        for approver in (manager, second):
            assert approver.actor.user_id is not None
            agreements.name_approver(
                session, negotiator.actor, agreement.id, approver.actor.user_id
            )
    return Cast(
        manager=manager,
        second_approver=second.actor,
        organisation_id=organisation.id,
        registrar=registrar,
        worker=worker,
        agreement_id=agreement.id,
        code_name=code_name,
        commander=commander,
        battalion_commander=battalion_commander,
        receiving_force_id=receiving.id,
        cook_id=theirs["cook"].id,
    )


def _approve(page: Page, server: str, haven: Haven, cast: Cast) -> None:
    """The approver sees the hits on the commander and the roll, acknowledges them and
    approves; the second approver does the same and the agreement is executed."""
    log_in(page, server, cast.manager)
    with tally.counting(page) as task:
        task.go(page, f"{server}/agreements/{cast.agreement_id}")
        hits = page.locator("#screening-hits")
        expect(hits).to_contain_text(cast.commander)
        expect(hits).to_contain_text(cast.battalion_commander)
        page.fill("#field-note", "Neither was in the unit in 2022: checked with the roll.")
        page.click("#acknowledge-button")
        expect(page.locator("#screening-acknowledged")).to_be_visible()
        page.click("#approve-button")
        expect(page.locator("#agreement-status")).to_have_text("Negotiating")
    # The manager's day: an agreement's screening hits read, acknowledged, and approved.
    assert (task.clicks, task.fields) == (3, 1), task
    with haven.transaction() as session:
        approver = cast.second_approver
        hit_ids = [h.id for h in agreements_repository.hits_of(session, cast.agreement_id)]
        acknowledge(session, approver, cast.agreement_id, hit_ids, "Checked with the roll.")
        agreements.approve(session, f.fresh(session, approver), cast.agreement_id)
        agreements.transition(session, world.SYSTEM, cast.agreement_id, AgreementStatus.EXECUTING)
    page.click("#logout-button")


def _register(page: Page, server: str, cast: Cast) -> None:
    """A desk registers the battalion commander from the roll."""
    log_in(page, server, cast.registrar)
    page.goto(f"{server}/agreements/{cast.agreement_id}/desk")
    page.fill("#field-q", cast.battalion_commander)
    first = page.locator("#desk-results button.pick").first
    expect(first).to_be_visible()
    first.click()
    page.click("#register-button")
    expect(page.locator("#registered-notice")).to_be_visible()
    page.click("#logout-button")


def _chooses_to_serve(haven: Haven, cast: Cast) -> uuid.UUID:
    """He chooses to serve; the case worker verifies his rank (the equivalences propose a
    Lieutenant Colonel and a battalion commander, on the date the terms were fixed)."""
    with haven.transaction() as session:
        arrival = next(iter(agreements_repository.arrivals_of(session, cast.agreement_id)))
        worker = cast.worker.actor
        text = pathways_repository.latest_consent_text(session, cast.organisation_id, "en")
        assert text is not None
        choice = pathways.record_choice(
            session,
            worker,
            arrival.person_id,
            ChoiceIn.model_validate(
                {
                    "pathway": "serve",
                    "language": "en",
                    "consent_text_id": str(text.id),
                    "explained": True,
                    **SAFEGUARDS,
                    "statement": "I choose to serve.",
                }
            ),
        )
        claim = {"receiving_force_id": str(cast.receiving_force_id)}
        tracks.claim_rank(session, worker, choice.case_id, ServeClaimIn.model_validate(claim))
        verify = {"status": "verified", "evidence": ["roll"]}
        tracks.verify_rank(session, worker, choice.case_id, ServeVerifyIn.model_validate(verify))
        return choice.case_id


def _post_as_cook(page: Page, server: str, cast: Cast, case_id: uuid.UUID) -> None:
    page.goto(f"{server}/cases/{case_id}")
    page.select_option("#field-position_id", str(cast.cook_id))
    page.fill("#field-unit", "Battalion 3")
    page.fill("#field-personnel_number", f"KA-{world.tag()}")
    page.click("#post-button")


def test_the_promise_of_rank_and_position_binds_the_posting(
    page: Page, server: str, haven: Haven, cast: Cast
) -> None:
    _approve(page, server, haven, cast)
    _register(page, server, cast)
    case_id = _chooses_to_serve(haven, cast)

    # Posting him as cook is refused, with the reason.
    log_in(page, server, cast.worker)
    page.goto(f"{server}/cases/{case_id}")
    expect(page.locator("#proposed-position")).to_contain_text("Battalion commander")
    _post_as_cook(page, server, cast, case_id)
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("retains the person's position")
    expect(summary).to_contain_text("Cook")
    assert axe_violations(page) == []
    page.click("#logout-button")

    # The programme manager records an override with a reason; the agreement lists it.
    log_in(page, server, cast.manager)
    page.goto(f"{server}/cases/{case_id}/serve/override")
    expect(page.locator("#kept-position")).to_contain_text("Battalion commander")
    assert axe_violations(page) == []
    page.select_option("#field-position_id", str(cast.cook_id))
    page.fill("#field-reason", "He asked to cook: his hand was injured at the crossing.")
    page.click("#override-button")
    expect(page.locator("#saved-notice")).to_be_visible()
    page.goto(f"{server}/agreements/{cast.agreement_id}")
    overrides = page.locator("#overrides-table")
    expect(overrides).to_contain_text("Cook")
    expect(overrides).to_contain_text("his hand was injured")
    expect(overrides).to_contain_text(cast.battalion_commander)
    page.click("#logout-button")

    # Now the case worker posts him as cook.
    log_in(page, server, cast.worker)
    _post_as_cook(page, server, cast, case_id)
    expect(page.locator("#posted-by-override")).to_be_visible()
    expect(page.locator("#posting")).to_contain_text("Cook")
