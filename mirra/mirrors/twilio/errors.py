"""Twilio's errors: `TwilioError` declares the fields, `render_error` alone builds the bytes.

The body is `{code, message, more_info, status}` (plus `detail` where Twilio adds one), keys in
Twilio's alphabetical order; never `type`+`title`, which would make the SDK raise its RFC 9457
exception class instead of `TwilioRestException`.
"""

from __future__ import annotations

import json

MORE_INFO = "https://www.twilio.com/docs/errors/"
BAD_CREDENTIALS_DETAIL = "Your AccountSid or AuthToken was incorrect."


class TwilioError(Exception):
    def __init__(
        self, code: int, message: str, status: int = 400, detail: str | None = None, *, keeps_changes: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.detail = detail
        self.keeps_changes = keeps_changes  # True: the request's changes commit anyway


def authentication_error(message: str) -> TwilioError:
    return TwilioError(20003, message, 401, BAD_CREDENTIALS_DETAIL)


def test_credentials_refused() -> TwilioError:
    return TwilioError(20008, "Resource not accessible with Test Account Credentials", 403)


def not_found(path: str) -> TwilioError:
    return TwilioError(20404, f"The requested resource {path} was not found", 404)


def method_not_allowed() -> TwilioError:
    return TwilioError(20004, "Method not allowed", 405)


def rate_limited() -> TwilioError:
    return TwilioError(20429, "Too many requests", 429)


def render_error(error: TwilioError) -> bytes:
    body: dict[str, object] = {
        "code": error.code,
        "message": error.message,
        "more_info": f"{MORE_INFO}{error.code}",
        "status": error.status,
    }
    if error.detail is not None:
        body["detail"] = error.detail
    return json.dumps(dict(sorted(body.items()))).encode()
