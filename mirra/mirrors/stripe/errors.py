"""Stripe's errors: classes declare Stripe's fields, `render_error` alone builds the bytes.

    StripeError                      400 invalid_request_error (declares status/type/code)
      AuthenticationError            401, no code, no request_log_url
      UnrecognizedUrl                404 "Unrecognized request URL (GET: /v1/foo). ..."
      ResourceMissing                404 when the id is in the path, 400 when it is a parameter
      ParameterError                 400 bad parameters: never stored for idempotency replay
        ParameterUnknown / ParameterMissing / ParameterInvalidEmpty / ParameterInvalidInteger
      EmailInvalid                   400 email_invalid
      IdempotencyError               400 idempotency_error (same key, other parameters)
      PaymentIntentUnexpectedState   400 payment_intent_unexpected_state, with the intent
      InvalidRequest                 400 refusals during execution (kept for replay)
      NoPaymentSource                400 resource_missing: a subscription with nothing to charge
      CardError                      402 card_error with decline_code, charge, payment_intent
      ApiError                       500 api_error
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.http import MirrorResponse
from mirra.mirrors.stripe.wire import json_body

DOCS = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    status = 400
    type = "invalid_request_error"
    code: str | None = None
    stored_for_idempotency = True  # Stripe keeps a replay once execution began
    has_request_log = True
    keeps_changes = False  # True: the request's changes commit anyway (a decline's failed charge)

    def __init__(self, message: str, *, param: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.extra = extra  # decline_code, charge, payment_intent, ... as Stripe adds them


class AuthenticationError(StripeError):
    status = 401
    has_request_log = False


class MissingApiKey(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
            "or we can help at https://support.stripe.com/."
        )


class InvalidApiKey(AuthenticationError):
    def __init__(self, key: str) -> None:
        super().__init__(f"Invalid API Key provided: {mask_key(key)}")


class PublishableKeyUsed(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(
            "This API call cannot be made with a publishable API key. Please use a secret API "
            "key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
        )


class UnrecognizedUrl(StripeError):
    status = 404
    has_request_log = False

    def __init__(self, method: str, path: str) -> None:
        super().__init__(
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/."
        )


class ResourceMissing(StripeError):
    code = "resource_missing"

    def __init__(self, noun: str, object_id: str, *, param: str = "id") -> None:
        super().__init__(f"No such {noun}: '{object_id}'", param=param)
        self.status = 404 if param == "id" else 400


class ParameterError(StripeError):
    stored_for_idempotency = False  # validation failed before execution began


class ParameterUnknown(ParameterError):
    code = "parameter_unknown"

    def __init__(self, paths: list[str]) -> None:
        if len(paths) == 1:
            message = f"Received unknown parameter: {paths[0]}"
        else:
            message = f"Received unknown parameters: {', '.join(paths)}"
        super().__init__(message, param=paths[0])


class ParameterMissing(ParameterError):
    code = "parameter_missing"

    def __init__(self, path: str) -> None:
        super().__init__(f"Missing required param: {path}.", param=path)


class ParameterInvalidEmpty(ParameterError):
    code = "parameter_invalid_empty"

    def __init__(self, path: str) -> None:
        super().__init__(
            f"You passed an empty string for '{path}'. We assume empty values are an attempt to "
            f"unset a parameter; however '{path}' cannot be unset. You should remove '{path}' "
            "from your request or supply a non-empty value.",
            param=path,
        )


class ParameterInvalidInteger(ParameterError):
    code = "parameter_invalid_integer"

    def __init__(self, path: str, value: str) -> None:
        super().__init__(f"Invalid integer: {value}", param=path)


class AmountTooSmall(ParameterError):
    code = "amount_too_small"


class InvalidParameter(ParameterError):
    """A malformed parameter Stripe reports without a code ("Invalid array", ...)."""


class EmailInvalid(StripeError):
    code = "email_invalid"

    def __init__(self, value: str, param: str = "email") -> None:
        super().__init__(f"Invalid email address: {value}", param=param)


class IdempotencyError(StripeError):
    type = "idempotency_error"
    stored_for_idempotency = False

    def __init__(self, key: str) -> None:
        super().__init__(
            "Keys for idempotent requests can only be used with the same parameters they were "
            f"first used with. Try using a key other than '{key}' if you meant to execute a "
            "different request."
        )


class ApiError(StripeError):
    status = 500
    type = "api_error"

    def __init__(self) -> None:
        super().__init__("An unknown error occurred")


def mask_key(key: str) -> str:
    """Stripe's masking: keep a `sk_test_`-style prefix and the last four characters."""
    prefix = ""
    for candidate in ("sk_test_", "sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_"):
        if key.startswith(candidate):
            prefix = candidate
            break
    rest = key[len(prefix) :]
    if len(rest) <= 4:
        return prefix + rest
    return prefix + "*" * (len(rest) - 4) + rest[-4:]


def render_error(error: StripeError, request_id: str, timestamp: int) -> MirrorResponse:
    """The one place a Stripe error body is built: null fields left out, keys sorted."""
    body: dict[str, Any] = {"message": error.message, "type": error.type}
    if error.code:
        body["code"] = error.code
        body["doc_url"] = DOCS + error.code.replace("_", "-")
    if error.param is not None:
        body["param"] = error.param
    if error.has_request_log:
        body["request_log_url"] = (
            f"https://dashboard.stripe.com/test/logs/{request_id}?t={timestamp}"
        )
    body.update({key: value for key, value in error.extra.items() if value is not None})
    payload = json_body({"error": dict(sorted(body.items()))})
    return MirrorResponse(error.status, payload)


class CardError(StripeError):
    """A decline: 402 with the decline code, the failed charge and the intent as it now is."""

    status = 402
    type = "card_error"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        decline_code: str | None,
        param: str | None,
        keeps_changes: bool = False,
        **extra: Any,
    ) -> None:
        super().__init__(message, param=param, decline_code=decline_code, **extra)
        self.code = code
        self.keeps_changes = keeps_changes


class PaymentIntentUnexpectedState(StripeError):
    code = "payment_intent_unexpected_state"

    def __init__(self, message: str, payment_intent: dict[str, Any]) -> None:
        super().__init__(message, payment_intent=payment_intent)


class SetupIntentUnexpectedState(StripeError):
    code = "setup_intent_unexpected_state"

    def __init__(self, message: str, setup_intent: dict[str, Any]) -> None:
        super().__init__(message, setup_intent=setup_intent)


class InvalidRequest(StripeError):
    """An execution-time refusal Stripe reports without a code (kept for idempotent replay)."""


class NoPaymentSource(StripeError):
    """A subscription that must charge now, for a customer with nothing to charge."""

    code = "resource_missing"

    def __init__(self) -> None:
        super().__init__(
            "This customer has no attached payment source or default payment method. Please consider adding a "
            "default payment method. For more information, visit "
            "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority."
        )
