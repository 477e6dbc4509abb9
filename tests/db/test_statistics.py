"""SQLite's planner statistics are taken when `haven serve` starts and hourly between jobs
(`haven.db.engine.refresh_statistics`): without them a search read a whole organisation
through the wrong index."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from haven.db.engine import make_engine, refresh_statistics
from haven.db.keyring import Keyring
from haven.db.session import make_session_factory
from haven.jobs.runner import Runner, Worker


def test_statistics_are_taken_for_a_database_that_has_none(
    tmp_path: Path, keyring: Keyring
) -> None:
    engine = make_engine(f"sqlite+pysqlcipher:///{tmp_path / 'stats.db'}", keyring=keyring)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT)")
            connection.exec_driver_sql("CREATE INDEX t_k ON t (k)")
            connection.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                "INSERT INTO t (k) SELECT i % 7 FROM n"
            )
        refresh_statistics(engine)
        with engine.connect() as connection:
            stats = connection.execute(text("SELECT idx, stat FROM sqlite_stat1")).all()
        # 2,000 rows, about 286 a value of k (a sampled estimate: analysis_limit)
        assert [row[1].split()[0] for row in stats if row[0] == "t_k"] == ["2000"]
    finally:
        engine.dispose()


def test_the_worker_does_its_housekeeping_between_jobs(tmp_path: Path, keyring: Keyring) -> None:
    engine = make_engine(f"sqlite+pysqlcipher:///{tmp_path / 'empty.db'}", keyring=keyring)
    done = threading.Event()
    runner = Runner(make_session_factory(engine, keyring), lease=timedelta(seconds=5))
    runner.claim = lambda: None  # type: ignore[method-assign]  # no jobs table here: no work
    worker = Worker(runner, poll=0.01, housekeeping=done.set, every=0).start()
    try:
        assert done.wait(5)
    finally:
        worker.stop()
        engine.dispose()
