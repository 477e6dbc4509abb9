"""Reference data every installation needs: the Myanmar military's rank table (DOMAIN.md §5).

Officer ranks are verified in public sources; the Burmese names of other ranks are not, so
they are stored with `verified = False` and stay editable by administrators.
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
