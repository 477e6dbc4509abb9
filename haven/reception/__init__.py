"""Reception events (defection, surrender, capture, disengagement, children) and weapons."""
