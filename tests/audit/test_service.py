from __future__ import annotations

from haven.audit.service import REDACTED, diff


def test_diff_lists_only_changed_fields() -> None:
    changes = diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": "new"})
    assert changes == {"b": {"before": 2, "after": 3}, "c": {"before": None, "after": "new"}}


def test_sensitive_fields_are_marked_changed_without_values() -> None:
    changes = diff(
        {"whereabouts": "Village A"}, {"whereabouts": "Village B"}, sensitive={"whereabouts"}
    )
    assert changes == {"whereabouts": REDACTED}
    assert "Village" not in str(changes)
