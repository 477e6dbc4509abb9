"""A person's standing in the programme, computed in one place (docs/standing.md)."""
