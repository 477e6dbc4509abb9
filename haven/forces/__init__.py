"""Forces, their rank tables and units, and rank equivalence between forces."""
