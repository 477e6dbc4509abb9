"""The `haven` command."""
