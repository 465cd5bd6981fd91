"""SetupIntents: save a card for later without charging it (shared/vendors/stripe.md §6.2).

    create            -> requires_payment_method | requires_confirmation (-> confirm)
    confirm           -> succeeded (the card is attached to the customer)
                         | requires_action (3-D Secure) | requires_payment_method (card check failed: 402)
    cancel            requires_* -> canceled
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import cards, models
from mirra.mirrors.stripe.backend.base import BackendBase, merge_metadata
from mirra.mirrors.stripe.backend.payment_intents import RETURN_URL_REQUIRED
from mirra.mirrors.stripe.backend.payment_methods import PaymentMethods
from mirra.mirrors.stripe.errors import (
    CardError,
    InvalidRequest,
    SetupIntentUnexpectedState,
)

SETUP_CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


class SetupIntents(PaymentMethods, BackendBase):
    def create_setup_intent(self, params: dict[str, Any]) -> Document:
        customer = params.get("customer")
        if customer:
            self.require("customer", customer, param="customer")
        method = self.resolve_payment_method(params["payment_method"], "payment_method") if params.get("payment_method") else None
        allowed = params.get("allowed_payment_method_types")
        intent_id = self.new_id("setup_intent")
        intent = {
            "id": intent_id,
            "object": "setup_intent",
            "allowed_payment_method_types": allowed,
            "application": None,
            "automatic_payment_methods": None if allowed else {
                "allow_redirects": (params.get("automatic_payment_methods") or {}).get("allow_redirects", "always"),
                "enabled": True,
            },
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{self.session.ids.new('', 25)}",
            "created": self.now(),
            "customer": customer,
            "customer_account": None,
            "description": params.get("description"),
            "excluded_payment_method_types": None,
            "flow_directions": params.get("flow_directions"),
            "last_setup_error": None,
            "latest_attempt": None,
            "livemode": False,
            "managed_payments": None,
            "mandate": None,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": method["id"] if method else None,
            "payment_method_configuration_details": None,
            "payment_method_options": {"card": {"mandate_options": None, "network": None, "request_three_d_secure": "automatic"}},
            "payment_method_types": allowed or ["card", "link"],
            "single_use_mandate": None,
            "status": "requires_confirmation" if method else "requires_payment_method",
            "usage": params.get("usage", "off_session"),
        }
        self.insert("setup_intent", intent, lookup=customer)
        if params.get("confirm"):
            return self.confirm_setup_intent(intent_id, {k: params[k] for k in ("return_url",) if k in params})
        return intent

    def retrieve_setup_intent(self, intent_id: str) -> Document:
        return self.require("setup_intent", intent_id)

    def update_setup_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("setup_intent", intent_id)
        intent = dict(before)
        if "description" in params:
            intent["description"] = params["description"]
        if "metadata" in params:
            intent["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        if "customer" in params:
            intent["customer"] = self.require("customer", params["customer"], param="customer")["id"]
        if params.get("payment_method"):
            intent["payment_method"] = self.resolve_payment_method(params["payment_method"], "payment_method")["id"]
            if intent["status"] == "requires_payment_method":
                intent["status"] = "requires_confirmation"
        return self.replace("setup_intent", intent, before, lookup=intent["customer"])

    def confirm_setup_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("setup_intent", intent_id)
        if before["status"] in ("succeeded", "canceled"):
            raise SetupIntentUnexpectedState(
                f"You cannot confirm this SetupIntent because it has already {before['status']}.", before
            )
        intent = dict(before)
        if params.get("payment_method"):
            intent["payment_method"] = self.resolve_payment_method(params["payment_method"], "payment_method")["id"]
        if intent["payment_method"] is None:
            raise InvalidRequest(
                "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent "
                "with a payment method and then confirm it again.",
                setup_intent=before,
            )
        automatic = intent["automatic_payment_methods"]
        if automatic and automatic.get("allow_redirects") != "never" and not params.get("return_url"):
            raise InvalidRequest(RETURN_URL_REQUIRED, setup_intent=before)
        method = self.require("payment_method", intent["payment_method"], param="payment_method")
        card = self.card_of(method)
        if card.authenticate:
            intent.update(status="requires_action", next_action={
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {"source": intent_id, "type": "three_d_secure_redirect",
                                   "stripe_js": f"https://hooks.stripe.com/3d_secure_2/hosted?setup_intent={intent_id}"},
            })
            return self.replace("setup_intent", intent, before, lookup=intent["customer"])
        return self._finish_setup(intent, before, method, card)

    def authenticate_setup_intent(self, intent_id: str, approved: bool) -> Document:
        before = self.require("setup_intent", intent_id)
        if before["status"] != "requires_action":
            raise InvalidRequest(f"This SetupIntent has a status of {before['status']}; it has no 3-D Secure challenge.")
        method = self.require("payment_method", before["payment_method"], param="payment_method")
        intent = {**before, "next_action": None}
        if approved:
            return self._finish_setup(intent, before, method, self.card_of(method), raise_failure=False)
        intent.update(status="requires_payment_method", payment_method=None, last_setup_error={
            "code": "setup_intent_authentication_failure",
            "doc_url": "https://stripe.com/docs/error-codes/setup-intent-authentication-failure",
            "message": "The latest attempt to set up the payment method has failed because authentication failed.",
            "payment_method": method,
            "type": "invalid_request_error",
        })
        return self.replace("setup_intent", intent, before, lookup=intent["customer"])

    def cancel_setup_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("setup_intent", intent_id)
        if before["status"] not in SETUP_CANCELABLE:
            raise InvalidRequest(
                f"You cannot cancel this SetupIntent because it has a status of {before['status']}. Only a SetupIntent "
                "with one of the following statuses may be canceled: " + ", ".join(SETUP_CANCELABLE) + ".",
                setup_intent=before,
            )
        intent = {**before, "status": "canceled", "next_action": None, "cancellation_reason": params.get("cancellation_reason")}
        return self.replace("setup_intent", intent, before, lookup=intent["customer"])

    def list_setup_intents(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        return self.list_page("setup_intent", params, where)

    def _finish_setup(self, intent: Document, before: Document, method: Document, card: cards.Card, *,
                      raise_failure: bool = True) -> Document:
        if card.declines_on_attach and card.decline is not None:
            decline = card.decline
            error = {"code": decline.code, "decline_code": decline.decline_code, "message": decline.message,
                     "doc_url": "https://stripe.com/docs/error-codes/" + decline.code.replace("_", "-"),
                     "payment_method": method, "type": "card_error"}
            intent.update(status="requires_payment_method", payment_method=None, last_setup_error=error)
            updated = self.replace("setup_intent", intent, before, lookup=intent["customer"])
            if raise_failure:
                raise CardError(decline.code, decline.message, decline_code=decline.decline_code, param=decline.param,
                                keeps_changes=True, setup_intent=updated, payment_method=method)
            return updated
        if intent["customer"] and method["customer"] is None:
            self.attach_payment_method(method["id"], intent["customer"])
        intent.update(status="succeeded", last_setup_error=None, next_action=None)
        return self.replace("setup_intent", intent, before, lookup=intent["customer"])
