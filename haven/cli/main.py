"""The `haven` command: every subcommand calls the same services as the web app."""

from __future__ import annotations

import typer

from haven.cli import (
    audit,
    backup,
    cards,
    db,
    demo,
    jobs,
    keys,
    matching,
    node,
    people,
    serve,
    sync,
    tokens,
    users,
    wipe,
)
from haven.wiring import wire

# Every command runs services, which publish events: load every domain's handlers first.
wire()

app = typer.Typer(
    help="Haven: defection, surrender and reintegration programmes.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
app.add_typer(people.app, name="person")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(matching.app, name="matching")
app.add_typer(jobs.app, name="jobs")
app.add_typer(node.app, name="node")
app.add_typer(sync.app, name="sync")
app.add_typer(cards.app, name="card")
app.command("import")(jobs.import_file)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("wipe")(wipe.wipe)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)


if __name__ == "__main__":
    app()
