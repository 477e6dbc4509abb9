"""The catalogue of programme reports: which reports exist, who may open them, how each is
built (docs/reports.md).

To add a report:

1. Write a module `haven/reports/<name>.py` (see `arrivals.py`) with a function
   `build(session, actor, filters) -> Report` that asks the domains it reads for counts
   already grouped by the database (a query function at the end of that domain's
   `repository.py`, exported by its `public.py`, scoped with `visible_to(actor, …)`), and
   makes `Table`s of them (`haven.reports.tables`). No counting of persons in Python.
2. Give the module a `SPEC = ReportSpec(...)` (`haven.reports.tables`): its key (the URL's
   `/reports/{key}`), title and one-line description (msgids), the permission it needs
   besides REPORT_AGGREGATE, which every report needs (REPORT_AGGREGATE again when nothing
   more), `build`, and which optional filters it offers ("agreement", "site").
3. Add the module's `SPEC` to `CATALOGUE` below (the hub lists reports in this order).

The pages, the JSON API, the downloads (XLSX, CSV, PDF), suppression, the audit of each
download and the page sweep then serve the report with no further code. Tests: a
service-level test that makes a handful of records and checks the report's figures
(`tests/reports/test_arrivals.py` is the pattern).
"""

from __future__ import annotations

from haven.errors import NotFound
from haven.reports import arrivals, compliance, crossing, pathways, payments
from haven.reports.tables import ReportSpec
from haven.security.permissions import Actor, Permission

CATALOGUE: tuple[ReportSpec, ...] = (
    arrivals.SPEC,
    crossing.SPEC,
    pathways.SPEC,
    payments.SPEC,
    compliance.SPEC,
)

_BY_KEY = {spec.key: spec for spec in CATALOGUE}


def spec_of(key: str) -> ReportSpec:
    """The report of this key (NotFound for any other)."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise NotFound from None


def available(actor: Actor) -> tuple[ReportSpec, ...]:
    """The reports the actor may open (REPORT_AGGREGATE and the report's own permission), in
    the catalogue's order."""
    return tuple(spec for spec in CATALOGUE if may_open(actor, spec))


def may_open(actor: Actor, spec: ReportSpec) -> bool:
    return actor.can(Permission.REPORT_AGGREGATE) and actor.can(spec.permission)
