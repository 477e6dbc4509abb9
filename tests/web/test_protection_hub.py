"""The protection hub lists the parts of issue 24 a role works in, and no other."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f

# What each role finds on /protection (the parts whose permission the role holds).
EXPECTED: dict[Role, set[str]] = {
    Role.NEGOTIATOR: {"/families", "/cards/verify", "/contacts"},
    Role.MANAGER: {
        "/families",
        "/protection/incidents",
        "/cards",
        "/cards/verify",
        "/complaints",
        "/disclosures",
        "/disclosures/agreements",
    },
    Role.AUDITOR: {"/cards/verify", "/disclosures"},
}


def test_each_role_sees_the_parts_it_works_in(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    for role in EXPECTED:
        f.user(db, organisation=org, role=role, settings=fast_settings, username=f"hub.{role}")
    for role, expected in EXPECTED.items():
        f.login(client, username=f"hub.{role}")
        page = client.get("/protection")
        assert page.status_code == 200
        links = page.text.split('id="protection-links"')[1].split("</ul>")[0]
        assert set(re.findall(r'href="([^"]+)"', links)) == expected, role
        assert 'href="/protection"' in page.text  # the navigation's entry
