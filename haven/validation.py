"""Turn Pydantic validation errors into field messages that Haven can translate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from haven.errors import ValidationFailed
from haven.i18n import N_, Text

M = TypeVar("M", bound=BaseModel)

_BY_TYPE: dict[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Enter at least {min_length} characters."),
    "string_too_long": N_("Enter at most {max_length} characters."),
    "too_short": N_("Enter at least {min_length} items."),
    "too_long": N_("Enter at most {max_length} items."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "uuid_parsing": N_("Choose a valid option."),
    "uuid_type": N_("Choose a valid option."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "greater_than_equal": N_("Enter a number of at least {ge}."),
    "less_than_equal": N_("Enter a number of at most {le}."),
    "bool_parsing": N_("Choose yes or no."),
    "date_parsing": N_("Enter a real date, for example 2026-11-25."),
    "date_from_datetime_parsing": N_("Enter a real date, for example 2026-11-25."),
    "datetime_parsing": N_("Enter a real date and time."),
    "string_type": N_("Enter text."),
    "json_invalid": N_("The request body is not valid JSON."),
    "model_attributes_type": N_("The request body must be a JSON object."),
    "dict_type": N_("The request body must be a JSON object."),
    "extra_forbidden": N_("This field is not expected."),
}
_FALLBACK = N_("This value is not valid.")


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "__root__"


def fields_from_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, Text | str]:
    """Map each error location to one translatable message (the first error per field)."""
    fields: dict[str, Text | str] = {}
    for error in errors:
        name = _field_name(error.get("loc", ()))
        if name in fields:
            continue
        kind = error.get("type", "")
        ctx = error.get("ctx") or {}
        if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
            # Our validators raise ValueError(msgid) or ValueError(Text): the message is ours.
            inner = ctx["error"].args[0] if ctx["error"].args else _FALLBACK
            fields[name] = inner if isinstance(inner, Text | str) else _FALLBACK
            continue
        msgid = _BY_TYPE.get(kind, _FALLBACK)
        params = {k: v for k, v in ctx.items() if isinstance(v, int | str)}
        fields[name] = Text(msgid, params) if params else msgid
    return fields


def parse(schema: type[M], data: Any) -> M:
    """Validate `data` against `schema`, raising ValidationFailed with per-field messages."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationFailed(fields=fields_from_errors(exc.errors())) from None
