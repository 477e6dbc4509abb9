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
   hard identifiers, u by random sampling, m by expectation maximisation in two sessions
   blocked on the hard identifiers.
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
REVIEW_FROM = 0.1
"""Pairs at least this probable go to two reviewers, in review groups (`haven.matching.groups`).

Chosen on the benchmark's review-band curve (docs/benchmarks.md, issue 23): from 0.1, recall
with review passes 0.99 on Haven's own set while the groups to decide stay under 10 per 100
registrations; from 0.5 (until issue 23, when reviewers decided pairs) recall stopped at 0.98.
"""


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

SKELETON_PATTERN = r"([^aeiou ]*)[aeiou][^ ]*"
"""A syllable key cut before its first vowel: "caw pyo min" -> "c py m" (`model.skeleton`)."""


def skeleton_sql(column: str) -> str:
    """DuckDB SQL for the consonants of a name's syllable keys (`SKELETON_PATTERN`).

    The published romanisation systems and people's own spellings of one Burmese name differ
    mostly in the vowels and tones (MLCTS "Kyau", informal "Kyaw"; "Mui", "Moe"), far less in
    the consonants, which the key classes already fold (t/th/ht, k/kh, ky/gy/ch).
    """
    return f"regexp_replace({column}, '{SKELETON_PATTERN}', '\\1', 'g')"


KEY_COLUMNS: dict[str, str] = {
    # An NRC in two halves (township and the first three digits; township and the rest): a
    # one-digit typo leaves one half whole, so the two registrations still meet.
    "nrc_head": "nullif(regexp_extract(CAST(nrc AS VARCHAR), '^(.*\\)[0-9]{3})[0-9]+$', 1), '')",
    "nrc_tail": (
        "nullif(regexp_replace(CAST(nrc AS VARCHAR), '^(.*\\))[0-9]{3}([0-9]+)$', '\\1#\\2'), "
        "CAST(nrc AS VARCHAR))"
    ),
    # The name's consonants (`SKELETON_SQL`): spellings of one name in two romanisation
    # systems differ mostly in their vowels and tones.
    "skel1": f"CASE WHEN contains(name1, ' ') THEN {skeleton_sql('name1')} END",
    # The name of a registration without a birth year: no year key holds it (see b_noyear).
    "name_noyear": "CASE WHEN birth_year IS NULL THEN name1 END",
}
"""Key-only columns, computed in DuckDB from the feature columns (never kept in the frame)."""


@dataclass(frozen=True)
class BlockingKey:
    """A blocking key: the fields joined, on each side (`other`: the right side's fields).

    A block is dropped when more than `cap` records hold its value; an asymmetric key (a
    left side that only some records have, matched against a field every record has) is
    capped by the comparisons it makes instead, `cap_pairs` = left count x right count.
    """

    name: str
    fields: tuple[str, ...]
    other: tuple[str, ...] | None = None
    cap: int = BLOCK_CAP
    cap_pairs: int | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """The Splink rules: one equality, or both orientations of a cross-field key."""
        if self.other is None:
            return (f"l.{self.name} = r.{self.name}",)
        return (f"l.{self.name} = r.{self.name}_x", f"l.{self.name}_x = r.{self.name}")


NAME_YEAR_CAP = 160
"""The cap of the name + birth-year keys: wider than `BLOCK_CAP`, since two registrations
of a common name with the same year and nothing else in common have no narrower key (at a
million records a common name's year holds a few hundred people)."""

NO_YEAR_PAIRS = 20_000
"""Comparisons one value of an asymmetric no-year key may make (`b_noyear`, `b_noyear_rank`):
a registration without a birth year meets everyone of its name (and rank) as long as that
stays under 20,000 pairs; with a year, the year keys narrow the name instead."""

BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey("b_nrc", ("nrc",), cap=20),
    BlockingKey("b_svc", ("service_number",), cap=20),
    BlockingKey("b_name", ("name1",), cap=60),
    BlockingKey("b_ns", ("ns1",), cap=60),
    BlockingKey("b_name_ya", ("name1", "year_a"), cap=NAME_YEAR_CAP),
    BlockingKey("b_name_yb", ("name1", "year_b"), cap=NAME_YEAR_CAP),
    BlockingKey("b_name_unit", ("name1", "unit")),
    BlockingKey("b_name_ff", ("name1", "father_first")),
    BlockingKey("b_name_date", ("name1", "birth_date")),
    BlockingKey("b_ns2_year", ("ns2", "birth_year"), cap=NAME_YEAR_CAP),
    BlockingKey(
        "b_cross_year", ("name1", "birth_year"), other=("name2", "birth_year"), cap=NAME_YEAR_CAP
    ),
    BlockingKey("b_cross_unit", ("name1", "unit"), other=("name2", "unit")),
    BlockingKey("b_father_year", ("father", "birth_year")),
    BlockingKey("b_first_ff_unit", ("first1", "father_first", "unit")),
    BlockingKey("b_ns_father", ("ns1", "father_ns")),
    BlockingKey("b_ns_ff_year", ("ns1", "father_first", "birth_year")),
    BlockingKey("b_name_year_rank", ("name1", "birth_year", "rank")),
    # Keys that stay narrow at a million records, for pairs whose name keys differ or whose
    # name blocks are over-full (measured on the benchmark's missed pairs, docs/benchmarks.md).
    BlockingKey("b_father_ya", ("father", "year_a")),
    BlockingKey("b_father_yb", ("father", "year_b")),
    BlockingKey("b_first_year_unit", ("first1", "birth_year", "unit")),
    BlockingKey("b_date_unit", ("birth_date", "unit")),
    BlockingKey("b_first_date", ("first1", "birth_date")),
    BlockingKey("b_name_rank_yb", ("name1", "rank", "year_b")),
    BlockingKey("b_nrc_head", ("nrc_head",), cap=20),
    BlockingKey("b_nrc_tail", ("nrc_tail",), cap=20),
    BlockingKey("b_father_unit", ("father", "unit")),
    BlockingKey("b_skel_year", ("skel1", "birth_year")),
    BlockingKey("b_skel_ff", ("skel1", "father_first")),
    BlockingKey("b_noyear", ("name_noyear",), other=("name1",), cap_pairs=NO_YEAR_PAIRS),
    BlockingKey(
        "b_noyear_rank", ("name_noyear", "rank"), other=("name1", "rank"), cap_pairs=NO_YEAR_PAIRS
    ),
)
BLOCKING_RULES: tuple[str, ...] = tuple(rule for key in BLOCKING_KEYS for rule in key.rules)


def _key_sql(fields: tuple[str, ...]) -> str:
    """The fields joined with '|' (NULL when any is missing), as DuckDB SQL."""
    return " || '|' || ".join(
        f"CAST({KEY_COLUMNS.get(field, field)} AS VARCHAR)" for field in fields
    )


def _over_full(key: BlockingKey) -> str:
    """The query for the values of `key` whose blocks are over its cap."""
    if key.cap_pairs is not None and key.other:
        return (
            f"SELECT l.v FROM (SELECT {key.name} AS v, count(*) AS n FROM keyed "  # noqa: S608
            f"WHERE {key.name} IS NOT NULL GROUP BY 1) l JOIN (SELECT {key.name}_x AS v, "
            f"count(*) AS n FROM keyed WHERE {key.name}_x IS NOT NULL GROUP BY 1) r "
            f"ON l.v = r.v WHERE l.n * r.n > {int(key.cap_pairs)}"
        )
    names = [key.name, f"{key.name}_x"] if key.other else [key.name]
    union = " UNION ALL ".join(f"SELECT {name} AS v FROM keyed" for name in names)  # noqa: S608
    return (
        f"SELECT v FROM ({union}) WHERE v IS NOT NULL GROUP BY v HAVING count(*) > {int(key.cap)}"  # noqa: S608
    )


def add_blocking_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Add one column per blocking key (two for a cross-field key), capped by block size.

    Computed in DuckDB (all cores, no Python strings per row); the column names, key columns
    and caps come from `BLOCKING_KEYS` and `KEY_COLUMNS`, never from input. A key is kept as
    a 63-bit hash of its value (nullable integers): blocking only tests equality, and at a
    million records some forty string columns would cost gigabytes. Two values sharing a
    hash (about one chance in ten million at that size) only add a comparison the model scores.
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
            con.execute(f"CREATE TEMP TABLE full_{key.name} AS {_over_full(key)}")
            columns.extend(
                f"CASE WHEN {name} IS NULL OR {name} IN (SELECT v FROM full_{key.name}) "  # noqa: S608
                f"THEN NULL ELSE (hash({name}) >> 1)::BIGINT END AS {name}"
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
            {
                # Two or more syllables, the same consonants: the vowels were spelled in
                # different systems (an edit distance of three or more on the keys).
                "sql_condition": _any_pair(
                    "contains(name{left}_l, ' ') AND "
                    + skeleton_sql("name{left}_l")
                    + " = "
                    + skeleton_sql("name{right}_r")
                ),
                "label_for_charts": "Same consonants, vowels spelled otherwise",
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


# Two full birth dates (ISO 'YYYY-MM-DD') one slip apart: one character differs, day and
# month swapped, or the year one apart with the same day and month. Two full dates that
# differ in any other way are evidence against (the same year is not evidence for them).
DATE_SLIP_SQL = (
    "birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL AND ("
    "hamming(birth_date_l, birth_date_r) <= 1"
    " OR (left(birth_date_l, 4) = left(birth_date_r, 4)"
    " AND substr(birth_date_l, 6, 2) = substr(birth_date_r, 9, 2)"
    " AND substr(birth_date_l, 9, 2) = substr(birth_date_r, 6, 2))"
    " OR (abs(birth_year_l - birth_year_r) = 1"
    " AND substr(birth_date_l, 6) = substr(birth_date_r, 6)))"
)


DATES_DIFFER_M = 0.01


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
            {"sql_condition": DATE_SLIP_SQL, "label_for_charts": "Dates one slip apart"},
            {
                "sql_condition": "birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL",
                "label_for_charts": "Two full dates that differ",
                # Fixed, not learnt: the share of one person's registrations giving two
                # unrelated full dates (an official and a real birth date). Expectation
                # maximisation on name blocks otherwise drifts to a solution where namesakes
                # born on different days count as one person.
                "m_probability": DATES_DIFFER_M,
                "fix_m_probability": True,
            },
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

    Both EM sessions block on a hard identifier (NRC, then service number), so the pairs
    they see are nearly all one person and each session estimates the other's identifier.
    A session blocked on names instead (name + birth-year bucket, until issue 23) lets
    expectation maximisation count namesakes as one person: it learnt that two different
    service numbers, NRCs or fathers say little against a match (about -1 bit instead of
    -10), which filled the review band with namesakes. Blocks on an identifier stay
    proportional to the records, not to their square. Where one identifier is missing from
    the data, a session on the capped name + birth-year key takes its place.
    """
    linker.training.estimate_probability_two_random_records_match(
        ["l.nrc = r.nrc", "l.service_number = r.service_number"], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    from splink.internals.exceptions import EMTrainingException  # noqa: PLC0415 - heavy

    sessions = 0
    for rule in ("l.nrc = r.nrc", "l.service_number = r.service_number"):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, record_sample_proportion=1.0
            )
        except EMTrainingException:  # no two records share this identifier
            continue
        sessions += 1
    if sessions < 2:
        # Data without one of the identifiers (FEBRL has no service numbers): the
        # identifier the first session blocked on is estimated on the name blocks.
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
