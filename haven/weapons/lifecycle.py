"""The weapons domain's words: kinds of store, of movement and of document, calibres, the
methods of destruction, and the store's two states (docs/weapons.md)."""

from __future__ import annotations

from haven.i18n import N_, NC_
from haven.kernel.labels import Labelled


class StoreKind(Labelled):
    ARMOURY = "armoury", N_("Armoury")
    AMMUNITION = "ammunition", N_("Ammunition store")
    FIELD = "field", N_("Field store")


class StoreStatus(Labelled):
    OPEN = "open", NC_("state of a case or a task", "Open")
    CLOSED = "closed", N_("Closed")


class MovementKind(Labelled):
    """What moved stock into or out of a store; in and out are signed quantities."""

    INTAKE = "intake", N_("Taken into store")
    TRANSFER_OUT = "transfer_out", N_("Transferred out")
    TRANSFER_IN = "transfer_in", N_("Transferred in")
    REISSUE = "reissue", N_("Re-issued")
    DESTRUCTION = "destruction", N_("Destroyed")
    ADJUSTMENT = "adjustment", N_("Stock-check adjustment")


class DocumentKind(Labelled):
    INTAKE = "intake", N_("Intake")
    TRANSFER = "transfer", N_("Transfer")
    REISSUE = "reissue", N_("Re-issue")
    DESTRUCTION = "destruction", N_("Destruction")
    STOCK_CHECK = "stock_check", N_("Stock check")


class Calibre(Labelled):
    """Ammunition is counted in rounds by calibre; another calibre is written out."""

    C556X45 = "5.56x45", N_("5.56×45 mm")
    C762X39 = "7.62x39", N_("7.62×39 mm")
    C762X51 = "7.62x51", N_("7.62×51 mm")
    C762X54R = "7.62x54r", N_("7.62×54R mm")
    C9X19 = "9x19", N_("9×19 mm")
    C127X108 = "12.7x108", N_("12.7×108 mm")
    C127X99 = "12.7x99", N_("12.7×99 mm")
    G40 = "40mm_grenade", N_("40 mm grenade")
    M60 = "60mm_mortar", N_("60 mm mortar bomb")
    M81 = "81mm_mortar", N_("81 mm mortar bomb")
    OTHER = "other", N_("Other calibre")


class DestructionMethod(Labelled):
    """Methods of the UN standards (MOSAIC 05.50, IATG 10.10)."""

    CUTTING = "cutting", N_("Cutting")
    CRUSHING = "crushing", N_("Crushing")
    BURNING = "burning", N_("Burning")
    SMELTING = "smelting", N_("Smelting")
    DEMOLITION = "demolition", N_("Open demolition (ammunition)")
    OTHER = "other", N_("Another method")


class IntakeOutcome(Labelled):
    RECEIVED = "received", N_("Taken into store")
    NOT_RECEIVED = "not_received", N_("Not received")


CALIBRE_CODES = frozenset(str(c) for c in Calibre if c is not Calibre.OTHER)


def calibre_label(calibre: str | None) -> str:
    """A calibre's label msgid, or the words written for another calibre."""
    if calibre in CALIBRE_CODES:
        return Calibre(calibre).label
    return calibre or ""
