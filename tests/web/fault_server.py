"""`haven serve` exactly as deployed, plus two routes that fail the way a bug would: with
what the client sent inside the exception (a message quoting SQL, a validation error echoing
the input). Run as `python -m tests.web.fault_server PORT` by tests/web/test_logs.py."""

from __future__ import annotations

import sys
from typing import Any

from fastapi import Body, FastAPI
from pydantic import BaseModel

from haven.cli import serve as serve_command
from haven.web import server

_real_create_app = server.create_app


class _Probe(BaseModel):
    birth_year: int


def _fault(body: dict[str, str] = Body()) -> None:  # noqa: B008 - FastAPI's idiom
    raise RuntimeError(f"INSERT INTO persons (name_latin) VALUES ('{body.get('name')}') failed")


def _invalid(body: dict[str, str] = Body()) -> None:  # noqa: B008 - FastAPI's idiom
    _Probe.model_validate({"birth_year": body.get("name")})


def _with_faults(*args: Any, **kwargs: Any) -> FastAPI:
    app = _real_create_app(*args, **kwargs)
    app.add_api_route("/api/test-fault", _fault, methods=["POST"])
    app.add_api_route("/api/test-invalid", _invalid, methods=["POST"])
    return app


if __name__ == "__main__":
    server.create_app = _with_faults  # type: ignore[assignment]
    serve_command.serve(host="127.0.0.1", port=int(sys.argv[1]))
