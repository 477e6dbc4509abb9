"""Programme identity cards: a signed QR code a checkpoint verifies offline, and nothing on the
card that betrays its holder."""
