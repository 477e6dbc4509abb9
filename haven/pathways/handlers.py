"""What the pathways domain does when another domain's event happens (docs/architecture.md)."""
