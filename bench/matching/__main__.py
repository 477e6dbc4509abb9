"""Matching benchmark: `python -m bench.matching --records 100000`.

Two evaluation sets (`--set`, both by default), each scored by the same evaluator
(`bench.matching.evaluate`):
- "haven": Haven's own generator (`bench.matching.generator`), on which the matching was
  developed; Haven's Splink configuration and a plain Splink configuration run on the same
  data in the same run, and registrants are screened against a synthetic watchlist;
- "romanised": names born in Myanmar script and romanised through published tables
  (`bench.matching.romanised`), built without reading Haven's tables: data the matching was
  not tuned to.
It prints markdown tables, then the issue's goals against the figures of both sets.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
import uuid
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.exceptions import SplinkException

from bench.matching import romanised
from bench.matching.evaluate import Scores, evaluate_pairs
from bench.matching.generator import Registration, generate
from bench.matching.interactive import run as run_interactive
from bench.matching.screening import run as run_screening
from haven.matching.batch import (
    AUTO_LINK,
    HARD_AGREEMENT_SQL,
    REVIEW_FROM,
    features,
    settings,
    train,
)
from haven.matching.records import IdentityRecord

MEMORY_LIMIT = "4GB"  # DuckDB's own budget; the target is 8 GB for the whole process
TEMP_LIMIT = "20GB"  # spilled to disk beyond the memory budget; past this a run stops


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def identity(record: Registration) -> IdentityRecord:
    return IdentityRecord(
        key=uuid.UUID(int=record.record_id),
        name_my=record.name_my,
        name_latin=record.name_latin,
        father_name=record.father_name,
        birth_year=record.birth_year,
        birth_date=record.birth_date,
        nrc=record.nrc,
        service_number=record.service_number,
        unit=record.unit,
        rank=record.rank,
    )


class Timer:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}

    def lap(self, name: str, started: float) -> None:
        self.laps[name] = time.perf_counter() - started
        print(
            f"  {name}: {self.laps[name]:.1f} s, peak RSS {peak_rss_mb():,.0f} MB",
            file=sys.stderr,
            flush=True,
        )


def _connect(duckdb: Any) -> Any:
    """A DuckDB connection that spills to disk rather than take more than `MEMORY_LIMIT`."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/haven-bench-duckdb'")
    con.execute(f"SET max_temp_directory_size = '{TEMP_LIMIT}'")
    return con


def run_haven(
    records: list[Registration], timer: Timer, save_model: str | None = None
) -> tuple[Any, Any]:
    """Haven's configuration: returns (duckdb connection, name of the predictions table)."""
    started = time.perf_counter()
    frame = features(identity(record) for record in records)
    timer.lap("normalise + features", started)
    started = time.perf_counter()
    con = _connect(duckdb)
    api = DuckDBAPI(con)
    linker = Linker(api.register(frame, table_name="haven_records"), settings(), log_level=None)
    train(linker)
    timer.lap("train", started)
    if save_model:
        linker.misc.save_model_to_json(save_model, overwrite=True)
    started = time.perf_counter()
    predictions = linker.inference.predict()
    timer.lap("predict", started)
    return con, predictions.physical_name


def plain_frame(records: list[Registration]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "unique_id": str(uuid.UUID(int=record.record_id)),
                "name_latin": record.name_latin.lower() if record.name_latin else None,
                "name_my": record.name_my,
                "father_name": record.father_name.lower() if record.father_name else None,
                "birth_year": record.birth_year,
                "birth_date": record.birth_date,
                "nrc": record.nrc,
                "service_number": record.service_number,
                "unit": record.unit,
                "rank": record.rank,
            }
            for record in records
        ]
    )


def run_plain(records: list[Registration], timer: Timer) -> tuple[Any, Any]:
    """A plain Splink configuration: library comparisons on the raw columns, simple blocking."""
    started = time.perf_counter()
    frame = plain_frame(records)
    con = _connect(duckdb)
    api = DuckDBAPI(con)
    plain_settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_latin"),
            cl.ExactMatch("name_my"),
            cl.JaroWinklerAtThresholds("father_name"),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("birth_year"),
            cl.LevenshteinAtThresholds("nrc", 1),
            cl.ExactMatch("service_number"),
            cl.ExactMatch("unit"),
            cl.ExactMatch("rank"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_latin"),
            block_on("name_my"),
            block_on("nrc"),
            block_on("service_number"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(api.register(frame, table_name="plain_records"), plain_settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nrc"), block_on("service_number")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("nrc"), record_sample_proportion=1.0
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("name_latin"), record_sample_proportion=1.0
    )
    timer.lap("train", started)
    started = time.perf_counter()
    predictions = linker.inference.predict()
    timer.lap("predict", started)
    return con, predictions.physical_name


def _evaluated(run: tuple[Any, Any], truth: dict[str, int], timer: Timer, **rules: Any) -> Scores:
    """Score a configuration's predictions (`evaluate_pairs`), timed as "decide + cluster"."""
    con, table = run
    try:
        started = time.perf_counter()
        scores = evaluate_pairs(con, table, truth, **rules)
        timer.lap("decide + cluster", started)
        return scores
    finally:
        con.close()


def _haven_scores(
    records: list[Registration], truth: dict[str, int], timer: Timer, save_model: str | None
) -> Scores:
    return _evaluated(
        run_haven(records, timer, save_model),
        truth,
        timer,
        auto_sql=f"match_probability >= {AUTO_LINK} AND ({HARD_AGREEMENT_SQL})",
        review_sql=f"match_probability >= {REVIEW_FROM}",
        records_table="haven_records",
        hard_sql=HARD_AGREEMENT_SQL,
        review_from=REVIEW_FROM,
        curve_from=tuple(t for t in (0.5, 0.2, 0.1, 0.05, 0.02, 0.01) if t != REVIEW_FROM),
    )


def _plain_scores(records: list[Registration], truth: dict[str, int], timer: Timer) -> Scores:
    return _evaluated(
        run_plain(records, timer),
        truth,
        timer,
        auto_sql="match_probability >= 0.999",
        review_sql="match_probability >= 0.5",
        records_table="plain_records",
    )


def _row(name: str, scores: Scores, timer: Timer, peak: float) -> str:
    total = sum(timer.laps.values())
    return (
        f"| {name} | {scores.auto_precision:.4f} | {scores.auto_recall:.4f} | "
        f"{scores.cluster_precision:.4f} | {scores.cluster_recall:.4f} | {scores.cluster_f1:.4f} | "
        f"{scores.review_recall:.4f} | {scores.review_pairs:,} | "
        f"{scores.group_recall:.4f} | {scores.review_groups:,} | {scores.blocking_recall:.4f} | "
        f"{scores.comparisons_per_record:.1f} | {total:.1f} | {peak:,.0f} |"
    )


def _print_tables(
    rows: list[str],
    haven_laps: dict[str, float],
    plain_laps: dict[str, float],
    haven_cpu: float,
    plain_cpu: float,
) -> None:
    print(
        "| configuration | auto-link precision | auto-link recall | cluster precision | "
        "cluster recall | cluster F1 | recall with review (pairs) | review pairs | "
        "recall with review (groups) | review groups | blocking recall | "
        "comparisons per record | time (s) | peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print()
    print("| stage | Haven (s) | plain (s) |")
    print("|---|---|---|")
    for stage, seconds in haven_laps.items():
        plain = plain_laps.get(stage)
        print(f"| {stage} | {seconds:.1f} | {'' if plain is None else f'{plain:.1f}'} |")
    print(f"| CPU time (user + system, all threads) | {haven_cpu:.1f} | ", end="")
    print(f"{plain_cpu:.1f} |" if plain_laps else " |")
    print()


def _print_ceilings(scores: Scores) -> None:
    if scores.hard_ceiling is not None:
        print(
            "Hard-identifier ceiling (cluster recall if every true pair found with a hard "
            f"identifier agreeing were linked automatically): {scores.hard_ceiling:.4f}\n"
        )
    if scores.review_curve:
        print(
            "| review band from | recall with review (pairs) | review pairs | "
            "recall with review (groups) | review groups |"
        )
        print("|---|---|---|---|---|")
        rows = [
            (REVIEW_FROM, scores.review_recall, scores.review_pairs),
            *((p.threshold, p.pair_recall, p.pairs) for p in scores.review_curve),
        ]
        groups = {REVIEW_FROM: (scores.group_recall, scores.review_groups)} | {
            p.threshold: (p.group_recall, p.groups) for p in scores.review_curve
        }
        for threshold, recall, pairs in sorted(rows, reverse=True):
            mark = " (Haven's setting)" if threshold == REVIEW_FROM else ""
            group_recall, group_count = groups[threshold]
            print(
                f"| {threshold}{mark} | {recall:.4f} | {pairs:,} | "
                f"{group_recall:.4f} | {group_count:,} |"
            )
        print()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--set", choices=("both", *SETS), default="both", dest="data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--skip-screening", action="store_true")
    parser.add_argument("--interactive", type=int, default=0, help="also time N lookups")
    parser.add_argument("--save-model", help="write the trained Splink model (JSON) here")
    parser.add_argument("--screening-sample", type=int, default=5000)
    return parser.parse_args(argv)


SETS = {"haven": generate, "romanised": romanised.generate}
SET_TITLES = {
    "haven": "Haven's own set (bench.matching.generator)",
    "romanised": "Romanised set, not tuned to (bench.matching.romanised)",
}


def run_set(name: str, args: argparse.Namespace) -> Scores:
    """One evaluation set: generate, run Haven (and plain Splink on Haven's set), print."""
    started = time.perf_counter()
    records = SETS[name](args.records, args.seed)
    generated = time.perf_counter() - started
    truth = {str(uuid.UUID(int=record.record_id)): record.entity for record in records}
    print(f"## {SET_TITLES[name]}: {len(records):,} records, {len(set(truth.values())):,} people\n")
    print(f"(generation {generated:.1f} s, not counted; peak RSS so far {peak_rss_mb():,.0f} MB)\n")

    rows: list[str] = []
    timer = Timer()
    cpu_started = _cpu()
    model_path = args.save_model if name == "haven" else None
    haven_scores = _haven_scores(records, truth, timer, model_path)
    haven_laps = dict(timer.laps)
    haven_cpu = _cpu() - cpu_started
    rows.append(_row("Haven (phonetic keys, Splink)", haven_scores, timer, peak_rss_mb()))

    print(f"  Haven: {rows[0]}", file=sys.stderr, flush=True)  # kept if the plain run fails

    plain_laps: dict[str, float] = {}
    plain_cpu = 0.0
    plain_failure = None
    if not args.skip_plain and name == "haven":
        timer = Timer()
        cpu_started = _cpu()
        plain_started = time.perf_counter()
        try:
            plain_scores = _plain_scores(records, truth, timer)
        except (duckdb.Error, SplinkException) as exc:  # out of memory or of temporary space
            lines = str(exc).splitlines()
            reason = next((line for line in lines if line.startswith("Error was")), lines[0])
            plain_failure = (
                f"Plain Splink stopped after {time.perf_counter() - plain_started:.0f} s "
                f"(stages done: {', '.join(timer.laps) or 'none'}): {reason[:300]}"
            )
        else:
            plain_laps = dict(timer.laps)
            plain_cpu = _cpu() - cpu_started
            rows.append(_row("Plain Splink", plain_scores, timer, peak_rss_mb()))

    _print_tables(rows, haven_laps, plain_laps, haven_cpu, plain_cpu)
    if plain_failure:
        print(plain_failure + "\n")
    _print_ceilings(haven_scores)

    if not args.skip_screening and name == "haven":
        run_screening(records, seed=args.seed, sample=args.screening_sample)
    if args.interactive and name == "haven":
        run_interactive(args.records, lookups=args.interactive, seed=args.seed)
    return haven_scores


def _mark(met: bool) -> str:
    return "met" if met else "**not met**"


def print_goals(results: dict[str, Scores], records: int) -> None:
    """The issue's matching goals against each set's figures (screening and 1M: see above
    and `make bench-matching-1m`)."""
    print("## Goals\n")
    print("| measure | goal | set | measured | |")
    print("|---|---|---|---|---|")
    for name, scores in results.items():
        ratio = scores.cluster_recall / scores.hard_ceiling if scores.hard_ceiling else 0.0
        review_goal = 0.99 if name == "haven" else 0.97
        per_100 = 100 * scores.review_groups / records
        for measure, goal, measured, met in (
            (
                "automatic links: precision",
                "≥ 0.999",
                f"{scores.auto_precision:.4f}",
                scores.auto_precision >= 0.999,
            ),
            (
                "automatic recall / hard-identifier ceiling",
                "≥ 0.98",
                f"{scores.cluster_recall:.4f} / {scores.hard_ceiling or 0:.4f} = {ratio:.3f}",
                ratio >= 0.98,
            ),
            (
                "recall with review (groups)",
                f"≥ {review_goal}",
                f"{scores.group_recall:.4f}",
                scores.group_recall >= review_goal,
            ),
            (
                "reviewer decisions per 100 registrations",
                "≤ 10",
                f"{per_100:.2f} ({scores.review_groups:,} groups)",
                per_100 <= 10,
            ),
        ):
            print(f"| {measure} | {goal} | {name} | {measured} | {_mark(met)} |")
    print()


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    logging.getLogger("splink").setLevel(logging.ERROR)
    names = list(SETS) if args.data == "both" else [args.data]
    print(f"# Matching benchmark: {args.records:,} records a set, review band from {REVIEW_FROM}\n")
    results = {name: run_set(name, args) for name in names}
    print_goals(results, args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
