"""Large imports as background jobs: checked, then written, a chunk of rows per step.

A file of more than `JOB_ROWS` rows is not imported inside the request that uploaded it: the
rows are sealed into a job (`haven.jobs`) and the worker checks them, a chunk per step, each
chunk a dry run in a transaction of its own (nothing kept). When any row has an error the job
ends with every error listed and nothing saved, as the synchronous import does. When every
row passed and the user asked to import, the worker writes the rows, a chunk per step, each
chunk all-or-nothing and committed together with the job's progress: so the database's write
lock is held for one chunk at a time (about a third of a second; the chunk size adapts to how
long the last one took), other users are never kept waiting, and a crash resumes at the first
chunk not committed, never writing a row twice.

What changes from the synchronous import: "everything or nothing" holds for the check (no row
is written unless every row passed), and for each chunk. A row can still fail while writing
only if something changed in between (a site closed, a rank removed); the job then stops at
that chunk, the rows of the chunks before it stay imported, and the result lists them and the
error. One audit event per chunk records the people imported (`people.imported`), as one
does for a synchronous import, beside each person's own reception event.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from haven.i18n import N_, Text
from haven.jobs.kinds import Step, next_size
from haven.reception import importing
from haven.reception.importing import Cell, ImportFile, ImportReport, ImportRow, RowError
from haven.security.permissions import Actor, Permission

# Files of more rows than this are imported as a job; smaller ones in the request.
JOB_ROWS = 200
# How long one step should hold the write lock (on SQLite a step's SAVEPOINT takes it at its
# start): a check step, and a write step. A write step costs about 70 ms whatever its size,
# so at 0.2 s its chunks settled at 10-20 rows and spent half their time on that fixed cost;
# at 0.3 s (plus the commit, about 30 ms) a concurrent writer still waits well under 0.5 s.
TARGET_SECONDS = 0.2
WRITE_TARGET_SECONDS = 0.3
FIRST_CHUNK, MIN_CHUNK, MAX_CHUNK = 10, 5, 500

CHECK, WRITE = "check", "write"
# The check's converted rows are kept in memory for the write phase of this many jobs at
# most (a job that stopped half-way is forgotten when others come).
KEPT_JOBS = 2


# --- the payload: rows as JSON ------------------------------------------------------------


def _cell_out(value: Cell) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _cell_in(value: Any) -> Cell:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        return date.fromisoformat(value["date"])
    return value  # type: ignore[no-any-return]


def payload_for(table: ImportFile, *, write: bool) -> dict[str, Any]:
    return {
        "write": write,
        "headings": table.headings,
        "rows": [
            [row.number, {name: _cell_out(value) for name, value in row.values.items()}]
            for row in table.rows
        ],
    }


def rows_of(payload: Mapping[str, Any], start: int = 0, stop: int | None = None) -> list[ImportRow]:
    """The payload's rows from `start` to `stop` (a step converts its own chunk only)."""
    return [
        ImportRow(number=int(number), values={k: _cell_in(v) for k, v in values.items()})
        for number, values in payload["rows"][start:stop]
    ]


# --- the result ---------------------------------------------------------------------------


def _message(message: Text | str) -> dict[str, Any]:
    text = message if isinstance(message, Text) else Text(str(message))
    params = {k: v.render() if isinstance(v, Text) else v for k, v in text.params.items()}
    return {"msgid": text.msgid, "params": params}


def _errors(report: ImportReport) -> list[dict[str, Any]]:
    return [{"row": e.row, "field": e.field, **_message(e.message)} for e in report.errors]


def report_of(result: Mapping[str, Any]) -> ImportReport:
    """A finished job's result as the report the import page shows."""
    report = ImportReport(dry_run=not result.get("written"), rows=int(result.get("rows", 0)))
    for error in result.get("errors", []):
        message = Text(error["msgid"], dict(error.get("params") or {}))
        report.errors.append(RowError(row=error["row"], field=error["field"], message=message))
    report.person_ids = [uuid.UUID(value) for value in result.get("person_ids", [])]
    report.imported = len(report.person_ids)
    report.skipped = [int(row) for row in result.get("skipped", [])]
    return report


# --- the kind -----------------------------------------------------------------------------


def _next_chunk(chunk: int, seconds: float, target: float = TARGET_SECONDS) -> int:
    """The next chunk's size: aimed at `target`, at most twice the last one (rows are not
    all alike: a few quick ones must not make the next chunk hold the lock for long)."""
    return next_size(chunk, seconds, target=target, smallest=MIN_CHUNK, largest=MAX_CHUNK, growth=2)


class ImportJob:
    """`reception.import`: check every row, then (if asked and every row passed) write them."""

    name = "reception.import"
    title = N_("Import people from a file")
    permission = Permission.RECEPTION_RECORD
    result_template: str | None = "reception/_import_job_result.html"

    def __init__(self) -> None:
        # What the check phase converted, kept for the write phase (it cost a written row
        # about half a millisecond to convert it again): by the payload the runner keeps for
        # the job while it runs it, held so that its id is not reused. A worker started again
        # (a crash) has nothing kept and converts the rows again.
        self._kept: dict[int, tuple[Mapping[str, Any], dict[int, importing.Checked]]] = {}

    def _kept_for(self, payload: Mapping[str, Any]) -> dict[int, importing.Checked]:
        found = self._kept.get(id(payload))
        if found is None or found[0] is not payload:
            while len(self._kept) >= KEPT_JOBS:
                self._kept.pop(next(iter(self._kept)))
            found = self._kept[id(payload)] = (payload, {})
        return found[1]

    def step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step:
        done = self._step(session, actor, payload, cursor)
        if done.finished:
            self._kept.pop(id(payload), None)
        return done

    def _step(
        self,
        session: Session,
        actor: Actor,
        payload: Mapping[str, Any],
        cursor: Mapping[str, Any],
    ) -> Step:
        count = len(payload["rows"])
        write = bool(payload.get("write"))
        total = count * (2 if write else 1)
        phase = str(cursor.get("phase", CHECK))
        start = int(cursor.get("next", 0))
        chunk = int(cursor.get("chunk", FIRST_CHUNK))
        found_errors = bool(cursor.get("errors"))
        part: Sequence[ImportRow] = rows_of(payload, start, start + chunk)
        kept = self._kept_for(payload) if write else None
        began = time.perf_counter()
        if phase == CHECK:
            report = importing.dry_run(session, actor, part, kept=kept)
        else:
            report = importing.import_rows(session, actor, part, kept=kept)
        seconds = time.perf_counter() - began
        end = start + len(part)
        result: dict[str, Any] = {"errors": _errors(report)}
        if phase == CHECK and start == 0:
            result |= {"rows": count, "write": write, "headings": payload.get("headings", {})}
        if phase == CHECK:
            # Submissions imported before are left out by the check and again by the write:
            # listed once, from the check.
            result["skipped"] = list(report.skipped)
        found_errors = found_errors or bool(report.errors)
        done = end if phase == CHECK else count + end
        chunk = _next_chunk(
            chunk, seconds, WRITE_TARGET_SECONDS if phase == WRITE else TARGET_SECONDS
        )
        following = {"phase": phase, "next": end, "chunk": chunk}
        if phase == WRITE:
            result["person_ids"] = [str(p) for p in report.person_ids]
            result["written"] = True
            if report.errors:  # something changed since the check: stop at this chunk
                return Step(done, total, following | {"errors": True}, True, result)
            return Step(done, total, following, end >= count, result)
        following["errors"] = found_errors
        if end < count:
            return Step(done, total, following, False, result)
        if found_errors or not write:
            return Step(done, total, following, True, result)
        return Step(
            # Writing costs several times what checking does (the check writes nothing): the
            # write phase starts again from the first chunk size and adapts to its own pace.
            done,
            total,
            {"phase": WRITE, "next": 0, "chunk": FIRST_CHUNK},
            False,
            result,
        )


IMPORT = ImportJob()
