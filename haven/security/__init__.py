"""Passwords, login sessions, API tokens, CSRF and permissions."""
