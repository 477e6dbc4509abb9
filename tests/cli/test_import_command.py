"""`haven import`: a KoBoToolbox export of the reception XLSForm's submissions, checked, then
imported as a job at the command line, then sent again and left out."""

from __future__ import annotations

import uuid
from pathlib import Path

from typer.testing import CliRunner

from haven.cli.main import app
from tests.cli_databases import CliDatabase
from tests.reception.test_submissions import kobo_export, submission

runner = CliRunner()


def test_a_kobo_export_is_checked_imported_and_not_imported_twice(
    demo_cli_database: CliDatabase, tmp_path: Path
) -> None:
    export = tmp_path / "kobo.csv"
    export.write_bytes(kobo_export([submission(uuid.uuid4(), n) for n in (1, 2)]))
    command = ["import", str(export), "--as", "registrar"]
    checked = runner.invoke(app, command)
    assert checked.exit_code == 0, checked.output
    assert "imported" not in checked.output  # a check writes nothing
    written = runner.invoke(app, [*command, "--write"])
    assert written.exit_code == 0, written.output
    assert "2 people imported." in written.output
    again = runner.invoke(app, [*command, "--write"])
    assert again.exit_code == 0, again.output
    assert "Submissions already imported, left out: rows 2, 3." in again.output
    assert "people imported" not in again.output
