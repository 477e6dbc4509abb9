"""What the weapons domain does when another domain's event happens.

Erasure of a defector (`PersonErased`) needs nothing here: the stores' tables hold no link
to a person and nothing about one. Items stay on the ledger; they reach a person only
through the reception, whose skeleton erasure keeps (docs/weapons.md).
"""
