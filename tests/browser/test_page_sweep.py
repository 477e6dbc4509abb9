"""Every page, in English and Burmese, on a phone, a tablet and a laptop (issue 20).

Each page a user reaches (`tests/sweep.py`: every role's pages, with the ids of a world made
with every domain's records) is loaded once per language at 360 px wide; the page must not
be wider than the screen (`scrollWidth <= innerWidth`), then again at 768 and 1280 px (the
same page, resized: no reload); axe-core runs once per page and language (in Burmese, the
rules the words decide: `TEXT_RULES`). Users arrive
logged in by cookie (the login form has its own tests), so the sweep costs page loads only.
The English left on Burmese pages is `tests/test_burmese_pages.py`'s check, server-side.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import update

from haven.accounts.models import User
from haven.security.permissions import Role
from tests import sweep
from tests.browser import world
from tests.browser.conftest import AXE, Haven

WIDTHS = (360, 768, 1280)
HEIGHT = 800
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What makes a page wide, to name in a failure: elements past the right edge whose parent is not.
CULPRITS = """() => {
  const w = window.innerWidth; const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    const p = e.parentElement.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0 && p.right <= w + 1) out.push(
      e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') +
      ' ' + Math.round(r.right));
  }
  return out.slice(0, 5);
}"""


AXE_RUN = """async (rules) => {
    const only = rules ? {type: 'rule', values: rules} : {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']};
    const r = await axe.run(document, {runOnly: only});
    return r.violations.map(v => ({id: v.id, impact: v.impact,
        nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
}"""
# The English pass runs every WCAG 2.x A/AA rule. The Burmese pass renders the same templates
# with the same markup, styles and colours, so it runs the WCAG rules whose outcome the words
# themselves decide: the page's language, and whether every control, link, image and frame
# has a name (an empty translation would leave one nameless). Structure and contrast, the
# same in both languages, are the English pass's (and the most costly half of axe).
TEXT_RULES = [
    "html-has-lang", "html-lang-valid", "html-xml-lang-mismatch", "valid-lang",
    "document-title", "link-name", "button-name", "input-button-name", "label",
    "select-name", "image-alt", "input-image-alt", "frame-title", "aria-command-name",
    "aria-input-field-name", "aria-toggle-field-name", "aria-meter-name",
    "aria-progressbar-name", "aria-tooltip-name", "summary-name", "svg-img-alt", "object-alt",
    "role-img-alt",
]  # fmt: skip


@pytest.fixture(scope="module")
def swept(haven: Haven) -> tuple[sweep.SweepWorld, dict[Role, str]]:
    """The world, committed to the server's database, and a login session per role."""
    with haven.transaction() as session:
        made = sweep.build(session, world.HASHING, name=f"Sweep {world.tag()}")
        tokens = {
            role: sweep.session_token(session, user, world.HASHING)
            for role, user in made.users.items()
        }
    return made, tokens


def _context(browser: Browser, base: str, language: str, token: str | None) -> BrowserContext:
    # bypass_csp only so that the test can inject axe-core; Haven's pages never need it.
    context = browser.new_context(
        bypass_csp=True, locale="en-GB", viewport={"width": WIDTHS[0], "height": HEIGHT}
    )
    cookies = [{"name": "haven_language", "value": language, "url": base}]
    if token is not None:
        cookies.append({"name": "haven_session", "value": token, "url": base})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    context.add_init_script(path=str(AXE))
    return context


def _axe(page: Page, language: str) -> list[dict[str, object]]:
    """axe-core's WCAG 2.x A/AA rules (as `axe_violations`; the text rules alone in Burmese),
    loaded with the page by the context's init script instead of injected afterwards."""
    return list(page.evaluate(AXE_RUN, None if language == "en" else TEXT_RULES))


def _check(page: Page, label: str, language: str, failures: list[str]) -> None:
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": HEIGHT})
        scroll, inner = page.evaluate(OVERFLOW)
        if scroll > inner:
            failures.append(f"{label} at {width} px: {scroll} > {inner} {page.evaluate(CULPRITS)}")
    violations = _axe(page, language)
    if violations:
        failures.append(f"{label}: axe {violations}")


def _share(by_role: dict[Role | None, list[str]], part: int) -> dict[Role | None, list[str]]:
    """One of PARTS shares of the roles' pages, about equal in pages (a role's pages stay
    together, in one browser context): the biggest role first, to the smallest share."""
    shares: list[dict[Role | None, list[str]]] = [{} for _ in range(PARTS)]
    for role, paths in sorted(by_role.items(), key=lambda item: -len(item[1])):
        smallest = min(shares, key=lambda share: sum(len(p) for p in share.values()))
        smallest[role] = paths
    return shares[part]


# The sweep in PARTS shares per language, so that its parts spread over the workers and none
# is left running alone at the end of the suite.
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("language", ["en", "my"])
def test_every_page_fits_every_screen_and_is_accessible(
    browser: Browser,
    haven: Haven,
    swept: tuple[sweep.SweepWorld, dict[Role, str]],
    language: str,
    part: int,
) -> None:
    made, tokens = swept
    base = haven.url
    failures: list[str] = []
    with haven.transaction() as session:
        session.execute(
            update(User)
            .where(User.id.in_([u.id for u in made.users.values()]))
            .values(language=language)
        )
    by_role: dict[Role | None, list[str]] = {}
    for role, _template, path in sweep.pages(made):
        by_role.setdefault(role, []).append(path)
    for role, paths in _share(by_role, part).items():
        context = _context(browser, base, language, tokens[role] if role else None)
        page = context.new_page()
        try:
            for path in paths:
                label = f"{language} {role} {path}"
                response = page.goto(f"{base}{path}")
                if response is None or response.status != 200:
                    failures.append(f"{label}: {response.status if response else 'none'}")
                    continue
                _check(page, label, language, failures)
                page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        finally:
            context.close()
    assert not failures, "\n".join(failures)
