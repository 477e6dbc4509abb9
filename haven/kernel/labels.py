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

# Defined in `haven.i18n`, below every layer, so that `haven.security` (under the kernel) can
# label its roles too; domains keep importing them from here.
from haven.i18n import Labelled, labels

__all__ = ["Labelled", "labels"]
