"""Labels of the registry's fixed vocabularies, translatable (rendered with the `t` filter)."""

from __future__ import annotations

from haven.i18n import N_

POW_LABELS: dict[str, str] = {
    # statuses
    "interned": N_("Interned"),
    "escaped": N_("Escaped"),
    "released": N_("Released"),
    "repatriated": N_("Repatriated"),
    "deceased": N_("Deceased"),
    "defected": N_("Defected"),
    # places
    "camp": N_("Camp"),
    "transit_camp": N_("Transit camp"),
    "hospital": N_("Hospital"),
    # card occasions
    "capture": N_("Capture"),
    "transfer": N_("Transfer"),
    "illness": N_("Serious illness"),
    # notices
    "release": N_("Release"),
    "repatriation": N_("Repatriation"),
    "escape": N_("Escape"),
    "hospital_admission": N_("Hospital admission"),
    "death": N_("Death"),
    # Art. 17 and Art. 122 items
    "surname": N_("Surname"),
    "first_names": N_("First names"),
    "rank": N_("Rank"),
    "date_of_birth": N_("Date of birth"),
    "service_number": N_("Service number"),
    "place_of_birth": N_("Place of birth"),
    "power_depended_on": N_("Power on which the prisoner depends"),
    "father_first_name": N_("Father's first name"),
    "mother_maiden_name": N_("Mother's maiden name"),
    "person_to_inform": N_("Person to inform"),
    "address": N_("Address for correspondence"),
    # correspondence
    "sent": N_("Sent"),
    "received": N_("Received"),
    "letter": N_("Letter"),
    "card": N_("Card"),
    # release grounds
    "end_of_hostilities": N_("End of active hostilities (Art. 118)"),
    "seriously_sick": N_("Seriously sick or wounded (Art. 109)"),
    "other": N_("Other"),
    # voluntariness
    "voluntary": N_("Voluntary"),
    "not_voluntary": N_("Not voluntary"),
    "inconclusive": N_("Inconclusive"),
    # pay categories (Art. 60)
    "below_sergeant": N_("Category I: below sergeant"),
    "sergeant": N_("Category II: sergeants and other non-commissioned officers"),
    "warrant_to_captain": N_("Category III: warrant officers and officers below major"),
    "major_to_colonel": N_("Category IV: majors, lieutenant-colonels, colonels"),
    "general": N_("Category V: general officers"),
}
