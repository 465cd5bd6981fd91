"""PaymentIntents: the status machine of a payment (shared/vendors/stripe.md §6.1).

    create            -> requires_payment_method | requires_confirmation (-> confirm)
    confirm           -> succeeded | requires_capture | requires_action (3-D Secure)
                         | requires_payment_method (declined: HTTP 402, the failed charge kept)
    3DS approved      -> succeeded | requires_capture | declined;  3DS failed -> requires_payment_method
    capture           requires_capture -> succeeded
    cancel            requires_* | processing -> canceled
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import cards, models
from mirra.mirrors.stripe.backend.base import merge_metadata
from mirra.mirrors.stripe.backend.charges import Charges
from mirra.mirrors.stripe.backend.payment_methods import PaymentMethods
from mirra.mirrors.stripe.errors import (
    AmountTooSmall,
    CardError,
    InvalidParameter,
    InvalidRequest,
    PaymentIntentUnexpectedState,
)

MINIMUM_AMOUNTS = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "jpy": 50, "chf": 50}
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing")
UPDATABLE_AMOUNT = ("requires_payment_method", "requires_confirmation", "requires_action")
RETURN_URL_REQUIRED = (
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of "
    "these payment methods might redirect your customer off of your page, you must provide a `return_url`. "
    "If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` "
    "to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and "
    "Payment Intents."
)
AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new "
    "PaymentMethod to attempt to fulfill this PaymentIntent again."
)


class PaymentIntents(Charges, PaymentMethods):
    def create_payment_intent(self, params: dict[str, Any]) -> Document:
        currency = params["currency"].lower()
        _check_amount(params["amount"], currency)
        customer = params.get("customer")
        if customer:
            self.require("customer", customer, param="customer")
        method = self.resolve_payment_method(params["payment_method"], "payment_method") if params.get("payment_method") else None
        # The pinned API version names the list `allowed_payment_method_types` on create.
        allowed = params.get("allowed_payment_method_types")
        automatic = None if allowed else {
            "allow_redirects": (params.get("automatic_payment_methods") or {}).get("allow_redirects", "always"),
            "enabled": True,
        }
        intent_id = self.new_id("payment_intent")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "allowed_payment_method_types": allowed,
            "amount": params["amount"],
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": params.get("application_fee_amount"),
            "automatic_payment_methods": automatic,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": params.get("capture_method", "automatic_async"),
            "client_secret": f"{intent_id}_secret_{self.session.ids.new('', 25)}",
            "confirmation_method": params.get("confirmation_method", "automatic"),
            "created": self.now(),
            "currency": currency,
            "customer": customer,
            "customer_account": None,
            "description": params.get("description"),
            "excluded_payment_method_types": None,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "managed_payments": None,
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": method["id"] if method else None,
            "payment_method_configuration_details": None,
            "payment_method_options": {"card": {"installments": None, "mandate_options": None, "network": None,
                                                "request_three_d_secure": "automatic"}},
            "payment_method_types": allowed or ["card", "link"],
            "processing": None,
            "receipt_email": params.get("receipt_email"),
            "review": None,
            "setup_future_usage": params.get("setup_future_usage"),
            "shipping": params.get("shipping"),
            "source": None,
            "statement_descriptor": params.get("statement_descriptor"),
            "statement_descriptor_suffix": params.get("statement_descriptor_suffix"),
            "status": "requires_confirmation" if method else "requires_payment_method",
            "transfer_data": None,
            "transfer_group": params.get("transfer_group"),
        }
        self.insert("payment_intent", intent, lookup=customer)
        if params.get("confirm"):
            return self.confirm_payment_intent(intent_id, {k: params[k] for k in ("return_url", "off_session") if k in params})
        return intent

    def retrieve_payment_intent(self, intent_id: str) -> Document:
        return self.require("payment_intent", intent_id)

    def update_payment_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("payment_intent", intent_id)
        intent = dict(before)
        if "amount" in params and params["amount"] != before["amount"]:
            if before["status"] not in UPDATABLE_AMOUNT:
                raise PaymentIntentUnexpectedState(
                    f"This PaymentIntent's amount could not be updated because it has a status of {before['status']}. "
                    "You may only update the amount of a PaymentIntent with one of the following statuses: "
                    + ", ".join(UPDATABLE_AMOUNT) + ".",
                    before,
                )
            _check_amount(params["amount"], intent["currency"])
            intent["amount"] = params["amount"]
        for name in ("description", "receipt_email", "setup_future_usage", "shipping", "statement_descriptor",
                     "statement_descriptor_suffix", "transfer_group"):
            if name in params:
                intent[name] = params[name]
        if "customer" in params:
            intent["customer"] = self.require("customer", params["customer"], param="customer")["id"]
        if "metadata" in params:
            intent["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        if params.get("payment_method"):
            intent["payment_method"] = self.resolve_payment_method(params["payment_method"], "payment_method")["id"]
            if intent["status"] == "requires_payment_method":
                intent["status"] = "requires_confirmation"
        return self.replace("payment_intent", intent, before, lookup=intent["customer"])

    def confirm_payment_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("payment_intent", intent_id)
        if before["status"] in ("succeeded", "canceled", "requires_capture", "processing"):
            raise PaymentIntentUnexpectedState(_cannot_confirm(before), before)
        intent = dict(before)
        if params.get("payment_method"):
            intent["payment_method"] = self.resolve_payment_method(params["payment_method"], "payment_method")["id"]
        if intent["payment_method"] is None:
            raise PaymentIntentUnexpectedState(
                "You cannot confirm this PaymentIntent because it's missing a payment method. You can either "
                "update the PaymentIntent with a payment method and then confirm it again, or confirm it again "
                "directly with a payment method.",
                before,
            )
        redirects = (intent["automatic_payment_methods"] or {}).get("allow_redirects", "never")
        if intent["automatic_payment_methods"] and redirects != "never" and not params.get("return_url"):
            raise InvalidRequest(RETURN_URL_REQUIRED, payment_intent=before)
        for name in ("setup_future_usage", "receipt_email", "shipping"):
            if name in params:
                intent[name] = params[name]
        method = self.require("payment_method", intent["payment_method"], param="payment_method")
        card = self.card_of(method)
        off_session = bool(params.get("off_session"))
        if card.authenticate and (off_session and card.authenticate_off_session or not off_session):
            if off_session:
                return self._decline(intent, before, method, cards.Decline(
                    "authentication_required", "authentication_required",
                    "Your card was declined. This transaction requires authentication."))
            intent.update(status="requires_action", last_payment_error=None,
                          next_action=_next_action(intent["id"], params.get("return_url")))
            return self.replace("payment_intent", intent, before, lookup=intent["customer"])
        return self._charge(intent, before, method, card)

    def authenticate_payment_intent(self, intent_id: str, approved: bool) -> Document:
        """The customer's 3-D Secure answer (mirra's simulation of the challenge page)."""
        before = self.require("payment_intent", intent_id)
        if before["status"] != "requires_action":
            raise PaymentIntentUnexpectedState(
                f"This PaymentIntent has a status of {before['status']}; only a PaymentIntent that requires_action "
                "has a 3-D Secure challenge to approve or fail.",
                before,
            )
        method = self.require("payment_method", before["payment_method"], param="payment_method")
        intent = {**before, "next_action": None}
        if approved:
            return self._charge(intent, before, method, self.card_of(method), raise_decline=False)
        intent.update(status="requires_payment_method", payment_method=None, last_payment_error={
            "code": "payment_intent_authentication_failure",
            "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
            "message": AUTHENTICATION_FAILED,
            "payment_method": method,
            "type": "invalid_request_error",
        })
        return self.replace("payment_intent", intent, before, lookup=intent["customer"])

    def fail_payment_intent(self, intent_id: str) -> Document:
        """A decline from the bank on an intent awaiting confirmation (mirra's simulation)."""
        before = self.require("payment_intent", intent_id)
        if before["status"] not in ("requires_confirmation", "requires_action") or before["payment_method"] is None:
            raise PaymentIntentUnexpectedState(
                f"This PaymentIntent has a status of {before['status']}; only one awaiting confirmation or "
                "authentication, with a payment method, can fail.",
                before,
            )
        method = self.require("payment_method", before["payment_method"], param="payment_method")
        return self._decline(dict(before), before, method, cards.GENERIC, raise_decline=False)

    def capture_payment_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("payment_intent", intent_id)
        if before["status"] != "requires_capture":
            raise PaymentIntentUnexpectedState(
                f"This PaymentIntent could not be captured because it has a status of {before['status']}. "
                "Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                before,
            )
        amount = params.get("amount_to_capture", before["amount_capturable"])
        if amount > before["amount_capturable"]:
            raise InvalidParameter(
                "The amount_to_capture must be less than or equal to the amount_capturable, which is "
                f"{before['amount_capturable']}.",
                param="amount_to_capture",
            )
        charge = self.require("charge", before["latest_charge"])
        self.capture_charge(charge, amount)
        intent = {**before, "status": "succeeded", "amount_received": amount, "amount_capturable": 0}
        if "metadata" in params:
            intent["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("payment_intent", intent, before, lookup=intent["customer"])

    def cancel_payment_intent(self, intent_id: str, params: dict[str, Any]) -> Document:
        before = self.require("payment_intent", intent_id)
        if before["status"] not in CANCELABLE:
            raise PaymentIntentUnexpectedState(
                f"You cannot cancel this PaymentIntent because it has a status of {before['status']}. Only a "
                "PaymentIntent with one of the following statuses may be canceled: " + ", ".join(CANCELABLE) + ".",
                before,
            )
        if before["status"] == "requires_capture":
            self.release_charge(self.require("charge", before["latest_charge"]))
        intent = {**before, "status": "canceled", "canceled_at": self.now(), "amount_capturable": 0,
                  "next_action": None, "cancellation_reason": params.get("cancellation_reason")}
        return self.replace("payment_intent", intent, before, lookup=intent["customer"])

    def list_payment_intents(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.lookup == params["customer"]] if "customer" in params else []
        return self.list_page("payment_intent", params, where)

    def _charge(self, intent: Document, before: Document, method: Document, card: cards.Card, *,
                raise_decline: bool = True) -> Document:
        if card.decline is not None:
            return self._decline(intent, before, method, card.decline, raise_decline=raise_decline)
        charge = self.new_charge(intent, method, card, None)
        manual = intent["capture_method"] == "manual"
        intent.update(
            status="requires_capture" if manual else "succeeded",
            amount_capturable=intent["amount"] if manual else 0,
            amount_received=0 if manual else intent["amount"],
            latest_charge=charge["id"],
            last_payment_error=None,
            next_action=None,
        )
        if intent["setup_future_usage"] and intent["customer"] and method["customer"] is None:
            self.attach_payment_method(method["id"], intent["customer"])
        return self.replace("payment_intent", intent, before, lookup=intent["customer"])

    def _decline(self, intent: Document, before: Document, method: Document, decline: cards.Decline, *,
                 raise_decline: bool = True) -> Document:
        charge = self.new_charge(intent, method, self.card_of(method), decline)
        error = {
            "charge": charge["id"],
            "code": decline.code,
            "decline_code": decline.decline_code,
            "doc_url": "https://stripe.com/docs/error-codes/" + decline.code.replace("_", "-"),
            "message": decline.message,
            "payment_method": method,
            "type": "card_error",
        }
        if decline.param:
            error["param"] = decline.param
        intent.update(status="requires_payment_method", latest_charge=charge["id"], last_payment_error=error,
                      payment_method=None, next_action=None)
        updated = self.replace("payment_intent", intent, before, lookup=intent["customer"])
        if not raise_decline:
            return updated
        raise CardError(decline.code, decline.message, decline_code=decline.decline_code, param=decline.param,
                        keeps_changes=True, charge=charge["id"], payment_intent=updated, payment_method=method)


def _check_amount(amount: int, currency: str) -> None:
    minimum = MINIMUM_AMOUNTS.get(currency, 1)
    if amount < minimum:
        shown = f"${minimum / 100:.2f} usd" if currency == "usd" else f"{minimum / 100:.2f} {currency}"
        raise AmountTooSmall(f"Amount must be at least {shown}", param="amount")


def _cannot_confirm(intent: Document) -> str:
    if intent["status"] == "succeeded":
        return "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
    return (f"This PaymentIntent's payment_method could not be updated because it has a status of {intent['status']}. "
            "You may only update the payment_method of a PaymentIntent with one of the following statuses: "
            "requires_payment_method, requires_confirmation, requires_action.")


def _next_action(intent_id: str, return_url: str | None) -> dict[str, Any]:
    if return_url:
        return {"redirect_to_url": {"return_url": return_url,
                                    "url": f"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intent_id}"},
                "type": "redirect_to_url"}
    return {"type": "use_stripe_sdk",
            "use_stripe_sdk": {"source": intent_id, "stripe_js": f"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intent_id}",
                               "type": "three_d_secure_redirect"}}
