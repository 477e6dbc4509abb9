"""The standing domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains")."""
