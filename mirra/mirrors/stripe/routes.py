"""The Stripe routing table. `params` names the stripe-python request schema to validate against."""

from __future__ import annotations

from mirra.mirrors.routing import Route, Router
from mirra.mirrors.stripe import handlers

routes = [
    Route("POST", "/v1/customers", handlers.create_customer, "CustomerCreateParams"),
    Route("GET", "/v1/customers", handlers.list_customers, "CustomerListParams"),
    Route("GET", "/v1/customers/search", handlers.search_customers, "CustomerSearchParams"),
    Route("GET", "/v1/customers/{customer}", handlers.retrieve_customer, "CustomerRetrieveParams"),
    Route("POST", "/v1/customers/{customer}", handlers.update_customer, "CustomerUpdateParams"),
    Route("DELETE", "/v1/customers/{customer}", handlers.delete_customer, "CustomerDeleteParams"),
    Route("POST", "/v1/webhook_endpoints", handlers.create_webhook_endpoint, "WebhookEndpointCreateParams"),
    Route("GET", "/v1/webhook_endpoints", handlers.list_webhook_endpoints, "WebhookEndpointListParams"),
    Route("GET", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.retrieve_webhook_endpoint, "WebhookEndpointRetrieveParams"),
    Route("POST", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.update_webhook_endpoint, "WebhookEndpointUpdateParams"),
    Route("DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", handlers.delete_webhook_endpoint, "WebhookEndpointDeleteParams"),
    Route("POST", "/v1/payment_methods", handlers.create_payment_method, "PaymentMethodCreateParams"),
    Route("GET", "/v1/payment_methods", handlers.list_payment_methods, "PaymentMethodListParams"),
    Route("GET", "/v1/payment_methods/{payment_method}", handlers.retrieve_payment_method, "PaymentMethodRetrieveParams"),
    Route("POST", "/v1/payment_methods/{payment_method}", handlers.update_payment_method, "PaymentMethodUpdateParams"),
    Route("POST", "/v1/payment_methods/{payment_method}/attach", handlers.attach_payment_method, "PaymentMethodAttachParams"),
    Route("POST", "/v1/payment_methods/{payment_method}/detach", handlers.detach_payment_method, "PaymentMethodDetachParams"),
    Route("GET", "/v1/customers/{customer}/payment_methods", handlers.list_customer_payment_methods, "CustomerListPaymentMethodsParams"),
    Route("GET", "/v1/customers/{customer}/payment_methods/{payment_method}", handlers.retrieve_customer_payment_method, "CustomerRetrievePaymentMethodParams"),
    Route("POST", "/v1/payment_intents", handlers.create_payment_intent, "PaymentIntentCreateParams"),
    Route("GET", "/v1/payment_intents", handlers.list_payment_intents, "PaymentIntentListParams"),
    Route("GET", "/v1/payment_intents/search", handlers.search_payment_intents, "PaymentIntentSearchParams"),
    Route("GET", "/v1/payment_intents/{intent}", handlers.retrieve_payment_intent, "PaymentIntentRetrieveParams"),
    Route("POST", "/v1/payment_intents/{intent}", handlers.update_payment_intent, "PaymentIntentUpdateParams"),
    Route("POST", "/v1/payment_intents/{intent}/confirm", handlers.confirm_payment_intent, "PaymentIntentConfirmParams"),
    Route("POST", "/v1/payment_intents/{intent}/capture", handlers.capture_payment_intent, "PaymentIntentCaptureParams"),
    Route("POST", "/v1/payment_intents/{intent}/cancel", handlers.cancel_payment_intent, "PaymentIntentCancelParams"),
    Route("POST", "/v1/setup_intents", handlers.create_setup_intent, "SetupIntentCreateParams"),
    Route("GET", "/v1/setup_intents", handlers.list_setup_intents, "SetupIntentListParams"),
    Route("GET", "/v1/setup_intents/{intent}", handlers.retrieve_setup_intent, "SetupIntentRetrieveParams"),
    Route("POST", "/v1/setup_intents/{intent}", handlers.update_setup_intent, "SetupIntentUpdateParams"),
    Route("POST", "/v1/setup_intents/{intent}/confirm", handlers.confirm_setup_intent, "SetupIntentConfirmParams"),
    Route("POST", "/v1/setup_intents/{intent}/cancel", handlers.cancel_setup_intent, "SetupIntentCancelParams"),
    Route("GET", "/v1/charges", handlers.list_charges, "ChargeListParams"),
    Route("GET", "/v1/charges/search", handlers.search_charges, "ChargeSearchParams"),
    Route("GET", "/v1/charges/{charge}", handlers.retrieve_charge, "ChargeRetrieveParams"),
    Route("POST", "/v1/charges/{charge}", handlers.update_charge, "ChargeUpdateParams"),
    Route("POST", "/v1/refunds", handlers.create_refund, "RefundCreateParams"),
    Route("GET", "/v1/refunds", handlers.list_refunds, "RefundListParams"),
    Route("GET", "/v1/refunds/{refund}", handlers.retrieve_refund, "RefundRetrieveParams"),
    Route("POST", "/v1/refunds/{refund}", handlers.update_refund, "RefundUpdateParams"),
    Route("GET", "/v1/disputes", handlers.list_disputes, "DisputeListParams"),
    Route("GET", "/v1/disputes/{dispute}", handlers.retrieve_dispute, "DisputeRetrieveParams"),
    Route("GET", "/v1/balance_transactions", handlers.list_balance_transactions, "BalanceTransactionListParams"),
    Route("GET", "/v1/balance_transactions/{id}", handlers.retrieve_balance_transaction, "BalanceTransactionRetrieveParams"),
    Route("GET", "/v1/events", handlers.list_events, "EventListParams"),
    Route("GET", "/v1/events/{id}", handlers.retrieve_event, "EventRetrieveParams"),
]

router = Router(routes)
