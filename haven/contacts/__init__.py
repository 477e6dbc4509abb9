"""First contacts of soldiers still inside, under code names, seen by the negotiation team alone."""
