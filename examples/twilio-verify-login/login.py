"""Two-step login with Twilio Verify. Plain twilio SDK: no mirra in the code.

    python login.py start +15017122661          text a code to the phone
    python login.py check +15017122661 123456   log in with the code the user typed
"""

from __future__ import annotations

import os
import sys

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

SERVICE_NAME = "Acme login"


def client() -> Client:
    return Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


def verify_service(twilio: Client) -> str:
    """The app's Verify service, created on first use."""
    for service in twilio.verify.v2.services.list(limit=20):
        if service.friendly_name == SERVICE_NAME:
            return service.sid
    return twilio.verify.v2.services.create(friendly_name=SERVICE_NAME, code_length=6).sid


def start(phone: str) -> int:
    twilio = client()
    verification = twilio.verify.v2.services(verify_service(twilio)).verifications.create(to=phone, channel="sms")
    print(f"code sent to {phone}: {verification.status}")
    return 0


def check(phone: str, code: str) -> int:
    twilio = client()
    try:
        result = twilio.verify.v2.services(verify_service(twilio)).verification_checks.create(to=phone, code=code)
    except TwilioRestException as error:  # 404 once the verification is approved, expired or used up
        print(f"login refused: {error.msg} ({error.code})")
        return 1
    if result.status != "approved":
        print("login refused: wrong code")
        return 1
    print(f"logged in as {phone}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "start":
        return start(argv[2])
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
