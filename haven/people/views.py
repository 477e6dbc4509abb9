"""HTML pages about a person's own record: the profile form and the photo. (The person's
page and the search compose other domains: `haven.web.casefile`.)"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.errors import ValidationFailed
from haven.people import service
from haven.people.models import Person
from haven.people.schemas import (
    WG_DOMAINS,
    Difficulty,
    Education,
    Literacy,
    ProfileUpdate,
    Sex,
)
from haven.security.permissions import Permission, require
from haven.validation import parse
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


@router.get("/people/{person_id}/photo")
def photo(person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    found = service.get_photo(session, actor, person_id)
    return Response(found.data, media_type=found.content_type)
