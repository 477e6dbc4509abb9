"""Synthetic Myanmar identities with realistic corruptions, and the truth to score against.

Every record is a registration: one person may register several times (a cluster). The
corruptions a registration may carry, each with its own rate (`Rates`):

- Burmese-script fields typed in Zawgyi;
- Latin spelling variants per syllable (Htun/Tun, Oo/U, Thein/Thane, Myint/Myin, Win/Winn);
- honorifics and ethnic prefixes added or dropped (U, Ko, Maung, Mg, Saw, Sai, Khun);
- joined Latin syllables (Tay Za / Tayza) and Latin typos;
- year-only birth dates, birth years one off, day and month swapped, no birth date;
- NRC typos (one digit) and NRCs written in Burmese digits, or missing;
- units written differently (LIB 531, Kha Ma Ya 531, ခမရ ၅၃၁, 531 LIB, ...);
- service numbers with spaces or lower case, or missing.

Hard negatives are part of the population: syllables follow a Zipf law, so common names
(Aung Aung, Kyaw Kyaw) belong to many different people; brothers share a father, a unit,
often the first syllable, and birth years a few apart.

Deterministic for a seed: the same `generate(n, seed)` gives the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

import icu  # type: ignore[import-untyped]

# Syllables: Burmese script and the Latin spellings seen for it (first is the most common).
SYLLABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("အောင်", ("Aung",)),
    ("ကျော်", ("Kyaw", "Kyaww")),
    ("မင်း", ("Min", "Minn")),
    ("ဇော်", ("Zaw",)),
    ("ထွန်း", ("Htun", "Tun", "Htoon")),
    ("ဝင်း", ("Win", "Winn")),
    ("မြင့်", ("Myint", "Myin")),
    ("သိန်း", ("Thein", "Thane")),
    ("ဦး", ("Oo", "U")),
    ("နိုင်", ("Naing",)),
    ("မိုး", ("Moe", "Mo")),
    ("စိုး", ("Soe",)),
    ("ထက်", ("Htet", "Thet")),
    ("ဖြိုး", ("Phyo", "Pyo")),
    ("မြတ်", ("Myat",)),
    ("သူ", ("Thu", "Thuu")),
    ("လှ", ("Hla",)),
    ("ခင်", ("Khin",)),
    ("ညီ", ("Nyi", "Nyee")),
    ("ရဲ", ("Ye", "Yae")),
    ("ဟိန်း", ("Hein",)),
    ("ကောင်း", ("Kaung",)),
    ("ခန့်", ("Khant", "Khan")),
    ("ရန်", ("Yan",)),
    ("ဝေ", ("Wai", "Way", "We")),
    ("ပြည့်", ("Pyae", "Pyay")),
    ("သန်း", ("Than",)),
    ("ထိုက်", ("Htike", "Htaik")),
    ("တင်", ("Tin", "Tinn")),
    ("ဆွေ", ("Swe", "Hswe")),
    ("ရွှေ", ("Shwe",)),
    ("ချစ်", ("Chit",)),
    ("သက်", ("Thet",)),
    ("ဘုန်း", ("Phone", "Bone")),
    ("ပိုင်", ("Paing",)),
    ("လင်း", ("Lin", "Linn")),
    ("နေ", ("Nay", "Ne")),
    ("အေး", ("Aye",)),
    ("ကို", ("Ko",)),
    ("ကြီး", ("Gyi", "Kyi")),
    ("ဇင်", ("Zin",)),
    ("တေ", ("Tay", "Te")),
    ("ဇ", ("Za",)),
    ("လွင်", ("Lwin",)),
    ("ညွန့်", ("Nyunt",)),
    ("ဘို", ("Bo", "Pho")),
    ("ဝဏ္ဏ", ("Wunna",)),
    ("ထူး", ("Htoo", "Htu")),
    ("ခိုင်", ("Khaing",)),
    ("ဆန်း", ("San", "Hsan")),
    ("သော်", ("Thaw",)),
    ("ဒေါင်း", ("Daung",)),
    ("ပေါ်", ("Paw",)),
    ("လတ်", ("Lat",)),
    ("ရာ", ("Yar", "Ya")),
    ("သွင်", ("Thwin",)),
    ("ကြည်", ("Kyi", "Kyee")),
    ("ညို", ("Nyo",)),
    ("မောင်", ("Maung",)),
    ("ဇေ", ("Zay", "Ze")),
)
# Prefixes that registrations add or drop: Burmese and Latin forms.
PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ဦး", ("U",)),
    ("ကို", ("Ko",)),
    ("မောင်", ("Maung", "Mg", "Mg.")),
    ("စော", ("Saw",)),
    ("စိုင်း", ("Sai",)),
    ("ခွန်", ("Khun",)),
)
UNIT_FORMS = {
    "LIB": (
        "LIB {n}",
        "LIB-{n}",
        "Kha Ma Ya {n}",
        "ခမရ {my}",
        "{n} LIB",
        "Light Infantry Battalion {n}",
    ),
    "IB": ("IB {n}", "IB-{n}", "Kha La Ya {n}", "ခလရ {my}", "Infantry Battalion {n}"),
    "BGF": ("BGF {n}", "BGF-{n}", "Border Guard Force {n}", "နယ်ခြားစောင့်တပ် {my}"),
}
TOWNSHIPS = ("OUKAMA", "LAKANA", "DAMASA", "PHARUSA", "SHATASA", "BALAKHA", "PHASANA", "MASANA")
RANKS = (
    "Private",
    "Lance Corporal",
    "Corporal",
    "Sergeant",
    "Warrant Officer II",
    "Lieutenant",
    "Captain",
    "Major",
)
_BURMESE_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


@dataclass(frozen=True)
class Rates:
    """How often each corruption appears (per registration)."""

    zawgyi: float = 0.2
    latin_variant: float = 0.5  # per syllable, a non-default spelling
    prefix_added: float = 0.35
    joined: float = 0.12
    latin_typo: float = 0.04
    has_burmese: float = 0.75
    has_latin: float = 0.8
    year_only: float = 0.3
    no_birth: float = 0.08
    year_off: float = 0.08
    day_month_swap: float = 0.04
    nrc_present: float = 0.55
    nrc_typo: float = 0.04
    nrc_burmese: float = 0.3
    service_present: float = 0.65
    father_present: float = 0.8
    unit_present: float = 0.85
    rank_present: float = 0.6
    rank_changed: float = 0.05  # promoted or demoted between registrations
    unit_changed: float = 0.03  # transferred: the previous unit given


@dataclass(frozen=True)
class Person:
    """The truth about one person."""

    entity: int
    name: tuple[int, ...]  # syllable indexes
    father: tuple[int, ...]
    birth: tuple[int, int, int]
    nrc: str | None
    service_number: str | None
    unit: tuple[str, int]
    rank: str
    brother_of: int | None = None


@dataclass(frozen=True)
class Registration:
    """One generated record, as a reception clerk might have typed it."""

    record_id: int
    entity: int
    name_my: str | None
    name_latin: str | None
    father_name: str | None
    birth_year: int | None
    birth_date: str | None
    nrc: str | None
    service_number: str | None
    unit: str | None
    rank: str | None
    corruptions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _to_zawgyi() -> icu.Transliterator:
    return icu.Transliterator.createInstance("my-Zawgyi")


def _zipf_weights(count: int, exponent: float = 1.1) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


class _Population:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = _zipf_weights(len(SYLLABLES))
        self.indexes = list(range(len(SYLLABLES)))

    def name(self) -> tuple[int, ...]:
        length = self.rng.choices((1, 2, 3, 4), weights=(0.04, 0.5, 0.4, 0.06))[0]
        return tuple(self.rng.choices(self.indexes, weights=self.weights, k=length))

    def person(self, entity: int) -> Person:
        rng = self.rng
        year = rng.randint(1960, 2006)
        kind = rng.choices(("LIB", "IB", "BGF"), weights=(0.55, 0.35, 0.1))[0]
        number = rng.randint(1001, 1025) if kind == "BGF" else rng.randint(1, 600)
        nrc = (
            f"{rng.randint(1, 14)}/{rng.choice(TOWNSHIPS)}(N){rng.randint(0, 999999):06d}"
            if rng.random() < 0.8
            else None
        )
        return Person(
            entity=entity,
            name=self.name(),
            father=self.name(),
            birth=(year, rng.randint(1, 12), rng.randint(1, 28)),
            nrc=nrc,
            service_number=f"BA-{rng.randint(100000, 999999)}",
            unit=(kind, number),
            rank=rng.choice(RANKS),
        )

    def brother(self, of: Person, entity: int) -> Person:
        rng = self.rng
        name = self.name()
        if rng.random() < 0.5:  # brothers often share a first syllable
            name = (of.name[0], *name[1:]) if len(name) > 1 else (of.name[0], name[0])
        if name == of.name:
            name = (*name, rng.randrange(len(SYLLABLES)))
        year = of.birth[0] + rng.choice((-4, -3, -2, -1, 1, 2, 3, 4))
        base = self.person(entity)
        return replace(
            base,
            name=name,
            father=of.father,
            birth=(year, rng.randint(1, 12), rng.randint(1, 28)),
            unit=of.unit,
            nrc=(of.nrc[:-6] + f"{rng.randint(0, 999999):06d}") if of.nrc and base.nrc else None,
            brother_of=of.entity,
        )


def _latin(syllables: tuple[int, ...], rng: random.Random, rates: Rates, notes: list[str]) -> str:
    words: list[str] = []
    for index in syllables:
        forms = SYLLABLES[index][1]
        if len(forms) > 1 and rng.random() < rates.latin_variant:
            words.append(rng.choice(forms[1:]))
            if "latin_variant" not in notes:
                notes.append("latin_variant")
        else:
            words.append(forms[0])
    if len(words) > 1 and rng.random() < rates.joined:
        at = rng.randrange(len(words) - 1)
        words[at : at + 2] = [words[at] + words[at + 1].lower()]
        notes.append("joined")
    if rng.random() < rates.latin_typo:
        at = rng.randrange(len(words))
        word = words[at]
        if len(word) > 3:
            cut = rng.randrange(1, len(word))
            words[at] = word[:cut] + word[cut + 1 :]  # a dropped letter
            notes.append("latin_typo")
    return " ".join(words)


def _burmese(syllables: tuple[int, ...]) -> str:
    return "".join(SYLLABLES[index][0] for index in syllables)


def _with_prefix(name: str, script: str, rng: random.Random) -> str:
    burmese, latin = rng.choice(PREFIXES)
    if script == "my":
        return burmese + name
    return f"{rng.choice(latin)} {name}"


def _nrc(value: str, rng: random.Random, rates: Rates, notes: list[str]) -> str:
    if rng.random() < rates.nrc_typo:
        digits = list(value[-6:])
        at = rng.randrange(6)
        digits[at] = str((int(digits[at]) + rng.randint(1, 9)) % 10)
        value = value[:-6] + "".join(digits)
        notes.append("nrc_typo")
    if rng.random() < rates.nrc_burmese:
        value = value.translate(_BURMESE_DIGITS)
        notes.append("nrc_burmese_digits")
    elif rng.random() < 0.3:
        value = value.replace("/", " / ").title()
    return value


def _unit(kind: str, number: int, rng: random.Random, notes: list[str]) -> str:
    form = rng.choice(UNIT_FORMS[kind])
    if form != UNIT_FORMS[kind][0]:
        notes.append("unit_written_differently")
    return form.format(n=number, my=str(number).translate(_BURMESE_DIGITS))


def _birth(
    person: Person, rng: random.Random, rates: Rates, notes: list[str]
) -> tuple[int | None, str | None]:
    """Birth year and date as registered: missing, year only, a year off, day and month swapped."""
    year, month, day = person.birth
    draw = rng.random()
    if draw < rates.no_birth:
        notes.append("no_birth")
        return None, None
    if rng.random() < rates.year_off:
        year += rng.choice((-1, 1))
        notes.append("year_off")
    if draw < rates.no_birth + rates.year_only:
        notes.append("year_only")
        return year, None
    if rng.random() < rates.day_month_swap and day <= 12:
        month, day = day, month
        notes.append("day_month_swap")
    return year, f"{year:04d}-{month:02d}-{day:02d}"


def _father(person: Person, rng: random.Random, rates: Rates, notes: list[str]) -> str | None:
    if rng.random() >= rates.father_present:
        return None
    if rng.random() < 0.5:
        father = "ဦး" + _burmese(person.father)
        if rng.random() < rates.zawgyi:
            father = _to_zawgyi().transliterate(father)
        return father
    return "U " + _latin(person.father, rng, rates, notes)


def register(person: Person, record_id: int, rng: random.Random, rates: Rates) -> Registration:
    """One registration of `person` with random corruptions."""
    notes: list[str] = []
    has_my = rng.random() < rates.has_burmese
    has_latin = rng.random() < rates.has_latin or not has_my
    name_my = _burmese(person.name) if has_my else None
    name_latin = _latin(person.name, rng, rates, notes) if has_latin else None
    if rng.random() < rates.prefix_added:
        notes.append("prefix")
        if name_my:
            name_my = _with_prefix(name_my, "my", rng)
        if name_latin:
            name_latin = _with_prefix(name_latin, "latin", rng)
    if name_my and rng.random() < rates.zawgyi:
        name_my = _to_zawgyi().transliterate(name_my)
        notes.append("zawgyi")
    father = _father(person, rng, rates, notes)
    birth_year, birth_date = _birth(person, rng, rates, notes)
    nrc = None
    if person.nrc and rng.random() < rates.nrc_present:
        nrc = _nrc(person.nrc, rng, rates, notes)
    service = None
    if person.service_number and rng.random() < rates.service_present:
        service = person.service_number
        if rng.random() < 0.3:
            service = service.replace("-", " ").lower()
    kind, number = person.unit
    if rng.random() < rates.unit_changed:
        number = number + rng.randint(1, 40)
        notes.append("unit_changed")
    unit = _unit(kind, number, rng, notes) if rng.random() < rates.unit_present else None
    rank = person.rank if rng.random() < rates.rank_present else None
    if rank and rng.random() < rates.rank_changed:
        rank = rng.choice(RANKS)
        notes.append("rank_changed")
    return Registration(
        record_id=record_id,
        entity=person.entity,
        name_my=name_my,
        name_latin=name_latin,
        father_name=father,
        birth_year=birth_year,
        birth_date=birth_date,
        nrc=nrc,
        service_number=service,
        unit=unit,
        rank=rank,
        corruptions=tuple(notes),
    )


def people(count: int, seed: int = 7) -> Iterator[Person]:
    """`count` distinct people; about one in eight is a brother of an earlier one."""
    rng = random.Random(seed)
    population = _Population(rng)
    recent: list[Person] = []
    for entity in range(count):
        if recent and rng.random() < 0.12:
            person = population.brother(rng.choice(recent), entity)
        else:
            person = population.person(entity)
        recent.append(person)
        if len(recent) > 1000:
            recent.pop(0)
        yield person


def generate(records: int, seed: int = 7, rates: Rates | None = None) -> list[Registration]:
    """About `records` registrations: most people once, some two to four times."""
    rates = rates or Rates()
    rng = random.Random(seed + 1)
    out: list[Registration] = []
    for person in people(records, seed):
        copies = rng.choices((1, 2, 3, 4), weights=(0.65, 0.25, 0.07, 0.03))[0]
        for _ in range(copies):
            out.append(register(person, len(out), rng, rates))
            if len(out) >= records:
                return out
    return out
