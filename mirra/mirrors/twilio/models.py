"""The Twilio mirror's tables: every object is a document in `twilio_objects`.

A document is `{"id": <SID>, "created": <unix>, "account": <AC SID>, "resource": <what the API
returns>, ...}`: the resource is kept exactly as rendered, next to the mirror's own fields (auth
tokens, a message's planned outcome, a verification's code).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from mirra.mirrors.documents import document_table

metadata = MetaData()

objects = document_table("twilio_objects", metadata)
