"""The Resend mirror's tables: every Resend object is a document in `resend_objects`."""

from __future__ import annotations

from sqlalchemy import MetaData

from mirra.mirrors.documents import document_table

metadata = MetaData()

objects = document_table("resend_objects", metadata)

# The state dump's key for each kind, in the order it shows them.
STATE_KEYS = {
    "email": "emails",
    "domain": "domains",
    "api_key": "apiKeys",
    "segment": "segments",
    "contact": "contacts",
    "contact_property": "contactProperties",
    "topic": "topics",
    "template": "templates",
    "broadcast": "broadcasts",
    "webhook": "webhooks",
}
