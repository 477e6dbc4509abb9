"""The suite's own guard: a test that leaves rows behind in a shared database is named.

`tests/conftest.py` checks after every database test that the database holds the rows it held
before (`Databases.leaked_rows`); these tests show that the check sees a committed row, and
that a database made again from the template starts clean.
"""

from __future__ import annotations

import pytest

from haven.db.keyring import Keyring
from haven.db.session import make_session_factory, transaction
from tests import factories as f
from tests.conftest import BACKENDS, worker_databases
from tests.databases import Databases

PROBE = "haven_leak_probe"


@pytest.fixture(params=BACKENDS)
def probe(request: pytest.FixtureRequest, databases: dict[str, Databases]) -> Databases:
    return worker_databases(request, databases)


def test_a_committed_row_is_reported_and_a_renewed_database_is_clean(
    probe: Databases, keyring: Keyring
) -> None:
    engine = probe.renew(PROBE)
    assert probe.leaked_rows(PROBE) == {}
    with transaction(make_session_factory(engine, keyring)) as session:
        f.organisation(session, name="Leaked organisation")
    leaked = probe.leaked_rows(PROBE)
    assert leaked["organisations"] == 1
    assert leaked["audit_events"] >= 1  # the change was audited, and that row stayed too
    probe.renew(PROBE)
    assert probe.leaked_rows(PROBE) == {}


def test_a_settled_world_is_the_new_starting_point(probe: Databases, keyring: Keyring) -> None:
    engine = probe.renew(PROBE)
    with transaction(make_session_factory(engine, keyring)) as session:
        f.organisation(session, name="World organisation")
    probe.settle(PROBE)
    assert probe.leaked_rows(PROBE) == {}
    with engine.connect() as connection:  # rolled back: nothing leaks
        outer = connection.begin()
        factory = make_session_factory(engine, keyring)
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        with factory() as session:
            f.organisation(session, name="Rolled back organisation")
            session.flush()
        outer.rollback()
    assert probe.leaked_rows(PROBE) == {}
    probe.renew(PROBE)
