"""HTML pages: search, a person's record, the profile form, family, photo."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from haven.accounts import repository as accounts
from haven.errors import ValidationFailed
from haven.forces.models import Rank, Unit
from haven.matching import service as matching
from haven.people import export as people_export
from haven.people import repository as people_repository
from haven.people import service
from haven.people.models import Person
from haven.people.schemas import (
    WG_DOMAINS,
    Difficulty,
    Education,
    FamilyMemberIn,
    Literacy,
    ProfileUpdate,
    Sex,
)
from haven.reception import service as reception
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.vetting.status import STATUS_LABELS, vetting_status
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

PROFILE_TEXT = (
    "text_encoding",
    "prefix",
    "name_my",
    "name_latin",
    "father_name",
    "mother_name",
    "birth_year",
    "birth_month",
    "birth_day",
    "sex",
    "ethnicity",
    "religion",
    "nrc",
    "service_number",
    "education",
    "literacy",
    "phone",
    "contact_notes",
)
PROFILE_LISTS = ("aliases", "languages", "skills", "weapon_specialisations")


@router.get("/people", response_class=HTMLResponse)
def search_page(request: Request, actor: HtmlActor) -> Response:
    return render(request, "people/search.html", {"q": "", "results": []})


@router.post("/people", response_class=HTMLResponse)
def search(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """Search results (a POST: names never travel in URLs, browser history or access logs)."""
    q = str(form.get("q", ""))[:200]
    results = service.search(session, actor, q) if q else []
    template = "people/_results.html" if request.headers.get("hx-request") else "people/search.html"
    merged = matching.merged_into(session, [p.id for p in results])  # shown as merged duplicates
    return render(request, template, {"q": q, "results": results, "merged": merged})


def _person_context(session: Session, actor: Actor, person: Person) -> dict[str, Any]:
    events = reception.events_of(session, actor, person)
    weapons = {e.id: reception.weapons_of(session, actor, e) for e in events}
    units = {
        e.origin_unit_id: session.get(Unit, e.origin_unit_id) for e in events if e.origin_unit_id
    }
    ranks = {e.rank_id: session.get(Rank, e.rank_id) for e in events if e.rank_id}
    return {
        "person": person,
        "events": events,
        "weapons": weapons,
        "units": units,
        "ranks": ranks,
        "family": service.family(session, actor, person.id),
        "site": accounts.site_by_id(session, person.site_id),
        "has_photo": people_repository.photo_of(session, person.id) is not None,
        "can_write": actor.can(Permission.PERSON_WRITE),
        "vetting": vetting_status(session, person.id),
        "vetting_labels": STATUS_LABELS,
    }


@router.post("/people/export")
def export(session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The search's results as a spreadsheet (fresh login required; audited)."""
    kind: Literal["csv", "xlsx"] = "xlsx" if form.get("kind") == "xlsx" else "csv"
    content = people_export.export_people(session, actor, str(form.get("q", ""))[:200], kind=kind)
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[kind]
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="people.{kind}"'},
    )


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    person = service.get_person(session, actor, person_id)
    return render(request, "people/person.html", _person_context(session, actor, person))


def _profile_values(person: Person) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(person, name, None) for name in PROFILE_TEXT if name != "text_encoding"
    }
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    for name in PROFILE_LISTS:
        values[name] = ", ".join(getattr(person, name) or [])
    values["birth_approximate"] = person.birth_approximate
    values["disability"] = dict(person.disability or {})
    return values


def _profile_context(
    values: dict[str, Any], person: Person, error: ValidationFailed | None
) -> dict[str, Any]:
    return {
        "person": person,
        "values": values,
        "error": error,
        "sexes": list(Sex),
        "educations": list(Education),
        "literacies": list(Literacy),
        "wg_domains": WG_DOMAINS,
        "difficulties": list(Difficulty),
        "ask_encoding": bool(error and any("Zawgyi" in str(m) for m in error.fields.values())),
    }


@router.get("/people/{person_id}/profile", response_class=HTMLResponse)
def profile_form(request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    person = service.get_person(session, actor, person_id)
    require(actor, Permission.PERSON_WRITE, person)
    return render(
        request, "people/profile.html", _profile_context(_profile_values(person), person, None)
    )


@router.post("/people/{person_id}/profile", response_class=HTMLResponse)
def save_profile(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values: dict[str, Any] = {
        name: str(form.get(name, "")).strip() for name in (*PROFILE_TEXT, *PROFILE_LISTS)
    }
    values["birth_approximate"] = form.get("birth_approximate") == "yes"
    values["disability"] = {d: str(form.get(f"wg_{d}")) for d in WG_DOMAINS if form.get(f"wg_{d}")}
    data = {k: (None if v == "" else v) for k, v in values.items()}
    if not data.get("text_encoding"):
        data["text_encoding"] = "detect"
    if data.get("sex") is None:
        data.pop("sex")
    try:
        service.update_profile(session, actor, person_id, parse(ProfileUpdate, data))
    except ValidationFailed as error:
        session.rollback()
        person = service.get_person(session, actor, person_id)
        return render(
            request, "people/profile.html", _profile_context(values, person, error), status_code=422
        )
    return RedirectResponse(f"/people/{person_id}?saved=1", status_code=303)


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
        service.add_family_member(session, actor, person_id, parse(FamilyMemberIn, data))
    except ValidationFailed as error:
        session.rollback()
        person = service.get_person(session, actor, person_id)
        context = _person_context(session, actor, person) | {
            "family_error": error,
            "family_values": values,
        }
        return render(request, "people/person.html", context, status_code=422)
    return RedirectResponse(f"/people/{person_id}#family", status_code=303)


@router.post("/people/{person_id}/photo", response_class=HTMLResponse)
def upload_photo(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("photo")
    content = (
        upload.file.read(service.MAX_PHOTO_BYTES + 1) if isinstance(upload, UploadFile) else b""
    )
    try:
        service.set_photo(session, actor, person_id, content)
    except ValidationFailed as error:
        session.rollback()
        person = service.get_person(session, actor, person_id)
        context = _person_context(session, actor, person) | {"photo_error": error}
        return render(request, "people/person.html", context, status_code=422)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.get("/people/{person_id}/photo")
def photo(person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    found = service.get_photo(session, actor, person_id)
    return Response(found.data, media_type=found.content_type)
