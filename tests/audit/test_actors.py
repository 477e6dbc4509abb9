"""Who acted, as the audit trail shows it: Haven's own words translated, a username as stored
(issue 20, finding 8)."""

from __future__ import annotations

import pytest

from haven.audit.actors import actor_text
from haven.i18n import Msgid


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        ("system", "System"),
        ("restore", "Restore from a backup"),
        ("vetting screening", "Vetting screening"),
        ("vetting screening for system", "Vetting screening for System"),
        ("vetting screening for user3", "Vetting screening for user3"),
        ("revision 0030", "Database revision 0030"),
    ],
)
def test_a_system_actors_label_is_a_translatable_message(stored: str, english: str) -> None:
    text = actor_text(stored, is_system=True)
    assert text is not None
    assert text.render("en") == english
    assert isinstance(text.msgid, Msgid)
    assert text.msgid.context == "actor"


@pytest.mark.parametrize(
    ("stored", "is_system"),
    [("system", False), ("vetting screening for x", False), ("page sweep", True)],
)
def test_a_username_or_an_unknown_label_is_shown_as_stored(stored: str, is_system: bool) -> None:
    assert actor_text(stored, is_system=is_system) is None
