"""A job as its pages and its API show it: messages in the result become translatable."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from haven.i18n import Text, render
from haven.jobs.kinds import UnknownJobKind, kind_of
from haven.jobs.models import Job
from haven.jobs.public import result_of


def texts(value: Any) -> Any:
    """Every `{"msgid", "params"}` in a result as a `Text` (lists and mappings walked)."""
    if isinstance(value, dict):
        if "msgid" in value and set(value) <= {"msgid", "params", "row", "field"}:
            message = Text(value["msgid"], dict(value.get("params") or {}))
            if set(value) == {"msgid", "params"}:
                return message
            return {**value, "message": message}
        return {name: texts(item) for name, item in value.items()}
    if isinstance(value, list):
        return [texts(item) for item in value]
    return value


def rendered(value: Any, language: str) -> Any:
    """A result for JSON: every message rendered in the reader's language."""
    if isinstance(value, Text):
        return render(value, language)
    if isinstance(value, dict):
        return {name: rendered(item, language) for name, item in value.items()}
    if isinstance(value, list):
        return [rendered(item, language) for item in value]
    return value


def title_of(job: Job) -> str:
    try:
        return kind_of(job.kind).title
    except UnknownJobKind:
        return job.kind


def result_template_of(job: Job) -> str | None:
    try:
        return kind_of(job.kind).result_template
    except UnknownJobKind:
        return None


def shown_result(session: Session, job: Job) -> dict[str, Any]:
    result: dict[str, Any] = texts(result_of(session, job))
    return result
