"""Weapons and ammunition after reception: stores, custody, stock checks, transfers,
re-issue to a receiving force's unit and destruction, on a ledger that always balances
(docs/weapons.md)."""
