"""Second factors in Chromium: enrol an authenticator app, log in with it; a security key.

The first test creates a new auditor through the administrator's pages, so that the
enrolment path is always the one taken; `_log_in` follows whichever page comes after the
password (enrolment, or the second step with the demo's published secret).
"""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from tests.browser import conftest as browser_conftest
from tests.browser.conftest import axe_violations

DEMO_PASSWORD = "haven-demo-passphrase"
_secrets: dict[str, str] = {}
_used: dict[str, int] = {}


def _code(username: str) -> str:
    """A code valid now and not yet used (Haven refuses a step it has already accepted)."""
    secret = _secrets[username]
    shared = getattr(browser_conftest, "demo_totp_code", None)
    if shared is not None and secret == _known_demo_secret():
        return str(shared(username))  # one record of used steps for the demo users
    while True:
        now = int(time.time()) // 30
        for step in (now - 1, now, now + 1):
            if step > _used.get(username, -1):
                _used[username] = step
                return pyotp.TOTP(secret).generate_otp(step)
        time.sleep(1)


def _password(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#field-username", username)
    page.fill("#field-password", DEMO_PASSWORD)
    page.click("#login-button")


def _known_demo_secret() -> str | None:
    try:
        from haven.demo import accounts
    except ImportError:
        return None
    return getattr(accounts, "DEMO_TOTP_SECRET", None)


def _log_in(page: Page, server: str, username: str) -> None:
    """Both steps, enrolling an authenticator app first if the user has none."""
    _password(page, server, username)
    page.wait_for_url(lambda url: "/login/" in url)
    if page.url.endswith("/login/enrol"):
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
        _secrets[username] = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.fill("#field-code", "000000")
        page.click("#totp-confirm-button")
        expect(page.locator("#error-summary")).to_be_visible()
        page.fill("#field-code", _code(username))
        page.click("#totp-confirm-button")
    else:
        expect(page.locator("#verify-title")).to_be_visible()
        _secrets.setdefault(username, _known_demo_secret() or "")
        assert _secrets[username], "the user has a factor the test does not know"
        assert axe_violations(page) == []
        page.fill("#field-code", _code(username))
        page.click("#verify-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")


def test_enrol_an_authenticator_app_then_log_in_with_it(page: Page, server: str) -> None:
    _log_in(page, server, "admin")
    page.goto(f"{server}/users/new")
    page.fill("#field-username", "mfa-auditor")
    page.fill("#field-display_name", "New Auditor")
    page.select_option("#field-role", "auditor")
    page.fill("#field-password", DEMO_PASSWORD)
    page.click('form[action="/users/new"] button[type=submit]')
    expect(page.locator("#user-factors")).to_contain_text("must set one up at next login")
    page.click("#logout-button")

    _log_in(page, server, "mfa-auditor")  # the password, then enrolment: nothing else
    page.click("#logout-button")
    expect(page).to_have_url(f"{server}/login?logged_out=1")

    # The second login asks for a code; a wrong one is refused with a message.
    _password(page, server, "mfa-auditor")
    expect(page.locator("#verify-title")).to_be_visible()
    page.fill("#field-code", "000000")
    page.click("#verify-button")
    expect(page.locator("#error-summary")).to_contain_text("Each code works once")
    page.goto(f"{server}/")
    expect(page.locator("#login-button")).to_be_visible()  # still not logged in
    page.goto(f"{server}/login/verify")
    page.fill("#field-code", _code("mfa-auditor"))
    page.click("#verify-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")


def test_a_security_key_in_chromiums_virtual_authenticator(page: Page, server: str) -> None:
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
    _log_in(page, local, "negotiator")
    page.goto(f"{local}/account/security")
    expect(page.locator("#security-title")).to_be_visible()
    page.fill("#field-key-name", "laptop key")
    page.click("#webauthn-register-button")
    expect(page.locator("#keys-table")).to_contain_text("laptop key")
    assert axe_violations(page) == []
    page.click("#logout-button")

    _password(page, local, "negotiator")
    expect(page.locator("#webauthn-button")).to_be_visible()
    page.click("#webauthn-button")
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")
