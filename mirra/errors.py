"""mirra's own errors (not a vendor's): `{"error": {"code", "message", "hint"}}`.

Raised by the session registry and the control API, and by the proxy when a request cannot reach
a mirror (unknown session, unmirrored host). One renderer, `error_body`, builds every such body.
"""

from __future__ import annotations

import json


class MirraError(Exception):
    """A user-facing mirra error with its HTTP status and a hint saying how to fix it."""

    def __init__(self, status: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint

    def body(self) -> bytes:
        return error_body(self.code, self.message, self.hint)


def error_body(code: str, message: str, hint: str = "") -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "hint": hint}}).encode()
