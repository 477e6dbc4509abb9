"""Reference data every installation needs: the rank tables of the forces defectors come from
(the Myanmar military, the Myanmar Police Force, the People's Militia and Pyusawhti, the
Border Guard Force), the ways people write those ranks, and the appointments (positions) of
the Myanmar military and of every receiving force.

**Which Burmese names are verified.** A rank is `verified` only when its Burmese name was
checked against a published source: the Myanmar military's officer ranks (the Tatmadaw's
published rank table, as reproduced in the public reference works on Myanmar's military
ranks, which also give the officers' Burmese abbreviations ဗက, ဗမက, ဒုဗမက …). Every
other Burmese name is stored with `verified = False`: the names are those in common use,
not confirmed by a source here, and administrators confirm or correct them on the force's
page. **Staff Sergeant** has no Burmese name: no published source names the rank in
Burmese (the sources say only that sergeants and staff sergeants are both addressed as
"Saya Gyi", which is a form of address, not a rank), so none is given rather than a guess
(`NO_BURMESE_NAME`).

**Aliases** are the other ways a rank is written on a roll or a form: English abbreviations
(Capt, Lt Col, L/Cpl), Burmese short forms (ဒုဗိုလ်မှူးကြီး for ဒုတိယဗိုလ်မှူးကြီး) and
abbreviations (ဗမက), and romanisations (Bo Gyi, Bo Hmu Gyi). They are matched whatever the
case, spacing and punctuation, and a romanised syllable in any of its usual spellings
(`haven.forces.ranktext`). An alias names one rank of its force only.

No Burmese name of an appointment has been checked against a public source yet: every one
is stored unverified, for an administrator to confirm or correct.
"""

from __future__ import annotations

from dataclasses import dataclass

from haven.i18n import N_

MYANMAR_ARMY = "Myanmar Armed Forces (Tatmadaw)"
MYANMAR_ARMY_MY = "တပ်မတော်"
MYANMAR_POLICE = "Myanmar Police Force"
MYANMAR_POLICE_MY = "မြန်မာနိုင်ငံ ရဲတပ်ဖွဲ့"
PEOPLES_MILITIA = "People's Militia and Pyusawhti"
PEOPLES_MILITIA_MY = "ပြည်သူ့စစ်နှင့် ပျူစောထီး"
BORDER_GUARD_FORCE = "Border Guard Force"
BORDER_GUARD_FORCE_MY = "နယ်ခြားစောင့်တပ်"

# Why a rank of the tables has no Burmese name (by English name; shown on the force's page).
NO_BURMESE_NAME: dict[str, str] = {
    "Staff Sergeant": N_(
        "No published source gives a Burmese name for this rank: sergeants and staff "
        "sergeants are both addressed as Saya Gyi, a form of address, not a rank."
    ),
}


@dataclass(frozen=True)
class RankRow:
    """One rank of a reference table: `seniority` 1 is the most senior; `pay_group` is the
    GC III Art. 60 category (None where the table's force gives no basis for one)."""

    seniority: int
    name_en: str
    name_my: str | None
    verified: bool
    pay_group: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForceTable:
    """A force Haven knows from the start, its rank table and the names rolls give it."""

    name: str
    name_my: str
    kind: str  # a `ForceKind` value
    aliases: tuple[str, ...]
    ranks: tuple[RankRow, ...]


# English abbreviations shared by the tables whose ranks follow the army's titles.
_GENERAL = ("Gen", "Gen.")
_LT_GEN = ("Lt Gen", "Lt-Gen", "Lieut Gen", "LtGen", "LTG")
_MAJ_GEN = ("Maj Gen", "Maj-Gen", "MajGen", "MG")
_BRIG_GEN = ("Brig Gen", "Brig-Gen", "BrigGen", "Brig", "Brigadier")
_COLONEL = ("Col", "Col.")
_LT_COL = ("Lt Col", "Lt. Col.", "Lt-Col", "LtCol", "Lieut Col", "LTC")
_MAJOR = ("Maj", "Maj.")
_CAPTAIN = ("Capt", "Capt.", "Cpt")
_LIEUTENANT = ("Lt", "Lt.", "Lieut", "1st Lt", "First Lieutenant")
_SECOND_LT = ("2Lt", "2nd Lt", "2/Lt", "2nd Lieutenant", "Second Lt")
_WO1 = ("WO1", "WO I", "WO 1", "Warrant Officer 1", "Warrant Officer Class 1")
_WO2 = ("WO2", "WO II", "WO 2", "Warrant Officer 2", "Warrant Officer Class 2")
_STAFF_SGT = ("SSgt", "S/Sgt", "Staff Sgt", "SSG")
_SERGEANT = ("Sgt", "Sgt.", "Sjt")
_CORPORAL = ("Cpl", "Cpl.")
_LANCE_CPL = ("L/Cpl", "LCpl", "L Cpl", "Lance Cpl", "L/Cpl.")
_PRIVATE = ("Pte", "Pte.", "Pvt", "Pvt.")

# The Myanmar military (DOMAIN.md §5). Burmese abbreviations: the published table gives ဗခက
# (General) to ဒုဗ (Second Lieutenant); those of the two senior-most ranks (ဗခမက, ဒုဗခမက)
# follow the same rule (the initials of the name). Romanisations as rolls write them.
ARMY_RANKS: tuple[RankRow, ...] = (
    RankRow(
        1,
        "Senior General",
        "ဗိုလ်ချုပ်မှူးကြီး",
        True,
        "general",
        ("Sr Gen", "Snr Gen", "Sen Gen", "ဗခမက", "Bogyoke Hmu Gyi"),
    ),
    RankRow(
        2,
        "Vice-Senior General",
        "ဒုတိယဗိုလ်ချုပ်မှူးကြီး",
        True,
        "general",
        ("Deputy Senior General", "Vice Sr Gen", "Dy Sr Gen", "ဒုဗခမက", "Du Bogyoke Hmu Gyi"),
    ),
    RankRow(3, "General", "ဗိုလ်ချုပ်ကြီး", True, "general", (*_GENERAL, "ဗခက", "Bogyoke Gyi")),
    RankRow(
        4,
        "Lieutenant General",
        "ဒုတိယဗိုလ်ချုပ်ကြီး",
        True,
        "general",
        (*_LT_GEN, "ဒုဗခက", "Du Bogyoke Gyi"),
    ),
    RankRow(5, "Major General", "ဗိုလ်ချုပ်", True, "general", (*_MAJ_GEN, "ဗခ", "Bogyoke")),
    RankRow(
        6,
        "Brigadier General",
        "ဗိုလ်မှူးချုပ်",
        True,
        "general",
        (*_BRIG_GEN, "ဗမခ", "Bo Hmu Gyoke"),
    ),
    RankRow(7, "Colonel", "ဗိုလ်မှူးကြီး", True, "major_to_colonel", (*_COLONEL, "ဗမက", "Bo Hmu Gyi")),
    RankRow(
        8,
        "Lieutenant Colonel",
        "ဒုတိယဗိုလ်မှူးကြီး",
        True,
        "major_to_colonel",
        (*_LT_COL, "ဒုဗမက", "Du Bo Hmu Gyi"),
    ),
    RankRow(9, "Major", "ဗိုလ်မှူး", True, "major_to_colonel", (*_MAJOR, "ဗမ", "Bo Hmu")),
    RankRow(10, "Captain", "ဗိုလ်ကြီး", True, "warrant_to_captain", (*_CAPTAIN, "ဗက", "Bo Gyi")),
    RankRow(11, "Lieutenant", "ဗိုလ်", True, "warrant_to_captain", (*_LIEUTENANT, "Bo")),
    RankRow(
        12,
        "Second Lieutenant",
        "ဒုတိယဗိုလ်",
        True,
        "warrant_to_captain",
        (*_SECOND_LT, "ဒုဗ", "Du Bo"),
    ),
    RankRow(
        13,
        "Warrant Officer I",
        "အရာခံဗိုလ်",
        False,
        "warrant_to_captain",
        (*_WO1, "A Ya Khan Bo", "Ayarkhan Bo"),
    ),
    RankRow(
        14,
        "Warrant Officer II",
        "ဒုအရာခံဗိုလ်",
        False,
        "warrant_to_captain",
        (*_WO2, "Du A Ya Khan Bo", "Du Ayarkhan Bo"),
    ),
    RankRow(15, "Staff Sergeant", None, False, "sergeant", _STAFF_SGT),
    RankRow(16, "Sergeant", "တပ်ကြပ်ကြီး", False, "sergeant", (*_SERGEANT, "Tat Kyat Gyi")),
    RankRow(17, "Corporal", "တပ်ကြပ်", False, "below_sergeant", (*_CORPORAL, "Tat Kyat")),
    RankRow(
        18,
        "Lance Corporal",
        "ဒုတပ်ကြပ်",
        False,
        "below_sergeant",
        (*_LANCE_CPL, "Du Tat Kyat"),
    ),
    RankRow(19, "Private", "တပ်သား", False, "below_sergeant", (*_PRIVATE, "Tat Tha")),
)

# Kept for callers of the earlier shape: seniority, English, Burmese, verified, pay group.
MYANMAR_ARMY_RANKS: list[tuple[int, str, str | None, bool, str | None]] = [
    (r.seniority, r.name_en, r.name_my, r.verified, r.pay_group) for r in ARMY_RANKS
]

# The Myanmar Police Force: the officers' titles follow the army's with ရဲ ("police"); the
# inspector grades keep their older names (ရဲအုပ် inspector = police captain, ဒုရဲအုပ်
# sub-inspector = police lieutenant). None of these Burmese names was checked against a
# published source here: all unverified.
POLICE_RANKS: tuple[RankRow, ...] = (
    RankRow(
        1,
        "Police Lieutenant General",
        "ရဲဒုတိယဗိုလ်ချုပ်ကြီး",
        False,
        "general",
        ("Pol Lt Gen", "Police Lt Gen", *_LT_GEN),
    ),
    RankRow(
        2,
        "Police Major General",
        "ရဲဗိုလ်ချုပ်",
        False,
        "general",
        ("Pol Maj Gen", "Police Maj Gen", *_MAJ_GEN),
    ),
    RankRow(
        3,
        "Police Brigadier General",
        "ရဲမှူးချုပ်",
        False,
        "general",
        ("Pol Brig Gen", "Police Brig Gen", *_BRIG_GEN, "Ye Hmu Gyoke"),
    ),
    RankRow(
        4,
        "Police Colonel",
        "ရဲမှူးကြီး",
        False,
        "major_to_colonel",
        ("Pol Col", "Police Col", *_COLONEL, "Ye Hmu Gyi"),
    ),
    RankRow(
        5,
        "Police Lieutenant Colonel",
        "ဒုရဲမှူးကြီး",
        False,
        "major_to_colonel",
        ("Pol Lt Col", "Police Lt Col", *_LT_COL, "Du Ye Hmu Gyi"),
    ),
    RankRow(
        6,
        "Police Major",
        "ရဲမှူး",
        False,
        "major_to_colonel",
        ("Pol Maj", "Police Maj", *_MAJOR, "Ye Hmu"),
    ),
    RankRow(
        7,
        "Police Captain",
        "ရဲအုပ်",
        False,
        "warrant_to_captain",
        ("Pol Capt", "Police Capt", *_CAPTAIN, "Police Inspector", "Inspector", "Ye Ok"),
    ),
    RankRow(
        8,
        "Police Lieutenant",
        "ဒုရဲအုပ်",
        False,
        "warrant_to_captain",
        (
            "Pol Lt",
            "Police Lt",
            *_LIEUTENANT,
            "Police Sub-Inspector",
            "Sub-Inspector",
            "Du Ye Ok",
        ),
    ),
    RankRow(
        9,
        "Police Sergeant",
        "ရဲတပ်ကြပ်ကြီး",
        False,
        "sergeant",
        ("Pol Sgt", "Police Sgt", *_SERGEANT, "Ye Tat Kyat Gyi"),
    ),
    RankRow(
        10,
        "Police Corporal",
        "ရဲတပ်ကြပ်",
        False,
        "below_sergeant",
        ("Pol Cpl", "Police Cpl", *_CORPORAL, "Ye Tat Kyat"),
    ),
    RankRow(
        11,
        "Police Lance Corporal",
        "ဒုရဲတပ်ကြပ်",
        False,
        "below_sergeant",
        ("Pol L/Cpl", "Police L/Cpl", *_LANCE_CPL, "Du Ye Tat Kyat"),
    ),
    RankRow(
        12,
        "Police Private",
        "ရဲတပ်သား",
        False,
        "below_sergeant",
        ("Police Constable", "Constable", "Pol Pte", *_PRIVATE, "Ye Tat Tha"),
    ),
)

# The People's Militia (ပြည်သူ့စစ်) and the Pyusawhti (ပျူစောထီး) militias publish no rank
# table: their rolls name a commander, a deputy, section leaders and members. Those grades
# are the table, unverified; no Art. 60 category is presumed (`pay_group` None: a programme
# that needs one sets it).
MILITIA_RANKS: tuple[RankRow, ...] = (
    RankRow(1, "Militia commander", "တပ်မှူး", False, None, ("Commander", "Cdr", "Comd", "Tat Hmu")),
    RankRow(
        2,
        "Deputy militia commander",
        "ဒုတပ်မှူး",
        False,
        None,
        ("Deputy Commander", "Deputy Cdr", "2IC", "Du Tat Hmu"),
    ),
    RankRow(
        3,
        "Militia section leader",
        "အပိုင်းမှူး",
        False,
        None,
        ("Section Leader", "Section Commander", "Sec Cdr"),
    ),
    RankRow(
        4,
        "Militia member",
        "ပြည်သူ့စစ်သား",
        False,
        None,
        ("Member", "Militiaman", "Pyithu Sit Tha", "ပျူစောထီးအဖွဲ့ဝင်"),
    ),
)

# Border Guard Force battalions are under the army's command and their members hold the
# army's titles from colonel down: the army's names and aliases, all unverified for the BGF
# (no published BGF table was checked).
BGF_RANKS: tuple[RankRow, ...] = tuple(
    RankRow(
        r.seniority - 6,
        r.name_en,
        r.name_my,
        False,
        r.pay_group,
        r.aliases,
    )
    for r in ARMY_RANKS
    if r.seniority >= 7
)

REFERENCE_FORCES: tuple[ForceTable, ...] = (
    ForceTable(
        MYANMAR_ARMY,
        MYANMAR_ARMY_MY,
        "state_army",
        (
            "Army",
            "Tatmadaw",
            "Myanmar Army",
            "Myanmar Military",
            "Myanmar Armed Forces",
            "Military",
            "SAC",
            "စစ်တပ်",
            "တပ်မတော်",
        ),
        ARMY_RANKS,
    ),
    ForceTable(
        MYANMAR_POLICE,
        MYANMAR_POLICE_MY,
        "police",
        ("Police", "MPF", "Myanmar Police", "ရဲ", "ရဲတပ်ဖွဲ့", "မြန်မာနိုင်ငံရဲတပ်ဖွဲ့"),
        POLICE_RANKS,
    ),
    ForceTable(
        PEOPLES_MILITIA,
        PEOPLES_MILITIA_MY,
        "militia",
        (
            "Militia",
            "People's Militia",
            "People's Militia Force",
            "PMF",
            "Pyithu Sit",
            "Pyusawhti",
            "Pyu Saw Htee",
            "ပြည်သူ့စစ်",
            "ပျူစောထီး",
        ),
        MILITIA_RANKS,
    ),
    ForceTable(
        BORDER_GUARD_FORCE,
        BORDER_GUARD_FORCE_MY,
        "state_army",
        ("BGF", "Border Guard", "Border Guard Forces", "နယ်ခြားစောင့်", "နယ်ခြားစောင့်တပ်ဖွဲ့"),
        BGF_RANKS,
    ),
)

# code, grade (1 = most senior; equal grades stand level), English, Burmese, verified.
# Grades order command responsibility: a battalion commander above his deputy, above a
# company commander …; the specialist appointments of a soldier stand level with each other.
MYANMAR_ARMY_POSITIONS: list[tuple[str, int, str, str | None, bool]] = [
    ("division_commander", 1, "Division commander", "တိုင်းမှူး", False),
    ("operations_commander", 2, "Tactical operations commander", "ဗျူဟာမှူး", False),
    ("battalion_commander", 3, "Battalion commander", "တပ်ရင်းမှူး", False),
    ("deputy_battalion_commander", 4, "Deputy battalion commander", "ဒုတပ်ရင်းမှူး", False),
    ("company_commander", 5, "Company commander", "တပ်ခွဲမှူး", False),
    ("deputy_company_commander", 6, "Deputy company commander", "ဒုတပ်ခွဲမှူး", False),
    ("platoon_leader", 7, "Platoon leader", "တပ်စုမှူး", False),
    ("section_leader", 8, "Section leader", "အပိုင်းမှူး", False),
    ("clerk", 9, "Clerk", "စာရေး", False),
    ("medic", 9, "Medic", "ဆေးတပ်သား", False),
    ("signaller", 9, "Signaller", "ဆက်သွယ်ရေးတပ်သား", False),
    ("driver", 9, "Driver", "ယာဉ်မောင်း", False),
    ("cook", 9, "Cook", "စားဖိုမှူး", False),
]

# The appointments a receiving force starts with (when it is created, and for every receiving
# force `haven db upgrade` finds without them); administrators add, rename and confirm.
RECEIVING_FORCE_POSITIONS: list[tuple[str, int, str, str | None, bool]] = [
    ("battalion_commander", 3, "Battalion commander", "တပ်ရင်းမှူး", False),
    ("deputy_battalion_commander", 4, "Deputy battalion commander", "ဒုတပ်ရင်းမှူး", False),
    ("company_commander", 5, "Company commander", "တပ်ခွဲမှူး", False),
    ("deputy_company_commander", 6, "Deputy company commander", "ဒုတပ်ခွဲမှူး", False),
    ("platoon_leader", 7, "Platoon leader", "တပ်စုမှူး", False),
    ("section_leader", 8, "Section leader", "အပိုင်းမှူး", False),
    ("clerk", 9, "Clerk", "စာရေး", False),
    ("medic", 9, "Medic", "ဆေးတပ်သား", False),
    ("signaller", 9, "Signaller", "ဆက်သွယ်ရေးတပ်သား", False),
    ("driver", 9, "Driver", "ယာဉ်မောင်း", False),
    ("cook", 9, "Cook", "စားဖိုမှူး", False),
]
