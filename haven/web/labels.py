"""Human labels (translatable msgids) for the values of Haven's enums, used by templates."""

from __future__ import annotations

from haven.i18n import N_

LABELS: dict[str, str] = {
    # classifications
    "defector": N_("Defector"),
    "surrendered": N_("Surrendered"),
    "captured": N_("Captured"),
    "disengaged": N_("Disengaged"),
    "child": N_("Child (under 18)"),
    # legal bases
    "vital_interest": N_("Vital interest"),
    "public_interest": N_("Public interest"),
    "consent": N_("Consent"),
    "legitimate_interest": N_("Legitimate interest"),
    "legal_obligation": N_("Legal obligation"),
    # weapons
    "rifle": N_("Rifle"),
    "pistol": N_("Pistol"),
    "machine_gun": N_("Machine gun"),
    "grenade_launcher": N_("Grenade launcher"),
    "mortar": N_("Mortar"),
    "ammunition": N_("Ammunition"),
    "explosive": N_("Explosive"),
    "radio": N_("Radio"),
    "vehicle": N_("Vehicle"),
    "other": N_("Other"),
    # sex
    "female": N_("Female"),
    "male": N_("Male"),
    "unknown": N_("Not known"),
    # education
    "none": N_("None"),
    "primary": N_("Primary school"),
    "middle": N_("Middle school"),
    "high": N_("High school"),
    "university": N_("University"),
    # literacy
    "reads": N_("Reads"),
    "reads_and_writes": N_("Reads and writes"),
    # Washington Group Short Set
    "seeing": N_("Difficulty seeing, even if wearing glasses?"),
    "hearing": N_("Difficulty hearing, even if using a hearing aid?"),
    "walking": N_("Difficulty walking or climbing steps?"),
    "remembering": N_("Difficulty remembering or concentrating?"),
    "self_care": N_("Difficulty with self-care, such as washing all over or dressing?"),
    "communicating": N_(
        "Using your usual language, difficulty communicating, for example understanding or "
        "being understood?"
    ),
    "no_difficulty": N_("No difficulty"),
    "some_difficulty": N_("Some difficulty"),
    "a_lot_of_difficulty": N_("A lot of difficulty"),
    "cannot_do_at_all": N_("Cannot do at all"),
}
