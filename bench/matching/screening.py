"""Screening benchmark: registrants against a synthetic list of alleged perpetrators.

The list has `list_size` entries. A share of them (`registered_share`) are people who also
register (their registrations are the positives); the rest are people who never come.
List entries are written the way such lists are: mostly a Latin name with its own spelling,
a rank (often abbreviated: "Capt", "Lt", "Sgt") and unit, a birth year that is often only
approximate (off by up to four years), rarely an NRC, service number or father's name, and
some an alias (another spelling of the name, or the name written in the other script).
Registrants screened: every registration of a listed person plus a sample of the others
(`sample`), so the rate per 1,000 is measured on ordinary registrants.

Recall is reported separately for the two kinds of entry issue 23 distinguishes:
- **more than a name**: the entry carries at least one of rank, unit, father's name, NRC,
  service number or a full birth date. A birth year alone does not count: lists guess it
  (here off by up to four years), so it can neither confirm nor clear a match;
- **name only**: a name (and aliases) with at most a guessed birth year.
Beside it, the registrations of listed people that share nothing but a name with their
entry (no field present on both sides that could confirm or contradict), which bound the
recall reachable by any rule at a low alert rate.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, replace

from bench.matching.generator import Person, Rates, Registration, people, register
from haven.matching.compare import Normalised, identifier_agreement, name_similarity, normalise
from haven.matching.records import IdentityRecord
from haven.matching.screening import Watchlist

LIST_RATES = Rates(
    zawgyi=0.3,
    has_burmese=0.35,
    has_latin=0.95,
    prefix_added=0.5,
    year_only=0.9,
    no_birth=0.3,
    nrc_present=0.1,
    service_present=0.15,
    father_present=0.3,
    unit_present=0.8,
    rank_present=0.7,
)
ALIAS_SHARE = 0.2  # entries that give an alias (another spelling or the other script)
# How lists abbreviate the generator's ranks ("Warrant Officer II" is "WO2" as often).
RANK_SHORT = {
    "Private": "Pte",
    "Lance Corporal": "L/Cpl",
    "Corporal": "Cpl",
    "Sergeant": "Sgt",
    "Warrant Officer II": "WO II",
    "Lieutenant": "Lt.",
    "Captain": "Capt",
    "Major": "Maj",
}


def _entry(registration: Registration, key: uuid.UUID, aliases: tuple[str, ...]) -> IdentityRecord:
    return IdentityRecord(
        key=key,
        name_my=registration.name_my,
        name_latin=registration.name_latin,
        father_name=registration.father_name,
        birth_year=registration.birth_year,
        birth_date=registration.birth_date,
        nrc=registration.nrc,
        service_number=registration.service_number,
        unit=registration.unit,
        rank=registration.rank,
        aliases=aliases,
    )


def _identity(record: Registration) -> IdentityRecord:
    return IdentityRecord(
        key=uuid.UUID(int=record.record_id),
        name_my=record.name_my,
        name_latin=record.name_latin,
        father_name=record.father_name,
        birth_year=record.birth_year,
        birth_date=record.birth_date,
        nrc=record.nrc,
        service_number=record.service_number,
        unit=record.unit,
        rank=record.rank,
    )


def more_than_a_name(entry: Normalised) -> bool:
    """Whether a list entry carries more than a name (a guessed birth year does not count)."""
    return bool(
        entry.rank
        or entry.unit
        or entry.fathers
        or entry.nrc
        or entry.service_number
        or entry.birth_date
    )


def _shares_more(person: Normalised, entry: Normalised) -> bool:
    """Whether a field that could confirm or contradict is present on both sides."""
    return bool(
        (person.fathers and entry.fathers)
        or (person.nrc and entry.nrc)
        or (person.service_number and entry.service_number)
        or (person.unit and entry.unit)
        or (person.rank and entry.rank)
        or (person.birth_date and entry.birth_date)
    )


def corroborated(person: Normalised, entry: Normalised) -> bool:
    """Whether a field beyond the name agrees: unit, father's name, NRC or service number
    (a typo apart counts), or the full birth date. The rank does not count: one person in
    eight shares a rank by chance."""
    return bool(
        (person.unit and person.unit == entry.unit)
        or (name_similarity(person.fathers, entry.fathers) or 0.0) >= 0.85
        or (identifier_agreement(person.nrc, entry.nrc) or 0) >= 1
        or (identifier_agreement(person.service_number, entry.service_number) or 0) >= 1
        or (person.birth_date and person.birth_date == entry.birth_date)
    )


@dataclass
class _Tally:
    positives: int = 0
    found: int = 0

    def recall(self) -> str:
        return f"{self.found / self.positives:.4f}" if self.positives else "-"

    def add(self, hit: bool) -> None:
        self.positives += 1
        self.found += hit


def run(
    records: list[Registration],
    *,
    seed: int = 7,
    list_size: int = 2000,
    registered_share: float = 0.1,
    sample: int = 20_000,
) -> dict[str, float]:
    """Screen, print the figures (markdown) and return them (for a caller that tabulates)."""
    rng = random.Random(seed + 99)
    entities = sorted({record.entity for record in records})
    listed_registered = rng.sample(entities, int(list_size * registered_share))
    wanted = set(listed_registered)
    entries, entry_entity = _watchlist(rng, listed_registered, max(entities), seed, list_size)
    positives = [record for record in records if record.entity in wanted]
    others = [record for record in records if record.entity not in wanted]
    screened = positives + rng.sample(others, min(sample, len(others)))

    started = time.perf_counter()
    # How common each name is among registrants: what the database's match keys would say.
    counts = _name_counts(records)
    total = len(records)
    watchlist = Watchlist(entries, name_share=lambda key: counts.get(key, 1) / total)
    entry_of = {entity: key for key, entity in entry_entity.items()}
    by_key = {entry.key: normalise(entry) for entry in entries}
    tallies = {kind: _Tally() for kind in ("all", "more", "name", "shares", "thin", "corroborated")}
    false_alerts = 0
    alerted_registrants = 0
    latencies: list[float] = []
    for record in screened:
        identity = _identity(record)
        began = time.perf_counter()
        matches = watchlist.screen(identity)
        latencies.append(time.perf_counter() - began)
        if matches:
            alerted_registrants += 1
        hit = False
        for match in matches:
            if entry_entity.get(match.entry_key) == record.entity:
                hit = True
            else:
                false_alerts += 1
        if record.entity in wanted:
            entry = by_key[entry_of[record.entity]]
            tallies["all"].add(hit)
            tallies["more" if more_than_a_name(entry) else "name"].add(hit)
            person = normalise(identity)
            tallies["shares" if _shares_more(person, entry) else "thin"].add(hit)
            if corroborated(person, entry):
                tallies["corroborated"].add(hit)
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    figures = {
        "recall": tallies["all"].found / len(positives),
        "recall_more": tallies["more"].found / max(tallies["more"].positives, 1),
        "recall_name_only": tallies["name"].found / max(tallies["name"].positives, 1),
        "recall_corroborated": tallies["corroborated"].found
        / max(tallies["corroborated"].positives, 1),
        "false_alerts_per_1000": 1000 * false_alerts / len(screened),
        "alerted_per_1000": 1000 * alerted_registrants / len(screened),
        "p95_ms": p95,
    }
    _print(
        figures,
        tallies,
        entries=len(entries),
        more_entries=sum(more_than_a_name(entry) for entry in by_key.values()),
        screened=len(screened),
        positives=len(positives),
        thin_common=_thin_common(positives, by_key, entry_of, counts, total),
        elapsed=elapsed,
    )
    return figures


def _print(
    figures: dict[str, float],
    tallies: dict[str, _Tally],
    *,
    entries: int,
    more_entries: int,
    screened: int,
    positives: int,
    thin_common: int,
    elapsed: float,
) -> None:
    print(
        f"## Screening: {screened:,} registrations against {entries:,} list entries "
        f"({more_entries:,} with more than a name; {positives:,} registrations of listed "
        f"people)\n"
    )
    print(
        "| recall, entries with more than a name | recall, name-only entries | recall, all | "
        "false alerts per 1,000 registrants | registrants with any alert per 1,000 | "
        "p95 per registrant (ms) | total (s) |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {tallies['more'].recall()} ({tallies['more'].positives:,}) | "
        f"{tallies['name'].recall()} ({tallies['name'].positives:,}) | "
        f"{tallies['all'].recall()} | {figures['false_alerts_per_1000']:.2f} | "
        f"{figures['alerted_per_1000']:.2f} | {figures['p95_ms']:.1f} | {elapsed:.1f} |"
    )
    print(
        f"\n(ordinary registrants in the sample: {screened - positives:,}; positives in brackets)\n"
    )
    print(
        f"Registrations of listed people that share a field beyond the name with their entry: "
        f"recall {tallies['shares'].recall()} ({tallies['shares'].positives:,}); that share only "
        f"a name (and at most a birth year, which cannot clear): recall "
        f"{tallies['thin'].recall()} ({tallies['thin'].positives:,}, {thin_common:,} of them "
        f"with a name carried by more than 1 registrant in 1,000).\n"
    )
    print(
        f"Registrations of listed people whose entry agrees on a unit, father's name, NRC, "
        f"service number or full birth date (the evidence a rule can put before the name): "
        f"recall {tallies['corroborated'].recall()} ({tallies['corroborated'].positives:,}); "
        f"the other {positives - tallies['corroborated'].positives:,} have only the name "
        f"(with at most a rank or birth year) to tell them from their namesakes.\n"
    )


def _watchlist(
    rng: random.Random, listed: list[int], last_entity: int, seed: int, list_size: int
) -> tuple[list[IdentityRecord], dict[uuid.UUID, int]]:
    """List entries: the listed registrants first, then people who never come."""
    wanted = set(listed)
    truth_people: dict[int, Person] = {}
    for person in people(last_entity + 1, seed):
        if person.entity in wanted:
            truth_people[person.entity] = person
    outsiders = list(people(list_size, seed + 1000))  # never register: other entity space
    entries: list[IdentityRecord] = []
    entry_entity: dict[uuid.UUID, int] = {}
    for index, person in enumerate([truth_people[e] for e in listed] + outsiders):
        birth_shift = rng.choice((0, 0, -1, 1, -2, 2, -3, 4))  # lists guess ages
        shifted = replace(person, birth=(person.birth[0] + birth_shift, *person.birth[1:]))
        registration = register(shifted, index, rng, LIST_RATES)
        if registration.rank and rng.random() < 0.5:
            registration = replace(registration, rank=RANK_SHORT[registration.rank])
        aliases: tuple[str, ...] = ()
        if rng.random() < ALIAS_SHARE:
            # Another writing of the same name, as a second source would give it.
            other = register(person, index, rng, replace(LIST_RATES, has_burmese=0.5))
            aliases = tuple(name for name in (other.name_latin, other.name_my) if name)
        key = uuid.UUID(int=(1 << 100) + index)
        entries.append(_entry(registration, key, aliases))
        if index < len(listed):
            entry_entity[key] = person.entity
    return entries, entry_entity


def _name_counts(records: list[Registration]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        for key in normalise(_identity(record)).names:
            counts[key] += 1
    return counts


def _thin_common(
    positives: list[Registration],
    by_key: dict[uuid.UUID, Normalised],
    entry_of: dict[int, uuid.UUID],
    counts: Counter[str],
    total: int,
) -> int:
    """Positives sharing only a name with their entry whose name is common (> 1 in 1,000).

    Such a registration can be alerted only on its name; for a common name that alerts every
    registrant who carries it, so these bound the recall reachable at a low alert rate.
    """
    common = 0
    for record in positives:
        person = normalise(_identity(record))
        if _shares_more(person, by_key[entry_of[record.entity]]):
            continue
        if any(counts.get(key, 0) / total > 1 / 1000 for key in person.names):
            common += 1
    return common
