"""Defection-plan policy, funders, entitlements, payment batches and the ledger."""
