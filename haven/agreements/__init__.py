"""Defection agreements with commanders, nominal rolls, crossing day and reconciliation."""
