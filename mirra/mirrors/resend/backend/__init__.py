"""The Resend backend: vendor-named operations on one session's state, knowing nothing of HTTP.

One mixin per resource keeps each module small; they share `BackendBase`.
"""

from mirra.mirrors.resend.backend.api_keys import ApiKeys
from mirra.mirrors.resend.backend.broadcasts import Broadcasts
from mirra.mirrors.resend.backend.contacts import Contacts
from mirra.mirrors.resend.backend.domains import Domains
from mirra.mirrors.resend.backend.emails import Emails
from mirra.mirrors.resend.backend.lifecycle import Lifecycle
from mirra.mirrors.resend.backend.templates import Templates
from mirra.mirrors.resend.backend.topics import Topics
from mirra.mirrors.resend.backend.webhooks import Webhooks


class ResendBackend(Emails, Lifecycle, Domains, ApiKeys, Contacts, Topics, Templates, Broadcasts, Webhooks):
    pass


__all__ = ["ResendBackend"]
