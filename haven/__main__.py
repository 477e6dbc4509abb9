"""`python -m haven` is the `haven` command."""

from haven.cli.main import app

app()
