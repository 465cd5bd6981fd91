"""Vendor-agnostic webhook delivery: a queue of deliveries, attempts on the session's job runner,
retries on each vendor's schedule, and a log of every attempt. Vendors only sign (`SIGNERS`)."""
