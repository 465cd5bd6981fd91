"""`mirra env` hands an app the session's default Twilio account: `Client()` with no arguments
(twilio-python reads TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN) sends into the session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from mirra.testing.server import MirraProcess
from tests.twilio.conftest import Mirror


def test_env_prints_the_default_accounts_credentials(
    mirra: MirraProcess, twilio_session: dict[str, Any], mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "mirra", "env", "--session", twilio_session["sessionId"], "--format", "json"],
        env={**os.environ, "MIRRA_HOME": str(mirra.home)}, capture_output=True, text=True, timeout=60, check=True,
    )
    environment = json.loads(printed.stdout)
    account = mirror.state()["account"]
    assert (environment["TWILIO_ACCOUNT_SID"], environment["TWILIO_AUTH_TOKEN"]) == (account["accountSid"], account["authToken"])
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "REQUESTS_CA_BUNDLE"):
        monkeypatch.setenv(name, environment[name])
    client = Client(http_client=TwilioHttpClient(proxy={"https": environment["HTTPS_PROXY"]}))
    assert client.api.v2010.account.fetch().sid == account["accountSid"]
    assert mirror.post("state/reset", {}).status_code == 200
    assert mirror.state()["account"] == account  # a reset keeps the session's credentials
