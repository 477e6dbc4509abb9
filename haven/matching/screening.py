"""Screening one person against lists of alleged perpetrators and watchlists.

Tuned for recall: missing a perpetrator who registers under a variant spelling is far worse
than a reviewer dismissing an alert. The rule:

1. Candidates: every entry whose name (in either script, in the phonetic key space of
   `haven.matching.phonetic`, order-aware) is at least `NAME_CANDIDATE` similar to one of
   the person's names, and every entry sharing an NRC or service number (a typo apart).
2. Each candidate gets a score, a sum of evidence weights (log2 odds, see `WEIGHTS`), and
   the reasons in plain words.
3. An entry is an alert when a hard identifier agrees, or when the score reaches
   `ALERT_AT`. A birth-date mismatch never lowers the score used for that decision (it is
   reported as a reason only): people misstate their age, lists guess it, and a birth-date
   mismatch alone must never clear a hit.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.fuzz import ratio

from haven.i18n import N_
from haven.matching.compare import (
    Normalised,
    birth_agreement,
    identifier_agreement,
    name_similarity,
    normalise,
)
from haven.matching.records import IdentityRecord, ScreeningMatch

NAME_CANDIDATE = 0.78  # name similarity (0..1) that makes an entry a candidate
ALERT_AT = 6.0  # score at which a candidate is an alert

# Evidence weights, in log2 odds (m/u ratios rounded from the synthetic benchmark).
WEIGHTS = {
    "name_exact": 8.0,
    "name_close": 6.0,  # similarity >= 0.9
    "name_similar": 3.0,  # similarity >= NAME_CANDIDATE
    "father_agree": 5.0,
    "father_disagree": -6.0,
    "id_agree": 12.0,
    "id_typo": 6.0,
    "id_disagree": -6.0,
    "birth_date": 3.0,
    "birth_year": 2.0,
    "birth_near": 1.0,
    "unit_agree": 3.0,
    "rank_agree": 1.0,
}

REASONS = {
    "name_exact": N_("name sounds the same"),
    "name_close": N_("name sounds almost the same"),
    "name_similar": N_("name sounds similar"),
    "father_agree": N_("father's name sounds the same"),
    "father_disagree": N_("father's name differs"),
    "nrc_agree": N_("same NRC"),
    "nrc_typo": N_("NRC one character apart"),
    "nrc_disagree": N_("NRC differs"),
    "service_agree": N_("same service number"),
    "service_typo": N_("service number one character apart"),
    "service_disagree": N_("service number differs"),
    "birth_date": N_("same birth date"),
    "birth_year": N_("same birth year"),
    "birth_near": N_("birth year one apart"),
    "birth_mismatch": N_("birth year differs (does not clear the alert)"),
    "unit_agree": N_("same unit"),
    "rank_agree": N_("same rank"),
}


def _name_evidence(similarity: float | None) -> str | None:
    if similarity is None:
        return None
    if similarity >= 0.999:
        return "name_exact"
    if similarity >= 0.9:
        return "name_close"
    if similarity >= NAME_CANDIDATE:
        return "name_similar"
    return None


def _identifier(kind: str, agreement: int | None) -> tuple[float, str | None, bool]:
    if agreement is None:
        return 0.0, None, False
    if agreement == 2:
        return WEIGHTS["id_agree"], f"{kind}_agree", True
    if agreement == 1:
        return WEIGHTS["id_typo"], f"{kind}_typo", False
    return WEIGHTS["id_disagree"], f"{kind}_disagree", False


def score_pair(person: Normalised, entry: Normalised) -> tuple[float, tuple[str, ...], bool]:
    """The decision score (birth mismatch excluded), the reason keys and hard-id agreement."""
    score = 0.0
    reasons: list[str] = []
    hard = False
    name = _name_evidence(name_similarity(person.names, entry.names))
    if name is not None:
        score += WEIGHTS[name]
        reasons.append(name)
    father = name_similarity(person.fathers, entry.fathers)
    if father is not None:
        if father >= 0.85:
            score += WEIGHTS["father_agree"]
            reasons.append("father_agree")
        elif father < 0.6:
            score += WEIGHTS["father_disagree"]
            reasons.append("father_disagree")
    for kind, left, right in (
        ("nrc", person.nrc, entry.nrc),
        ("service", person.service_number, entry.service_number),
    ):
        weight, reason, agrees = _identifier(kind, identifier_agreement(left, right))
        score += weight
        hard = hard or agrees
        if reason:
            reasons.append(reason)
    birth = birth_agreement(person, entry)
    if birth == 3:
        score += WEIGHTS["birth_date"]
        reasons.append("birth_date")
    elif birth == 2:
        score += WEIGHTS["birth_year"]
        reasons.append("birth_year")
    elif birth == 1:
        score += WEIGHTS["birth_near"]
        reasons.append("birth_near")
    elif birth == 0:
        reasons.append("birth_mismatch")  # reported, never counted against the hit
    if person.unit and entry.unit and person.unit == entry.unit:
        score += WEIGHTS["unit_agree"]
        reasons.append("unit_agree")
    if person.rank and entry.rank and person.rank == entry.rank:
        score += WEIGHTS["rank_agree"]
        reasons.append("rank_agree")
    return score, tuple(reasons), hard


def _candidates(person: Normalised, entries: Sequence[Normalised]) -> set[int]:
    found: set[int] = set()
    choices: list[str] = []
    owners: list[int] = []
    for index, entry in enumerate(entries):
        for name in entry.names:
            choices.append(name)
            owners.append(index)
        if (person.nrc and person.nrc == entry.nrc) or (
            person.service_number and person.service_number == entry.service_number
        ) or (
            identifier_agreement(person.nrc, entry.nrc) == 1
            or identifier_agreement(person.service_number, entry.service_number) == 1
        ):
            found.add(index)
    cutoff = NAME_CANDIDATE * 100 * 0.95  # the no-space comparison is discounted by 0.98
    for name in person.names:
        for variant in (name, name.replace(" ", "")):
            pool = choices if variant == name else [c.replace(" ", "") for c in choices]
            for _, _, position in process.extract(
                variant, pool, scorer=ratio, score_cutoff=cutoff, limit=None
            ):
                found.add(owners[position])
    return found


def screen_against(
    person: IdentityRecord, entries: Sequence[IdentityRecord]
) -> list[ScreeningMatch]:
    """The entries that may be `person`, strongest first, each with its reasons.

    Reasons are English msgids (translate with `_()` for display).
    """
    subject = normalise(person)
    normalised = [normalise(entry) for entry in entries]
    matches: list[ScreeningMatch] = []
    for index in _candidates(subject, normalised):
        score, reasons, hard = score_pair(subject, normalised[index])
        if hard or score >= ALERT_AT:
            matches.append(
                ScreeningMatch(
                    entry_key=entries[index].key,
                    score=round(score, 2),
                    reasons=tuple(REASONS[reason] for reason in reasons),
                )
            )
    matches.sort(key=lambda match: (-match.score, str(match.entry_key)))
    return matches
