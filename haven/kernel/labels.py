"""Enums that carry their own labels.

A member is declared with its stored value and its translatable label, so the label lives
beside the value instead of in a separate table that can fall out of step:

    class Colour(Labelled):
        RED = "red", N_("Red")

`Colour.RED == "red"`, `Colour("red") is Colour.RED` and `Colour.RED.label == "Red"` (a msgid:
templates translate it with `_()`). `labels(Colour)` gives the value → label map that select
boxes and templates use.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self, TypeVar


class Labelled(StrEnum):
    """A `StrEnum` whose members are declared as `NAME = value, label`."""

    _label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return self._label


E = TypeVar("E", bound="Labelled")


def labels(enum: type[E]) -> dict[str, str]:
    """The value → label map of a labelled enum, in declaration order."""
    return {member.value: member.label for member in enum}
