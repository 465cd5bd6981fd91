"""The user of the login: asks for a code, mistypes it once, then types the one their phone got.

The phone is mirra's: the code is read from the Twilio mirror's state through the proxy (the
session's own admin route), as a person would read the SMS.
"""

from __future__ import annotations

import subprocess
import sys

import requests

PHONE = "+15017122661"


def login(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "login.py", *args], capture_output=True, text=True)
    print(done.stdout.strip(), done.stderr.strip())
    return done


def code_on_the_phone() -> str:
    state = requests.get("https://verify.twilio.com/_mirra/state", timeout=10).json()
    return next(c["code"] for c in reversed(state["verificationCodes"]) if c["to"] == PHONE)


def main() -> int:
    if login("start", PHONE).returncode != 0:
        return 1
    code = code_on_the_phone()
    wrong = "000000" if code != "000000" else "111111"
    if login("check", PHONE, wrong).returncode == 0:
        print("a wrong code was accepted")
        return 1
    return login("check", PHONE, code).returncode


if __name__ == "__main__":
    sys.exit(main())
