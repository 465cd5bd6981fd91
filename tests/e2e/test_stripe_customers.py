"""The first Stripe slice, through the real stripe SDK and the real proxy, verification on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
import stripe

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory, stripe_client_for


def raw(mirra: MirraProcess, session: dict[str, Any], method: str, path: str, **kwargs: Any) -> requests.Response:
    """A hand-made request to api.stripe.com through the proxy, to see headers and bytes."""
    headers = {"Authorization": "Bearer sk_test_mirra", **kwargs.pop("headers", {})}
    return requests.request(
        method,
        f"https://api.stripe.com{path}",
        proxies={"https": session["proxyUrl"]},
        verify=str(mirra.ca_bundle),
        headers=headers,
        timeout=30,
        **kwargs,
    )


def test_create_returns_the_full_customer_object(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create(
        {
            "email": "jenny@example.com",
            "name": "Jenny Rosen",
            "metadata": {"order": "42"},
            "preferred_locales": ["en", "fr"],
            "invoice_settings": {"custom_fields": [{"name": "VAT", "value": "FR123"}]},
            "address": {"city": "Paris", "country": "FR"},
            "expand": ["default_source"],
        }
    )
    assert customer.id.startswith("cus_") and len(customer.id) == 18
    assert customer.object == "customer"
    assert customer.livemode is False
    assert customer.email == "jenny@example.com"
    assert customer.metadata.to_dict() == {"order": "42"}
    assert customer.preferred_locales == ["en", "fr"]
    assert customer.invoice_settings.custom_fields[0].to_dict() == {"name": "VAT", "value": "FR123"}
    assert customer.address.to_dict() == {
        "city": "Paris", "country": "FR", "line1": None, "line2": None, "postal_code": None, "state": None
    }
    assert customer.default_source is None
    assert customer.balance == 0 and customer.delinquent is False and customer.tax_exempt == "none"
    assert len(customer.invoice_prefix) == 8
    assert set(customer.to_dict()) == {
        "id", "object", "address", "balance", "business_name", "created", "currency",
        "customer_account", "default_source", "delinquent", "description", "discount", "email",
        "individual_name", "invoice_prefix", "invoice_settings", "livemode", "metadata", "name",
        "next_invoice_sequence", "phone", "preferred_locales", "shipping", "tax_exempt", "test_clock",
    }


def test_retrieve_update_and_delete(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    created = customers.create({"email": "a@example.com", "metadata": {"keep": "1", "drop": "2"}})
    assert customers.retrieve(created.id).email == "a@example.com"

    updated = customers.update(
        created.id, {"description": "VIP", "metadata": {"drop": "", "new": "3"}, "address": {"city": "Oslo"}}
    )
    assert updated.description == "VIP"
    assert updated.metadata.to_dict() == {"keep": "1", "new": "3"}  # merged, "" unsets one key
    assert customers.retrieve(created.id).address.city == "Oslo"

    unset = customers.update(created.id, {"address": "", "metadata": ""})  # "" unsets the field
    assert unset.address is None and unset.metadata.to_dict() == {}

    deleted = customers.delete(created.id)
    assert deleted.to_dict() == {"id": created.id, "object": "customer", "deleted": True}
    assert customers.retrieve(created.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError) as missing:
        customers.update(created.id, {"name": "ghost"})
    assert missing.value.http_status == 404
    assert created.id not in [c.id for c in customers.list({"limit": 100}).data]


def test_list_pages_newest_first_with_cursors(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    ids = [customers.create({"name": f"c{i}"}).id for i in range(25)]
    newest_first = list(reversed(ids))

    first = customers.list({"limit": 10})
    assert first.object == "list" and first.url == "/v1/customers"
    assert [c.id for c in first.data] == newest_first[:10] and first.has_more is True

    after = customers.list({"limit": 10, "starting_after": first.data[-1].id})
    assert [c.id for c in after.data] == newest_first[10:20]

    before = customers.list({"limit": 5, "ending_before": after.data[0].id})
    assert [c.id for c in before.data] == newest_first[5:10]

    last = customers.list({"limit": 10, "starting_after": newest_first[19]})
    assert [c.id for c in last.data] == newest_first[20:] and last.has_more is False

    assert [c.id for c in customers.list({"limit": 3}).auto_paging_iter()] == newest_first


def test_list_filters_by_email_and_created(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    wanted = customers.create({"email": "find-me@example.com"})
    customers.create({"email": "other@example.com"})
    assert [c.id for c in customers.list({"email": "find-me@example.com"}).data] == [wanted.id]
    assert customers.list({"created": {"gt": wanted.created + 3600}}).data == []
    assert wanted.id in [c.id for c in customers.list({"created": {"gte": wanted.created}}).data]


def test_global_style_sdk_with_auto_paging(
    mirra: MirraProcess, session: dict[str, Any], stripe_trusts_mirra: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stripe, "api_key", "sk_test_global")
    monkeypatch.setattr(stripe, "proxy", session["proxyUrl"])
    monkeypatch.setattr(stripe, "default_http_client", None)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    made = {stripe.Customer.create(name=f"g{i}").id for i in range(4)}
    assert {c.id for c in stripe.Customer.list(limit=1).auto_paging_iter()} == made


def test_sessions_see_none_of_each_others_customers(
    new_session: SessionFactory, stripe_trusts_mirra: None
) -> None:
    one, two = stripe_client_for(new_session()), stripe_client_for(new_session())
    mine = one.v1.customers.create({"email": "one@example.com"})
    assert two.v1.customers.list().data == []
    with pytest.raises(stripe.InvalidRequestError):
        two.v1.customers.retrieve(mine.id)
    assert [c.id for c in one.v1.customers.list().data] == [mine.id]


def test_missing_and_invalid_api_keys(session: dict[str, Any], stripe_trusts_mirra: None) -> None:
    with pytest.raises(stripe.AuthenticationError) as invalid:
        stripe_client_for(session, api_key="sk_live_abc123wxyz").v1.customers.list()
    assert invalid.value.http_status == 401
    assert invalid.value.user_message == "Invalid API Key provided: sk_live_******wxyz"


def test_missing_key_body_is_stripes(mirra: MirraProcess, session: dict[str, Any]) -> None:
    response = raw(mirra, session, "GET", "/v1/customers", headers={"Authorization": ""})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and set(error) == {"message", "type"}
    assert error["message"].startswith("You did not provide an API key.")


def test_unknown_customer_is_resource_missing(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.customers.retrieve("cus_nothere")
    error = missing.value
    assert error.http_status == 404 and error.code == "resource_missing" and error.param == "id"
    assert error.user_message == "No such customer: 'cus_nothere'"
    assert error.request_id and error.request_id.startswith("req_")
    assert error.json_body["error"]["doc_url"] == "https://stripe.com/docs/error-codes/resource-missing"


def test_bad_parameters_get_stripes_errors_and_change_nothing(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    customer = customers.create({"name": "before"})
    cases = [
        ({"foo": "bar"}, "parameter_unknown", "foo", "Received unknown parameter: foo"),
        ({"address": {"town": "x"}}, "parameter_unknown", "address[town]", "Received unknown parameter: address[town]"),
        ({"balance": "lots"}, "parameter_invalid_integer", "balance", "Invalid integer: lots"),
        ({"description": ""}, "parameter_invalid_empty", "description", None),
        ({"email": "not-an-email"}, "email_invalid", "email", "Invalid email address: not-an-email"),
        ({"name": "after", "tax_exempt": "sometimes"}, None, "tax_exempt", None),
    ]
    for params, code, param, message in cases:
        with pytest.raises(stripe.InvalidRequestError) as bad:
            customers.update(customer.id, params)  # type: ignore[arg-type]
        assert (bad.value.http_status, bad.value.code, bad.value.param) == (400, code, param), params
        if message:
            assert bad.value.user_message == message
    assert customers.retrieve(customer.id).name == "before"


def test_unrecognized_url(mirra: MirraProcess, session: dict[str, Any]) -> None:
    response = raw(mirra, session, "GET", "/v1/nothing")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "message": "Unrecognized request URL (GET: /v1/nothing). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
            "type": "invalid_request_error",
        }
    }
    assert response.headers["Request-Id"].startswith("req_")


def test_form_encoding_with_rack_arrays_and_query_params(mirra: MirraProcess, session: dict[str, Any]) -> None:
    body = "preferred_locales[]=de&preferred_locales[]=it&metadata[a]=1&invoice_settings[footer]=thanks"
    created = raw(mirra, session, "POST", "/v1/customers", data=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert created.status_code == 200, created.text
    customer = created.json()
    assert customer["preferred_locales"] == ["de", "it"]
    assert customer["invoice_settings"]["footer"] == "thanks"
    listed = raw(mirra, session, "GET", "/v1/customers?limit=1&expand[]=data.default_source").json()
    assert [c["id"] for c in listed["data"]] == [customer["id"]]
    wrong = raw(mirra, session, "GET", "/v1/customers?expand[]=default_source").json()
    assert wrong["error"]["message"] == (
        "This property cannot be expanded (default_source). "
        "You may want to try expanding 'data.default_source' instead."
    )


def test_idempotent_replay_and_conflict(mirra: MirraProcess, session: dict[str, Any]) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": "order-1"}
    first = raw(mirra, session, "POST", "/v1/customers", data="email=a%40example.com", headers=form)
    again = raw(mirra, session, "POST", "/v1/customers", data="email=a%40example.com", headers=form)
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Original-Request"] == first.headers["Request-Id"] != again.headers["Request-Id"]
    assert "Idempotent-Replayed" not in first.headers

    other = raw(mirra, session, "POST", "/v1/customers", data="email=b%40example.com", headers=form)
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"
    assert "Try using a key other than 'order-1'" in other.json()["error"]["message"]
    listed = raw(mirra, session, "GET", "/v1/customers").json()["data"]
    assert [c["id"] for c in listed] == [first.json()["id"]]


def test_idempotency_through_the_sdk(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    one = customers.create({"name": "same"}, {"idempotency_key": "k-sdk"})
    two = customers.create({"name": "same"}, {"idempotency_key": "k-sdk"})
    assert one.id == two.id
    with pytest.raises(stripe.IdempotencyError):
        customers.create({"name": "different"}, {"idempotency_key": "k-sdk"})


def test_validation_failures_are_not_kept_for_replay(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    with pytest.raises(stripe.InvalidRequestError):
        customers.create({"foo": "x"}, {"idempotency_key": "retry-me"})  # type: ignore[dict-item]
    fixed = customers.create({"name": "fixed"}, {"idempotency_key": "retry-me"})
    assert fixed.name == "fixed"


def test_execution_errors_are_replayed(stripe_client: stripe.StripeClient) -> None:
    customers = stripe_client.v1.customers
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as missing:
            customers.update("cus_gone", {"name": "x"}, {"idempotency_key": "k-404"})
        assert missing.value.http_status == 404
    assert missing.value.headers["idempotent-replayed"] == "true"


def test_a_replay_answers_as_the_first_call_did_even_when_running_it_now_would_fail(
    stripe_client: stripe.StripeClient,
) -> None:
    customers = stripe_client.v1.customers
    customer = customers.create({"name": "before"})
    renamed = customers.update(customer.id, {"name": "after"}, {"idempotency_key": "rename-1"})
    customers.delete(customer.id)
    replayed = customers.update(customer.id, {"name": "after"}, {"idempotency_key": "rename-1"})
    assert replayed.last_response.headers["idempotent-replayed"] == "true"
    assert replayed.to_dict() == renamed.to_dict()
    assert customers.retrieve(customer.id).to_dict().get("deleted") is True


def test_keys_are_kept_for_24_hours_of_session_time(
    stripe_client: stripe.StripeClient, session: dict[str, Any]
) -> None:
    customers = stripe_client.v1.customers
    first = customers.create({"name": "day one"}, {"idempotency_key": "daily"})
    assert customers.create({"name": "day one"}, {"idempotency_key": "daily"}).id == first.id
    admin = f"{session['mirrors'][0]['url']}/_mirra"
    httpx.post(f"{admin}/clock/advance", json={"seconds": 24 * 3600 + 1}, trust_env=False).raise_for_status()
    second = customers.create({"name": "day two"}, {"idempotency_key": "daily"})  # other params: a new call
    assert second.id != first.id and second.name == "day two"
    assert customers.create({"name": "day two"}, {"idempotency_key": "daily"}).id == second.id


def test_keys_come_in_stripes_order(mirra: MirraProcess, session: dict[str, Any]) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    created = raw(mirra, session, "POST", "/v1/customers", data="name=x&address[city]=Oslo", headers=form)
    assert created.text.startswith('{\n  "id": "cus_')  # pretty-printed, two spaces
    body = created.json()
    assert list(body)[:2] == ["id", "object"] and list(body)[2:] == sorted(list(body)[2:])
    assert list(body["address"]) == sorted(body["address"])
    updated = raw(mirra, session, "POST", f"/v1/customers/{body['id']}", data="phone=1", headers=form).json()
    assert list(updated) == list(body)
    listed = raw(mirra, session, "GET", "/v1/customers").json()
    assert list(listed) == ["object", "data", "has_more", "url"]
