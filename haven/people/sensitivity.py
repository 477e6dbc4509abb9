"""Field sensitivity classes, declared once on each column (`info={"sensitivity": …}`).

The classification drives masking for roles without the right, audit (values of sensitive
fields are never copied into the trail) and, on PostgreSQL, application-level encryption.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Table


class Sensitivity(StrEnum):
    PERSONAL = "personal"
    CONFIDENTIAL = "confidential"
    HIGHLY_CONFIDENTIAL = "highly_confidential"


def sensitive(level: Sensitivity) -> dict[str, Any]:
    """Column `info` marking a field's sensitivity class."""
    return {"sensitivity": level}


def classified_columns(table: Table) -> dict[str, Sensitivity]:
    return {
        column.name: column.info["sensitivity"]
        for column in table.columns
        if "sensitivity" in column.info
    }


def sensitive_names(table: Table, at_least: Sensitivity = Sensitivity.CONFIDENTIAL) -> set[str]:
    order = list(Sensitivity)
    return {
        name
        for name, level in classified_columns(table).items()
        if order.index(level) >= order.index(at_least)
    }
