"""Organisations, sites (reception points) and the users who work in them."""
