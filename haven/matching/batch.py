"""Batch deduplication with Splink on DuckDB, over keys from `haven.matching.compare`.

The pipeline:
1. `features` turns identity records into one row each: up to two name variants in the
   phonetic key space (with and without spaces, and the syllables sorted, to recognise a
   swapped order), the father's name key, birth year and date, canonical NRC, service
   number, unit and rank; then one column per blocking key (`BLOCKING_KEYS`), set to NULL
   where its block would hold more than `BLOCK_CAP` records.
2. `settings` is the Fellegi-Sunter model: comparisons on those keys and one equality rule
   per blocking key (OR-ed by Splink), so comparisons per record stay flat as the
   population grows.
3. `train` estimates the parameters without labels: lambda from deterministic rules on the
   hard identifiers, u by random sampling, m by expectation maximisation in two sessions.
4. `decide` turns scored pairs into automatic links (probability at least `AUTO_LINK` and
   a hard identifier agreeing), a review band (at least `REVIEW_FROM`) and the rest.

The trained parameters are saved as JSON (`save_model`) and loaded by the interactive path
(`haven.matching.model`), so the reception form scores with the same weights.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haven.matching.compare import normalise
from haven.matching.records import IdentityRecord

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

AUTO_LINK = 0.999
REVIEW_FROM = 0.5


def _first_syllable(key: str | None) -> str | None:
    return key.split(" ", 1)[0] if key else None


def _sorted(key: str | None) -> str | None:
    return " ".join(sorted(key.split())) if key else None


def derived(
    name1: str | None, name2: str | None, father: str | None, birth_year: int | None
) -> dict[str, Any]:
    """The columns computed from the name keys and birth year (joined, sorted, first, buckets)."""
    return {
        "name1": name1,
        "name2": name2,
        "ns1": name1.replace(" ", "") if name1 else None,
        "ns2": name2.replace(" ", "") if name2 else None,
        "sorted1": _sorted(name1),
        "first1": _first_syllable(name1),
        "first2": _first_syllable(name2),
        "father": father,
        "father_ns": father.replace(" ", "") if father else None,
        "father_first": _first_syllable(father),
        "birth_year": birth_year,
        # Two buckets of two years, offset by one: years one apart share a bucket.
        "year_a": birth_year // 2 if birth_year is not None else None,
        "year_b": (birth_year + 1) // 2 if birth_year is not None else None,
    }


def feature_row(record: IdentityRecord) -> dict[str, Any]:
    n = normalise(record)
    name1 = n.names[0] if n.names else None
    name2 = n.names[1] if len(n.names) > 1 else name1
    father = n.fathers[0] if n.fathers else None
    return {
        "unique_id": str(record.key),
        **derived(name1, name2, father, n.birth_year),
        "birth_date": n.birth_date,
        "nrc": n.nrc,
        "service_number": n.service_number,
        "unit": n.unit,
        "rank": n.rank,
    }


BLOCK_CAP = 80
"""A blocking key shared by more records than this blocks nothing (the key is set to NULL).

Without a cap, a key such as name + birth year makes blocks that grow with the square of
the population for common names ("Aung Aung" born in 1990): at a million records that is
hundreds of millions of comparisons. Pairs inside an over-full block are still found by
the narrower keys (name with unit, father's name or full birth date; the identifiers).
"""


@dataclass(frozen=True)
class BlockingKey:
    """A blocking key: the fields joined, on each side (`other`: the right side's fields)."""

    name: str
    fields: tuple[str, ...]
    other: tuple[str, ...] | None = None
    cap: int = BLOCK_CAP

    @property
    def rules(self) -> tuple[str, ...]:
        """The Splink rules: one equality, or both orientations of a cross-field key."""
        if self.other is None:
            return (f"l.{self.name} = r.{self.name}",)
        return (f"l.{self.name} = r.{self.name}_x", f"l.{self.name}_x = r.{self.name}")


BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey("b_nrc", ("nrc",), cap=20),
    BlockingKey("b_svc", ("service_number",), cap=20),
    BlockingKey("b_name", ("name1",), cap=60),
    BlockingKey("b_ns", ("ns1",), cap=60),
    BlockingKey("b_name_ya", ("name1", "year_a")),
    BlockingKey("b_name_yb", ("name1", "year_b")),
    BlockingKey("b_name_unit", ("name1", "unit")),
    BlockingKey("b_name_ff", ("name1", "father_first")),
    BlockingKey("b_name_date", ("name1", "birth_date")),
    BlockingKey("b_ns2_year", ("ns2", "birth_year")),
    BlockingKey("b_cross_year", ("name1", "birth_year"), other=("name2", "birth_year")),
    BlockingKey("b_cross_unit", ("name1", "unit"), other=("name2", "unit")),
    BlockingKey("b_father_year", ("father", "birth_year")),
    BlockingKey("b_first_ff_unit", ("first1", "father_first", "unit")),
    BlockingKey("b_ns_father", ("ns1", "father_ns")),
    BlockingKey("b_ns_ff_year", ("ns1", "father_first", "birth_year")),
    BlockingKey("b_name_year_rank", ("name1", "birth_year", "rank")),
)
BLOCKING_RULES: tuple[str, ...] = tuple(rule for key in BLOCKING_KEYS for rule in key.rules)


def _key_sql(fields: tuple[str, ...]) -> str:
    """The fields joined with '|' (NULL when any is missing), as DuckDB SQL."""
    return " || '|' || ".join(f"CAST({field} AS VARCHAR)" for field in fields)


def add_blocking_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Add one column per blocking key (two for a cross-field key), capped by block size.

    Computed in DuckDB (all cores, no Python strings per row); the column names and caps
    come from `BLOCKING_KEYS`, never from input.
    """
    import duckdb  # noqa: PLC0415 - heavy, loaded for the batch only

    columns = ["_row"]
    raw = ["_row"]
    for key in BLOCKING_KEYS:
        raw.append(f"{_key_sql(key.fields)} AS {key.name}")
        if key.other:
            raw.append(f"{_key_sql(key.other)} AS {key.name}_x")
    with duckdb.connect() as con:
        con.register("records", frame.assign(_row=range(len(frame))))
        con.execute(f"CREATE TEMP TABLE keyed AS SELECT {', '.join(raw)} FROM records")  # noqa: S608
        for key in BLOCKING_KEYS:
            names = [key.name, f"{key.name}_x"] if key.other else [key.name]
            union = " UNION ALL ".join(f"SELECT {name} AS v FROM keyed" for name in names)  # noqa: S608
            con.execute(
                f"CREATE TEMP TABLE full_{key.name} AS SELECT v FROM ({union}) "  # noqa: S608
                f"WHERE v IS NOT NULL GROUP BY v HAVING count(*) > {int(key.cap)}"
            )
            columns.extend(
                f"CASE WHEN {name} IN (SELECT v FROM full_{key.name}) THEN NULL "  # noqa: S608
                f"ELSE {name} END AS {name}"
                for name in names
            )
        keys = con.execute(f"SELECT {', '.join(columns)} FROM keyed ORDER BY _row").df()  # noqa: S608
    for name in keys.columns[1:]:
        frame[name] = keys[name].to_numpy()
    return frame


def features(records: Iterable[IdentityRecord]) -> pd.DataFrame:
    """Feature rows with the capped blocking-key columns (`add_blocking_keys`)."""
    import pandas as pd  # noqa: PLC0415 - heavy, loaded for the batch only

    frame = pd.DataFrame.from_records([feature_row(record) for record in records])
    return add_blocking_keys(frame)


def _any_pair(template: str) -> str:
    """The condition over the four pairings of the two name variants."""
    return " OR ".join(
        template.format(left=left, right=right)
        for left, right in (("1", "1"), ("1", "2"), ("2", "1"), ("2", "2"))
    )


def _least_distance(column: str = "ns") -> str:
    parts = ", ".join(
        f"levenshtein({column}{a}_l, {column}{b}_r)"
        for a, b in (("1", "1"), ("1", "2"), ("2", "1"), ("2", "2"))
    )
    return f"least({parts})"


def name_comparison() -> Any:
    """Name levels: syllable keys compared with order, as edits on the joined keys.

    Jaro-Winkler rewards a shared start, which brothers' names often have (Aung Kyaw, Aung
    Aung); edit distance on the keys without spaces does not, and tolerates joined syllables.
    """
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy, loaded for the batch only

    distance = _least_distance()
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Name in the phonetic key space, either script, with order",
        comparison_levels=[
            {"sql_condition": "name1_l IS NULL OR name1_r IS NULL", "is_null_level": True},
            {
                "sql_condition": "name1_l = name1_r",
                "label_for_charts": "Same keys",
                "tf_adjustment_column": "name1",
                "tf_adjustment_weight": 1.0,
            },
            {
                "sql_condition": _any_pair("name{left}_l = name{right}_r"),
                "label_for_charts": "Same keys in another variant",
            },
            {
                "sql_condition": _any_pair("ns{left}_l = ns{right}_r"),
                "label_for_charts": "Same keys, syllables joined or split",
            },
            {"sql_condition": f"{distance} <= 1", "label_for_charts": "One edit apart"},
            {"sql_condition": f"{distance} <= 2", "label_for_charts": "Two edits apart"},
            {
                "sql_condition": "sorted1_l = sorted1_r",
                "label_for_charts": "Same syllables, other order",
            },
            {
                "sql_condition": (
                    "starts_with(name1_l, name1_r || ' ') OR starts_with(name1_r, name1_l || ' ')"
                    " OR ends_with(name1_l, ' ' || name1_r) OR ends_with(name1_r, ' ' || name1_l)"
                ),
                "label_for_charts": "One name is the other with syllables added",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def father_comparison() -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy, loaded for the batch only

    return cl.CustomComparison(
        output_column_name="father",
        comparison_description="Father's name in the phonetic key space",
        comparison_levels=[
            {"sql_condition": "father_l IS NULL OR father_r IS NULL", "is_null_level": True},
            {"sql_condition": "father_l = father_r", "label_for_charts": "Same keys"},
            {"sql_condition": "father_ns_l = father_ns_r", "label_for_charts": "Same joined"},
            {
                "sql_condition": "levenshtein(father_ns_l, father_ns_r) <= 1",
                "label_for_charts": "One edit apart",
            },
            {
                "sql_condition": "levenshtein(father_ns_l, father_ns_r) <= 3",
                "label_for_charts": "Up to three edits apart",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def birth_comparison() -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy, loaded for the batch only

    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="Birth date or year",
        comparison_levels=[
            {
                "sql_condition": "birth_year_l IS NULL OR birth_year_r IS NULL",
                "is_null_level": True,
            },
            {"sql_condition": "birth_date_l = birth_date_r", "label_for_charts": "Same date"},
            {"sql_condition": "birth_year_l = birth_year_r", "label_for_charts": "Same year"},
            {
                "sql_condition": "abs(birth_year_l - birth_year_r) <= 1",
                "label_for_charts": "Year one apart",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def identifier_comparison(column: str) -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy, loaded for the batch only

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            {"sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL", "is_null_level": True},
            {"sql_condition": f"{column}_l = {column}_r", "label_for_charts": "Same"},
            {
                "sql_condition": f"levenshtein({column}_l, {column}_r) <= 1",
                "label_for_charts": "One typo apart",
            },
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def exact_comparison(column: str) -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy, loaded for the batch only

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            {"sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL", "is_null_level": True},
            {"sql_condition": f"{column}_l = {column}_r", "label_for_charts": "Same"},
            {"sql_condition": "ELSE", "label_for_charts": "Different"},
        ],
    )


def block_rule(sql: str) -> Any:
    from splink.blocking_rule_library import CustomRule  # noqa: PLC0415 - heavy, loaded for the batch only

    return CustomRule(sql)


def settings() -> Any:
    from splink import SettingsCreator  # noqa: PLC0415 - heavy, loaded for the batch only

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            name_comparison(),
            father_comparison(),
            birth_comparison(),
            identifier_comparison("nrc"),
            identifier_comparison("service_number"),
            exact_comparison("unit"),
            exact_comparison("rank"),
        ],
        blocking_rules_to_generate_predictions=[block_rule(rule) for rule in BLOCKING_RULES],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def train(linker: Any, *, seed: int = 1) -> None:
    """Unsupervised estimation: lambda, u by sampling, m by EM on two blocking rules.

    The second EM session blocks on the capped name + birth-year key, so its size stays
    proportional to the records, not to their square.
    """
    linker.training.estimate_probability_two_random_records_match(
        ["l.nrc = r.nrc", "l.service_number = r.service_number"], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.nrc = r.nrc", record_sample_proportion=1.0
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.b_name_ya = r.b_name_ya", record_sample_proportion=1.0
    )


@dataclass(frozen=True)
class Thresholds:
    auto_link: float = AUTO_LINK
    review_from: float = REVIEW_FROM


# A hard identifier agrees: NRC or service number equal, or the full birth date and the
# father's name keys equal. Written over the feature rows of the pair (aliases fl, fr).
HARD_AGREEMENT_SQL = (
    "fl.nrc = fr.nrc OR fl.service_number = fr.service_number"
    " OR (fl.birth_date = fr.birth_date AND fl.father = fr.father)"
)
