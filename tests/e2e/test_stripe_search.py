"""Search on customers, payment intents and charges, with Stripe's query language and paging."""

from __future__ import annotations

import pytest
import stripe


def test_customer_search_clauses_and_paging(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    jenny = customers.create({"email": "jenny@example.com", "name": "Jenny Rosen", "metadata": {"plan": "pro"}})
    customers.create({"email": "sam@example.com", "name": "Sam Rosenberg", "metadata": {"plan": "free"}})
    customers.create({"email": "alex@example.com", "name": "Alex"})

    def found(query: str) -> list[str]:
        return sorted(c.email for c in customers.search({"query": query}).auto_paging_iter())

    assert found('email:"jenny@example.com"') == ["jenny@example.com"]
    assert found('name~"rosen"') == ["jenny@example.com", "sam@example.com"]
    assert found('metadata["plan"]:"pro"') == ["jenny@example.com"]
    assert found('-name~"rosen"') == ["alex@example.com"]
    assert found('metadata["plan"]:"pro" OR email:"alex@example.com"') == ["alex@example.com", "jenny@example.com"]
    assert found(f"created>={jenny.created} AND name~\"ros\"") == ["jenny@example.com", "sam@example.com"]

    first = customers.search({"query": 'email~"example"', "limit": 2, "expand": ["total_count"]})
    assert first.object == "search_result" and first.url == "/v1/customers/search"
    assert len(first.data) == 2 and first.has_more and first.next_page and first.total_count == 3
    second = customers.search({"query": 'email~"example"', "limit": 2, "page": first.next_page})
    assert len(second.data) == 1 and second.has_more is False and second.next_page is None


def test_bad_queries(stripe_client: stripe.StripeClient) -> None:
    for query, fragment in [
        ('foo:"x"', "unsupported search field"),
        ('email:"a" AND name:"b" OR phone:"c"', "cannot mix AND and OR"),
        ('name~"ab"', "at least 3 characters"),
        ("email", "could not parse"),
    ]:
        with pytest.raises(stripe.InvalidRequestError) as bad:
            stripe_client.v1.customers.search({"query": query})
        assert fragment in bad.value.user_message and bad.value.param == "query"


def test_payment_intent_and_charge_search(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create({"name": "payer"})
    intent = stripe_client.v1.payment_intents.create(
        {"amount": 4200, "currency": "usd", "customer": customer.id, "payment_method": "pm_card_visa", "confirm": True,
         "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"}, "metadata": {"order": "9"}}
    )
    stripe_client.v1.payment_intents.create({"amount": 100, "currency": "eur"})
    hits = stripe_client.v1.payment_intents.search({"query": 'status:"succeeded" AND amount>4000'}).data
    assert [i.id for i in hits] == [intent.id]
    assert [i.id for i in stripe_client.v1.payment_intents.search({"query": f'customer:"{customer.id}"'}).data] == [intent.id]
    charges = stripe_client.v1.charges.search({"query": 'payment_method_details.card.last4:"4242" AND refunded:"false"'}).data
    assert [c.payment_intent for c in charges] == [intent.id]
