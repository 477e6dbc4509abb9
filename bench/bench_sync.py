"""Synchronisation benchmark (issue 21): bytes on the wire per person record, and the time
for headquarters to apply 10,000 registrations made at a field node.

    python -m bench.bench_sync [--persons 10000] [--chunk 500] [--postgres [ADMIN_URL]]
                                                                          (make bench-sync)

Headquarters is a temporary SQLCipher database (`--postgres`: a database on a throw-away
PostgreSQL 15 cluster on loopback, or on the server of ADMIN_URL); the field node is a
temporary SQLCipher database, as a laptop is. Both are migrated and given the reference data
as `haven db upgrade` does (tests/databases.py), each with a random key. Headquarters makes an
organisation, a reception point and its registrar, and enrols the node with a one-time code
(`haven.sync.nodes`, the functions behind `haven node enrol-code` / `enrol`).

At the node the registrar receives `--persons` synthetic people (`bench.importing.realistic`:
Burmese and Latin names, fathers' names, NRC and service numbers, units, ranks; about one in
three hands over a weapon) through the import's bulk path (`import_rows`, chunks of
`--chunk` rows, each committed): every registration is logged and sealed to headquarters at
commit. That registration time is the baseline.

Then the node's backlog goes up in bundles (`up.make_up`, at most 20,000 changes each) and
headquarters applies each (`receive.receive`, one transaction per bundle, its deriving
handlers included: duplicate keys, screening, entitlements); the node takes each receipt's
acknowledgement as the down bundle would. Measured: the bytes of the up bundles per person
(a person's registration: the person, the reception event, a weapon if any), the sealed
size of one person change and one reception change alone, the time to apply at headquarters,
its ratio to the registration time at the node; and, once, the down bundle that follows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.importing import make_registrar, realistic
from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.db.session import make_session_factory, transaction
from haven.forces.public import resolve_units
from haven.forces.service import ensure_reference_data
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.reception.public import ImportRow, import_rows
from haven.security.permissions import Actor
from haven.sync import bundles, crypto, down, nodes, receive, up
from haven.sync.models import Change, Identity
from haven.sync.models import Role as NodeRole
from haven.wiring import wire
from tests.postgres import create_database, throwaway_cluster

SYSTEM = Actor.system("bench")
T = TypeVar("T")


@dataclass
class Place:
    engine: Engine
    factory: sessionmaker[Session]

    def run(self, work: Callable[[Session], T], actor: Actor = SYSTEM) -> T:
        with transaction(self.factory) as session:
            bind_actor(session, actor)
            return work(session)


def _place(url: str, keyring: Keyring) -> Place:
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    place = Place(engine, make_session_factory(engine, keyring))
    place.run(ensure_reference_data)
    return place


def _headquarters(hq: Place, units: list[str]) -> tuple[str, Actor]:
    """Headquarters, its organisation, reception point and registrar; a code for the node.

    The units the rows name are known at headquarters first, as in a programme under way
    (units are reference data: the node receives them at enrolment). A unit first named at a
    node would travel up with its reception (`haven.sync.tables`), and its bytes would count
    in the registrations'."""

    def make(session: Session) -> tuple[str, Actor]:
        nodes.init_node(session, role=NodeRole.HEADQUARTERS, name="Headquarters")
        resolve_units(session, SYSTEM, ensure_reference_data(session).id, units)
        user = make_registrar(session)
        assert user.site_id is not None
        _, code = nodes.issue_code(
            session,
            SYSTEM,
            site_id=user.site_id,
            organisation_id=user.organisation_id,
            name="Bench laptop",
        )
        return code, actor_for(user)

    return hq.run(make)


def _enrol(hq: Place, node: Place, code: str) -> None:
    def start(session: Session) -> dict[str, object]:
        nodes.init_node(session, role=NodeRole.FIELD, name="Bench laptop")
        return nodes.enrolment_request(session)

    request = node.run(start)
    answer = hq.run(lambda s: nodes.enrol(s, code=code, request=request))
    node.run(lambda s: nodes.complete_enrolment(s, code=code, answer=answer))


def _register(node: Place, registrar: Actor, rows: list[ImportRow], chunk: int) -> float:
    began = time.perf_counter()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]

        def write(session: Session, part: list[ImportRow] = part) -> None:
            actor = actor_for(session.get_one(User, registrar.user_id))
            bind_actor(session, actor)
            report = import_rows(session, actor, part)
            if report.errors:
                raise SystemExit(f"{len(report.errors)} row errors, first: {report.errors[0]}")

        node.run(write, registrar)
    return time.perf_counter() - began


@dataclass
class Figures:
    persons: int
    register_s: float
    changes: dict[str, int]
    bundles: int
    up_bytes: int
    person_sealed: list[int]
    reception_sealed: list[int]
    apply_s: float
    applied: int
    down_bytes: int
    down_make_s: float
    down_apply_s: float
    hq_persons: int
    wire_by_table: dict[str, float]


def _sealed_sizes(node: Place, table: str) -> list[int]:
    def sizes(session: Session) -> list[int]:
        rows = session.scalars(
            select(func.length(Change.payload)).where(Change.table_name == table)
        ).all()
        return [int(r) for r in rows]

    return node.run(sizes)


def _wire_by_table(node: Place) -> dict[str, float]:
    """Bytes on the wire per change of each table: a bundle of that table's changes alone
    (signed with a throw-away key: the signature's size is all that matters), divided."""
    signing = crypto.new_signing_pair().private

    def measure(session: Session) -> dict[str, float]:
        me = down.field_identity(session)
        by_table: dict[str, list[bundles.UpChange]] = {}
        for c in session.scalars(select(Change).order_by(Change.seq)):
            by_table.setdefault(c.table_name, []).append(
                bundles.UpChange(c.id, c.seq, c.table_name, c.record_id, c.op, c.payload or b"")
            )
        sizes = {}
        for table, changes in by_table.items():
            alone = bundles.Up(me.node_id, changes[0].seq, changes[-1].seq, 0, 0, None, changes)
            sizes[table] = len(bundles.make_up(alone, signing)) / len(changes)
        return sizes

    return node.run(measure)


def _changes_by_table(node: Place) -> dict[str, int]:
    def count(session: Session) -> dict[str, int]:
        rows = session.execute(
            select(Change.table_name, func.count()).group_by(Change.table_name)
        ).all()
        return {str(t): int(n) for t, n in rows}

    return node.run(count)


def run(persons: int, chunk: int, hq_url: str | None) -> Figures:
    wire()
    with tempfile.TemporaryDirectory(prefix="haven-bench-sync-") as tmp:
        folder = Path(tmp)
        hq_keyring, node_keyring = Keyring(root=os.urandom(32)), Keyring(root=os.urandom(32))
        hq = _place(hq_url or f"sqlite+pysqlcipher:///{folder / 'hq.db'}", hq_keyring)
        node = _place(f"sqlite+pysqlcipher:///{folder / 'node.db'}", node_keyring)
        # An import file holds at most 5,000 rows: the people come as files of 5,000.
        rows = [
            row
            for start in range(0, persons, 5000)
            for row in realistic(min(5000, persons - start), 7 + start)
        ]
        units = sorted({str(r.values["origin_unit"]) for r in rows if r.values.get("origin_unit")})
        code, registrar = _headquarters(hq, units)
        _enrol(hq, node, code)
        print(f"registering {persons:,} people at the field node …", flush=True)
        register_s = _register(node, registrar, rows, chunk)
        changes = _changes_by_table(node)
        person_sealed = _sealed_sizes(node, "persons")
        reception_sealed = _sealed_sizes(node, "reception_events")
        wire_by_table = _wire_by_table(node)
        print(f"applying {sum(changes.values()):,} changes at headquarters …", flush=True)
        up_bytes = bundle_count = applied = 0
        apply_s = 0.0
        while node.run(up.waiting):
            data = node.run(up.make_up)
            up_bytes += len(data)
            bundle_count += 1
            began = time.perf_counter()
            receipt = hq.run(lambda s, data=data: receive.receive(s, data))  # type: ignore[misc]
            apply_s += time.perf_counter() - began
            applied += receipt.applied
            # What the down bundle's acknowledgement does at the node (the down bundle
            # itself is measured once, below).
            node.run(
                lambda s, acked=receipt.acked: down.acknowledge(  # type: ignore[misc]
                    s, down.field_identity(s), acked
                )
            )
        began = time.perf_counter()

        def make_down(session: Session) -> bytes:
            me = receive.headquarters(session)
            node_id = node.run(lambda s: s.scalars(select(Identity.node_id)).one())
            return down.make_down_for(session, me, receive.known_node(session, node_id))

        down_data = hq.run(make_down)
        down_make_s = time.perf_counter() - began
        began = time.perf_counter()
        node.run(lambda s: down.apply_down(s, down_data))
        down_apply_s = time.perf_counter() - began
        hq_persons = hq.run(lambda s: int(s.scalar(select(func.count()).select_from(Person)) or 0))
        hq.engine.dispose()
        node.engine.dispose()
    return Figures(
        persons=persons,
        register_s=register_s,
        changes=changes,
        bundles=bundle_count,
        up_bytes=up_bytes,
        person_sealed=person_sealed,
        reception_sealed=reception_sealed,
        apply_s=apply_s,
        applied=applied,
        down_bytes=len(down_data),
        down_make_s=down_make_s,
        down_apply_s=down_apply_s,
        hq_persons=hq_persons,
        wire_by_table=wire_by_table,
    )


def report(figures: Figures, engine_name: str, loads: list[str]) -> None:
    f = figures
    total = sum(f.changes.values())
    if f.applied != total or f.hq_persons != f.persons:
        raise SystemExit(
            f"headquarters applied {f.applied:,} of {total:,} changes, holds {f.hq_persons:,} "
            f"persons for {f.persons:,}"
        )
    per_person = f.up_bytes / f.persons
    print(f"\n{date.today().isoformat()}, headquarters on {engine_name}, field node on SQLCipher")  # noqa: DTZ011
    print(f"load average (1, 5, 15 min) at start and end: {' | '.join(loads)}")
    print(f"changes by table: {', '.join(f'{t} {n:,}' for t, n in sorted(f.changes.items()))}")
    print(f"sealing overhead per change: {bundles.SIGNATURE} B signature per bundle; HPKE 48 B\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| persons registered at the node | {f.persons:,} |")
    print(f"| changes sent up (bundles) | {total:,} ({f.bundles}) |")
    print(f"| up bundles, total bytes | {f.up_bytes:,} |")
    print(
        f"| **bytes on the wire per person** (registration, reception, weapons) | "
        f"**{per_person:,.0f}** |"
    )
    print(f"| bytes per change | {f.up_bytes / total:,.0f} |")
    for table, size in sorted(f.wire_by_table.items()):
        print(f"| on the wire per `{table}` change (a bundle of those alone) | {size:,.0f} |")
    print(
        f"| sealed person change, median (min–max) bytes | "
        f"{statistics.median(f.person_sealed):,.0f} "
        f"({min(f.person_sealed):,}–{max(f.person_sealed):,}) |"
    )
    print(
        f"| sealed reception change, median bytes | {statistics.median(f.reception_sealed):,.0f} |"
    )
    print(f"| baseline: registering them at the node (s) | {f.register_s:.1f} |")
    print(f"| **headquarters applies them** (`receive.receive`, s) | **{f.apply_s:.1f}** |")
    print(f"| ratio apply / registration | {f.apply_s / f.register_s:.2f} |")
    print(f"| apply, ms per person | {1000 * f.apply_s / f.persons:.1f} |")
    print(
        f"| down bundle after it: bytes, make (s), apply at the node (s) | "
        f"{f.down_bytes:,}, {f.down_make_s:.1f}, {f.down_apply_s:.1f} |"
    )
    print(
        f"\nissue 21's target, a person record ≤ 1 KB on the wire: "
        f"{'met' if per_person <= 1024 else 'NOT met'} ({per_person:,.0f} B)"
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="throwaway",
        metavar="ADMIN_URL",
        help="headquarters on PostgreSQL: a throw-away cluster on loopback, or the server of "
        "this admin URL",
    )
    args = parser.parse_args(argv)
    loads = [_load()]
    if args.postgres == "throwaway":
        with throwaway_cluster() as admin_url:
            url = create_database(admin_url, "haven_bench_sync")
            figures = run(args.persons, args.chunk, url)
    elif args.postgres:
        figures = run(args.persons, args.chunk, create_database(args.postgres, "haven_bench_sync"))
    else:
        figures = run(args.persons, args.chunk, None)
    loads.append(_load())
    report(figures, "PostgreSQL" if args.postgres else "SQLCipher", loads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
