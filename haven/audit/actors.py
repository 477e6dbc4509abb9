"""Who acted, as the audit trail shows it: a user's label is their username (data, shown as
stored); a system actor's label is Haven's own words (`Actor.system(label)`), shown through a
translatable label in the reader's language. The stored label never changes: it is part of
the event's hash."""

from __future__ import annotations

from haven.i18n import NC_, Text

# The labels Haven's own system actors write (haven/security/permissions.py `Actor.system`,
# the command line, jobs, restore, the demo, login before a user is known, matching).
SYSTEM_LABELS: dict[str, str] = {
    "system": NC_("actor", "System"),
    "restore": NC_("actor", "Restore from a backup"),
    "matching": NC_("actor", "Duplicate matching"),
    "demo": NC_("actor", "Demonstration data"),
    "anonymous": NC_("actor", "Anonymous visitor"),
    "vetting screening": NC_("actor", "Vetting screening"),
}

# Labels made of Haven's words and a value: (stored prefix, msgid with {value}). The
# screening's label names who asked for it (haven/vetting/screening.py `_screener`); a
# migration's, its revision.
PREFIXED: tuple[tuple[str, str], ...] = (
    ("vetting screening for ", NC_("actor", "Vetting screening for {value}")),
    ("revision ", NC_("actor", "Database revision {value}")),
)


def actor_text(label: str, *, is_system: bool) -> Text | None:
    """The stored `label` as a reader sees it when it is Haven's own words (a system actor's
    label), translated; None for a label shown as stored (a username, an unknown label)."""
    if not is_system:
        return None
    if label in SYSTEM_LABELS:
        return Text(SYSTEM_LABELS[label])
    for prefix, msgid in PREFIXED:
        if label.startswith(prefix) and len(label) > len(prefix):
            rest = label[len(prefix) :]
            # The one who asked may be a system actor too ("vetting screening for system").
            value: Text | str = Text(SYSTEM_LABELS[rest]) if rest in SYSTEM_LABELS else rest
            return Text(msgid, {"value": value})
    return None
