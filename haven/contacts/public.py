"""The contacts domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Nothing of a contact is offered to other domains: contacts are the negotiation team's alone,
and the person page shows nothing of them (docs/contacts.md). Only the labels are here.
"""

from __future__ import annotations

from haven.contacts.lifecycle import CONTACT_LABELS, ContactStatus

__all__ = ["CONTACT_LABELS", "ContactStatus"]
