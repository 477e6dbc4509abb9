"""The one list pattern: filters, sorting, paging and counts for every list page.

A view reads the page, the sort and its filters from the request, asks its repository for
one page of rows and their total (`(rows, total)`, counted by the database), and renders the
macros of `_list.html`:

    query = ListQuery.from_request(request, sorts=("newest", "oldest"), default="newest")
    listing = Listing.load(query, lambda limit, offset: repository.waiting(..., limit, offset))
    # or, when the view already has the page: Listing(rows, total, query)

    {% from "_list.html" import list_summary, sort_links, pager %}
    {{ list_summary(listing) }} {{ sort_links(listing, {"newest": _("Newest"), ...}) }}
    <div class="table-scroll"><table>…</table></div> {{ pager(listing) }}

Whatever a client sends never breaks the page: a page that is not a positive number is the
first page, an unknown sort is the default sort, a page beyond the end shows the last page
(`Listing.load`) or, with a plain `Listing`, an empty state that links back to it. Links
keep every other query parameter (the filters), so paging never loses them; the page
parameter is dropped when the sort or a filter changes. Pages that must not put what was
typed into a URL (a name searched for) send the same values in a POSTed form
(`from_request(..., values=form)`) and page with buttons of that form (`pager(listing,
form="form-id")`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Request

T = TypeVar("T")

MAX_PER_PAGE = 100
# How far a long list counts before it says "more than" (`Listing.count_cap`): at 100,000
# people an exact count read every row for a figure nobody pages through.
COUNT_CAP = 1000
MAX_PAGE = 1_000_000  # beyond any list; keeps offsets small for the database
_NOT_KEPT = frozenset({"page", "csrf_token"})


def _positive(value: str | None, default: int, maximum: int) -> int:
    """A positive whole number from a parameter, or `default` for anything else."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    number = int(text[:9])
    return min(number, maximum) if number >= 1 else default


def _pairs(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(values, Mapping):
        multi = getattr(values, "multi_items", None)  # Starlette's query params and forms
        items = multi() if callable(multi) else values.items()
    else:
        items = values
    return [(str(k), v) for k, v in items if isinstance(v, str)]


@dataclass(frozen=True)
class ListQuery:
    """What a list page was asked for: the page (1-based), its size, the sort, and the other
    parameters (filters) as sent, to read and to keep in links."""

    path: str
    page: int = 1
    per_page: int = 25
    sort: str = ""
    sorts: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = field(default=())
    default_sort: str = ""
    default_per_page: int = 25

    @classmethod
    def from_request(
        cls,
        request: Request,
        *,
        sorts: Sequence[str] = (),
        default: str | None = None,
        per_page: int = 25,
        values: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> ListQuery:
        """The list query of a request: its query string, or `values` (a POSTed form).

        `sorts` are the sort keys the page offers, `default` the one used when none (or an
        unknown one) is asked for (the first by default). `per_page` is the page size unless
        the client asks for another one (`per_page`, at most 100)."""
        pairs = _pairs(request.query_params if values is None else values)
        found = dict(pairs)
        fallback = default if default is not None else (sorts[0] if sorts else "")
        sort = found.get("sort", "")
        if sort not in sorts:
            sort = fallback
        return cls(
            path=request.url.path,
            page=_positive(found.get("page"), 1, MAX_PAGE),
            per_page=_positive(found.get("per_page"), per_page, MAX_PER_PAGE),
            sort=sort,
            sorts=tuple(sorts),
            params=tuple((k, v) for k, v in pairs if k not in _NOT_KEPT and k != "sort"),
            default_sort=fallback,
            default_per_page=per_page,
        )

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.per_page

    def get(self, name: str, default: str = "") -> str:
        """A filter's value as sent (stripped), or `default`."""
        for key, value in self.params:
            if key == name:
                return value.strip()
        return default

    def get_all(self, name: str) -> list[str]:
        """Every value sent for a parameter (checkboxes, multiple selects)."""
        return [value.strip() for key, value in self.params if key == name and value.strip()]

    def url(self, **changes: str | int | None) -> str:
        """This list's URL with some parameters changed (None drops one). The page is kept
        only when given; an empty filter is left out."""
        kept: list[tuple[str, str]] = [
            (k, v) for k, v in self.params if k not in changes and k != "per_page" and v != ""
        ]
        if self.per_page != self.default_per_page and "per_page" not in changes:
            kept.append(("per_page", str(self.per_page)))
        if "sort" not in changes and self.sort != self.default_sort:
            kept.append(("sort", self.sort))
        for key, value in changes.items():
            if value is not None and value != "":
                kept.append((key, str(value)))
        return f"{self.path}?{urlencode(kept)}" if kept else self.path

    def with_page(self, page: int) -> ListQuery:
        return replace(self, page=page)


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list: its rows, how many there are in all, and the query that asked."""

    items: Sequence[T]
    total: int
    query: ListQuery
    # Set when the total was counted only up to max(count_cap, the end of this page): a
    # larger total is that bound plus one, shown as "more than" the bound (`more_than`).
    count_cap: int | None = None

    @classmethod
    def load(
        cls,
        query: ListQuery,
        fetch: Callable[[int, int], tuple[Sequence[T], int]],
        *,
        count_cap: int | None = None,
    ) -> Listing[T]:
        """Fetch a page through `fetch(limit, offset) -> (rows, total)`; a page beyond the end
        fetches the last page instead (one more query, only then). `count_cap`: the fetch
        counts only that far (see the field)."""
        rows, total = fetch(query.limit, query.offset)
        if not rows and total > 0 and query.offset >= total:
            last = (total + query.per_page - 1) // query.per_page
            query = query.with_page(last)
            rows, total = fetch(query.limit, query.offset)
        return cls(rows, total, query, count_cap)

    @property
    def more_than(self) -> int | None:
        """The bound the total exceeds when it was not counted to the end ("more than 1,000"),
        or None when the total is exact."""
        if self.count_cap is None:
            return None
        bound = max(self.count_cap, self.query.offset + self.query.per_page)
        return bound if self.total > bound else None

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def sort(self) -> str:
        return self.query.sort

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when the list is empty)."""
        return max(1, (self.total + self.query.per_page - 1) // self.query.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def beyond_end(self) -> bool:
        """A page after the last one was asked for (it shows no rows)."""
        return self.total > 0 and not self.items and self.page > self.pages

    @property
    def first(self) -> int:
        """The position of this page's first row (1-based; 0 when the page is empty)."""
        return self.query.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The position of this page's last row (0 when the page is empty)."""
        return self.query.offset + len(self.items) if self.items else 0

    def url_for_page(self, page: int) -> str:
        """The URL of another page, keeping the sort and every filter."""
        page = min(max(1, page), self.pages)
        return self.query.url(page=page if page > 1 else None)

    def url_for_sort(self, key: str) -> str:
        """The URL of the first page sorted by `key`, keeping every filter."""
        return self.query.url(sort=key if key != self.query.default_sort else None)

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager shows: the first, the last and `around` either side of
        this one; None where pages are left out ("…")."""
        shown = {1, *range(self.page - around, self.page + around + 1)}
        if self.more_than is None:  # the last page is known only when every row was counted
            shown.add(self.pages)
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        out: list[int | None] = []
        previous = 0
        for n in numbers:
            if previous and n - previous > 1:
                out.append(None)
            out.append(n)
            previous = n
        return out
