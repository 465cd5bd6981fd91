"""The Stripe routing table. `params` names the stripe-python request schema to validate against."""

from __future__ import annotations

from mirra.mirrors.routing import Route, Router
from mirra.mirrors.stripe import handlers

routes = [
    Route("POST", "/v1/customers", handlers.create_customer, "CustomerCreateParams"),
    Route("GET", "/v1/customers", handlers.list_customers, "CustomerListParams"),
    Route("GET", "/v1/customers/{customer}", handlers.retrieve_customer, "CustomerRetrieveParams"),
    Route("POST", "/v1/customers/{customer}", handlers.update_customer, "CustomerUpdateParams"),
    Route("DELETE", "/v1/customers/{customer}", handlers.delete_customer, "CustomerDeleteParams"),
]

router = Router(routes)
