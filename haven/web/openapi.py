"""The OpenAPI document: complete and versioned (docs/open-formats.md).

FastAPI generates the document from the routes; this module completes it once, when it is
first asked for:

- `info`: the API's version (`API_VERSION`, semantic versioning: the policy below), a
  description of authentication, errors and versioning, contact, licence, and the servers;
- a description for every tag (one tag per domain: `TAGS`);
- every operation: a stable and unique `operationId` (`<tag>_<function name>`), a summary
  (the first sentence of its docstring), and the error responses it can give, in the
  project's error shape (`Error`: `{"error", "detail", "fields"}`): 401 and 403 where a
  token is needed, 404 where the path names a record, 409 where it changes something, 422
  where it takes input;
- the document is served at `/api/openapi.json` and at the versioned `/api/v<major>/openapi.json`.

`docs/openapi.json` is the committed snapshot: `tests/web/test_openapi.py` fails when the live
document differs from it, asking for a version bump when the API changed without one.
Refresh it with `make openapi` (`scripts/openapi.py`).

**Versioning policy.** MAJOR when a client written for the previous document can break: an
operation, a parameter, a field of an answer or an enumeration value removed or renamed, an
optional input made required, a type narrowed, an `operationId` changed. MINOR when the API
grows compatibly: a new operation, an optional parameter or input field, a new field in an
answer, a new error response documented. PATCH for words only: descriptions, summaries,
examples.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import create_engine

from haven.config import Settings

API_VERSION = "1.0.0"
MAJOR = API_VERSION.split(".", 1)[0]
OPENAPI_URL = "/api/openapi.json"
VERSIONED_URL = f"/api/v{MAJOR}/openapi.json"
SECURITY_SCHEME = "HTTPBearer"

TITLE = "Haven"
SUMMARY = "Defection, surrender and reintegration programmes."
DESCRIPTION = """\
Haven's HTTP API: every operation of the web pages, as JSON, for other systems and scripts.

**Authentication.** Every operation needs an API token (`hvn_…`), issued to a user by an
administrator (`haven token create` or the user's page), sent as `Authorization: Bearer
<token>`. The token acts as its user: the same role, organisation and site, the same
permissions. A missing, expired or revoked token answers 401; an operation the role may not
use answers 403; a record the user may not know of answers 404, as one that does not exist.

**Errors.** Every error answers the same shape (`Error`): `error`, a stable machine-readable
code (`not_found`, `validation_failed`, `illegal_transition` …); `detail`, a sentence in the
user's language; and, for input that needs correcting, `fields`, a message for each field.
Nothing in an error names a person.

**Versioning.** `info.version` follows semantic versioning. MAJOR when a client written for
the previous document can break (an operation, parameter, answer field or enumeration value
removed or renamed; an optional input made required; an `operationId` changed); MINOR when the
API grows compatibly (a new operation, optional input or answer field); PATCH for words only.
The document is published at `/api/openapi.json` and at `/api/v<major>/openapi.json`.

**Open formats.** The reception form is published as an XLSForm for KoBoToolbox and ODK
(`GET /api/receptions/xlsform`), and an export of its submissions is imported by
`POST /api/receptions/import`.
"""
CONTACT = {"name": "The Haven project"}
LICENSE = {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}
SERVERS = [{"url": "/", "description": "This Haven installation"}]

# Every tag of the document, with what its operations are about.
TAGS: dict[str, str] = {
    "accounts": "Organisations, sites, users and their API tokens.",
    "forces": "Reference data: forces, their ranks, positions, units and equivalences.",
    "reception": "Receiving a person: reception events, weapons handed over, corrections, "
    "the child-protection handover, the import of people from a file or from KoBoToolbox / "
    "ODK submissions, and the reception form as an XLSForm.",
    "people": "Persons: profiles, identity documents, search, retention and erasure.",
    "audit": "The audit trail: who did what to which record, and its hash chain.",
    "agreements": "Defection agreements, nominal rolls and the crossing desk.",
    "allowances": "Allowances: schedules, dues, payment batches and disbursements.",
    "complaints": "Complaints and feedback from the people in the programme.",
    "pathways": "Reintegration pathways: cases, plans, tasks, referrals and caseloads.",
    "vetting": "Vetting: screenings, reviews and their decisions.",
    "pow": "Prisoners of war: status, transfers, visits and repatriation.",
    "matching": "Possible duplicates of a person, and their review.",
    "programme": "The programme's settings and reference lists.",
    "jobs": "Background jobs (large imports and the like): progress and results.",
    "sync": "Synchronisation between Haven nodes.",
    "cards": "Programme identity cards: issue, verification and revocation.",
    "contacts": "First contacts with people considering defection.",
    "families": "Family members at risk and family-movement plans.",
    "disclosures": "Data-sharing agreements and the log of every disclosure.",
    "protection": "Security incidents and the risk they raise for people.",
    "weapons": "Weapons stores, their custody ledger, re-issue and destruction.",
    "reports": "Programme reports: aggregate figures, never a person.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "Every error's answer.",
    "required": ["error", "detail"],
    "properties": {
        "error": {
            "type": "string",
            "description": "A stable machine-readable code: not_found, validation_failed …",
        },
        "detail": {"type": "string", "description": "What went wrong, in the user's language."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "For input that needs correcting: a message for each field.",
        },
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "401": "No valid API token: missing, expired or revoked (`authentication_required`).",
    "403": "The token's user may not do this (`permission_denied`).",
    "404": "No such record, or one the user may not know of (`not_found`).",
    "409": "The record's state does not allow this now, or it conflicts with another "
    "(`illegal_transition`, `conflict` …).",
    "422": "Some input needs correcting (`validation_failed`): a message for each field "
    "under `fields`.",
}
CHANGES = frozenset({"post", "put", "patch", "delete"})
_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def binary(media_type: str, description: str, status: int = 200) -> dict[int | str, Any]:
    """`responses=` of an operation that answers a file rather than JSON (its 200's schema)."""
    schema = {"type": "string", "format": "binary"}
    return {status: {"description": description, "content": {media_type: {"schema": schema}}}}


def raw_json(description: str) -> dict[int | str, Any]:
    """`responses=` of an operation that answers JSON built outside a response model."""
    return {
        200: {
            "description": description,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    }


def _summary(description: str | None, fallback: str) -> str:
    """The first sentence of the docstring's first paragraph, or FastAPI's own summary."""
    first = re.split(r"\n\s*\n", (description or "").strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    # The first full stop after a few words ("Art. 60" or "e.g." do not end a sentence).
    ends = [
        m.start() for m in re.finditer(r"[.!?](?=\s+[A-Z]|$)|[:;](?=\s)", first) if m.start() >= 20
    ]
    sentence = (first[: ends[0]] if ends else first).rstrip(".")
    return sentence if 0 < len(sentence) <= 120 else fallback


def _operation_ids(app: FastAPI) -> dict[tuple[str, str], str]:
    """`<tag>_<function name>` of every operation, by (path, method); unique or an error."""
    found: dict[tuple[str, str], str] = {}
    taken: dict[str, tuple[str, str]] = {}
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        tag = str(route.tags[0]) if route.tags else "haven"
        for method in sorted(route.methods or ()):
            key = (route.path_format, method.lower())
            operation_id = f"{tag}_{route.name}"
            if operation_id in taken:
                raise ValueError(f"operationId {operation_id} twice: {taken[operation_id]}, {key}")
            taken[operation_id] = key
            found[key] = operation_id
    return found


def _error(code: str) -> dict[str, Any]:
    return {"description": ERRORS[code], "content": {"application/json": {"schema": ERROR_REF}}}


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    operation["summary"] = _summary(operation.get("description"), operation.get("summary", ""))
    wanted: list[str] = []
    if operation.get("security"):
        wanted += ["401", "403"]
    if "{" in path:
        wanted.append("404")
    if method in CHANGES:
        wanted.append("409")
    if operation.get("parameters") or operation.get("requestBody"):
        wanted.append("422")
    for code in wanted:
        found = responses.get(code)
        if found is None:
            responses[code] = _error(code)
            continue
        schema = found.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref") == _FASTAPI_422 or not found.get("content"):
            # FastAPI's validation answer is Haven's error shape (haven.web.errors).
            found.setdefault("description", ERRORS[code])
            found["content"] = {"application/json": {"schema": ERROR_REF}}
    for code, found in responses.items():
        if code in ERRORS and found.get("description") in (None, "", "Validation Error"):
            found["description"] = ERRORS[code]


def _drop_unused(document: dict[str, Any]) -> None:
    """Remove FastAPI's validation-error schemas once no answer refers to them."""
    schemas = document.get("components", {}).get("schemas", {})
    text = json.dumps(document["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in text:
            other = json.dumps({k: v for k, v in schemas.items() if k != name})
            if f'"#/components/schemas/{name}"' not in other:
                schemas.pop(name, None)


def build(app: FastAPI) -> dict[str, Any]:
    """The complete document of `app`."""
    document = get_openapi(
        title=TITLE,
        version=API_VERSION,
        summary=SUMMARY,
        description=DESCRIPTION,
        routes=app.routes,
        tags=[{"name": name, "description": text} for name, text in TAGS.items()],
        servers=SERVERS,
        contact=CONTACT,
        license_info=LICENSE,
    )
    ids = _operation_ids(app)
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            operation["operationId"] = ids.get((path, method), operation.get("operationId"))
            _complete_operation(path, method, operation)
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    _drop_unused(document)
    used = {
        t
        for methods in document["paths"].values()
        for o in methods.values()
        for t in o.get("tags", [])
    }
    document["tags"] = [t for t in document["tags"] if t["name"] in used]
    return document


def install(app: FastAPI) -> None:
    """Complete the app's document and publish it at its versioned address too."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    def versioned() -> JSONResponse:
        return JSONResponse(openapi())

    app.add_api_route(VERSIONED_URL, versioned, methods=["GET"], include_in_schema=False)


def render(document: dict[str, Any]) -> str:
    """The document as the snapshot holds it: indented, keys in order, UTF-8."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def standalone(create_app: Callable[..., FastAPI]) -> dict[str, Any]:
    """The document of an app built on a throw-away database (no migrations, no keys):
    `scripts/openapi.py` passes the app factory (the shell, which this module may not import)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url="sqlite://", key_dir=Path(folder))
        app = create_app(settings, engine=create_engine("sqlite://"), check_migrations=False)
        return app.openapi()
