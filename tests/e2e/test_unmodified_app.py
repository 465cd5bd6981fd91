"""An unmodified app, run with the environment `mirra env` prints, reaches the mirror.

stripe-python ignores SSL_CERT_FILE and REQUESTS_CA_BUNDLE; mirra's trust hook (on PYTHONPATH)
points `stripe.ca_bundle_path` at mirra's bundle when the app imports stripe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from mirra.testing.server import MirraProcess

APP = """
import stripe
stripe.api_key = "sk_test_app"
customer = stripe.Customer.create(email="app@example.com")
print(customer.id)
"""


def mirra_env(mirra: MirraProcess, session_id: str) -> dict[str, str]:
    printed = subprocess.run(
        [sys.executable, "-m", "mirra", "env", "--session", session_id, "--format", "json"],
        env={**os.environ, "MIRRA_HOME": str(mirra.home)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(printed.stdout)  # type: ignore[no-any-return]


def run_app(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", APP], env=environment, capture_output=True, text=True, timeout=60
    )


def test_unmodified_stripe_app_works_under_mirra_env(mirra: MirraProcess, session: dict[str, Any]) -> None:
    app = run_app({**os.environ, **mirra_env(mirra, session["sessionId"])})
    assert app.returncode == 0, app.stderr
    customer_id = app.stdout.strip()
    with mirra.control() as control:
        direct = control.get(
            f"/m/{session['sessionId']}/stripe/v1/customers/{customer_id}",
            headers={"Authorization": "Bearer sk_test_app"},
        )
    assert direct.json()["email"] == "app@example.com"


def test_without_the_trust_hook_stripe_python_rejects_the_certificate(
    mirra: MirraProcess, session: dict[str, Any]
) -> None:
    environment = {**os.environ, **mirra_env(mirra, session["sessionId"])}
    environment.pop("PYTHONPATH")
    app = run_app(environment)
    assert app.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in app.stderr
