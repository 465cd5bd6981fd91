"""Charges, refunds and balance transactions: the money side of a payment."""

from __future__ import annotations

from typing import Any

from mirra.mirrors.documents import Document
from mirra.mirrors.stripe import cards, models
from mirra.mirrors.stripe.backend.base import BackendBase, merge_metadata
from mirra.mirrors.stripe.errors import InvalidRequest

PENDING_DAYS = 2  # card funds become available two days after the charge
DISPUTE_REASONS = ("bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated", "debit_not_authorized",
                   "duplicate", "fraudulent", "general", "incorrect_account_details", "insufficient_funds",
                   "noncompliant", "product_not_received", "product_unacceptable", "subscription_canceled",
                   "unrecognized")
EVIDENCE_FIELDS = ('access_activity_log', 'billing_address', 'cancellation_policy', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_communication', 'customer_email_address', 'customer_name', 'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation', 'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy', 'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'service_documentation', 'shipping_address', 'shipping_carrier', 'shipping_date', 'shipping_documentation', 'shipping_tracking_number', 'uncategorized_file', 'uncategorized_text')


class Charges(BackendBase):
    def new_charge(self, intent: Document, method: Document, card: cards.Card, decline: cards.Decline | None) -> Document:
        """The charge a confirmation makes: succeeded (captured or authorised only) or failed."""
        captured = decline is None and intent["capture_method"] != "manual"
        charge = {
            "id": self.new_id("charge"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"] if captured else 0,
            "amount_refunded": 0,
            "application": None,
            "application_fee": None,
            "application_fee_amount": None,
            "balance_transaction": None,
            "billing_details": method["billing_details"],
            "calculated_statement_descriptor": "MIRRA",
            "captured": captured,
            "created": self.now(),
            "currency": intent["currency"],
            "customer": intent["customer"],
            "description": intent["description"],
            "disputed": False,
            "failure_balance_transaction": None,
            "failure_code": decline.code if decline else None,
            "failure_message": decline.message if decline else None,
            "fraud_details": {},
            "livemode": False,
            "metadata": {},
            "on_behalf_of": None,
            "outcome": _outcome(decline),
            "paid": decline is None,
            "payment_intent": intent["id"],
            "payment_method": method["id"],
            "payment_method_details": {"card": {**method["card"], "amount_authorized": intent["amount"]}, "type": "card"},
            "radar_options": {},
            "receipt_email": intent["receipt_email"],
            "receipt_number": None,
            "receipt_url": None,
            "refunded": False,
            "review": None,
            "shipping": intent["shipping"],
            "source": None,
            "source_transfer": None,
            "statement_descriptor": intent["statement_descriptor"],
            "statement_descriptor_suffix": intent["statement_descriptor_suffix"],
            "status": "failed" if decline else "succeeded",
            "transfer_data": None,
            "transfer_group": None,
        }
        if captured:
            charge["balance_transaction"] = self.new_balance_transaction("charge", charge["amount"], charge["currency"], charge["id"])["id"]
        return self.insert("charge", charge, parent=intent["id"], lookup=intent["customer"])

    def capture_charge(self, charge: Document, amount: int) -> Document:
        captured = {
            **charge,
            "captured": True,
            "amount_captured": amount,
            "balance_transaction": self.new_balance_transaction("charge", amount, charge["currency"], charge["id"])["id"],
        }
        return self.replace("charge", captured, charge, lookup=charge["customer"])

    def release_charge(self, charge: Document) -> Document:
        """An authorisation cancelled before capture: the whole amount goes back."""
        released = {**charge, "amount_refunded": charge["amount"], "refunded": True}
        return self.replace("charge", released, charge, lookup=charge["customer"])

    def retrieve_charge(self, charge_id: str) -> Document:
        return self.require("charge", charge_id)

    def update_charge(self, charge_id: str, params: dict[str, Any]) -> Document:
        before = self.require("charge", charge_id)
        charge = dict(before)
        for name in ("description", "receipt_email", "shipping"):
            if name in params:
                charge[name] = params[name]
        if "metadata" in params:
            charge["metadata"] = merge_metadata(before["metadata"], params["metadata"])
        return self.replace("charge", charge, before, lookup=charge["customer"])

    def list_charges(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = []
        if "customer" in params:
            where.append(models.objects.c.lookup == params["customer"])
        if "payment_intent" in params:
            where.append(models.objects.c.parent == params["payment_intent"])
        return self.list_page("charge", params, where)

    def create_refund(self, params: dict[str, Any]) -> Document:
        charge = self._refundable_charge(params)
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        if remaining <= 0:
            raise InvalidRequest(f"Charge {charge['id']} has already been refunded.", param="charge")
        amount = params.get("amount", remaining)
        if amount > remaining:
            raise InvalidRequest(
                f"Refund amount ({_money(amount, charge['currency'])}) is greater than unrefunded amount on charge "
                f"({_money(remaining, charge['currency'])})",
                param="amount",
            )
        refund = {
            "id": self.new_id("refund"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": self.new_balance_transaction("refund", -amount, charge["currency"], None)["id"],
            "charge": charge["id"],
            "created": self.now(),
            "currency": charge["currency"],
            "customer": charge["customer"],
            "customer_account": None,
            "destination_details": {"card": {"reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund"}, "type": "card"},
            "metadata": merge_metadata({}, params.get("metadata") or {}),
            "payment_intent": charge["payment_intent"],
            "payment_method": charge["payment_method"],
            "reason": params.get("reason"),
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }
        self.insert("refund", refund, parent=charge["id"])
        refunded = charge["amount_refunded"] + amount
        self.replace("charge", {**charge, "amount_refunded": refunded, "refunded": refunded == charge["amount_captured"]},
                     charge, lookup=charge["customer"])
        return refund

    def retrieve_refund(self, refund_id: str) -> Document:
        return self.require("refund", refund_id)

    def update_refund(self, refund_id: str, params: dict[str, Any]) -> Document:
        before = self.require("refund", refund_id)
        return self.replace("refund", {**before, "metadata": merge_metadata(before["metadata"], params.get("metadata") or {})}, before)

    def list_refunds(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = []
        if "charge" in params:
            where.append(models.objects.c.parent == params["charge"])
        if "payment_intent" in params:
            charge_ids = [c["id"] for c in self.documents.page("charge", limit=10_000, where=[models.objects.c.parent == params["payment_intent"]])[0]]
            where.append(models.objects.c.parent.in_(charge_ids))
        return self.list_page("refund", params, where)

    def open_dispute(self, charge_id: str, reason: str) -> Document:
        """The cardholder disputes a charge: the amount is withdrawn and a response is due in 7 days."""
        charge = self.require("charge", charge_id, param="charge")
        if charge["status"] != "succeeded" or not charge["captured"]:
            raise InvalidRequest(f"Charge {charge_id} has no captured funds to dispute.", param="charge")
        if charge["disputed"]:
            raise InvalidRequest(f"Charge {charge_id} is already disputed.", param="charge")
        withdrawal = self.new_balance_transaction("dispute", -charge["amount_captured"], charge["currency"], None)
        dispute = {
            "id": self.new_id("dispute"),
            "object": "dispute",
            "amount": charge["amount_captured"],
            "balance_transactions": [withdrawal],
            "charge": charge["id"],
            "created": self.now(),
            "currency": charge["currency"],
            "enhanced_eligibility_types": [],
            "evidence": {name: None for name in EVIDENCE_FIELDS} | {"enhanced_evidence": {}},
            "evidence_details": {"due_by": self.now() + 7 * 86400, "enhanced_eligibility": {}, "has_evidence": False,
                                 "past_due": False, "submission_count": 0},
            "is_charge_refundable": False,
            "livemode": False,
            "metadata": {},
            "payment_intent": charge["payment_intent"],
            "payment_method_details": {"card": {"brand": charge["payment_method_details"]["card"]["brand"],
                                                "case_type": "chargeback", "network_reason_code": "10.4",
                                                "network": charge["payment_method_details"]["card"]["brand"]},
                                       "type": "card"},
            "reason": reason,
            "status": "needs_response",
        }
        self.insert("dispute", dispute, parent=charge["id"])
        self.replace("charge", {**charge, "disputed": True}, charge, lookup=charge["customer"])
        return dispute

    def retrieve_dispute(self, dispute_id: str) -> Document:
        return self.require("dispute", dispute_id)

    def list_disputes(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        where = [models.objects.c.parent == params["charge"]] if "charge" in params else []
        return self.list_page("dispute", params, where)

    def new_balance_transaction(self, kind: str, amount: int, currency: str, source: str | None) -> Document:
        fee = round(amount * 0.029) + 30 if kind == "charge" else 0
        created = self.now()
        transaction = {
            "id": self.new_id("balance_transaction"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": created + PENDING_DAYS * 86400,
            "balance_type": "payments",
            "created": created,
            "currency": currency,
            "description": None,
            "exchange_rate": None,
            "fee": fee,
            "fee_details": [{"amount": fee, "application": None, "currency": currency, "description": "Stripe processing fees", "type": "stripe_fee"}] if fee else [],
            "net": amount - fee,
            "reporting_category": kind,
            "source": source,
            "status": "pending",
            "type": kind,
        }
        return self.insert("balance_transaction", transaction)

    def retrieve_balance_transaction(self, transaction_id: str) -> Document:
        return self.require("balance_transaction", transaction_id)

    def list_balance_transactions(self, params: dict[str, Any]) -> tuple[list[Document], bool]:
        return self.list_page("balance_transaction", params, [])

    def _refundable_charge(self, params: dict[str, Any]) -> Document:
        if "charge" in params:
            return self.require("charge", params["charge"], param="charge")
        if "payment_intent" in params:
            intent = self.require("payment_intent", params["payment_intent"], param="payment_intent")
            if intent["latest_charge"] is None or intent["status"] != "succeeded":
                raise InvalidRequest(
                    f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                    param="payment_intent",
                )
            return self.require("charge", intent["latest_charge"], param="payment_intent")
        raise InvalidRequest("One of the following params should be provided for this request: payment_intent or charge.")


def _money(amount: int, currency: str) -> str:
    symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(currency, "")
    return f"{symbol}{amount / 100:.2f}" if symbol else f"{amount / 100:.2f} {currency}"


def _outcome(decline: cards.Decline | None) -> dict[str, Any]:
    if decline is None:
        return {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
                "network_status": "approved_by_network", "reason": None, "risk_level": "normal", "risk_score": 32,
                "seller_message": "Payment complete.", "type": "authorized"}
    blocked = decline.decline_code == "fraudulent"
    return {"advice_code": "do_not_try_again" if blocked else "try_again_later", "network_advice_code": None,
            "network_decline_code": None, "network_status": "not_sent_to_network" if blocked else "declined_by_network",
            "reason": "highest_risk_level" if blocked else decline.decline_code, "risk_level": "highest" if blocked else "normal",
            "risk_score": 95 if blocked else 40,
            "seller_message": "Stripe blocked this payment as too risky." if blocked else "The bank did not return any further details with this decline.",
            "type": "blocked" if blocked else "issuer_declined"}
