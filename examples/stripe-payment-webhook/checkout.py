"""A tiny shop's checkout: charge a card, and mark the order paid only when Stripe's signed
`payment_intent.succeeded` webhook arrives. Plain stripe-python: no mirra in the code."""

from __future__ import annotations

import http.server
import json
import os
import sys
import threading

import stripe

stripe.api_key = os.environ.get("STRIPE_API_KEY", "sk_test_example")
paid = threading.Event()
endpoint_secret: list[str] = []


class WebhookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        payload = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            event = stripe.Webhook.construct_event(payload, self.headers["Stripe-Signature"], endpoint_secret[0])
        except (ValueError, stripe.SignatureVerificationError):
            self.respond(400)
            return
        if event.type == "payment_intent.succeeded":
            print(f"order {event.data.object.metadata['order']} marked paid", flush=True)
            paid.set()
        self.respond(200)

    def respond(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebhookHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = stripe.WebhookEndpoint.create(
        url=f"http://127.0.0.1:{server.server_address[1]}/stripe/webhook",
        enabled_events=["payment_intent.succeeded", "payment_intent.payment_failed"],
    )
    endpoint_secret.append(endpoint.secret)
    intent = stripe.PaymentIntent.create(
        amount=2000,
        currency="usd",
        payment_method="pm_card_visa",
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata={"order": "order-1001"},
    )
    print(json.dumps({"paymentIntent": intent.id, "status": intent.status}), flush=True)
    if not paid.wait(timeout=5):
        print("no payment_intent.succeeded webhook arrived", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
