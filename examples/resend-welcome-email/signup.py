"""Sign a user up and send the welcome email through Resend. Plain resend SDK: no mirra in the code.

    python signup.py "Alice Liddell" alice@wonderland.dev
"""

from __future__ import annotations

import html
import os
import sys

import resend

resend.api_key = os.environ.get("RESEND_API_KEY", "re_example_key")
SENDER = "Acme <hello@mail.acme.com>"


def send_welcome(name: str, email: str) -> str:
    first = name.split()[0]
    sent = resend.Emails.send(
        {
            "from": SENDER,
            "to": [email],
            "subject": f"Welcome to Acme, {first}!",
            "html": f"<h1>Welcome, {html.escape(first)}!</h1><p>Your account is ready.</p>",
            "text": f"Welcome, {first}!\n\nYour account is ready.",
            "tags": [{"name": "category", "value": "welcome"}],
        },
        {"idempotency_key": f"welcome/{email}"},
    )
    return sent["id"]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python signup.py NAME EMAIL", file=sys.stderr)
        return 2
    try:
        email_id = send_welcome(argv[1], argv[2])
    except resend.exceptions.ResendError as error:
        print(f"could not send the welcome email: {error}", file=sys.stderr)
        return 1
    print(f"welcome email {email_id} queued for {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
