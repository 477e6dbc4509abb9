"""Structured logs without values: one JSON object a line, on standard error.

What a line may carry: the time, level, logger and message; for a request (the
`haven.access` line the middleware writes once per request) its method, route template,
status, duration and request id; for a failure the exception's *type* and the request id.
Never an exception's message or traceback (they carry SQL, validation details and whatever a
client sent), never a raw path (a mistyped address can hold a name), never a query string.

The formatter enforces it for every logger, Haven's and the libraries' alike: exception
information is reduced to the type, and exceptions passed as a message's arguments are
replaced by their type's name. `haven serve` hands `uvicorn_config()` to uvicorn.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# The extra fields a record may carry into the line (`log.info(..., extra={...})`).
FIELDS = ("method", "route", "status", "duration_ms", "request_id", "error")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseException):
        return type(value).__name__
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object a line; exception messages and tracebacks never written."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple):
            record.args = tuple(_plain(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _plain(v) for k, v in record.args.items()}
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry.setdefault("error", record.exc_info[0].__name__)
        return json.dumps(entry, ensure_ascii=False, default=str)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's own name
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's own name
        return ""


def uvicorn_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for `haven serve`: every logger through the formatter;
    uvicorn's access log off (it would write query strings; Haven writes its own lines)."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "haven": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
