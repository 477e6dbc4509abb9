"""Interactive lookup benchmark: `python -m bench.matching.interactive --people 1000000`.

Fills an SQLCipher file, Haven's embedded database, opened as the app opens it
(`haven.db.engine.make_engine`: raw 32-byte page key from a keyring as the first statement,
`cipher_memory_security = OFF`, WAL, 16 MB page cache; schema by the Alembic migrations;
planner statistics refreshed as at the app's start)
with persons, match profiles and match keys for the generated people by bulk insert, then
times `haven.matching.service.candidates` (the lookup behind the reception form's
possible-duplicates panel) for `--lookups` new registrations of people already in the
database, and reports p50/p95/p99 and how often the right person is among the candidates
shown. The key is a key file beside the database (`FILE.key`, as `HAVEN_KEY_FILE`), so a
kept file (`--path`) is opened again with its own key.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from bench.matching.generator import Rates, people, register
from haven.accounts.models import Organisation, Site
from haven.db.engine import make_engine, refresh_statistics
from haven.db.keyring import new_key_file, read_key_file
from haven.db.migrate import upgrade
from haven.db.registry import load_models
from haven.db.session import make_session_factory
from haven.kernel.sensitivity import bind_actor
from haven.matching import service
from haven.matching.models import MatchKey, MatchProfile
from haven.people.models import Person
from haven.security.permissions import Actor

BATCH = 20_000
SYSTEM = Actor.system("bench")


def _row(record: Any) -> dict[str, Any]:
    return service.comparable(
        name_my=record.name_my,
        name_latin=record.name_latin,
        father_name=record.father_name,
        birth_year=record.birth_year,
        birth_date=record.birth_date,
        # Blind indexes stand in as the canonical values: equality is all that is compared.
        nrc_index=record.nrc,
        service_number_index=record.service_number,
        unit=record.unit,
    )


ORGANISATION_ID = uuid.UUID(int=1)
SITE_ID = uuid.UUID(int=2)


def person_id_of(entity: int) -> uuid.UUID:
    """Deterministic ids, so a kept database file (`--path`) can be timed again."""
    return uuid.UUID(int=(1 << 64) + entity)


def fill(session: Session, count: int, seed: int) -> None:
    org_id, site_id = ORGANISATION_ID, SITE_ID
    session.execute(insert(Organisation).values(id=org_id, name="Bench", kind="interim_council"))
    session.execute(
        insert(Site).values(id=site_id, organisation_id=org_id, name="Bench", township="Demoso")
    )
    rng = random.Random(seed + 5)
    rates = Rates()
    persons: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []

    def flush() -> None:
        if not persons:
            return
        session.execute(insert(Person), persons)
        session.execute(insert(MatchProfile), profiles)
        session.execute(insert(MatchKey), keys)
        persons.clear()
        profiles.clear()
        keys.clear()

    for person in people(count, seed):
        record = register(person, person.entity, rng, rates)
        person_id = person_id_of(person.entity)
        row = _row(record)
        persons.append(
            {
                "id": person_id,
                "organisation_id": org_id,
                "site_id": site_id,
                "name_my": record.name_my,
                "name_latin": record.name_latin,
                "name_key": "",
                "father_name": record.father_name,
                "birth_year": record.birth_year,
            }
        )
        profiles.append(
            {
                "person_id": person_id,
                "organisation_id": org_id,
                "name1": row["name1"],
                "name2": row["name2"],
                "father": row["father"],
                "birth_year": row["birth_year"],
                "birth_date": row["birth_date"],
                "nrc_index": row["nrc"],
                "service_number_index": row["service_number"],
                "unit": row["unit"],
            }
        )
        keys.extend(
            {"person_id": person_id, "kind": kind, "value": value, "organisation_id": org_id}
            for kind, value in service.keys_of(row)
        )
        if len(persons) >= BATCH:
            flush()
    flush()
    session.commit()


def _filled(engine: Any) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(MatchProfile)) or 0


def open_database(database: Path) -> tuple[Engine, Any]:
    """The SQLCipher engine and session factory, keyed and migrated as the app does it."""
    key_file = Path(f"{database}.key")
    if not key_file.exists():
        if database.exists():
            raise SystemExit(f"{database} exists without its key file {key_file}")
        new_key_file(key_file)
    keyring = read_key_file(key_file)
    url = f"sqlite+pysqlcipher:///{database}"
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    return engine, make_session_factory(engine, keyring)


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _fill_once(engine: Engine, factory: Any, database: Path, count: int, seed: int) -> float | None:
    """Fill an empty file (seconds taken); a kept file of the right size is timed as it is."""
    started = time.perf_counter()
    load_before = _load()
    present = _filled(engine)
    if present not in (0, count):
        raise SystemExit(f"{database} holds {present:,} people, not {count:,}: use another path")
    if present == count:
        return None
    with factory() as session:
        bind_actor(session, SYSTEM)  # the bench acts as the operator
        fill(session, count, seed)
    fill_seconds = time.perf_counter() - started
    print(
        f"  filled {count:,} people in {fill_seconds:.0f} s "
        f"({count / fill_seconds:,.0f} people/s), load {load_before} -> {_load()}",
        file=sys.stderr,
        flush=True,
    )
    return fill_seconds


def run(count: int, *, lookups: int = 1000, seed: int = 7, path: str | None = None) -> None:
    load_models()
    folder = tempfile.mkdtemp(prefix="haven-bench-")
    database = Path(path) if path else Path(folder) / "matching.db"
    engine, factory = open_database(database)
    fill_seconds = _fill_once(engine, factory, database, count, seed)
    refresh_statistics(engine)  # as the app does at start: the planner's statistics
    org_id = ORGANISATION_ID

    rng = random.Random(seed + 11)
    chosen = rng.sample(range(count), lookups)
    wanted = set(chosen)
    again = {p.entity: p for p in people(count, seed) if p.entity in wanted}
    latencies: list[float] = []
    cpu: list[float] = []
    found = 0
    shown = 0
    load_before = _load()
    with factory() as session:
        bind_actor(session, SYSTEM)  # the bench acts as the operator
        # Warm-up: the first queries load SQLite pages and the model.
        for entity in chosen[:20]:
            warm = _row(register(again[entity], 0, rng, Rates()))
            service.candidates(session, warm, organisation_id=org_id)
        for entity in chosen:
            row = _row(register(again[entity], 0, rng, Rates()))
            began, began_cpu = time.perf_counter(), time.process_time()
            result = service.candidates(session, row, organisation_id=org_id, limit=10)
            latencies.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
            shown += len(result)
            if any(candidate.person_id == person_id_of(entity) for candidate in result):
                found += 1
    latencies.sort()
    cpu.sort()

    def pct(share: float, values: list[float] = latencies) -> float:
        return values[min(len(values) - 1, int(len(values) * share))] * 1000

    engine.dispose()  # checkpoints the WAL into the file
    size_mb = database.stat().st_size / 1e6
    fill_text = f"filled in {fill_seconds:.0f} s" if fill_seconds is not None else "kept file"
    print(
        f"## Interactive lookup: {count:,} people in SQLCipher ({size_mb:,.0f} MB file, "
        f"{fill_text}), {lookups:,} lookups, load average {load_before} -> {_load()}\n"
    )
    print(
        "| p50 (ms) | p95 (ms) | p99 (ms) | CPU p50 / p95 / p99 (ms) | right person shown | "
        "candidates shown (mean) |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {pct(0.5):.1f} | {pct(0.95):.1f} | {pct(0.99):.1f} | "
        f"{pct(0.5, cpu):.1f} / {pct(0.95, cpu):.1f} / {pct(0.99, cpu):.1f} | "
        f"{found / lookups:.4f} | {shown / lookups:.1f} |\n"
    )
    if not path:
        for suffix in ("", "-wal", "-shm", ".key"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--path", help="keep the database file here (a kept file is reused: no second fill)"
    )
    args = parser.parse_args(argv)
    run(args.people, lookups=args.lookups, seed=args.seed, path=args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
