"""The Resend mirror's tables: every Resend object is a document in `resend_objects`."""

from __future__ import annotations

from sqlalchemy import MetaData

from mirra.mirrors.documents import document_table

metadata = MetaData()

objects = document_table("resend_objects", metadata)

# The kinds of the state dump's `objects`, in the order it shows them (Resend's `object` names).
KINDS = ("email", "domain", "api_key", "segment", "contact", "contact_property", "topic", "template", "broadcast", "webhook")
