"""Tables of families (none yet)."""
