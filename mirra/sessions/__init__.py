"""Sessions: the unit of isolation. Each has its own SQLite file, clock, ids and state."""
