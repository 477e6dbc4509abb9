"""The programme's own settings, one row per organisation: the legal framework of the conflict
(docs/legal-framework.md)."""
