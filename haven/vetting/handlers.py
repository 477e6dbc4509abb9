"""What the vetting domain does when another domain's event happens (docs/architecture.md)."""
