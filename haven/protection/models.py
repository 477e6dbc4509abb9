"""Tables of protection (none yet)."""
