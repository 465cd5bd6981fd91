"""The pytest plugin, used by a sample test project (inside pytester) with the real stripe SDK."""

from __future__ import annotations

import pytest

SAMPLE = '''
import http.server, threading
import pytest, stripe


def charge(customer_email):
    """The code under test: unmodified, no mirra in sight."""
    stripe.api_key = "sk_test_app"
    customer = stripe.Customer.create(email=customer_email)
    return stripe.PaymentIntent.create(amount=1500, currency="usd", customer=customer.id,
                                       payment_method="pm_card_visa", confirm=True,
                                       automatic_payment_methods={"enabled": True, "allow_redirects": "never"})


@pytest.mark.mirra(mirrors=["stripe"], seeds={"stripe": "customers"})
def test_seeded_session_and_state(mirra):
    intent = charge("buyer@example.com")
    assert intent.status == "succeeded"
    customers = mirra.state("stripe")["objects"]["customer"]
    assert len(customers) == 4  # three from the seed, one from the test


@pytest.mark.mirra
def test_sessions_are_isolated(mirra):
    assert stripe_customers() == []


def stripe_customers():
    stripe.api_key = "sk_test_app"
    return stripe.Customer.list().data


def test_webhooks_and_simulation(mirra):
    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stripe.api_key = "sk_test_app"
    stripe.WebhookEndpoint.create(url=f"http://127.0.0.1:{server.server_address[1]}/", enabled_events=["*"])
    intent = charge("hooked@example.com")
    delivered = mirra.wait_for_webhook(type="payment_intent.succeeded", timeout=20)
    assert delivered["status"] == 200 and delivered["objectId"] == intent.id
    mirra.simulate("charge.dispute.created", charge=intent.latest_charge)
    assert mirra.wait_for_webhook(type="charge.dispute.created", timeout=20)["status"] == 200
    assert "charge.dispute.created" in [e["type"] for e in mirra.events("webhook.dispatched")]
    assert {e["event"] for e in mirra.events()} >= {"state.changed", "traffic.request_completed"}
    assert mirra.advance_clock(60)["offsetSeconds"] == 60
    server.shutdown(); server.server_close()


@pytest.mark.mirra(mirrors=["resend", "twilio"])
def test_resend_and_twilio_reach_the_session_too(mirra):
    import resend
    from twilio.rest import Client

    resend.api_key = "re_app_key"
    sent = resend.Emails.send({"from": "onboarding@resend.dev", "to": ["delivered@resend.dev"],
                               "subject": "Hi", "text": "Hello"})
    mirra.advance_clock(5)
    [email] = mirra.state("resend")["objects"]["email"]
    assert email["id"] == sent["id"] and email["last_event"] == "delivered"
    twilio = Client()  # TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN of the session's account
    number = twilio.incoming_phone_numbers.create(phone_number="+15017122661").phone_number
    twilio.messages.create(to="+15558675310", from_=number, body="Your code is 123456")
    assert [m["body"] for m in mirra.state("twilio")["objects"]["message"]] == ["Your code is 123456"]


def test_plain_test_without_mirra():
    import os
    assert "MIRRA_SESSION" not in os.environ
'''


MODULE_SCOPED = '''
import os
import pytest, stripe

pytestmark = pytest.mark.mirra(scope="module")


def test_first_creates_a_customer(mirra):
    stripe.api_key = "sk_test_app"
    stripe.Customer.create(email="kept@example.com")
    pytest.shared_session = mirra.id


def test_second_sees_it_in_the_same_session(mirra):
    assert mirra.id == pytest.shared_session == os.environ["MIRRA_SESSION"]
    stripe.api_key = "sk_test_app"
    assert [c.email for c in stripe.Customer.list().data] == ["kept@example.com"]
'''

XDIST_ISOLATION = '''
import os
import pytest, stripe


@pytest.mark.parametrize("n", range(4))
def test_each_worker_and_test_is_alone(mirra, n):
    stripe.api_key = "sk_test_app"
    assert stripe.Customer.list().data == []
    stripe.Customer.create(email=f"{n}@example.com")
    assert len(mirra.state("stripe")["objects"]["customer"]) == 1
    assert os.environ["PYTEST_XDIST_WORKER"].startswith("gw")
'''


def test_sample_project_uses_the_plugin(pytester: pytest.Pytester, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRRA_HOME", str(pytester.path / "mirra-home"))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "MIRRA_SESSION"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_checkout=SAMPLE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=5)
    every = pytester.runpytest_subprocess("--mirra", "-k", "isolated or plain", "-p", "no:cacheprovider",
                                          "-W", "ignore::DeprecationWarning")
    every.assert_outcomes(passed=1, failed=1)  # with --mirra even the plain test runs in a session


def test_a_module_can_share_one_session_and_xdist_workers_are_isolated(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIRRA_HOME", str(pytester.path / "mirra-home"))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "MIRRA_SESSION"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(test_module_scope=MODULE_SCOPED, test_xdist=XDIST_ISOLATION)
    quiet = ("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    pytester.runpytest_subprocess("test_module_scope.py", *quiet).assert_outcomes(passed=2)
    pytester.runpytest_subprocess("test_xdist.py", "-n", "2", "--mirra", *quiet).assert_outcomes(passed=4)
