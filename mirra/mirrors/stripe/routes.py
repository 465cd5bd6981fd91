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
    Route("POST", "/v1/webhook_endpoints", handlers.create_webhook_endpoint, "WebhookEndpointCreateParams"),
    Route("GET", "/v1/webhook_endpoints", handlers.list_webhook_endpoints, "WebhookEndpointListParams"),
    Route("GET", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.retrieve_webhook_endpoint, "WebhookEndpointRetrieveParams"),
    Route("POST", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.update_webhook_endpoint, "WebhookEndpointUpdateParams"),
    Route("DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.delete_webhook_endpoint, "WebhookEndpointDeleteParams"),
    Route("GET", "/v1/events", handlers.list_events, "EventListParams"),
    Route("GET", "/v1/events/{id}", handlers.retrieve_event, "EventRetrieveParams"),
]

router = Router(routes)
