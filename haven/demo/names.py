"""Synthetic Burmese names for demonstration data: Myanmar script and common Latin spellings.

Names are drawn from lists of common syllables, so they look real without being anyone in
particular; full names of well-known public figures are refused and drawn again. Nothing
here is, or may be replaced by, a list of real people.

Burmese names have no family name; they are 1 to 4 syllables in a fixed order, often after
an honorific or ethnic prefix (DOMAIN.md §5). Latin spellings vary (Htun/Tun, Thein/Thane,
Win/Winn); each syllable lists its most common spelling first and the generator sometimes
picks another, as registrars do. No syllable is spelled like a prefix (U, Ma, Ko …), so the
prefix split of `haven.text.names` never cuts a generated name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Sex = Literal["male", "female"]


@dataclass(frozen=True)
class Syllable:
    """One syllable in Myanmar script and its Latin spellings, the most common first."""

    my: str
    latin: tuple[str, ...]


def _syllables(*pairs: tuple[str, str]) -> tuple[Syllable, ...]:
    return tuple(Syllable(my, tuple(latin.split("/"))) for my, latin in pairs)


MALE_SYLLABLES = _syllables(
    ("အောင်", "Aung"),
    ("ကျော်", "Kyaw"),
    ("မင်း", "Min/Minn"),
    ("ထွန်း", "Htun/Tun/Htoon"),
    ("ဝင်း", "Win/Winn"),
    ("မြင့်", "Myint/Myin"),
    ("သိန်း", "Thein/Thane"),
    ("စိုး", "Soe/Soh"),
    ("နိုင်", "Naing"),
    ("ဇော်", "Zaw"),
    ("ထက်", "Htet/Htat"),
    ("ပိုင်", "Paing"),
    ("လင်း", "Lin/Linn"),
    ("ဟိန်း", "Hein"),
    ("ညီ", "Nyi/Nyee"),
    ("သူ", "Thu"),
    ("ရဲ", "Ye/Yae"),
    ("ဖြိုး", "Phyo/Pyo"),
    ("သန့်", "Thant"),
    ("ဇင်", "Zin/Zinn"),
    ("နေ", "Nay/Ne"),
    ("လွင်", "Lwin"),
    ("တင်", "Tin/Tinn"),
    ("ချစ်", "Chit"),
    ("သက်", "Thet"),
    ("ရန်", "Yan/Yann"),
    ("ကောင်း", "Kaung"),
    ("မျိုး", "Myo"),
    ("ခန့်", "Khant"),
    ("ဝေ", "Wai/Way/Wei"),
    ("ထိုက်", "Htike/Htaik"),
    ("ညွန့်", "Nyunt"),
    ("ဘ", "Ba"),
    ("လှ", "Hla"),
    ("ဆွေ", "Swe"),
    ("ရွှေ", "Shwe"),
    ("ငြိမ်း", "Nyein"),
    ("ချမ်း", "Chan"),
    ("ဟန်", "Han"),
    ("သော်", "Thaw"),
)

FEMALE_SYLLABLES = _syllables(
    ("အေး", "Aye"),
    ("မြ", "Mya"),
    ("ခင်", "Khin"),
    ("စု", "Su/Soo"),
    ("နွယ်", "Nwe/Nway"),
    ("ဖြူ", "Phyu/Pyu"),
    ("မေ", "May/Mei"),
    ("ချို", "Cho"),
    ("ယု", "Yu"),
    ("ဇာ", "Zar/Za"),
    ("နီ", "Ni/Nee"),
    ("ကြည်", "Kyi/Kyee"),
    ("လှိုင်", "Hlaing"),
    ("ဝါ", "Wah/War"),
    ("မိုး", "Moe"),
    ("ပန်း", "Pan/Pann"),
    ("ဇင်", "Zin"),
    ("နှင်း", "Hnin"),
    ("ယဉ်", "Yin/Yinn"),
    ("ထား", "Htar/Hta"),
    ("သီ", "Thi/Thee"),
    ("မာ", "Mar"),
    ("လှ", "Hla"),
    ("တင်", "Tin"),
    ("ခိုင်", "Khaing"),
    ("သက်", "Thet"),
    ("ဆု", "Hsu/Su"),
    ("ငြိမ်း", "Nyein"),
    ("ချမ်း", "Chan"),
    ("ရည်", "Yee/Yi"),
    ("လေး", "Lay/Lei"),
    ("ဝင့်", "Wint"),
)


@dataclass(frozen=True)
class Honorific:
    """A prefix before the name: honorific by age, or ethnic (Karen, Shan, Karenni)."""

    my: str
    latin: str


# Honorifics by sex and age group, and ethnic prefixes (used whatever the age).
ELDER = {"male": Honorific("ဦး", "U"), "female": Honorific("ဒေါ်", "Daw")}
YOUNG = {"male": Honorific("ကို", "Ko"), "female": Honorific("မ", "Ma")}
BOY = Honorific("မောင်", "Maung")
ETHNIC: dict[Sex, tuple[Honorific, ...]] = {
    "male": (Honorific("စော", "Saw"), Honorific("စိုင်း", "Sai"), Honorific("ခွန်", "Khun")),
    "female": (Honorific("နော်", "Naw"), Honorific("နန်း", "Nang")),
}

# Full names of public figures (Latin, lower case): a generated name equal to one of these
# is drawn again, so that demonstration data never names a known person.
PUBLIC_FIGURES = frozenset(
    {
        ("min", "aung", "hlaing"),
        ("soe", "win"),
        ("aung", "san"),
        ("than", "shwe"),
        ("thein", "sein"),
        ("win", "myint"),
        ("htin", "kyaw"),
        ("ne", "win"),
        ("nay", "win"),
        ("khin", "nyunt"),
        ("myint", "swe"),
        ("zaw", "min", "tun"),
        ("kyaw", "moe", "tun"),
        ("min", "ko", "naing"),
        ("maung", "aye"),
        ("shwe", "mann"),
    }
)

_SYLLABLE_COUNTS = (1, 2, 3, 4)
_SYLLABLE_WEIGHTS = (3, 52, 40, 5)


@dataclass(frozen=True)
class DemoName:
    """A generated name: its syllables in both scripts, and the prefix if any."""

    syllables_my: tuple[str, ...]
    syllables_latin: tuple[str, ...]
    prefix: Honorific | None = None

    @property
    def name_my(self) -> str:
        """The name in Myanmar script, without prefix (Burmese writes no spaces)."""
        return "".join(self.syllables_my)

    @property
    def name_latin(self) -> str:
        return " ".join(self.syllables_latin)

    @property
    def full_my(self) -> str:
        return (self.prefix.my if self.prefix else "") + self.name_my

    @property
    def full_latin(self) -> str:
        return f"{self.prefix.latin} {self.name_latin}" if self.prefix else self.name_latin


class NameGenerator:
    """Draws names from `random.Random`, so that the same seed gives the same names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _spelling(self, syllable: Syllable) -> str:
        if len(syllable.latin) == 1 or self.rng.random() < 0.75:
            return syllable.latin[0]
        return self.rng.choice(syllable.latin[1:])

    def _syllables(self, sex: Sex) -> list[Syllable]:
        pool = MALE_SYLLABLES if sex == "male" else FEMALE_SYLLABLES
        count = self.rng.choices(_SYLLABLE_COUNTS, _SYLLABLE_WEIGHTS)[0]
        chosen = self.rng.sample(pool, count)
        if count >= 2 and self.rng.random() < 0.06:
            chosen[1] = chosen[0]  # doubled syllables are common: Aye Aye, Hla Hla
        return chosen

    def _prefix(self, sex: Sex, age: int | None) -> Honorific | None:
        roll = self.rng.random()
        if roll < 0.35:
            return None
        if roll < 0.5:
            return self.rng.choice(ETHNIC[sex])
        if age is not None and age < 18 and sex == "male":
            return BOY
        if age is not None and age >= 40:
            return ELDER[sex]
        return YOUNG[sex]

    def name(self, sex: Sex, *, age: int | None = None, prefix: bool = True) -> DemoName:
        """A name for a person of this sex and age (the prefix follows the age)."""
        while True:
            syllables = self._syllables(sex)
            latin = tuple(self._spelling(s) for s in syllables)
            if tuple(s.casefold() for s in latin) in PUBLIC_FIGURES:
                continue
            if tuple(s.latin[0].casefold() for s in syllables) in PUBLIC_FIGURES:
                continue
            return DemoName(
                syllables_my=tuple(s.my for s in syllables),
                syllables_latin=latin,
                prefix=self._prefix(sex, age) if prefix else None,
            )

    def parent(self, sex: Sex) -> DemoName:
        """A father's or mother's name, as records usually give it: with U or Daw."""
        name = self.name(sex, prefix=False)
        return DemoName(name.syllables_my, name.syllables_latin, ELDER[sex])
