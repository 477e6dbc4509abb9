"""Errors of synchronisation: each says what happened and what to do, never a value."""

from __future__ import annotations

from haven.errors import HavenError
from haven.i18n import N_


class SyncRefused(HavenError):
    """A bundle or request a node will not take (damaged, out of place, not for it)."""

    code = "sync_refused"
    status = 409
    default_message = N_("The bundle was refused.")


class NotANode(SyncRefused):
    code = "not_a_node"
    default_message = N_("This database is not a synchronisation node yet: run haven node init.")


class NodeRevoked(SyncRefused):
    code = "node_revoked"
    status = 403
    default_message = N_("This field node was revoked at headquarters: its bundles are refused.")


class UnknownNode(SyncRefused):
    code = "unknown_node"
    status = 403
    default_message = N_("Headquarters does not know this field node.")


class BadEnrolmentCode(SyncRefused):
    code = "bad_enrolment_code"
    status = 403
    default_message = N_("This enrolment code is not valid: ask headquarters for a new one.")


class WrongHeadquarters(SyncRefused):
    code = "wrong_headquarters"
    status = 403
    default_message = N_("The answer did not come from the headquarters that issued this code.")
