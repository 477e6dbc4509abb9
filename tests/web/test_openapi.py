"""The OpenAPI document: valid, complete, published at its versioned address, and equal to
the committed snapshot (docs/openapi.json) unless the version says otherwise."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import create_engine

from haven.config import Settings
from haven.web import openapi
from haven.web.app import create_app

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REFRESH = "run `make openapi` (scripts/openapi.py) to refresh docs/openapi.json"
# Operations anyone may call without a token (none so far: name one here with its reason).
PUBLIC: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url="sqlite://", key_dir=Path(folder))
        yield create_app(settings, engine=create_engine("sqlite://"), check_migrations=False)


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _problems(document: dict[str, Any]) -> list[str]:
    """What an operation lacks, one line each, named by method and path."""
    problems: list[str] = []
    described = {t["name"] for t in document.get("tags", []) if t.get("description")}
    seen_ids: set[str] = set()
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            where = f"{method.upper()} {path}"
            problems += _lacks(where, op, described)
            if op.get("operationId") in seen_ids:
                problems.append(f"{where}: operationId {op['operationId']} is not unique")
            seen_ids.add(op.get("operationId"))
            problems += _responses_lack(where, path, method, op)
    return problems


def _lacks(where: str, op: dict[str, Any], described: set[str]) -> list[str]:
    found = [
        f"{where}: no {key} (give the function a docstring)"
        for key in ("summary", "description", "operationId", "tags")
        if not op.get(key)
    ]
    found += [
        f"{where}: tag {tag!r} has no description in openapi.TAGS"
        for tag in op.get("tags", [])
        if tag not in described
    ]
    return found


def _responses_lack(where: str, path: str, method: str, op: dict[str, Any]) -> list[str]:
    found: list[str] = []
    responses = op.get("responses", {})
    wanted: set[str] = set()
    if (path, method) not in PUBLIC:
        if op.get("security") != [{openapi.SECURITY_SCHEME: []}]:
            found.append(f"{where}: no bearer-token security")
        wanted |= {"401", "403"}
    if "{" in path:
        wanted.add("404")
    if op.get("parameters") or op.get("requestBody"):
        wanted.add("422")
    found += [
        f"{where}: response {code} not documented" for code in sorted(wanted - set(responses))
    ]
    for code, answer in responses.items():
        content = answer.get("content", {})
        empty = not content or any(not m.get("schema") for m in content.values())
        if code.startswith("2") and code != "204" and empty:
            found.append(
                f"{where}: response {code} has no schema (a response model, "
                "or responses=openapi.binary(...) for a file)"
            )
        schema = content.get("application/json", {}).get("schema", {})
        if code in ("401", "403", "404", "409") and content and schema != openapi.ERROR_REF:
            found.append(f"{where}: error {code} is not of the Error shape")
    return found


def test_the_document_is_valid_complete_and_published_at_its_version(
    app: FastAPI, document: dict[str, Any]
) -> None:
    validate(document)  # type: ignore[arg-type]
    info = document["info"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    assert info["version"] == openapi.API_VERSION
    assert info["description"]
    assert info["license"]["identifier"] == "AGPL-3.0-or-later"
    assert info["contact"]["name"]
    assert document["servers"]
    schemes = document["components"]["securitySchemes"]
    assert schemes[openapi.SECURITY_SCHEME] == {
        "type": "http",
        "description": "An API token issued to a user (hvn_…).",
        "scheme": "bearer",
    }
    error = document["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "detail", "fields"}
    assert _problems(document) == []

    client = TestClient(app)
    published = client.get(openapi.OPENAPI_URL)
    versioned = client.get(f"/api/v{openapi.API_VERSION.split('.')[0]}/openapi.json")
    assert published.status_code == versioned.status_code == 200
    assert published.json() == versioned.json() == json.loads(json.dumps(document))


def test_the_completeness_check_names_what_an_operation_lacks() -> None:
    lacking = {
        "paths": {
            "/api/things/{thing_id}": {
                "post": {
                    "operationId": "x",
                    "tags": ["things"],
                    "parameters": [{"name": "thing_id", "in": "path"}],
                    "responses": {"201": {"description": "made"}},
                }
            }
        },
        "tags": [],
    }
    problems = _problems(lacking)
    assert "POST /api/things/{thing_id}: no summary (give the function a docstring)" in problems
    assert "POST /api/things/{thing_id}: tag 'things' has no description in openapi.TAGS" in (
        problems
    )
    assert "POST /api/things/{thing_id}: response 404 not documented" in problems
    assert any("201 has no schema" in p for p in problems)


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (path, method): op.get("operationId", "")
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }


def _bump_needed(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The least bump the change asks for: major when an operation went away or changed its
    operationId, minor when operations were added or anything else changed in the shapes,
    patch when only words did."""
    old, new = _operations(before), _operations(after)
    if any(key not in new or new[key] != value for key, value in old.items()):
        return "major"
    if set(new) - set(old):
        return "minor"

    def shapes(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: shapes(v)
                for k, v in value.items()
                if k not in ("description", "summary", "title", "info", "tags")
            }
        if isinstance(value, list):
            return [shapes(v) for v in value]
        return value

    return "minor" if shapes(before) != shapes(after) else "patch"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_snapshot_is_the_live_document_or_the_version_was_bumped(
    document: dict[str, Any],
) -> None:
    live = openapi.render(document)
    snapshot = SNAPSHOT.read_text(encoding="utf-8")
    if live == snapshot:
        return
    before = json.loads(snapshot)
    was, now = before["info"]["version"], document["info"]["version"]
    needed = _bump_needed(before, json.loads(live))
    if _version(now) <= _version(was):
        pytest.fail(
            f"The API changed but its version did not ({now}): this change needs a {needed} "
            f"bump of haven.web.openapi.API_VERSION (see its policy); then {REFRESH}."
        )
    bumped = "major" if now.split(".")[0] != was.split(".")[0] else "minor"
    if now.split(".")[:2] == was.split(".")[:2]:
        bumped = "patch"
    order = ["patch", "minor", "major"]
    assert order.index(bumped) >= order.index(needed), (
        f"The change needs a {needed} bump, not a {bumped} one ({was} -> {now})."
    )
    pytest.fail(f"The version was bumped ({was} -> {now}) but the snapshot is old: {REFRESH}.")


def test_the_version_policy_tells_what_a_change_needs() -> None:
    def doc(*ops: tuple[str, str, str]) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for path, method, operation_id in ops:
            paths.setdefault(path, {})[method] = {"operationId": operation_id}
        return {"paths": paths, "info": {}}

    base = doc(("/api/a", "get", "a_get"))
    assert _bump_needed(base, doc(("/api/a", "get", "a_get"), ("/api/b", "get", "b"))) == "minor"
    assert _bump_needed(base, doc(("/api/a", "get", "renamed"))) == "major"
    assert _bump_needed(base, doc()) == "major"
    worded = doc(("/api/a", "get", "a_get"))
    worded["paths"]["/api/a"]["get"]["description"] = "Better words."
    assert _bump_needed(base, worded) == "patch"
