"""Persons the programme serves: identity, family, documents."""
