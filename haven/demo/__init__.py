"""Synthetic demonstration data (never real people). Safe to load twice."""
