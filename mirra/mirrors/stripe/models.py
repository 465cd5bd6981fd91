"""The Stripe mirror's tables: every Stripe object is a document in `stripe_objects`."""

from __future__ import annotations

from sqlalchemy import MetaData

from mirra.mirrors.documents import document_table

metadata = MetaData()

objects = document_table("stripe_objects", metadata)

# Kinds only the mirror sees (never returned by the API, left out of state dumps).
PRIVATE = frozenset({"webhook_endpoint_secret", "card_number", "billing_timer", "checkout_session_request"})
# Kinds kept for the mirror's own bookkeeping: their writes are not announced as state changes.
BOOKKEEPING = PRIVATE | {"event"}
