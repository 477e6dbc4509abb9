"""Tables of contacts (none yet)."""
