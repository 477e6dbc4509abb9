"""The audit trail: every change, and every read of a sensitive record, leaves an event."""
