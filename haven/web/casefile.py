"""The person's case file and the people search: pages that compose several domains.

A person's page shows the people domain's record with what other domains know of them
(receptions with their weapons, units and ranks, the vetting status); the search finds
persons by name and numbers (people) and by the unit they were received from (forces and
reception) and marks merged duplicates (matching). The shell composes them here, through
each domain's public module, so no domain has to import the ones above it. Every page makes
a constant number of queries whatever the number of receptions or results.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.accounts import repository as accounts
from haven.cards import public as cards
from haven.complaints import public as complaints
from haven.disclosures import public as disclosures
from haven.errors import ValidationFailed
from haven.families import public as families
from haven.forces import public as forces
from haven.i18n import N_
from haven.kernel.photos import MAX_PHOTO_BYTES
from haven.matching import public as matching
from haven.people import public as people
from haven.protection import public as protection
from haven.reception import public as reception
from haven.security.permissions import Actor, Permission, require
from haven.sync import watch as sync_watch
from haven.text import (
    UncertainEncoding,
    has_myanmar,
    to_ascii_digits,
    to_unicode,
    zawgyi_probability,
)
from haven.text.units import parse_unit
from haven.validation import parse
from haven.vetting import public as vetting
from haven.web import notices
from haven.web.deps import DB, ApiActor, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

FAMILY_ADDED = notices.register(N_("The family member was added."))
FAMILY_SAVED = notices.register(N_("The family member was saved."))
FAMILY_REMOVED = notices.register(N_("The family member was removed."))
# The choices of a relative's forms and the labels of their table (haven.people.relatives).
_RELATIVE_CHOICES: dict[str, Any] = {
    "RELATIONS": list(people.Relation),
    "AREAS": list(people.Area),
    "RELATIVE_LABELS": {**people.RELATION_LABELS, **people.AREA_LABELS},
}
PHOTO_SAVED = notices.register(N_("The photo was saved."))
api_router = APIRouter(prefix="/api/people", tags=["people"])

MAX_QUERY = 200
Ids = Collection[uuid.UUID] | Select[uuid.UUID]


def named_units(session: Session, query: str) -> list[uuid.UUID]:
    """The units (of any force) a query names ("LIB 531", "ခလရ ၅၃၁"); none when the query
    is not a unit."""
    try:
        code = parse_unit(" ".join(query.split()))
    except UncertainEncoding:  # Burmese text that may be Zawgyi: a name, not a unit
        return []
    if code is None:
        return []
    return list(forces.unit_ids_by_code(session, code.kind, code.number))


# The list's orders; a search adds "best" (whole names and identifiers first) as its default.
LIST_SORTS = ("newest", "oldest", "name")
SEARCH_SORTS = ("best", *LIST_SORTS)
FILTERS = ("classification", "site", "unit", "received_from", "received_to")
BAD_DATE = N_("Enter a date as year-month-day, for example 2026-11-03.")
DATES_REVERSED = N_("The first date must not be after the second.")
NO_SUCH_UNIT = N_("No unit has this code: write it as LIB 531 or ခလရ ၅၃၁.")


def as_unicode(query: str) -> str:
    """The query with single spaces, Burmese typed in Zawgyi converted to Unicode."""
    query = " ".join(query.split())[:MAX_QUERY]
    if has_myanmar(query) and zawgyi_probability(query) > 0.5:
        return " ".join(to_unicode(query).split())
    return query


def search_tiers(session: Session, actor: Actor, query: str) -> list[Ids]:
    """Whom a query names, best first: the person whose reference number it is and those
    whose whole name has the query's phonetic keys (any script, any spelling the keys merge),
    then those with the query's syllables in a row in their name, then those received from the
    unit it names. Index lookups only; the people search adds NRC, service number and names
    starting with the query."""
    tiers: list[Ids] = []
    by_reference = people.find_by_reference(session, actor, query)
    names = matching.name_query(query)
    if names is not None:
        tiers.append(names.whole)
    if by_reference is not None:
        tiers.insert(0, [by_reference.id])
    if names is not None:
        tiers.append(names.part)
    unit_ids = named_units(session, query)
    if unit_ids:
        tiers.append(reception.persons_received_where(unit_ids=unit_ids))
    return tiers


def search_people(
    session: Session, actor: Actor, query: str, *, limit: int = 50
) -> list[people.Person]:
    """Persons by name in either script and any common spelling, reference number, NRC,
    service number or unit, best first, among those the actor may see."""
    found, _ = find_people(session, actor, query, sort="best", limit=limit)
    return found


def find_people(
    session: Session,
    actor: Actor,
    query: str,
    *,
    within: Select[uuid.UUID] | None = None,
    sort: str = "best",
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[people.Person], int]:
    """One page of the people list (searched when `query` has two characters or more; "best"
    is then the default order) and how many in all."""
    query = as_unicode(query)
    searching = len(query) >= 2
    if not searching and sort == "best":
        sort = "newest"
    return people.find_people(
        session,
        actor,
        query if searching else "",
        tiers=search_tiers(session, actor, query) if searching else (),
        within=within,
        sort=sort,
        limit=limit,
        offset=offset,
    )


def _date(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(to_ascii_digits(value))
    except ValueError:
        errors[field] = BAD_DATE
        return None


def list_filters(
    session: Session, actor: Actor, listing: ListQuery
) -> tuple[Select[uuid.UUID] | None, dict[str, str], dict[str, Any]]:
    """The list's filters as sent: (the persons they keep, or None for no filter; the field
    errors; the choices the form offers). A value that is not one of the choices is ignored;
    a date that cannot be read is reported on its field and ignored."""
    errors: dict[str, str] = {}
    sites = accounts.sites_visible(session, actor)
    classification = listing.get("classification")
    if classification not in {c.value for c in reception.Classification}:
        classification = ""
    site = next((s for s in sites if str(s.id) == listing.get("site")), None)
    unit_ids: list[uuid.UUID] | None = None
    unit_text = listing.get("unit")[:40]
    if unit_text:
        try:
            code = parse_unit(unit_text)
        except UncertainEncoding:
            code = None
        if code is None:
            errors["unit"] = NO_SUCH_UNIT
        else:
            unit_ids = list(forces.unit_ids_by_code(session, code.kind, code.number))
    received_from = _date(listing.get("received_from"), "received_from", errors)
    received_to = _date(listing.get("received_to"), "received_to", errors)
    if received_from and received_to and received_from > received_to:
        errors["received_to"] = DATES_REVERSED
        received_to = None
    choices = {"sites": sites, "classifications": list(reception.Classification)}
    if not (classification or site or unit_ids is not None or received_from or received_to):
        return None, errors, choices
    within = reception.persons_received_where(
        classification=classification or None,
        site_id=site.id if site else None,
        unit_ids=unit_ids,
        received_from=received_from,
        received_to=received_to,
    )
    return within, errors, choices


def people_list(
    request: Request, session: Session, actor: Actor, query: str, values: Any = None
) -> dict[str, Any]:
    """What the people page shows: the list (searched when there is a query), its filters,
    and each person's latest reception (unit, date, classification) in a constant number of
    queries."""
    require(actor, Permission.PERSON_READ)
    query = as_unicode(query)
    sorts = SEARCH_SORTS if len(query) >= 2 else LIST_SORTS
    list_query = ListQuery.from_request(request, sorts=sorts, values=values)
    within, errors, choices = list_filters(session, actor, list_query)
    listing = Listing.load(
        list_query,
        lambda limit, offset: find_people(
            session, actor, query, within=within, sort=list_query.sort, limit=limit, offset=offset
        ),
        count_cap=people.COUNT_UP_TO,
    )
    ids = [p.id for p in listing.items]
    latest = reception.latest_receptions(session, ids)
    return {
        "q": query,
        "listing": listing,
        "results": listing.items,
        "latest": latest,
        "units": forces.units_by_id(session, [e.origin_unit_id for e in latest.values()]),
        "merged": matching.merged_into(session, ids),  # shown as merged duplicates
        "filters": {name: list_query.get(name) for name in FILTERS},
        "filter_error": ValidationFailed(fields=errors) if errors else None,
        "sort_labels": {k: v for k, v in SORT_LABELS.items() if k in sorts},
        # The export leaves only under one of these (haven.disclosures): the form offers them.
        "export_agreements": disclosures.in_force_for(
            session, actor, disclosures.DisclosureKind.EXPORT, people.EXPORT_FIELDS
        )
        if len(query) >= 2
        else [],
        **choices,
    }


SORT_LABELS = {
    "best": N_("Best match"),
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "name": N_("By name"),
}


# --- the people page ----------------------------------------------------------------------


@router.get("/people", response_class=HTMLResponse)
def search_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Everyone the user may see, newest first, with the list's filters (no name in a URL:
    the search box posts)."""
    return render(request, "casefile/search.html", people_list(request, session, actor, ""))


@router.post("/people", response_class=HTMLResponse)
def search(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """Search results (a POST: names never travel in URLs, browser history or access logs),
    with the same filters, sorting and paging as the list."""
    q = str(form.get("q", ""))[:MAX_QUERY]
    values = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k != "q"]
    fragment = bool(request.headers.get("hx-request"))
    if len(" ".join(q.split())) < 2 and not fragment:
        # Nothing to search for: the list itself, its filters in the URL (no personal data).
        listing = ListQuery.from_request(request, sorts=LIST_SORTS, values=values)
        return RedirectResponse(listing.url(), status_code=303)
    context = people_list(request, session, actor, q, values)
    template = "casefile/_results.html" if fragment else "casefile/search.html"
    return render(request, template, context)


@router.post("/people/export")
def export(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The search's results as a spreadsheet (fresh login required; audited), under the
    data-sharing agreement chosen; refused (and the refusal audited) without one in force."""
    kind: Literal["csv", "xlsx"] = "xlsx" if form.get("kind") == "xlsx" else "csv"
    q = as_unicode(str(form.get("q", "")))[:MAX_QUERY]
    agreement_id = form_uuid(str(form.get("agreement_id", "")))
    try:
        content = people.export_people(
            session,
            actor,
            q,
            kind=kind,
            tiers=search_tiers(session, actor, q),
            agreement_id=agreement_id,
        )
    except disclosures.DisclosureRefused as refused:
        session.rollback()
        disclosures.record_refusal(session, actor, refused)
        context = people_list(request, session, actor, q) | {"export_error": refused}
        return render(request, "casefile/search.html", context, status_code=422)
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[kind]
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="people.{kind}"'},
    )


class SearchQuery(BaseModel):
    """What to look for; sent in the body so that names never appear in URLs or access logs."""

    q: str = Field(min_length=2, max_length=MAX_QUERY)
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=50, ge=1, le=100)
    sort: Literal["best", "newest", "oldest", "name"] = "best"


@api_router.post("/search")
def search_people_api(
    query: SearchQuery, response: Response, session: DB, actor: ApiActor
) -> list[people.PersonSummary]:
    """Search by name (either script, any common spelling, with or without honorific),
    reference number, father's name, NRC, service number or unit; only persons the caller
    may see, best first or as sorted: page `page` of `per_page`. The headers say how many
    were found in all (`X-Total-Count`) and on how many pages (`X-Page-Count`). A common name
    is counted only up to 1,000 (or to the end of the page asked for, when further):
    `X-Total-Relation` is then `gt` and `X-Total-Count` that bound (more than it were found;
    `X-Page-Count` counts one page beyond it), otherwise `eq` (the exact total)."""
    sort = query.sort
    offset = (query.page - 1) * query.per_page
    found, total = find_people(
        session, actor, query.q, sort=sort, limit=query.per_page, offset=offset
    )
    bound = people.count_bound(offset, query.per_page)
    pages = max(1, (total + query.per_page - 1) // query.per_page)
    response.headers["X-Total-Count"] = str(min(total, bound))
    response.headers["X-Total-Relation"] = "gt" if total > bound else "eq"
    response.headers["X-Page-Count"] = str(pages)
    return [people.PersonSummary.model_validate(p) for p in found]


# --- the person's page -------------------------------------------------------------------


def person_context(session: Session, actor: Actor, person: people.Person) -> dict[str, Any]:
    """Everything the person's page shows, in a constant number of queries."""
    events = reception.events_of(session, actor, person)
    weapons = reception.weapons_of_events(session, actor, events)
    # The history of corrections: who, when, old and new values (ranks by name).
    corrections = reception.corrections_of_person(session, actor, person.id)
    corrected_ranks = [
        uuid.UUID(value)
        for c in corrections
        for value in ((c.changes or {}).get("rank_id", {}).get(k) for k in ("before", "after"))
        if value
    ]
    correctors = accounts.users_by_id(
        session,
        [c.corrected_by_id for c in corrections]
        + [e.child_protection_handed_over_by_id for e in events],
    )
    ranks = forces.ranks_by_id(session, [*(e.rank_id for e in events), *corrected_ranks])
    return {
        "person": person,
        "events": events,
        "weapons": {e.id: weapons.get(e.id, []) for e in events},
        "units": forces.units_by_id(session, [e.origin_unit_id for e in events]),
        "ranks": ranks,
        "ranks_by_text": {str(k): v for k, v in ranks.items()},
        "CORRECTION_FIELDS": reception.CORRECTION_FIELDS,
        "corrections": corrections,
        "correctors": correctors,
        "can_record": actor.can(Permission.RECEPTION_RECORD),
        "family": people.family(session, actor, person.id),
        **_RELATIVE_CHOICES,
        "site": accounts.site_by_id(session, person.site_id),
        "has_photo": people.has_photo(session, actor, person.id),
        "can_write": actor.can(Permission.PERSON_WRITE),
        "vetting": vetting.vetting_status(session, person.id),
        "vetting_labels": vetting.STATUS_LABELS,
        # A field node screens from keyed hashes only: a hit is a prompt, HQ checks the names.
        "asks_headquarters": sync_watch.asks_headquarters(session, person.id),
        # Protection (issue 24): each panel's values under its own key, read only when the
        # actor may see that panel (`casefile/_<panel>.html`).
        **protection_panels(session, actor, person),
    }


def protection_panels(session: Session, actor: Actor, person: people.Person) -> dict[str, Any]:
    """The values of the person page's protection panels: risk, card, family movements,
    incidents, complaints and where their data went; one key per panel."""
    panels: dict[str, Any] = {}
    if actor.can(Permission.FAMILY_MOVE_READ):
        # The person's family-movement plans with their progress (haven.families): 3 queries.
        panels["movements"] = families.person_plans(session, actor, person.id)
        panels["movement_labels"] = families.PLAN_STATUS_LABELS
        panels["can_plan_movement"] = actor.can(Permission.FAMILY_MOVE_WRITE)
    if actor.can(Permission.CARD_ISSUE):
        # The person's identity cards (haven.cards): one query.
        panels["cards_panel"] = cards.card_panel(session, actor, person)
    if actor.can(Permission.SECURITY_INCIDENT_READ):
        # The person's risk level and the incidents touching them (haven.protection): one query.
        panels["protection"] = protection.person_panels(session, actor, person)
    if actor.can(Permission.COMPLAINT_RECORD):
        # The person's complaints the actor may see, no text (haven.complaints): one query.
        panels["complaints"] = complaints.of_person(session, actor, person.id)
        panels["complaint_labels"] = complaints.LABELS
        panels["complaint_handler"] = actor.can(Permission.COMPLAINT_HANDLE)
    if actor.can(Permission.DISCLOSURE_READ):
        # Where the person's data went (haven.disclosures): one query.
        panels["disclosures"] = disclosures.disclosures_of_person(session, actor, person.id)
        panels["disclosure_labels"] = disclosures.DISCLOSURE_LABELS
    return panels


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    person = people.get_person(session, actor, person_id)
    return render(request, "casefile/person.html", person_context(session, actor, person))


def _rerender(
    request: Request, session: Session, actor: Actor, person_id: uuid.UUID, extra: dict[str, Any]
) -> Response:
    """The person's page again, with the form's error (the failed change is rolled back)."""
    session.rollback()
    person = people.get_person(session, actor, person_id)
    context = person_context(session, actor, person) | extra
    return render(request, "casefile/person.html", context, status_code=422)


_FAMILY_FIELDS = (
    "relationship",
    "name",
    "age",
    "birth_year",
    "whereabouts",
    "area",
    "is_dependant",
    "text_encoding",
)


def _family_form(form: Form) -> tuple[dict[str, str], dict[str, Any]]:
    """A relative's form: the values as typed, and the service's input (blanks absent;
    "rule" leaves the dependant question to the rule; the two boxes are yes or no)."""
    values = {n: str(form.get(n, "")).strip() for n in _FAMILY_FIELDS}
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    dependant = data.pop("is_dependant", "rule")
    data["is_dependant"] = {"yes": True, "no": False}.get(dependant)
    for flag in ("at_risk", "to_move"):
        values[flag] = "yes" if form.get(flag) == "yes" else ""
        data[flag] = form.get(flag) == "yes"
    return values, data


@router.post("/people/{person_id}/family", response_class=HTMLResponse)
def add_family(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values, data = _family_form(form)
    try:
        people.add_family_member(session, actor, person_id, parse(people.FamilyMemberIn, data))
    except ValidationFailed as error:
        extra = {"family_error": error, "family_values": values}
        return _rerender(request, session, actor, person_id, extra)
    return notices.redirect(f"/people/{person_id}#family", FAMILY_ADDED)


@router.get("/people/{person_id}/family/{member_id}/edit", response_class=HTMLResponse)
def edit_family_page(
    request: Request, person_id: uuid.UUID, member_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """A relative's own form: correct them, or remove them."""
    person = people.get_person(session, actor, person_id)
    require(actor, Permission.PERSON_WRITE, person)
    member = people.family_member(session, actor, person_id, member_id)
    decided = member.dependant_decided
    values = {
        "relationship": member.relationship,
        "name": member.name or "",
        "age": "" if member.age is None else str(member.age),
        "birth_year": "" if member.birth_year is None else str(member.birth_year),
        "whereabouts": member.whereabouts or "",
        "area": member.area,
        "is_dependant": ("yes" if member.is_dependant else "no") if decided else "rule",
        "at_risk": "yes" if member.at_risk else "",
        "to_move": "yes" if member.to_move else "",
    }
    context = {"person": person, "member": member, "values": values, "error": None}
    return render(request, "casefile/relative.html", context | _RELATIVE_CHOICES)


@router.post("/people/{person_id}/family/{member_id}", response_class=HTMLResponse)
def edit_family(
    request: Request,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    values, data = _family_form(form)
    # Every field of the form is sent: a blank one clears it.
    for name in ("name", "age", "birth_year", "whereabouts"):
        data.setdefault(name, None)
    try:
        if (
            "whereabouts"
            in people.family_member(session, actor, person_id, member_id).masked_fields
        ):
            # The form showed it empty to a reader who may not see it: never cleared so.
            data.pop("whereabouts")
        people.update_family_member(
            session, actor, person_id, member_id, parse(people.FamilyMemberUpdate, data)
        )
    except ValidationFailed as error:
        session.rollback()
        person = people.get_person(session, actor, person_id)
        member = people.family_member(session, actor, person_id, member_id)
        context = {"person": person, "member": member, "values": values, "error": error}
        return render(
            request, "casefile/relative.html", context | _RELATIVE_CHOICES, status_code=422
        )
    return notices.redirect(f"/people/{person_id}#family", FAMILY_SAVED)


@router.post("/people/{person_id}/family/{member_id}/remove", response_class=HTMLResponse)
def remove_family(
    request: Request,
    person_id: uuid.UUID,
    member_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    people.remove_family_member(session, actor, person_id, member_id)
    return notices.redirect(f"/people/{person_id}#family", FAMILY_REMOVED)


@router.post("/people/{person_id}/photo", response_class=HTMLResponse)
def upload_photo(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("photo")
    content = upload.file.read(MAX_PHOTO_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        people.set_photo(session, actor, person_id, content)
    except ValidationFailed as error:
        return _rerender(request, session, actor, person_id, {"photo_error": error})
    return notices.redirect(f"/people/{person_id}", PHOTO_SAVED)
