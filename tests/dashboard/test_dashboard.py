"""The dashboard in a real browser (Debian's Chromium, headless, driven by Playwright), and its
token guard. A screenshot of each page is kept under test-output/dashboard/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import resend
import stripe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory, stripe_client_for
from tests.webhook_receiver import Receiver

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "dashboard"
# Without the background-networking flags Chromium keeps dialling Google's hosts, refused here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def test_without_the_token_every_page_and_api_call_is_refused(mirra: MirraProcess) -> None:
    with httpx.Client(base_url=mirra.urls.api_url, trust_env=False, follow_redirects=False) as anonymous:
        for path in ("/", "/static/app.js", "/static/style.css", "/v1/sessions", "/v1/runs"):
            response = anonymous.get(path)
            assert response.status_code == 401, path
            assert mirra.token not in response.text
        assert "Sign in to the mirra dashboard." in anonymous.get("/").text
        assert anonymous.get("/login?token=wrong").status_code == 401
        anonymous.cookies.set("mirra_token", "mt_pat_forged")
        assert anonymous.get("/").status_code == 401
        assert anonymous.get("/v1/sessions").status_code == 401

        anonymous.cookies.clear()
        login = anonymous.get(f"/login?token={mirra.token}")
        assert login.status_code == 303 and login.headers["location"] == "/"
        assert "HttpOnly" in login.headers["set-cookie"] and "SameSite=strict" in login.headers["set-cookie"]
        assert anonymous.get("/").status_code == 200 and anonymous.get("/v1/sessions").status_code == 200
        # a cookie alone cannot change anything: a cross-site form could send it
        refused = anonymous.post("/v1/sessions", json={"mirrors": ["stripe"]})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "mirra.auth.cross_site"
        assert anonymous.post("/v1/sessions", json={"mirrors": ["stripe"]}, headers={"X-Mirra-Dashboard": "1"}).status_code == 201


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (./dev.sh test installs Debian's chromium package when it can)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, mirra: MirraProcess) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1360, "height": 860})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{mirra.urls.api_url}/login?token={mirra.token}")
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def resend_sdk(mirra: MirraProcess, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mirra.ca_bundle))
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(resend, "api_key", "re_dashboard_test")
    return resend


def test_a_session_live_in_the_browser(
    page: Page,
    mirra: MirraProcess,
    new_session: SessionFactory,
    stripe_trusts_mirra: None,
    receiver: Receiver,
    resend_sdk: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expect(page.locator("h1")).to_have_text("Sessions")
    assert "token" not in page.url
    session = new_session(mirrors=["stripe", "resend"])
    sid = session["sessionId"]
    row = page.locator(f'tr[data-session="{sid}"]')
    expect(row).to_be_visible()  # appears without a reload
    shot(page, "01-sessions")

    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text(sid)
    client = stripe_client_for(session)
    client.v1.webhook_endpoints.create({"url": receiver.url, "enabled_events": ["*"]})
    customer = client.v1.customers.create({"email": "watched@example.com", "name": "Watched"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.retrieve("cus_nope")
    monkeypatch.setenv("HTTPS_PROXY", session["proxyUrl"])
    sent = resend_sdk.Emails.send({"from": "onboarding@resend.dev", "to": ["delivered@resend.dev"],
                                   "subject": "Welcome aboard", "html": "<h1>Hello <em>there</em></h1>", "text": "Hello there"})

    traffic = page.locator("#traffic tbody tr")
    expect(traffic).to_have_count(4)  # live, from the event stream
    failed = page.locator("#traffic tr.error")
    expect(failed).to_have_count(1)
    failed.click()
    expect(page.locator("#response-body")).to_have_class(re.compile("error"))
    expect(page.locator("#response-body")).to_contain_text("resource_missing")
    shot(page, "02-traffic")

    page.locator('[data-tab="state"]').click()
    page.locator('[data-mirror="stripe"]').click()
    page.locator('[data-kind="customer"]').click()
    page.locator(f'[data-object="{customer.id}"]').click()
    expect(page.locator("#object")).to_contain_text("watched@example.com")
    shot(page, "03-state")

    page.locator('[data-tab="stripe"]').click()
    expect(page.locator(f'#stripe-tree [data-customer="{customer.id}"]')).to_contain_text("watched@example.com")

    page.locator('[data-tab="inbox"]').click()
    page.locator(f'[data-email="{sent["id"]}"]').click()
    expect(page.locator("#email h2").first).to_have_text("Welcome aboard")
    expect(page.frame_locator("iframe.mail").locator("h1")).to_have_text("Hello there")
    shot(page, "04-inbox")

    page.select_option("#action-mirror", "stripe")
    page.select_option("#simulate-event", "customer.updated")
    page.fill("#simulate-params", f'{{"customer": "{customer.id}", "name": "Renamed"}}')
    page.locator("#simulate").click()
    expect(page.locator("#toast")).to_have_text("Simulated customer.updated")
    page.locator('[data-tab="webhooks"]').click()
    delivered = page.locator('#webhooks tr[data-type="customer.updated"]')
    expect(delivered).to_contain_text("200")
    expect(delivered).to_contain_text("t=")  # the Stripe-Signature header of the attempt
    shot(page, "05-webhooks")

    page.select_option("#reset-seed", "")
    page.locator("#reset").click()
    page.locator('[data-tab="state"]').click()
    page.locator('[data-mirror="stripe"]').click()
    expect(page.locator("#kinds button")).to_have_count(0)
    expect(page.locator("#objects")).to_contain_text("No objects of this kind.")
    shot(page, "06-after-reset")


def test_twilio_conversations_in_the_browser(
    page: Page, mirra: MirraProcess, new_session: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = new_session(mirrors=["twilio"])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(mirra.ca_bundle))
    with mirra.control() as control:
        account = control.get(f"/m/{session['sessionId']}/twilio/_mirra/state").json()["account"]
    client = Client(account["accountSid"], account["authToken"],
                    http_client=TwilioHttpClient(proxy={"https": session["proxyUrl"]}, timeout=30))
    number = client.incoming_phone_numbers.create(phone_number="+15017122661").phone_number
    client.messages.create(to="+15558675310", from_=number, body="Your table is ready")
    client.messages.create(to="+15558675310", from_=number, body="See you soon")

    page.goto(f"{mirra.urls.api_url}/#/sessions/{session['sessionId']}")
    page.locator('[data-tab="messages"]').click()
    bubbles = page.locator("#conversation .bubble.out")
    expect(bubbles).to_have_count(2)
    expect(bubbles.first).to_contain_text("Your table is ready")
    expect(page.locator("#conversations")).to_contain_text("+15017122661 ↔ +15558675310")
    shot(page, "07-messages")


def test_runs_in_the_browser(page: Page, mirra: MirraProcess, tmp_path: Path) -> None:
    scenario = (Path(__file__).resolve().parents[2] / "examples" / "stripe-payment-webhook" / "scenario.md").read_text()
    path = f"{Path(os.sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    with mirra.control() as control:
        started = control.post("/v1/runs", json={
            "scenarioMarkdown": scenario.replace("runs: 2", "runs: 1"),
            "cwd": str(Path(__file__).resolve().parents[2] / "examples" / "stripe-payment-webhook"),
            "env": {**os.environ, "PATH": path},
        }).json()
    page.goto(f"{mirra.urls.api_url}/#/runs/{started['runId']}")
    expect(page.locator("h1 .pill")).to_have_text("pass")  # followed live until complete
    expect(page.locator("#criteria")).to_contain_text("The order was marked paid")
    shot(page, "08-run")
    page.goto(f"{mirra.urls.api_url}/#/runs")
    expect(page.locator(f'#runs tr[data-run="{started["runId"]}"]')).to_contain_text("Checkout marks the order paid")
    shot(page, "09-runs")
