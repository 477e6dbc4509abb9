"""A screening hit's explanation is stored as facts and written in the reader's language."""

from __future__ import annotations

from datetime import date

from haven import i18n
from haven.vetting import explanations as e


def test_a_name_hit_is_explained_in_the_readers_language() -> None:
    stored = e.name_hit(
        e.perpetrator(name="Kyaw Zin Oo", rank="Captain", unit="LIB 531", incident="INC-7"),
        ["same unit"],
    )
    english = e.render(stored, "en")
    assert english == (
        "Name may be alleged perpetrator “Captain Kyaw Zin Oo” (LIB 531) of incident INC-7: "
        "same unit."
    )
    burmese = e.render(stored, "my")
    assert "same unit" not in burmese  # the matching's reason, in Burmese
    assert i18n.gettext("same unit", "my") in burmese
    assert "Kyaw Zin Oo" in burmese  # names stay as written


def test_a_unit_hit_names_the_incident_kind_in_words_and_old_sentences_stay() -> None:
    stored = e.unit_hit(
        unit="LIB-531",
        incident="INC-7",
        kind="massacre",
        period="2021-12",
        township=None,
        start=None,
        end=date(2022, 6, 15),
    )
    english = e.render(stored, "en")
    assert f"({i18n.render(e.KIND_LABELS['massacre'], 'en')}, 2021-12)" in english
    assert "from an unknown date to 2022-06-15" in english
    assert e.render("Unit X was implicated.", "my") == "Unit X was implicated."
    assert e.render(None) == ""
