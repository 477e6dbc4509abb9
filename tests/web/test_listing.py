"""The one list pattern (haven/web/listing.py, templates/_list.html): whatever a client sends,
a list page answers with a page, links keep the filters, counts come from the total."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.requests import Request

from haven import i18n
from haven.web.listing import Listing, ListQuery
from haven.web.templating import ENVIRONMENT

SORTS = ("newest", "oldest", "name")


def request(query: str = "", path: str = "/things") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [],
        "server": ("testserver", 80),
        "scheme": "http",
    }
    return Request(scope)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize(
    "sent",
    [
        "page=0",
        "page=-3",
        "page=abc",
        "page=1.5",
        "page=%EF%BC%93",  # a full-width digit
        "page=",
        "page=99999999999999999999",
        "sort=drop+table",
        "per_page=0",
        "per_page=x",
    ],
)
def test_bad_parameters_fall_back_to_a_page(sent: str) -> None:
    query = ListQuery.from_request(request(sent), sorts=SORTS, default="newest")
    assert query.page >= 1
    assert 1 <= query.per_page <= 100
    assert query.sort in SORTS
    assert query.offset == (query.page - 1) * query.per_page


def test_page_sort_and_size_are_read() -> None:
    query = ListQuery.from_request(
        request("page=3&sort=name&per_page=10&kind=a"), sorts=SORTS, per_page=25
    )
    assert (query.page, query.sort, query.per_page, query.offset) == (3, "name", 10, 20)
    assert query.get("kind") == "a"
    assert query.get("other", "x") == "x"
    huge = ListQuery.from_request(request("per_page=5000"), sorts=SORTS)
    assert huge.per_page == 100


def test_links_keep_the_filters_and_drop_the_page_on_sorting() -> None:
    query = ListQuery.from_request(
        request("kind=a&unit=LIB+531&page=2&sort=oldest&csrf_token=t&empty="), sorts=SORTS
    )
    listing = Listing(list(range(25)), 120, query)
    assert listing.pages == 5
    assert listing.has_previous
    assert listing.has_next
    assert (listing.first, listing.last) == (26, 50)
    page3 = query_of(listing.url_for_page(3))
    assert page3 == {"kind": "a", "unit": "LIB 531", "page": "3", "sort": "oldest"}
    assert "page" not in query_of(listing.url_for_page(1))
    by_name = query_of(listing.url_for_sort("name"))
    assert by_name == {"kind": "a", "unit": "LIB 531", "sort": "name"}
    assert query_of(listing.url_for_sort("newest")) == {"kind": "a", "unit": "LIB 531"}
    assert listing.url_for_page(99).endswith("page=5") or "page=5" in listing.url_for_page(99)
    assert urlsplit(listing.url_for_page(1)).path == "/things"


def test_load_shows_the_last_page_for_a_page_beyond_the_end() -> None:
    rows = list(range(30))
    asked: list[tuple[int, int]] = []

    def fetch(limit: int, offset: int) -> tuple[Sequence[int], int]:
        asked.append((limit, offset))
        return rows[offset : offset + limit], len(rows)

    query = ListQuery.from_request(request("page=9"), sorts=SORTS, per_page=25)
    listing = Listing.load(query, fetch)
    assert listing.page == 2
    assert list(listing.items) == rows[25:]
    assert asked == [(25, 200), (25, 25)]
    empty = Listing.load(query, lambda limit, offset: ([], 0))
    assert empty.pages == 1
    assert not empty.has_next
    assert not empty.beyond_end


def test_page_numbers_leave_gaps() -> None:
    query = ListQuery.from_request(request("page=10"), per_page=10)
    listing = Listing(list(range(10)), 200, query)
    assert listing.page_numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]


def render(source: str, **values: object) -> str:
    template = ENVIRONMENT.from_string(
        '{% from "_list.html" import list_summary, sort_links, pager %}' + source
    )
    return template.render(values)


@pytest.mark.parametrize("language", ["en", "my"])
def test_macros_render_counts_sorting_and_pages(language: str) -> None:
    query = ListQuery.from_request(request("page=2&kind=a"), sorts=SORTS)
    listing = Listing(list(range(25)), 1234, query)
    token = i18n.current_language.set(language)
    try:
        html = render(
            "{{ list_summary(l) }}{{ sort_links(l, {'newest': 'N', 'name': 'A'}) }}{{ pager(l) }}",
            l=listing,
        )
        beyond = Listing([], 30, ListQuery.from_request(request("page=7&kind=a"), sorts=SORTS))
        html_beyond = render("{{ list_summary(l) }}{{ pager(l) }}", l=beyond)
        posted = render("{{ pager(l, form='f') }}", l=listing)
    finally:
        i18n.current_language.reset(token)
    assert "1,234" in html
    assert "26" in html
    assert "50" in html
    assert 'href="/things?kind=a&amp;sort=name"' in html
    assert 'aria-current="page"' in html
    assert 'rel="next"' in html
    assert 'href="/things?kind=a&amp;page=50"' in html
    assert 'href="/things?kind=a&amp;page=2"' in html_beyond  # the last page
    assert 'form="f" name="page" value="3"' in posted
    assert "href" not in posted
    # A total counted only up to a bound: "more than" it, a next page, no last page.
    capped = Listing(list(range(25)), 1001, ListQuery.from_request(request("")), 1000)
    token = i18n.current_language.set(language)
    try:
        html_capped = render("{{ list_summary(l) }}{{ pager(l) }}", l=capped)
    finally:
        i18n.current_language.reset(token)
    assert capped.more_than == 1000
    assert capped.has_next
    assert capped.page_numbers() == [1, 2, 3]
    assert "1,000" in html_capped
    assert 'href="/things?page=41"' not in html_capped
    if language == "en":
        assert "Showing 1–25 of more than 1,000" in html_capped
    exact = Listing(list(range(25)), 1000, ListQuery.from_request(request("")), 1000)
    assert exact.more_than is None
