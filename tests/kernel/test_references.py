"""Reference numbers: the check character catches every single typo and every swap of two
adjacent characters; parsing forgives case, spaces, hyphens and look-alike letters."""

from __future__ import annotations

import random

import pytest

from haven.kernel import references
from haven.kernel.references import ALPHABET, BadReference, Kind, is_valid, new_reference, parse


def _compact(reference: str) -> str:
    return reference.replace("-", "")


def _references() -> list[str]:
    rng = random.Random(2026)  # noqa: S311 - a repeatable sample, not a secret
    out = []
    for n in range(60):
        kind = list(Kind)[n % len(Kind)]
        body = "".join(rng.choice(ALPHABET) for _ in range(references.BODY_LENGTH))
        out.append(kind.value + body + references.check_character(kind.value + body))
    return out


def test_a_new_reference_has_its_shape_and_a_right_check() -> None:
    for kind in Kind:
        value = new_reference(kind)
        assert len(value) == references.LENGTH
        assert value.startswith(kind.value + "-")
        assert is_valid(_compact(value))
        assert parse(value, kind) == value


def test_every_single_wrong_character_is_caught() -> None:
    for compact in _references():
        assert is_valid(compact)
        for position, original in enumerate(compact):
            for other in ALPHABET:
                if other != original:
                    typo = compact[:position] + other + compact[position + 1 :]
                    assert not is_valid(typo), (compact, typo)


def test_every_swap_of_two_adjacent_characters_is_caught() -> None:
    for compact in _references():
        for position in range(len(compact) - 1):
            a, b = compact[position], compact[position + 1]
            if a != b:
                swapped = compact[:position] + b + a + compact[position + 2 :]
                assert not is_valid(swapped), (compact, swapped)


def test_parsing_forgives_case_spaces_hyphens_and_look_alikes() -> None:
    value = "P-" + "0" * 5 + "1"
    value += references.check_character(_compact(value))
    body = value[2:]
    assert parse(value.lower()) == value
    assert parse(" p " + body[:3] + " - " + body[3:] + " ") == value
    assert parse("P" + body.replace("0", "O").replace("1", "l")) == value
    assert parse("p-" + body.replace("0", "o").replace("1", "I")) == value
    # Without its kind letter, where the form knows the kind.
    assert parse(body, Kind.PERSON) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", references.NOT_A_REFERENCE),
        ("hello", references.NOT_A_REFERENCE),
        ("X-1234567", references.NOT_A_REFERENCE),
        ("P-12345U7", references.NOT_A_REFERENCE),
        ("P-1234567890", references.NOT_A_REFERENCE),
    ],
)
def test_text_that_is_no_reference_says_so(text: str, message: str) -> None:
    with pytest.raises(BadReference) as raised:
        parse(text, Kind.PERSON)
    assert raised.value.args[0] == message


def test_a_typo_and_another_kind_say_so() -> None:
    value = new_reference(Kind.AGREEMENT)
    wrong = value[:-1] + next(c for c in ALPHABET if c != value[-1])
    with pytest.raises(BadReference) as typo:
        parse(wrong, Kind.AGREEMENT)
    assert typo.value.args[0] == references.TYPO
    with pytest.raises(BadReference) as other:
        parse(value, Kind.PERSON)
    assert other.value.args[0] == references.OTHER_KIND
