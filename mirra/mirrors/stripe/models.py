"""The Stripe mirror's tables: every Stripe object is a document in `stripe_objects`."""

from __future__ import annotations

from sqlalchemy import MetaData

from mirra.mirrors.documents import document_table

metadata = MetaData()

objects = document_table("stripe_objects", metadata)

# Kinds kept for the mirror's own bookkeeping: their writes are not announced as state changes.
BOOKKEEPING = frozenset({"event", "webhook_endpoint_secret"})
