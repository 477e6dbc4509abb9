"""Duplicate detection and watchlist screening for Burmese names."""
