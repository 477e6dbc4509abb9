"""Screening benchmark: registrants against a synthetic list of alleged perpetrators.

The list has `list_size` entries. A share of them (`registered_share`) are people who also
register (their registrations are the positives); the rest are people who never come.
List entries are written the way such lists are: mostly a Latin name with its own spelling,
a rank and unit, a birth year that is often only approximate (off by up to four years),
rarely an NRC or father's name. Registrants screened: every registration of a listed
person plus a sample of the others (`sample`), so the rate per 1,000 is measured on
ordinary registrants.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from dataclasses import replace

from bench.matching.generator import Person, Rates, Registration, people, register
from haven.matching.compare import normalise
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


def _entry(registration: Registration, key: uuid.UUID) -> IdentityRecord:
    return IdentityRecord(
        key=key,
        name_my=registration.name_my,
        name_latin=registration.name_latin,
        father_name=registration.father_name,
        birth_year=registration.birth_year,
        nrc=registration.nrc,
        service_number=registration.service_number,
        unit=registration.unit,
        rank=registration.rank,
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


def run(
    records: list[Registration],
    *,
    seed: int = 7,
    list_size: int = 2000,
    registered_share: float = 0.1,
    sample: int = 20_000,
) -> None:
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
    found = 0
    false_alerts = 0
    alerted_registrants = 0
    latencies: list[float] = []
    for record in screened:
        began = time.perf_counter()
        matches = watchlist.screen(_identity(record))
        latencies.append(time.perf_counter() - began)
        if matches:
            alerted_registrants += 1
        hit = False
        for match in matches:
            if entry_entity.get(match.entry_key) == record.entity:
                hit = True
            else:
                false_alerts += 1
        if record.entity in wanted and hit:
            found += 1
    elapsed = time.perf_counter() - started
    thin, thin_common = _thin_positives(positives, entries, entry_entity, counts, total)
    ordinary = len(screened) - len(positives)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(
        f"## Screening: {len(screened):,} registrations against {len(entries):,} list entries "
        f"({len(positives):,} registrations of listed people)\n"
    )
    print(
        "| recall | false alerts per 1,000 registrants | registrants with any alert per 1,000 | "
        "p95 per registrant (ms) | total (s) |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {found / len(positives):.4f} | {1000 * false_alerts / len(screened):.2f} | "
        f"{1000 * alerted_registrants / len(screened):.2f} | {p95:.1f} | {elapsed:.1f} |"
    )
    print(f"\n(ordinary registrants in the sample: {ordinary:,})\n")
    print(
        f"Registrations of listed people that share only a name (and at most a birth year, "
        f"which cannot clear) with their list entry: {thin:,} of {len(positives):,}; "
        f"{thin_common:,} of these names are carried by more than 1 registrant in 1,000.\n"
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
        key = uuid.UUID(int=(1 << 100) + index)
        entries.append(_entry(registration, key))
        if index < len(listed):
            entry_entity[key] = person.entity
    return entries, entry_entity


def _name_counts(records: list[Registration]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in records:
        for key in normalise(_identity(record)).names:
            counts[key] += 1
    return counts


def _thin_positives(
    positives: list[Registration],
    entries: list[IdentityRecord],
    entry_entity: dict[uuid.UUID, int],
    counts: Counter[str],
    total: int,
) -> tuple[int, int]:
    """Positives with nothing but a name to compare with their entry, and how many are common.

    Such a registration can be alerted only on its name; for a common name that alerts every
    registrant who carries it, so these bound the recall reachable at a low alert rate.
    """
    entry_of = {entity: key for key, entity in entry_entity.items()}
    by_key = {entry.key: normalise(entry) for entry in entries}
    thin = common = 0
    for record in positives:
        person = normalise(_identity(record))
        entry = by_key[entry_of[record.entity]]
        shared = (
            (person.fathers and entry.fathers)
            or (person.nrc and entry.nrc)
            or (person.service_number and entry.service_number)
            or (person.unit and entry.unit)
            or (person.rank and entry.rank)
        )
        if shared:
            continue
        thin += 1
        if any(counts.get(key, 0) / total > 1 / 1000 for key in person.names):
            common += 1
    return thin, common
