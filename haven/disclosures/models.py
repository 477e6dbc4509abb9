"""Tables of disclosures (none yet)."""
