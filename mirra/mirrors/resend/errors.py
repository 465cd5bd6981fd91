"""Resend's errors: classes declare status, name and message; `render_error` alone builds the bytes.

Every Resend error body is `{"statusCode", "message", "name"}` in that key order, compact JSON,
with the HTTP status equal to `statusCode`.
"""

from __future__ import annotations

import json

from mirra.mirrors.http import MirrorResponse

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class ResendError(Exception):
    status = 422
    name = "validation_error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class ValidationError(ResendError):
    """`validation_error`: 422 for bad fields, 403 for sender/recipient refusals, 400 generic."""


class MissingRequiredField(ResendError):
    name = "missing_required_field"

    def __init__(self, field: str) -> None:
        super().__init__(f"Missing `{field}` field.")


class NotFound(ResendError):
    status = 404
    name = "not_found"


class UnknownEndpoint(NotFound):
    def __init__(self) -> None:
        super().__init__("The requested endpoint does not exist.")


class MethodNotAllowed(ResendError):
    status = 405
    name = "method_not_allowed"

    def __init__(self) -> None:
        super().__init__("Method is not allowed for the requested path.")


class MissingApiKey(ResendError):
    status = 401
    name = "missing_api_key"

    def __init__(self) -> None:
        super().__init__("Missing API key in the authorization header.")


class InvalidApiKey(ResendError):
    """Live Resend answers 401 validation_error; the docs say 403 invalid_api_key (a setting)."""

    def __init__(self, status: int) -> None:
        super().__init__("API key is invalid." if status == 403 else "API key is invalid", status=status)
        self.name = "invalid_api_key" if status == 403 else "validation_error"


class RestrictedApiKey(ResendError):
    status = 401
    name = "restricted_api_key"

    def __init__(self) -> None:
        super().__init__("This API key is restricted to only send emails.")


class InvalidIdempotencyKey(ResendError):
    status = 400
    name = "invalid_idempotency_key"

    def __init__(self) -> None:
        super().__init__("Idempotency keys, if present, must have between 1 and 256 characters.")


class InvalidIdempotentRequest(ResendError):
    status = 409
    name = "invalid_idempotent_request"

    def __init__(self) -> None:
        super().__init__(
            "This idempotency key has been used with this HTTP method and endpoint within the last "
            "24 hours, but the request body was modified and doesn't match the original request."
        )


class RateLimitExceeded(ResendError):
    status = 429
    name = "rate_limit_exceeded"

    def __init__(self) -> None:
        super().__init__("Too many requests. Please limit the number of requests per second.")


class InvalidAttachment(ResendError):
    name = "invalid_attachment"

    def __init__(self) -> None:
        super().__init__("Attachment must have either a `content` or `path`.")


class InvalidParameter(ResendError):
    name = "invalid_parameter"


class InvalidAccess(ResendError):
    name = "invalid_access"

    def __init__(self) -> None:
        super().__init__('Access must be "full_access" | "sending_access".')


class InvalidRegion(ResendError):
    name = "invalid_region"

    def __init__(self) -> None:
        super().__init__('Region must be "us-east-1" | "eu-west-1" | "sa-east-1" | "ap-northeast-1".')


class ApplicationError(ResendError):
    status = 500
    name = "application_error"

    def __init__(self) -> None:
        super().__init__("An unexpected error occurred.")


def render_error(error: ResendError) -> MirrorResponse:
    body = {"statusCode": error.status, "message": error.message, "name": error.name}
    return MirrorResponse(error.status, encode(body), [("Content-Type", JSON_CONTENT_TYPE)])


def encode(body: object) -> bytes:
    """Compact JSON, non-ASCII kept as is: what Resend's Node servers send."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
