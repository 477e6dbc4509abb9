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
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.accounts import repository as accounts
from haven.errors import ValidationFailed
from haven.forces import public as forces
from haven.kernel.photos import MAX_PHOTO_BYTES
from haven.matching import public as matching
from haven.people import public as people
from haven.reception import public as reception
from haven.security.permissions import Actor, Permission, require
from haven.text import UncertainEncoding
from haven.text.units import parse_unit
from haven.validation import parse
from haven.vetting import public as vetting
from haven.web.deps import DB, ApiActor, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/people", tags=["people"])

MAX_QUERY = 200


def received_from_unit(session: Session, actor: Actor, query: str) -> set[uuid.UUID]:
    """Persons received from the unit a query names ("LIB 531", "ခလရ ၅၃၁"), of any force;
    none when the query is not a unit. The people search shows only those the actor may
    see."""
    try:
        code = parse_unit(" ".join(query.split()))
    except UncertainEncoding:  # Burmese text that may be Zawgyi: a name, not a unit
        return set()
    if code is None:
        return set()
    unit_ids = forces.unit_ids_by_code(session, code.kind, code.number)
    if not unit_ids:
        return set()
    organisation = None if actor.is_system else actor.organisation_id
    return reception.persons_from_units(session, unit_ids, organisation_id=organisation)


def search_people(
    session: Session, actor: Actor, query: str, *, limit: int = 50
) -> list[people.Person]:
    """Persons by name in either script (with or without honorific), father's name, NRC,
    service number or unit, among those the actor may see."""
    require(actor, Permission.PERSON_READ)
    if len(" ".join(query.split())) < 2:
        return []
    found = people.search(
        session, actor, query, limit=limit, person_ids=received_from_unit(session, actor, query)
    )
    return list(found)


# --- the search page ---------------------------------------------------------------------


@router.get("/people", response_class=HTMLResponse)
def search_page(request: Request, actor: HtmlActor) -> Response:
    return render(request, "casefile/search.html", {"q": "", "results": []})


@router.post("/people", response_class=HTMLResponse)
def search(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """Search results (a POST: names never travel in URLs, browser history or access logs)."""
    q = str(form.get("q", ""))[:MAX_QUERY]
    results = search_people(session, actor, q) if q else []
    template = (
        "casefile/_results.html" if request.headers.get("hx-request") else "casefile/search.html"
    )
    merged = matching.merged_into(session, [p.id for p in results])  # shown as merged duplicates
    return render(request, template, {"q": q, "results": results, "merged": merged})


@router.post("/people/export")
def export(session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The search's results as a spreadsheet (fresh login required; audited)."""
    kind: Literal["csv", "xlsx"] = "xlsx" if form.get("kind") == "xlsx" else "csv"
    q = str(form.get("q", ""))[:MAX_QUERY]
    content = people.export_people(
        session, actor, q, kind=kind, person_ids=received_from_unit(session, actor, q)
    )
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


@api_router.post("/search")
def search_people_api(
    query: SearchQuery, session: DB, actor: ApiActor
) -> list[people.PersonSummary]:
    """Search by name (either script, with or without honorific), father's name, NRC,
    service number or unit; only persons the caller may see."""
    return [people.PersonSummary.model_validate(p) for p in search_people(session, actor, query.q)]


# --- the person's page -------------------------------------------------------------------


def person_context(session: Session, actor: Actor, person: people.Person) -> dict[str, Any]:
    """Everything the person's page shows, in a constant number of queries."""
    events = reception.events_of(session, actor, person)
    weapons = reception.weapons_of_events(session, actor, events)
    return {
        "person": person,
        "events": events,
        "weapons": {e.id: weapons.get(e.id, []) for e in events},
        "units": forces.units_by_id(session, [e.origin_unit_id for e in events]),
        "ranks": forces.ranks_by_id(session, [e.rank_id for e in events]),
        "family": people.family(session, actor, person.id),
        "site": accounts.site_by_id(session, person.site_id),
        "has_photo": people.has_photo(session, actor, person.id),
        "can_write": actor.can(Permission.PERSON_WRITE),
        "vetting": vetting.vetting_status(session, person.id),
        "vetting_labels": vetting.STATUS_LABELS,
    }


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


@router.post("/people/{person_id}/family", response_class=HTMLResponse)
def add_family(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = {
        n: str(form.get(n, "")).strip()
        for n in ("relationship", "name", "age", "whereabouts", "text_encoding")
    }
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    data["is_dependant"] = form.get("is_dependant") == "yes"
    try:
        people.add_family_member(session, actor, person_id, parse(people.FamilyMemberIn, data))
    except ValidationFailed as error:
        extra = {"family_error": error, "family_values": values}
        return _rerender(request, session, actor, person_id, extra)
    return RedirectResponse(f"/people/{person_id}#family", status_code=303)


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
    return RedirectResponse(f"/people/{person_id}", status_code=303)
