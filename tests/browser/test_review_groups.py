"""Issue 23's "Done when" for review groups, in a browser: three records the review band
links together (A-B, B-C) are one group; a case worker splits it as shown (A and C one
person, B another) in one step; a second case worker sees the first decision and agrees in
one step; C is merged into A, B stays apart, and the pairs' pages say so."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from haven.matching import repository, service
from haven.people.public import person_by_id
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in


def test_two_reviewers_split_a_group_as_shown_in_one_step_each(
    page: Page, server: str, haven: Haven
) -> None:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Group council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Group point {suffix}")
        first, second = (
            world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix, stem=stem
            )
            for stem in ("groupone", "grouptwo")
        )
        a, b, c = (
            world.receive(session, site=site, name_latin=world.burmese_name().name_latin)
            for _ in range(3)
        )
        reviews = []
        for left, right, probability in ((a, b, 0.9), (b, c, 0.8)):
            person = person_by_id(session, left)
            assert person is not None
            candidate = service.Candidate(right, organisation.id, 5.0, probability, ("same name",))
            reviews += service.queue_for_review(
                session, world.SYSTEM, person, [candidate], source="batch"
            )
        ab, bc = (review.id for review in reviews)

    def split_b_apart() -> None:
        """Records are shown oldest id first (A, B, C): B is the second person."""
        page.select_option(f"#field-part-{b}", "2")
        expect(page.locator(f"#field-part-{a}")).to_have_value("1")
        expect(page.locator(f"#field-part-{c}")).to_have_value("1")
        page.click("#decide-split")
        page.wait_for_load_state()

    log_in(page, server, first)
    page.goto(f"{server}/matching/review")
    page.click(f'#group-queue a[href="/matching/groups/{ab}"]')
    expect(page).to_have_url(re.compile(rf"/matching/groups/{ab}$"))
    expect(page.locator("#group-members")).to_contain_text("Record 3")
    expect(page.locator("#group-pairs tbody tr")).to_have_count(2)
    assert axe_violations(page) == []
    split_b_apart()
    expect(page.locator("#notice")).to_contain_text("A second reviewer must confirm it")
    expect(page.locator("#own-vote")).to_be_visible()  # no second vote of one's own

    page.context.clear_cookies()
    log_in(page, server, second)
    page.goto(f"{server}/matching/groups/{bc}")  # any pair of the group names it
    expect(page.locator("#group-state")).to_contain_text("Awaits a second reviewer")
    # The first decision joined A and C, who had no pair: a pair of its own to confirm.
    expect(page.locator("#group-pairs tbody tr")).to_have_count(3)
    expect(page.locator("#group-pairs")).to_contain_text("first reviewer: Not the same person")
    split_b_apart()
    expect(page.locator("#notice")).to_contain_text("Two reviewers agreed")
    page.goto(f"{server}/matching/review/{ab}")
    expect(page.locator("#review-state")).to_contain_text("Decided: not the same person")

    with haven.transaction() as session:
        roots = repository.roots_of(session, [a, b, c])
    assert roots == {a: a, b: b, c: a}
