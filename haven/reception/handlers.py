"""What the reception domain does when another domain's event happens (docs/architecture.md)."""
