"""Revision 0015 on a database written before it: the automatic release notice of a prisoner
who defected is withheld with his other waiting notices and unsent cards; a check used for a
defection keeps its completion (path "defect"); an unused check no longer counts."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine

from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import alembic_config, upgrade
from haven.db.registry import load_models
from haven.db.types import UTCDateTime
from tests.conftest import BACKENDS, empty_database_url

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def engine_at_0012(
    request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring
) -> tuple[str, Engine]:
    url = empty_database_url(request, tmp_path, "haven_pow_0015")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, revision="0012", keyring=keyring)
    return url, engine


def _filler(column: sa.Column[Any]) -> Any:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return NOW
    for sql, value in (
        (sa.Uuid, uuid.uuid4()),
        (sa.Date, date(2026, 11, 1)),
        (sa.Boolean, False),
        (sa.Integer, 0),
        (sa.JSON, []),
        (sa.LargeBinary, b""),
    ):
        if isinstance(kind, sql):
            return value
    return "x"


class Rows:
    """Insert rows as the schema at revision 0012 has them: the models' column types (so
    values bind alike on both engines), only the columns that exist, every other required
    column filled with a placeholder."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.inspector = sa.inspect(engine)
        self.models = load_models().metadata

    def add(self, table: str, **values: Any) -> uuid.UUID:
        existing = {c["name"]: c for c in self.inspector.get_columns(table)}
        model = self.models.tables[table]
        columns = [
            sa.Column(c.name, c.type, primary_key=c.primary_key)
            for c in model.columns
            if c.name in existing
        ]
        target = sa.Table(table, sa.MetaData(), *columns)
        row = {"id": uuid.uuid4(), **values}
        for column in columns:
            if column.name not in row and not existing[column.name]["nullable"]:
                row[column.name] = _filler(column)
        with self.engine.begin() as connection:
            connection.execute(sa.insert(target).values(row))
        return row["id"]  # type: ignore[no-any-return]


def _prisoner(
    rows: Rows, org: uuid.UUID, site: uuid.UUID, status: str
) -> tuple[uuid.UUID, uuid.UUID]:
    """A prisoner's record and person."""
    person = rows.add("persons", organisation_id=org, site_id=site, name_latin="Aung Migrated")
    reception = rows.add(
        "reception_events",
        person_id=person,
        organisation_id=org,
        site_id=site,
        classification="captured",
    )
    record = rows.add(
        "pow_records",
        person_id=person,
        organisation_id=org,
        site_id=site,
        reception_id=reception,
        classification="captured",
        status=status,
    )
    return record, person


def test_existing_rows_follow_the_new_rules(
    engine_at_0012: tuple[str, Engine], keyring: Keyring
) -> None:
    url, engine = engine_at_0012
    rows = Rows(engine)
    org = rows.add("organisations")
    site = rows.add("sites", organisation_id=org)
    defected, defector = _prisoner(rows, org, site, "defected")
    interned, prisoner = _prisoner(rows, org, site, "interned")

    def notice(pow_id: uuid.UUID, kind: str, exported: bool) -> uuid.UUID:
        return rows.add(
            "pow_notices",
            pow_id=pow_id,
            organisation_id=org,
            kind=kind,
            exported_at=NOW if exported else None,
            export_id="N-1" if exported else None,
        )

    sent_capture = notice(defected, "capture", exported=True)
    waiting_transfer = notice(defected, "transfer", exported=False)
    automatic_release = notice(defected, "release", exported=False)
    other_capture = notice(interned, "capture", exported=False)
    unsent_card = rows.add("pow_capture_cards", pow_id=defected, organisation_id=org)
    sent_card = rows.add(
        "pow_capture_cards", pow_id=defected, organisation_id=org, sent_on=date(2026, 11, 3)
    )
    other_card = rows.add("pow_capture_cards", pow_id=interned, organisation_id=org)
    used = rows.add(
        "pow_voluntariness_checks",
        pow_id=defected,
        person_id=defector,
        organisation_id=org,
        outcome="voluntary",
        completed_at=NOW,
        used_at=NOW,
    )
    unused = rows.add(
        "pow_voluntariness_checks",
        pow_id=interned,
        person_id=prisoner,
        organisation_id=org,
        outcome="voluntary",
        completed_at=NOW,
    )

    upgrade(url, engine, revision="0015", keyring=keyring)

    tables = load_models().metadata.tables
    notices, cards, checks = (
        tables["pow_notices"],
        tables["pow_capture_cards"],
        tables["pow_voluntariness_checks"],
    )
    with engine.connect() as c:
        withheld = dict(c.execute(sa.select(notices.c.id, notices.c.withheld_at)).all())
        superseded = dict(c.execute(sa.select(cards.c.id, cards.c.superseded_at)).all())
        found = {
            row.id: (row.completed_at is not None, row.paths, row.former_commanders_absent)
            for row in c.execute(sa.select(checks))
        }
    assert withheld[waiting_transfer] is not None
    assert withheld[automatic_release] is not None
    assert withheld[sent_capture] is None  # it left before: nothing to withhold
    assert withheld[other_capture] is None  # an interned prisoner's notices still go
    assert superseded[unsent_card] is not None
    assert superseded[sent_card] is None
    assert superseded[other_card] is None
    assert found[used] == (True, ["defect"], False)
    assert found[unused] == (False, [], False)


@pytest.fixture(params=BACKENDS)
def engine_at_0018(
    request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring
) -> tuple[str, Engine]:
    url = empty_database_url(request, tmp_path, "haven_pow_0019")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, revision="0018", keyring=keyring)
    return url, engine


def test_revision_0019_numbers_prisoners_links_ranks_and_places_old_cards(
    engine_at_0018: tuple[str, Engine], keyring: Keyring
) -> None:
    url, engine = engine_at_0018
    rows = Rows(engine)
    org = rows.add("organisations")
    site = rows.add("sites", organisation_id=org)
    force = rows.add("forces", name="Army (migration test)")
    sergeant = rows.add("ranks", force_id=force, seniority=16, name_en="Sergeant")
    camp = rows.add("pow_places", organisation_id=org, name="Camp Old", kind="camp")
    hospital = rows.add("pow_places", organisation_id=org, name="Hospital Old", kind="hospital")

    def prisoner(name: str, rank: str) -> tuple[uuid.UUID, uuid.UUID]:
        person = rows.add("persons", organisation_id=org, site_id=site, name_latin=name)
        reception = rows.add(
            "reception_events",
            person_id=person,
            organisation_id=org,
            site_id=site,
            classification="captured",
            rank_id=sergeant,
        )
        record = rows.add(
            "pow_records",
            person_id=person,
            organisation_id=org,
            site_id=site,
            reception_id=reception,
            classification="captured",
            status="interned",
            captured_on=date(2025, 11, 1),
            rank=rank,
            place_id=hospital if rank == "Sergeant" else camp,
        )
        return record, person

    moved, moved_person = prisoner("Aung Moved", "Sergeant")
    stayed, _ = prisoner("Aung Stayed", "Sgt. (as written)")
    rows.add(
        "pow_transfers",
        pow_id=moved,
        organisation_id=org,
        from_place_id=camp,
        to_place_id=hospital,
        moved_on=date(2025, 11, 5),
    )

    def card(pow_id: uuid.UUID, occasion: str, on: date) -> uuid.UUID:
        return rows.add(
            "pow_capture_cards",
            pow_id=pow_id,
            organisation_id=org,
            occasion=occasion,
            occasion_on=on,
            due_on=on,
        )

    captured = card(moved, "capture", date(2025, 11, 1))
    ill = card(moved, "illness", date(2025, 11, 3))
    transferred = card(moved, "transfer", date(2025, 11, 5))
    other = card(stayed, "capture", date(2025, 11, 1))
    inspected = rows.add(
        "pow_medical_inspections",
        pow_id=moved,
        person_id=moved_person,
        organisation_id=org,
        inspected_on=date(2025, 11, 2),
    )

    upgrade(url, engine, revision="0019", keyring=keyring)

    tables = load_models().metadata.tables
    records, cards, inspections = (
        tables["pow_records"],
        tables["pow_capture_cards"],
        tables["pow_medical_inspections"],
    )
    with engine.connect() as c:
        numbered = {
            row.id: (row.prisoner_number, row.rank_id)
            for row in c.execute(
                sa.select(records.c.id, records.c.prisoner_number, records.c.rank_id)
            )
        }
        placed = {
            row.id: (row.place_id, row.coming_from_id)
            for row in c.execute(sa.select(cards.c.id, cards.c.place_id, cards.c.coming_from_id))
        }
        state = c.execute(
            sa.select(inspections.c.state_of_health).where(inspections.c.id == inspected)
        ).scalar_one()
    numbers = [number for number, _ in numbered.values()]
    assert len(set(numbers)) == 2
    assert all(n.startswith("POW-2025-") and len(n) == len("POW-2025-ABCDEF") for n in numbers)
    assert numbered[moved][1] == sergeant  # the reception's rank, by its recorded name
    assert numbered[stayed][1] is None  # text naming no rank of the table: no link
    assert placed[captured] == (camp, None)
    assert placed[ill] == (camp, None)  # held at the camp on that day
    assert placed[transferred] == (hospital, camp)
    assert placed[other] == (camp, None)
    assert state is None  # never "good": the card will say it was not recorded

    # Downgrade with these rows in place (SQLite drops the columns without rebuilding).
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0018")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("pow_records")}
    assert not {"prisoner_number", "rank_id"} & columns
