"""Second factors in Chromium: enrol an authenticator app, log in with it; a security key.

The first test creates a new auditor through the administrator's pages, so that the
enrolment path is always the one taken; `_log_in` follows whichever page comes after the
password (enrolment, or the second step with the secret the test gave its user).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations


def _user(haven: Haven, role: Role) -> world.Account:
    """A user of `role` (with an authenticator app) in an organisation of the test's own."""
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"MFA council {suffix}")
        return world.account(session, organisation=organisation, role=role, suffix=suffix)


def _password(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#field-username", username)
    page.fill("#field-password", world.PASSWORD)
    page.click("#login-button")


def _log_in(
    page: Page, server: str, username: str, secret: str | None, enrolment_code: str = ""
) -> str:
    """Both steps, enrolling an authenticator app first (with the administrator's enrolment
    code) if the user has none; the secret."""
    _password(page, server, username)
    page.wait_for_url(lambda url: "/login/" in url)
    if page.url.endswith("/login/enrol"):
        # The password alone shows no secret: first the code an administrator issued.
        expect(page.locator("#enrol-code-title")).to_be_visible()
        assert page.locator("#totp-secret").count() == 0
        assert axe_violations(page) == []
        page.fill("#field-enrolment_code", enrolment_code)
        page.click("#enrolment-code-button")
        expect(page.locator("#enrol-title")).to_be_visible()
        expect(page.locator("#totp-qr")).to_be_visible()
        assert (
            page.locator("#totp-qr")
            .get_attribute("src", timeout=1000)
            .startswith(  # type: ignore[union-attr]
                "data:image/svg+xml"
            )
        )
        assert axe_violations(page) == []
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.fill("#field-code", "000000")
        page.click("#totp-confirm-button")
        expect(page.locator("#error-summary")).to_be_visible()
        page.fill("#field-code", world.totp_code(username, secret))
        page.click("#totp-confirm-button")
    else:
        expect(page.locator("#verify-title")).to_be_visible()
        assert secret, "the user has a factor the test does not know"
        assert axe_violations(page) == []
        page.fill("#field-code", world.totp_code(username, secret))
        page.click("#verify-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")
    return secret


def test_enrol_an_authenticator_app_then_log_in_with_it(
    page: Page, server: str, haven: Haven
) -> None:
    admin = _user(haven, Role.ADMINISTRATOR)
    new_auditor = f"auditor-{world.tag()}"
    _log_in(page, server, admin.username, admin.totp_secret)
    page.goto(f"{server}/users/new")
    page.fill("#field-username", new_auditor)
    page.fill("#field-display_name", "New Auditor")
    page.select_option("#field-role", "auditor")
    page.fill("#field-password", world.PASSWORD)
    page.click('form[action="/users/new"] button[type=submit]')
    expect(page.locator("#user-factors")).to_contain_text("must set one up at next login")
    page.click("#enrolment-code-button")  # the administrator has just logged in: fresh
    code = page.locator("#enrolment-code").inner_text()
    page.click("#logout-button")

    # The password, then the administrator's code, then enrolment: nothing else.
    secret = _log_in(page, server, new_auditor, None, code)
    page.click("#logout-button")
    expect(page).to_have_url(f"{server}/login?logged_out=1")

    # The second login asks for a code; a wrong one is refused with a message.
    _password(page, server, new_auditor)
    expect(page.locator("#verify-title")).to_be_visible()
    page.fill("#field-code", "000000")
    page.click("#verify-button")
    expect(page.locator("#error-summary")).to_contain_text("Each code works once")
    page.goto(f"{server}/")
    expect(page.locator("#login-button")).to_be_visible()  # still not logged in
    page.goto(f"{server}/login/verify")
    page.fill("#field-code", world.totp_code(new_auditor, secret))
    page.click("#verify-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")


def test_a_security_key_in_chromiums_virtual_authenticator(
    page: Page, server: str, haven: Haven
) -> None:
    negotiator = _user(haven, Role.NEGOTIATOR)
    # WebAuthn needs a domain as relying party id, not an IP address: use localhost.
    local = server.replace("127.0.0.1", "localhost")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    _log_in(page, local, negotiator.username, negotiator.totp_secret)
    page.goto(f"{local}/account/security")
    expect(page.locator("#security-title")).to_be_visible()
    page.fill("#field-key-name", "laptop key")
    page.click("#webauthn-register-button")
    expect(page.locator("#keys-table")).to_contain_text("laptop key")
    assert axe_violations(page) == []
    page.click("#logout-button")

    _password(page, local, negotiator.username)
    expect(page.locator("#webauthn-button")).to_be_visible()
    page.click("#webauthn-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")
