"""Tables of the weapons stores and their ledger."""
