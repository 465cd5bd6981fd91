"""The Resend routing table. Templates with the same path and another method answer 405;
paths nobody routes answer Resend's 404 `The requested endpoint does not exist.`, and so do the
endpoints the SDKs expose that the mirror leaves out (OUT_OF_SCOPE), before `/emails/{id}` could
take `/emails/receiving` for an email id."""

from __future__ import annotations

from mirra.mirrors.resend import handlers as h
from mirra.mirrors.routing import Route, Router

routes = [
    Route("POST", "/emails", h.send_email),
    Route("GET", "/emails", h.list_emails),
    Route("POST", "/emails/batch", h.send_batch),
    Route("GET", "/emails/{email_id}", h.retrieve_email),
    Route("PATCH", "/emails/{email_id}", h.update_email),
    Route("POST", "/emails/{email_id}/cancel", h.cancel_email),
    Route("GET", "/emails/{email_id}/attachments", h.list_attachments),
    Route("GET", "/emails/{email_id}/attachments/{attachment_id}", h.retrieve_attachment),
    Route("POST", "/domains", h.create_domain),
    Route("GET", "/domains", h.list_domains),
    Route("GET", "/domains/{domain_id}", h.retrieve_domain),
    Route("PATCH", "/domains/{domain_id}", h.update_domain),
    Route("DELETE", "/domains/{domain_id}", h.delete_domain),
    Route("POST", "/domains/{domain_id}/verify", h.verify_domain),
    Route("POST", "/api-keys", h.create_api_key),
    Route("GET", "/api-keys", h.list_api_keys),
    Route("PATCH", "/api-keys/{api_key_id}", h.update_api_key),
    Route("DELETE", "/api-keys/{api_key_id}", h.delete_api_key),
    Route("POST", "/segments", h.create_segment),
    Route("GET", "/segments", h.list_segments),
    Route("GET", "/segments/{segment_id}", h.retrieve_segment),
    Route("PATCH", "/segments/{segment_id}", h.update_segment),
    Route("DELETE", "/segments/{segment_id}", h.delete_segment),
    Route("GET", "/segments/{segment_id}/contacts", h.list_contacts),
    Route("POST", "/audiences", h.create_segment),
    Route("GET", "/audiences", h.list_segments),
    Route("GET", "/audiences/{segment_id}", h.retrieve_segment),
    Route("DELETE", "/audiences/{segment_id}", h.delete_segment),
    Route("POST", "/audiences/{segment_id}/contacts", h.create_contact),
    Route("GET", "/audiences/{segment_id}/contacts", h.list_contacts),
    Route("GET", "/audiences/{segment_id}/contacts/{contact}", h.retrieve_contact),
    Route("PATCH", "/audiences/{segment_id}/contacts/{contact}", h.update_contact),
    Route("DELETE", "/audiences/{segment_id}/contacts/{contact}", h.delete_contact),
    Route("POST", "/contacts", h.create_contact),
    Route("GET", "/contacts", h.list_contacts),
    Route("GET", "/contacts/{contact}", h.retrieve_contact),
    Route("PATCH", "/contacts/{contact}", h.update_contact),
    Route("DELETE", "/contacts/{contact}", h.delete_contact),
    Route("GET", "/contacts/{contact}/segments", h.list_contact_segments),
    Route("POST", "/contacts/{contact}/segments/{segment_id}", h.add_contact_segment),
    Route("DELETE", "/contacts/{contact}/segments/{segment_id}", h.remove_contact_segment),
    Route("GET", "/contacts/{contact}/topics", h.list_contact_topics),
    Route("PATCH", "/contacts/{contact}/topics", h.update_contact_topics),
    Route("POST", "/contact-properties", h.create_contact_property),
    Route("GET", "/contact-properties", h.list_contact_properties),
    Route("GET", "/contact-properties/{property_id}", h.retrieve_contact_property),
    Route("PATCH", "/contact-properties/{property_id}", h.update_contact_property),
    Route("DELETE", "/contact-properties/{property_id}", h.delete_contact_property),
    Route("POST", "/topics", h.create_topic),
    Route("GET", "/topics", h.list_topics),
    Route("GET", "/topics/{topic_id}", h.retrieve_topic),
    Route("PATCH", "/topics/{topic_id}", h.update_topic),
    Route("DELETE", "/topics/{topic_id}", h.delete_topic),
    Route("POST", "/templates", h.create_template),
    Route("GET", "/templates", h.list_templates),
    Route("GET", "/templates/{template}", h.retrieve_template),
    Route("PATCH", "/templates/{template}", h.update_template),
    Route("DELETE", "/templates/{template}", h.delete_template),
    Route("POST", "/templates/{template}/publish", h.publish_template),
    Route("POST", "/templates/{template}/duplicate", h.duplicate_template),
    Route("POST", "/broadcasts", h.create_broadcast),
    Route("GET", "/broadcasts", h.list_broadcasts),
    Route("GET", "/broadcasts/{broadcast_id}", h.retrieve_broadcast),
    Route("PATCH", "/broadcasts/{broadcast_id}", h.update_broadcast),
    Route("DELETE", "/broadcasts/{broadcast_id}", h.delete_broadcast),
    Route("POST", "/broadcasts/{broadcast_id}/send", h.send_broadcast),
    Route("POST", "/broadcasts/{broadcast_id}/cancel", h.cancel_broadcast),
    Route("POST", "/broadcasts/{broadcast_id}/duplicate", h.duplicate_broadcast),
    Route("GET", "/broadcasts/{broadcast_id}/recipients", h.list_broadcast_recipients),
    Route("GET", "/broadcasts/{broadcast_id}/clicked-links", h.list_broadcast_clicked_links),
    Route("POST", "/webhooks", h.create_webhook),
    Route("GET", "/webhooks", h.list_webhooks),
    Route("GET", "/webhooks/{webhook_id}", h.retrieve_webhook),
    Route("PATCH", "/webhooks/{webhook_id}", h.update_webhook),
    Route("DELETE", "/webhooks/{webhook_id}", h.delete_webhook),
    Route("POST", "/webhooks/{webhook_id}/signing-secret/rotate", h.rotate_webhook_secret),
    Route("GET", "/webhooks/{webhook_id}/events", h.list_webhook_events),
    Route("GET", "/webhooks/{webhook_id}/events/{event_id}", h.retrieve_webhook_event),
    Route("GET", "/webhooks/{webhook_id}/events/{event_id}/attempts", h.list_webhook_event_attempts),
    Route("POST", "/webhooks/{webhook_id}/events/{event_id}/replay", h.replay_webhook_event),
]

router = Router(routes)

# Inbound mail, analytics and account features the mirror does not model.
OUT_OF_SCOPE = (
    "/emails/receiving",
    "/emails/metrics",
    "/logs",
    "/automations",
    "/events",
    "/oauth",
    "/inboxes",
    "/contacts/imports",
    "/domains/claim",
    "/suppressions",
    "/usage",
)


def out_of_scope(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in OUT_OF_SCOPE) or (
        path.startswith("/emails/") and path.endswith("/share")
    ) or ("/claim" in path and path.startswith("/domains/"))


# Routes only a sending_access key may call.
SENDING_ROUTES = frozenset({("POST", "/emails"), ("POST", "/emails/batch")})
