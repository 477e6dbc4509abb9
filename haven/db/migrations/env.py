"""Alembic environment: runs on a connection given by Haven, or on the configured URL."""

from alembic import context

from haven.db.engine import make_engine
from haven.db.registry import load_models

target_metadata = load_models().metadata
config = context.config
# Work a revision asks to run once every revision of this run is applied, in the same
# transaction: `task(connection)`. Revision 0024 recomputes the derived indexes through the
# models, which describe the newest schema, not its own.
AFTER_MIGRATIONS = "after_migrations"


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run_on(conn)
    engine.dispose()


def _run_on(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        for task in config.attributes.pop(AFTER_MIGRATIONS, []):
            task(connection)


run()
