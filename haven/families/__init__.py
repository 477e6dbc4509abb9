"""Family-movement plans: moving a defector's relatives from danger to a safe place, step by
step."""
