"""`haven backup` and `haven restore`: encrypted backups, verified before restoring."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from haven.backup import BackupRefused, create_backup, restore_backup
from haven.cli.audit import head_before_restore, report_rollback
from haven.cli.context import fail, open_database
from haven.db.migrate import DatabaseNotMigrated, assert_migrated


def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (never overwritten).")],
) -> None:
    """Write an encrypted, authenticated backup of the whole database."""
    if path.exists():
        raise fail(f"{path} already exists: choose a new file name.", 1)
    with open_database() as database:
        try:
            assert_migrated(database.engine)
            header = create_backup(database.engine, database.keyring, path)
        except (DatabaseNotMigrated, BackupRefused) as exc:
            raise fail(str(exc), 2) from None
        except FileExistsError:
            raise fail(f"{path} already exists: choose a new file name.", 1) from None
    typer.echo(
        f"Backup written: {path} ({header.kind}, schema {header.revision}, {header.created_at})."
    )


def restore(
    path: Annotated[Path, typer.Argument(help="The backup file to restore from.")],
) -> None:
    """Replace the database with a backup, once the whole backup is verified.

    Stop `haven serve` first. Anyone erased since the backup was made is erased again.
    """
    if not path.is_file():
        raise fail(f"No backup file at {path}.", 1)
    with open_database() as database:
        before = head_before_restore(database)
        database.engine.dispose()
        try:
            result = restore_backup(
                path,
                database.settings.database_url,
                database.keyring,
                key_dir=database.settings.key_dir,
            )
        except BackupRefused as exc:
            raise fail(str(exc), 1) from None
        report_rollback(database, before)
    typer.echo(
        f"Restored the backup of {result.created_at} (schema {result.backup_revision}, now "
        f"{result.revision}); {result.reapplied_erasures} erasure(s) re-applied."
    )
