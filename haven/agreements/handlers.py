"""What the agreements domain does when another domain's event happens (docs/architecture.md)."""
