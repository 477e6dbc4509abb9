"""PostgreSQL plans every run of a statement for its own values (`haven.db.engine`): a
generic plan, kept after ten runs of a prepared statement, read a year of receptions three
times slower than a plan made for the period asked."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session


def test_every_connection_plans_each_run_for_its_values(db: Session) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("a plan kept for a prepared statement is PostgreSQL's")
    assert db.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
