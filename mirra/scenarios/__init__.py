"""`mirra run`: markdown scenarios, runs in fresh sessions, [D] checks and the [P] judge."""
