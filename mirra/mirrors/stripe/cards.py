"""Stripe's test cards: what each number (and its `pm_card_*` alias) does when used.

Facts from shared/vendors/stripe.md §7. `Card.outcome` is what a charge or a card check meets:
"ok", a decline (`code`, `decline_code`, message), or "authenticate" (3-D Secure required).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str | None
    message: str
    param: str | None = None


@dataclass(frozen=True)
class Card:
    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    decline: Decline | None = None  # every charge of this card is declined
    declines_on_attach: bool = False  # attaching runs a card check that fails
    authenticate: bool = False  # 3-D Secure is required on session
    authenticate_off_session: bool = False  # and off session too

    @property
    def last4(self) -> str:
        return self.number[-4:]


GENERIC = Decline("card_declined", "generic_decline", "Your card was declined.")

_CARDS: dict[str, tuple[Card, tuple[str, ...]]] = {}


def _card(card: Card, *aliases: str) -> None:
    _CARDS[card.number] = (card, aliases)


_card(Card("4242424242424242", "visa"), "pm_card_visa", "tok_visa")
_card(Card("4000056655665556", "visa", "debit"), "pm_card_visa_debit", "tok_visa_debit")
_card(Card("5555555555554444", "mastercard"), "pm_card_mastercard", "tok_mastercard")
_card(Card("2223003122003222", "mastercard"))
_card(Card("5200828282828210", "mastercard", "debit"), "pm_card_mastercard_debit")
_card(Card("5105105105105100", "mastercard", "prepaid"), "pm_card_mastercard_prepaid")
_card(Card("378282246310005", "amex"), "pm_card_amex", "tok_amex")
_card(Card("371449635398431", "amex"))
_card(Card("6011111111111117", "discover"), "pm_card_discover")
_card(Card("3056930009020004", "diners"), "pm_card_diners")
_card(Card("3566002020360505", "jcb", country="JP"), "pm_card_jcb")
_card(Card("6200000000000005", "unionpay", country="CN"), "pm_card_unionpay")
_card(Card("4000000000000002", "visa", decline=GENERIC, declines_on_attach=True),
      "pm_card_visa_chargeDeclined", "pm_card_chargeDeclined", "tok_chargeDeclined")
_card(Card("4000000000009995", "visa", decline=Decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
           declines_on_attach=True), "pm_card_visa_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedInsufficientFunds")
_card(Card("4000000000009987", "visa", decline=Decline("card_declined", "lost_card", "Your card was declined."),
           declines_on_attach=True), "pm_card_visa_chargeDeclinedLostCard", "pm_card_chargeDeclinedLostCard")
_card(Card("4000000000009979", "visa", decline=Decline("card_declined", "stolen_card", "Your card was declined."),
           declines_on_attach=True), "pm_card_visa_chargeDeclinedStolenCard", "pm_card_chargeDeclinedStolenCard")
_card(Card("4000000000000069", "visa", decline=Decline("expired_card", "expired_card", "Your card has expired.", "exp_month"),
           declines_on_attach=True), "pm_card_chargeDeclinedExpiredCard")
_card(Card("4000000000000127", "visa", decline=Decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.", "cvc"),
           declines_on_attach=True), "pm_card_chargeDeclinedIncorrectCvc")
_card(Card("4000000000000119", "visa", decline=Decline("processing_error", "processing_error",
           "An error occurred while processing your card. Try again in a little bit."),
           declines_on_attach=True), "pm_card_chargeDeclinedProcessingError")
_card(Card("4000000000006975", "visa", decline=Decline("card_declined", "card_velocity_exceeded",
           "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.")),
      "pm_card_visa_chargeDeclinedVelocityLimitExceeded")
_card(Card("4100000000000019", "visa", decline=Decline("card_declined", "fraudulent", "Your card was declined.")),
      "pm_card_radarBlock", "tok_radarBlock")
_card(Card("4000000000000341", "visa", decline=GENERIC), "pm_card_chargeCustomerFail", "tok_chargeCustomerFail")
_card(Card("4000002500003155", "visa", authenticate=True), "pm_card_authenticationRequiredOnSetup")
_card(Card("4000002760003184", "visa", authenticate=True, authenticate_off_session=True), "pm_card_authenticationRequired")
_card(Card("4000008260003178", "visa", authenticate=True, authenticate_off_session=True,
           decline=Decline("card_declined", "insufficient_funds", "Your card has insufficient funds.")),
      "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")
_card(Card("4000000000003220", "visa", authenticate=True), "pm_card_threeDSecure2Required")
_card(Card("4000000000003063", "visa", authenticate=True), "pm_card_threeDSecureRequired")
_card(Card("4000000000003055", "visa"), "pm_card_threeDSecureOptional")

BY_ALIAS = {alias: card for card, aliases in _CARDS.values() for alias in aliases}
INCORRECT_NUMBER = Decline("incorrect_number", None, "Your card number is incorrect.", "number")


def by_number(number: str) -> Card:
    """Any Luhn-valid number works (as a Visa); known test numbers keep their behaviour."""
    if number in _CARDS:
        return _CARDS[number][0]
    return Card(number, _brand(number))


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def _brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in ("51", "52", "53", "54", "55") or number[:4] >= "2221" and number[:4] <= "2720":
        return "mastercard"
    if number[:2] in ("34", "37"):
        return "amex"
    if number.startswith(("6011", "65")):
        return "discover"
    return "unknown"
