"""The shared kernel: types every domain uses (sensitivity, text fields, keys, labels, the
state machine, events, the repository base). It imports no domain."""
