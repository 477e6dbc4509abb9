"""Field nodes and synchronisation with headquarters (docs/field-sites.md)."""
