"""The magic numbers Twilio's test credentials answer to, with Twilio's own errors.

Test credentials accept `From=+15005550006` only; the other magic `From` and `To` numbers fail
with the error Twilio documents for them. `From` is checked before `To`.
"""

from __future__ import annotations

from mirra.mirrors.twilio.errors import TwilioError

VALID_FROM = "+15005550006"


def message_from_error(sender: str) -> TwilioError | None:
    if sender == VALID_FROM:
        return None
    if sender == "+15005550001":
        return invalid_from(sender)
    if sender == "+15005550008":
        return TwilioError(21611, "This 'From' number has exceeded the maximum number of queued messages")
    return not_owned_from(sender)


def message_to_error(recipient: str, sender: str) -> TwilioError | None:
    errors = {
        "+15005550001": (21211, f"The 'To' number {recipient} is not a valid phone number."),
        "+15005550002": (21612, f"The 'To' phone number: {recipient}, is not currently reachable using the 'From' phone number: {sender} via SMS."),
        "+15005550003": (21408, f"Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {recipient}."),
        "+15005550004": (21610, "The message From/To pair violates a blacklist rule."),
        "+15005550009": (21614, f"To number: {recipient}, is not a mobile number"),
    }
    found = errors.get(recipient)
    return TwilioError(*found) if found else None


def call_from_error(caller: str) -> TwilioError | None:
    if caller == VALID_FROM:
        return None
    if caller == "+15005550001":
        return TwilioError(21212, f"The 'From' phone number provided ({caller}) is not a valid phone number.")
    return caller_id_not_verified(caller)


def call_to_error(called: str) -> TwilioError | None:
    errors = {
        "+15005550001": (21217, f"Phone number {called} does not appear to be valid"),
        "+15005550002": (21214, f"'To' phone number {called} cannot be reached"),
        "+15005550003": (21215, f"Account not authorized to call {called}. Perhaps you need to enable some international permissions: https://www.twilio.com/console/voice/calls/geo-permissions/low-risk"),
        "+15005550004": (21216, f"Call blocked by Twilio blocklist: {called}"),
    }
    found = errors.get(called)
    return TwilioError(*found) if found else None


def number_purchase_error(number: str | None, area_code: str | None) -> TwilioError | None:
    if number == "+15005550000":
        return TwilioError(21422, f"PhoneNumber {number} is not available.")
    if number == "+15005550001":
        return TwilioError(21421, f"PhoneNumber {number} is invalid.")
    if area_code == "533":
        return TwilioError(21452, "No phone numbers found in area code 533")
    return None


def invalid_from(sender: str) -> TwilioError:
    return TwilioError(21212, f"The 'From' number {sender} is not a valid phone number, shortcode, or alphanumeric sender ID.")


def not_owned_from(sender: str) -> TwilioError:
    return TwilioError(21606, f"The From phone number {sender} is not a valid, SMS-capable inbound phone number or short code for your account.")


def caller_id_not_verified(caller: str) -> TwilioError:
    return TwilioError(21210, f"The source phone number provided, {caller}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.")
