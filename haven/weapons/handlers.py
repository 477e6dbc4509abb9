"""What the weapons domain does when another domain's event happens."""
