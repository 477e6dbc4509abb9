"""How a person marks a statement as their own: the same two ways wherever the programme
asks for it (a prisoner's voluntariness check, a defector's pathway choice)."""

from __future__ import annotations

from haven.i18n import N_
from haven.kernel.labels import Labelled


class Mark(Labelled):
    """How the person marked their statement as their own."""

    SIGNATURE = "signature", N_("Signature")
    THUMBPRINT = "thumbprint", N_("Thumbprint")
