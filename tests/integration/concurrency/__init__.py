"""Many officers at once: N processes released together on the same rows, invariants after."""
