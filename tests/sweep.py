"""Every page a user reaches, with real ids: the page sweep's world and list (issue 20).

`build(db, settings)` makes one organisation with a user per role and every domain's records
(the authorisation matrix's seeds, `tests/security/matrix_*.py`); `pages(world)` lists each
HTML page with the role that opens it and the ids filled in; `session_token` opens a login
session for a role without the login form (the browser and TestClient sweeps log in by
cookie: the login pages are swept anonymously). Both the Burmese text test
(`tests/test_burmese_pages.py`) and the browser sweep (`tests/browser/test_page_sweep.py`)
use it, so they see the same pages.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.accounts import sessions as login_sessions
from haven.accounts.models import User
from haven.config import Settings
from haven.forces import service as forces
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor, Role
from tests import sweep_states
from tests.security import (
    matrix_agreements,
    matrix_allowances,
    matrix_cards,
    matrix_complaints,
    matrix_contacts,
    matrix_disclosures,
    matrix_families,
    matrix_jobs,
    matrix_matching,
    matrix_pathways,
    matrix_pow,
    matrix_programme,
    matrix_protection,
    matrix_reports,
    matrix_vetting,
    matrix_weapons,
)
from tests.security.test_authorization_matrix import _side
from tests.sync import seed as sync_seed

# The authorisation matrix's seeds: every domain's records for one organisation; then the
# later states those stop short of (a child, a decided case, a paid batch, a negotiation).
SEEDS = [
    matrix_agreements,
    matrix_allowances,
    matrix_pathways,
    matrix_vetting,
    matrix_pow,
    matrix_matching,
    matrix_programme,
    matrix_jobs,
    matrix_contacts,
    matrix_complaints,
    matrix_disclosures,
    matrix_protection,
    matrix_families,
    matrix_cards,
    matrix_weapons,
    matrix_reports,
    sync_seed,
    sweep_states,
]

ANONYMOUS = None

# Each page a user reaches (GET, HTML), with the role whose work it is. A path parameter
# names an id of the world (`ids`); pages that answer a file (PDF, CSV, photo, evidence
# download, plan export) and fragments are not pages. A page whose look changes with its
# record's state is listed again for the later state (`tests/sweep_states.py`).
PAGES: list[tuple[Role | None, str]] = [
    (ANONYMOUS, "/login"),
    (Role.ADMINISTRATOR, "/"),
    (Role.REGISTRAR, "/"),
    (Role.CASE_WORKER, "/"),
    (Role.VETTING_OFFICER, "/"),
    (Role.FINANCE_OFFICER, "/"),
    (Role.POW_OFFICER, "/"),
    (Role.NEGOTIATOR, "/"),
    (Role.MANAGER, "/"),
    (Role.AUDITOR, "/"),
    (Role.ADMINISTRATOR, "/users"),
    (Role.ADMINISTRATOR, "/users/new"),
    (Role.ADMINISTRATOR, "/users/{user_id}"),
    (Role.CASE_WORKER, "/account/tokens"),
    (Role.CASE_WORKER, "/account/security"),
    (Role.CASE_WORKER, "/account/password"),
    (Role.CASE_WORKER, "/account/security/totp"),
    (Role.REGISTRAR, "/reception/new"),
    (Role.REGISTRAR, "/reception/import"),
    (Role.REGISTRAR, "/weapons/{weapon_id}/receipt"),
    (Role.REGISTRAR, "/people"),
    (Role.REGISTRAR, "/people/{person_id}"),
    (Role.REGISTRAR, "/people/{person_id}/profile"),
    (Role.REGISTRAR, "/receptions/{reception_id}/correct"),
    (Role.REGISTRAR, "/receptions/{reception_id}/weapons"),
    (Role.REGISTRAR, "/people/{child_id}"),
    (Role.REGISTRAR, "/receptions/{child_reception_id}/handover"),
    (Role.ADMINISTRATOR, "/forces"),
    (Role.ADMINISTRATOR, "/forces/{force_id}"),
    (Role.AUDITOR, "/audit"),
    (Role.AUDITOR, "/audit/verify"),
    (Role.NEGOTIATOR, "/agreements"),
    (Role.NEGOTIATOR, "/agreements/new"),
    (Role.NEGOTIATOR, "/agreements/{agreement_id}"),
    (Role.REGISTRAR, "/agreements/{agreement_id}/desk"),
    (Role.NEGOTIATOR, "/agreements/{negotiating_agreement_id}"),
    (Role.MANAGER, "/agreements/{negotiating_agreement_id}"),
    (Role.NEGOTIATOR, "/agreements/{negotiating_agreement_id}/edit"),
    (Role.NEGOTIATOR, "/agreements/{negotiating_agreement_id}/parties/new"),
    (Role.NEGOTIATOR, "/agreements/{negotiating_agreement_id}/parties/{party_id}"),
    (Role.FINANCE_OFFICER, "/allowances"),
    (Role.ADMINISTRATOR, "/allowances/plans"),
    (Role.ADMINISTRATOR, "/allowances/plans/{plan_version_id}"),
    (Role.ADMINISTRATOR, "/allowances/plans/{plan_version_id}/components/{code}/remove"),
    (Role.ADMINISTRATOR, "/allowances/plans/{plan_version_id}/publish"),
    (Role.FINANCE_OFFICER, "/allowances/batches"),
    (Role.FINANCE_OFFICER, "/allowances/batches/{batch_id}/submit"),
    (Role.ADMINISTRATOR, "/allowances/funders"),
    (Role.FINANCE_OFFICER, "/allowances/batches/{batch_id}"),
    (Role.FINANCE_OFFICER, "/allowances/batches/{paid_batch_id}"),
    (Role.FINANCE_OFFICER, "/allowances/people/{person_id}"),
    (Role.FINANCE_OFFICER, "/allowances/people/{cleared_person_id}"),
    (Role.FINANCE_OFFICER, "/allowances/reports"),
    (Role.CASE_WORKER, "/cases"),
    (Role.MANAGER, "/cases"),
    (Role.CASE_WORKER, "/people/{person_id}/case"),
    (Role.CASE_WORKER, "/people/{person_id}/choice"),
    (Role.CASE_WORKER, "/cases/{case_id}"),
    (Role.CASE_WORKER, "/cases/{case_id}/notes"),
    (Role.MANAGER, "/cases/{case_id}/serve/override"),
    (Role.CASE_WORKER, "/referrals/{referral_id}"),
    (Role.ADMINISTRATOR, "/consent-texts"),
    (Role.VETTING_OFFICER, "/vetting"),
    (Role.VETTING_OFFICER, "/vetting/persons/{person_id}"),
    (Role.VETTING_OFFICER, "/vetting/cases/{vetting_case_id}"),
    (Role.VETTING_OFFICER, "/vetting/cases/{decided_case_id}"),
    (Role.VETTING_OFFICER, "/vetting/cases/{decided_case_id}/notice"),
    (Role.VETTING_OFFICER, "/vetting/persons/{person_id}/appeal"),
    (Role.VETTING_OFFICER, "/vetting/incidents"),
    (Role.VETTING_OFFICER, "/vetting/incidents/{vetting_incident_id}"),
    (Role.VETTING_OFFICER, "/vetting/reports"),
    (Role.POW_OFFICER, "/pow"),
    (Role.POW_OFFICER, "/pow/register"),
    (Role.POW_OFFICER, "/pow/records/{pow_id}"),
    (Role.POW_OFFICER, "/pow/effects/{effect_id}/receipt"),
    (Role.POW_OFFICER, "/pow/places"),
    (Role.POW_OFFICER, "/pow/pay-rates"),
    (Role.POW_OFFICER, "/pow/notices"),
    (Role.CASE_WORKER, "/matching/review"),
    (Role.MANAGER, "/protection"),
    (Role.CASE_WORKER, "/matching/review/{review_id}"),
    (Role.CASE_WORKER, "/matching/groups/{review_id}"),
    (Role.ADMINISTRATOR, "/programme"),
    (Role.CASE_WORKER, "/jobs"),
    (Role.CASE_WORKER, "/jobs/{job_id}"),
    (Role.CASE_WORKER, "/jobs/{job_id}/cancel"),
    (Role.REGISTRAR, "/sync"),
    (Role.ADMINISTRATOR, "/sync/nodes"),
    (Role.REGISTRAR, "/sync/conflicts"),
    (Role.REGISTRAR, "/sync/conflicts/{conflict_id}"),
    (Role.NEGOTIATOR, "/contacts"),
    (Role.NEGOTIATOR, "/contacts/new"),
    (Role.NEGOTIATOR, "/contacts/{contact_id}"),
    (Role.CASE_WORKER, "/complaints"),
    (Role.REGISTRAR, "/complaints"),
    (Role.CASE_WORKER, "/complaints/new"),
    (Role.CASE_WORKER, "/complaints/{recorded_complaint_id}/recorded"),
    (Role.CASE_WORKER, "/complaints/{complaint_id}"),
    (Role.MANAGER, "/complaints/{recorded_complaint_id}"),
    (Role.MANAGER, "/complaints/report"),
    (Role.MANAGER, "/complaints/deadlines"),
    (Role.AUDITOR, "/disclosures"),
    (Role.CASE_WORKER, "/people/{person_id}"),  # with where the person's data went
    (Role.MANAGER, "/disclosures/{disclosure_id}"),
    (Role.MANAGER, "/disclosures/agreements"),
    (Role.MANAGER, "/disclosures/agreements/new"),
    (Role.MANAGER, "/disclosures/agreements/{sharing_agreement_id}"),
    (Role.MANAGER, "/disclosures/agreements/{sharing_agreement_id}/edit"),
    (Role.CASE_WORKER, "/protection/incidents"),
    (Role.MANAGER, "/protection/incidents"),
    (Role.CASE_WORKER, "/protection/incidents/new"),
    (Role.CASE_WORKER, "/protection/incidents/{incident_id}"),
    (Role.MANAGER, "/protection/incidents/{incident_id}"),
    (Role.CASE_WORKER, "/protection/incidents/{incident_id}/edit"),
    (Role.CASE_WORKER, "/protection/people/{person_id}/risk"),
    (Role.CASE_WORKER, "/families"),
    (Role.NEGOTIATOR, "/families"),
    (Role.CASE_WORKER, "/families/new/person/{person_id}"),
    (Role.NEGOTIATOR, "/families/new/agreement/{agreement_id}"),
    (Role.CASE_WORKER, "/families/{plan_id}"),
    (Role.MANAGER, "/families/{plan_id}"),
    (Role.CASE_WORKER, "/families/{plan_id}/edit"),
    (Role.REGISTRAR, "/people/{person_id}/family/{member_id}/edit"),
    (Role.CASE_WORKER, "/cards"),
    (Role.REGISTRAR, "/cards"),
    (Role.CASE_WORKER, "/cards/verify"),
    (Role.VETTING_OFFICER, "/cards/verify"),
    # --- weapons (issue 25) ---
    (Role.REGISTRAR, "/weapons"),
    (Role.REGISTRAR, "/weapons/stores/{store_id}"),
    (Role.REGISTRAR, "/weapons/stores/{store_id}/stock-check"),
    (Role.MANAGER, "/weapons/stores/{store_id}/destruction"),
    # --- reports (issue 25) ---
    (Role.MANAGER, "/reports"),
    (Role.MANAGER, "/reports/{report_key}"),  # arrivals
    (Role.MANAGER, "/reports/crossing"),
    (Role.MANAGER, "/reports/pathways"),
    (Role.FINANCE_OFFICER, "/reports/payments"),
    (Role.MANAGER, "/reports/compliance"),
    # --- open formats (issue 25) ---
]

# GET routes that are not pages a user reaches by a link, with the reason.
NOT_PAGES: dict[str, str] = {
    "/login/verify": "a login step, after the password (tests/browser/test_mfa.py)",
    "/login/enrol": "a login step, after the password (tests/browser/test_mfa.py)",
    "/reauth": "asked for before an action that needs fresh authentication",
    "/healthz": "JSON for monitoring",
    "/reception/import/template.csv": "a file",
    "/reception/xlsform.xlsx": "a file (the reception form as an XLSForm)",
    "/people/{}/photo": "an image",
    "/agreements/roll-template.csv": "a file",
    "/agreements/roll-template.xlsx": "a file",
    "/allowances/plans/{}/export": "a file",
    "/allowances/receipts/{}": "an image (a paid item's signed receipt)",
    "/vetting/evidence/{}": "a file",
    "/pow/cards/{}.pdf": "a file",
    "/pow/records/{}/death-certificate.pdf": "a file",
    "/cards/{}/pdf": "a file (the identity card to print)",
    "/jobs/{}/progress": "a fragment of /jobs/{job_id}",
    "/reports/{}/download/{}": "a file (a report's XLSX, CSV or PDF, audited)",
    "/weapons/stores/{}/intake": "a store's form like its stock check (tests/weapons/test_views)",
    "/weapons/stores/{}/transfer": "a store's form like its destruction (tests/weapons/test_views)",
    "/weapons/stores/{}/reissue": "a store's form like its destruction (tests/weapons/test_views)",
    "/weapons/documents/{}": "a document of a store's ledger (tests/weapons/test_views)",
    "/weapons/documents/{}/image/{}": "an image (a signed receipt or a destruction's photo)",
}

_PARAM = re.compile(r"\{([a-z_]+)\}")


def shape(path: str) -> str:
    """A path with its parameters unnamed ("/people/{}"), to compare with the routes."""
    return _PARAM.sub("{}", path)


@dataclass
class SweepWorld:
    users: dict[Role, User]
    ids: dict[str, uuid.UUID]


def build(db: Session, settings: Settings, *, name: str = "Sweep") -> SweepWorld:
    """One organisation, a user per role, every domain's records; flushed, not committed."""
    bind_actor(db, Actor.system("page sweep"))  # the seeds read what they write
    side, users = _side(db, settings, f"{name} organisation", SEEDS)
    army = forces.ensure_reference_data(db)
    ids = dict(side.ids)
    ids["force_id"] = army.id
    ids["user_id"] = users[Role.REGISTRAR].id
    db.flush()
    return SweepWorld(users=users, ids=ids)


def pages(world: SweepWorld) -> list[tuple[Role | None, str, str]]:
    """(role, path template, path) of every page, with the world's ids in the paths."""
    return [
        (role, template, _PARAM.sub(lambda m: str(world.ids[m.group(1)]), template))
        for role, template in PAGES
    ]


def session_token(db: Session, user: User, settings: Settings) -> str:
    """A login session for `user`, as after the password and the second factor."""
    token, _login = login_sessions.start(db, user, settings, second_factor="totp")
    return token
