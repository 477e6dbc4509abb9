"""Reference data every installation needs: the Myanmar military's rank table (DOMAIN.md §5)
and the appointments (positions) of the Myanmar military and of every receiving force.

Officer ranks are verified in public sources; the Burmese names of other ranks are not, so
they are stored with `verified = False` and stay editable by administrators. No Burmese name
of an appointment has been checked against a public source yet: every one is stored
unverified, for an administrator to confirm or correct.
"""

from __future__ import annotations

MYANMAR_ARMY = "Myanmar Armed Forces (Tatmadaw)"
MYANMAR_ARMY_MY = "တပ်မတော်"

# seniority, English, Burmese (None when unknown), verified, GC III Art. 60 pay group
MYANMAR_ARMY_RANKS: list[tuple[int, str, str | None, bool, str]] = [
    (1, "Senior General", "ဗိုလ်ချုပ်မှူးကြီး", True, "general"),
    (2, "Vice-Senior General", "ဒုတိယဗိုလ်ချုပ်မှူးကြီး", True, "general"),
    (3, "General", "ဗိုလ်ချုပ်ကြီး", True, "general"),
    (4, "Lieutenant General", "ဒုတိယဗိုလ်ချုပ်ကြီး", True, "general"),
    (5, "Major General", "ဗိုလ်ချုပ်", True, "general"),
    (6, "Brigadier General", "ဗိုလ်မှူးချုပ်", True, "general"),
    (7, "Colonel", "ဗိုလ်မှူးကြီး", True, "major_to_colonel"),
    (8, "Lieutenant Colonel", "ဒုတိယဗိုလ်မှူးကြီး", True, "major_to_colonel"),
    (9, "Major", "ဗိုလ်မှူး", True, "major_to_colonel"),
    (10, "Captain", "ဗိုလ်ကြီး", True, "warrant_to_captain"),
    (11, "Lieutenant", "ဗိုလ်", True, "warrant_to_captain"),
    (12, "Second Lieutenant", "ဒုတိယဗိုလ်", True, "warrant_to_captain"),
    (13, "Warrant Officer I", "အရာခံဗိုလ်", False, "warrant_to_captain"),
    (14, "Warrant Officer II", "ဒုအရာခံဗိုလ်", False, "warrant_to_captain"),
    (15, "Staff Sergeant", None, False, "sergeant"),
    (16, "Sergeant", "တပ်ကြပ်ကြီး", False, "sergeant"),
    (17, "Corporal", "တပ်ကြပ်", False, "below_sergeant"),
    (18, "Lance Corporal", "ဒုတပ်ကြပ်", False, "below_sergeant"),
    (19, "Private", "တပ်သား", False, "below_sergeant"),
]

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
