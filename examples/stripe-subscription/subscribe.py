"""Subscribe a customer to the monthly plan, and grant access only when Stripe's signed
`invoice.paid` webhook says the first invoice is paid. Plain stripe-python: no mirra in the code."""

from __future__ import annotations

import http.server
import os
import sys
import threading

import stripe

stripe.api_key = os.environ.get("STRIPE_API_KEY", "sk_test_example")
granted = threading.Event()
endpoint_secret: list[str] = []
seen_events: set[str] = set()


class WebhookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        payload = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            event = stripe.Webhook.construct_event(payload, self.headers["Stripe-Signature"], endpoint_secret[0])
        except (ValueError, stripe.SignatureVerificationError):
            self.respond(400)
            return
        if event.id not in seen_events:  # Stripe may deliver an event more than once
            seen_events.add(event.id)
            if event.type == "invoice.paid":
                invoice = event.data.object
                print(f"access granted to {invoice.customer} for invoice {invoice.id}", flush=True)
                granted.set()
            elif event.type == "invoice.payment_failed":
                print(f"payment failed for {event.data.object.customer}; access not granted", flush=True)
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
        enabled_events=["customer.subscription.created", "invoice.paid", "invoice.payment_failed"],
    )
    endpoint_secret.append(endpoint.secret)
    price = stripe.Price.create(
        currency="usd",
        unit_amount=1200,
        recurring={"interval": "month"},
        product_data={"name": "Acme Pro"},
        lookup_key="acme-pro-monthly",
    )
    customer = stripe.Customer.create(email="ada@example.com")
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": card.id})
    subscription = stripe.Subscription.create(customer=customer.id, items=[{"price": price.id}])
    print(f"subscription {subscription.id} is {subscription.status}", flush=True)
    if not granted.wait(timeout=10):
        print("no invoice.paid webhook arrived; access not granted", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
