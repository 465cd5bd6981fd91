"""The Stripe backend: vendor-named operations on one session's state, knowing nothing of HTTP.

Inspect state through `documents` (every object as Stripe's JSON). One mixin per resource keeps
each module small; they share `BackendBase`.
"""

from mirra.mirrors.stripe.backend.checkout import Checkout
from mirra.mirrors.stripe.backend.setup_intents import SetupIntents
from mirra.mirrors.stripe.backend.webhooks import WebhookEndpoints


class StripeBackend(WebhookEndpoints, Checkout, SetupIntents):
    pass


__all__ = ["StripeBackend"]
