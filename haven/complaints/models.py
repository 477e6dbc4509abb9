"""Tables of complaints (none yet)."""
