"""The `mirra` command line: a client of the control API, never of the session databases."""
