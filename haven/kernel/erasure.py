"""What erasing a person means for a row that stays: its classified values go.

A domain that keeps a row about an erased person (a decision, a record the programme must
account for) clears it with `blanked(Model)`: every nullable column holding a classified
value (PERSONAL plaintext or the ciphertext of a CONFIDENTIAL one) or a blind index becomes
NULL. Ciphertext is then gone as well as unreadable (the person's data key is destroyed by
the people domain), and a value decrypted earlier in the session cannot be read again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column


def blanked(model: type[Any]) -> dict[Column[Any], None]:
    """The UPDATE values that blank a row of `model` of its classified, nullable columns."""
    return {
        column: None
        for column in model.__table__.columns
        if column.nullable and ("sensitivity" in column.info or column.info.get("blind_index"))
    }
