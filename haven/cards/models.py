"""Tables of cards (none yet)."""
