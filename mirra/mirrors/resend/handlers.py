"""One function per route: read the request, call the backend, shape Resend's answer.

Each returns (HTTP status, body): 200 for reads, sends and actions, 201 for creates.
"""

from __future__ import annotations

from typing import Any

from mirra.mirrors.resend import views
from mirra.mirrors.resend.context import RequestContext
from mirra.mirrors.resend.wire import list_object, page

Answer = tuple[int, dict[str, Any]]


def _p(ctx: RequestContext, name: str) -> str:
    return ctx.path_params[name]


# emails -------------------------------------------------------------------------------------
def send_email(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.send_email(ctx.body)["id"]}


def send_batch(ctx: RequestContext) -> Answer:
    mode = ctx.request.header("x-batch-validation") or "strict"
    emails, errors = ctx.backend.send_batch(ctx.body, mode)
    answer: dict[str, Any] = {"data": [{"id": email["id"]} for email in emails]}
    if mode == "permissive":
        answer["errors"] = errors
    return 200, answer


def retrieve_email(ctx: RequestContext) -> Answer:
    return 200, views.email(ctx.backend.retrieve_email(_p(ctx, "email_id")))


def list_emails(ctx: RequestContext) -> Answer:
    emails, more = ctx.backend.list_emails(ctx.query)
    return 200, list_object([views.pick(e, views.EMAIL_LIST_FIELDS) for e in emails], more)


def update_email(ctx: RequestContext) -> Answer:
    return 200, {"object": "email", "id": ctx.backend.update_email(_p(ctx, "email_id"), ctx.fields)["id"]}


def cancel_email(ctx: RequestContext) -> Answer:
    return 200, {"object": "email", "id": ctx.backend.cancel_email(_p(ctx, "email_id"))["id"]}


def list_attachments(ctx: RequestContext) -> Answer:
    email = ctx.backend.retrieve_email(_p(ctx, "email_id"))
    items, more = page(list(reversed(email["attachments"])), ctx.query, default_limit=None)
    return 200, list_object([views.attachment(a) for a in items], more)


def retrieve_attachment(ctx: RequestContext) -> Answer:
    found = ctx.backend.email_attachment(_p(ctx, "email_id"), _p(ctx, "attachment_id"))
    return 200, {"object": "attachment", **views.attachment(found)}


# domains ------------------------------------------------------------------------------------
def create_domain(ctx: RequestContext) -> Answer:
    return 201, views.created_domain(ctx.backend.create_domain(ctx.fields))


def retrieve_domain(ctx: RequestContext) -> Answer:
    return 200, views.domain(ctx.backend.retrieve_domain(_p(ctx, "domain_id")))


def list_domains(ctx: RequestContext) -> Answer:
    domains, more = ctx.backend.list_domains(ctx.query)
    return 200, list_object([views.pick(d, views.DOMAIN_LIST_FIELDS) for d in domains], more)


def update_domain(ctx: RequestContext) -> Answer:
    return 200, {"object": "domain", "id": ctx.backend.update_domain(_p(ctx, "domain_id"), ctx.fields)["id"]}


def verify_domain(ctx: RequestContext) -> Answer:
    return 200, {"object": "domain", "id": ctx.backend.verify_domain(_p(ctx, "domain_id"))["id"]}


def delete_domain(ctx: RequestContext) -> Answer:
    return 200, {"object": "domain", "id": ctx.backend.delete_domain(_p(ctx, "domain_id"))["id"], "deleted": True}


# api keys -----------------------------------------------------------------------------------
def create_api_key(ctx: RequestContext) -> Answer:
    key = ctx.backend.create_api_key(ctx.fields)
    return 201, {"id": key["id"], "object": "api_key", "token": key["token"]}


def list_api_keys(ctx: RequestContext) -> Answer:
    keys, more = ctx.backend.list_api_keys(ctx.query)
    return 200, list_object([views.pick(k, ("id", "name", "created_at", "last_used_at")) for k in keys], more)


def update_api_key(ctx: RequestContext) -> Answer:
    return 200, {"object": "api_key", "id": ctx.backend.update_api_key(_p(ctx, "api_key_id"), ctx.fields)["id"]}


def delete_api_key(ctx: RequestContext) -> Answer:
    key = ctx.backend.delete_api_key(_p(ctx, "api_key_id"))
    return 200, {"object": "api_key", "id": key["id"], "deleted": True}


# segments and audiences -------------------------------------------------------------------------
def _segment_noun(ctx: RequestContext) -> str:
    return "audience" if ctx.request.path.startswith("/audiences") else "segment"


def create_segment(ctx: RequestContext) -> Answer:
    segment = ctx.backend.create_segment(ctx.fields)
    return 201, {"object": _segment_noun(ctx), "id": segment["id"], "name": segment["name"]}


def retrieve_segment(ctx: RequestContext) -> Answer:
    segment = ctx.backend.retrieve_segment(_p(ctx, "segment_id"))
    return 200, {**segment, "object": _segment_noun(ctx)}


def list_segments(ctx: RequestContext) -> Answer:
    segments, more = ctx.backend.list_segments(ctx.query)
    return 200, list_object([views.pick(s, ("id", "name", "created_at")) for s in segments], more)


def update_segment(ctx: RequestContext) -> Answer:
    segment = ctx.backend.update_segment(_p(ctx, "segment_id"), ctx.fields)
    return 200, {"object": _segment_noun(ctx), "id": segment["id"]}


def delete_segment(ctx: RequestContext) -> Answer:
    ctx.backend.delete_segment(_p(ctx, "segment_id"))
    return 200, {"object": _segment_noun(ctx), "id": _p(ctx, "segment_id"), "deleted": True}


# contacts -------------------------------------------------------------------------------------
def _segment(ctx: RequestContext) -> str | None:
    return ctx.path_params.get("segment_id")


def create_contact(ctx: RequestContext) -> Answer:
    return 201, {"object": "contact", "id": ctx.backend.create_contact(ctx.fields, _segment(ctx))["id"]}


def retrieve_contact(ctx: RequestContext) -> Answer:
    return 200, views.pick(ctx.backend.retrieve_contact(_p(ctx, "contact"), _segment(ctx)), views.CONTACT_FIELDS)


def list_contacts(ctx: RequestContext) -> Answer:
    segment = _segment(ctx) or ctx.query.get("segment_id") or ctx.query.get("audience_id")
    contacts, more = ctx.backend.list_contacts(ctx.query, segment)
    return 200, list_object([views.pick(c, views.CONTACT_LIST_FIELDS) for c in contacts], more)


def update_contact(ctx: RequestContext) -> Answer:
    contact = ctx.backend.update_contact(_p(ctx, "contact"), ctx.fields, _segment(ctx))
    return 200, {"object": "contact", "id": contact["id"]}


def delete_contact(ctx: RequestContext) -> Answer:
    ctx.backend.delete_contact(_p(ctx, "contact"), _segment(ctx))
    return 200, {"object": "contact", "contact": _p(ctx, "contact"), "deleted": True}


def list_contact_segments(ctx: RequestContext) -> Answer:
    segments, more = page(ctx.backend.contact_segments(_p(ctx, "contact")), ctx.query, default_limit=None)
    return 200, list_object([views.pick(s, ("id", "name", "created_at")) for s in segments], more)


def add_contact_segment(ctx: RequestContext) -> Answer:
    contact = ctx.backend.add_contact_to_segment(_p(ctx, "contact"), _p(ctx, "segment_id"))
    return 201, {"object": "contact_segment", "contact_id": contact["id"], "segment_id": _p(ctx, "segment_id")}


def remove_contact_segment(ctx: RequestContext) -> Answer:
    contact = ctx.backend.remove_contact_from_segment(_p(ctx, "contact"), _p(ctx, "segment_id"))
    return 200, {"object": "contact_segment", "contact_id": contact["id"], "segment_id": _p(ctx, "segment_id"), "deleted": True}


def list_contact_topics(ctx: RequestContext) -> Answer:
    _contact, topics = ctx.backend.contact_topics(_p(ctx, "contact"))
    items, more = page(topics, ctx.query, default_limit=None)
    return 200, list_object(items, more)


def update_contact_topics(ctx: RequestContext) -> Answer:
    contact = ctx.backend.update_contact_topics(_p(ctx, "contact"), ctx.body)
    return 200, {"object": "contact_topics", "contact_id": contact["id"], "topics": contact["topics"]}


def create_contact_property(ctx: RequestContext) -> Answer:
    return 201, {"object": "contact_property", "id": ctx.backend.create_contact_property(ctx.fields)["id"]}


def retrieve_contact_property(ctx: RequestContext) -> Answer:
    return 200, ctx.backend.retrieve_contact_property(_p(ctx, "property_id"))


def list_contact_properties(ctx: RequestContext) -> Answer:
    props, more = ctx.backend.list_contact_properties(ctx.query)
    return 200, list_object([{k: v for k, v in p.items() if k != "object"} for p in props], more)


def update_contact_property(ctx: RequestContext) -> Answer:
    prop = ctx.backend.update_contact_property(_p(ctx, "property_id"), ctx.fields)
    return 200, {"object": "contact_property", "id": prop["id"]}


def delete_contact_property(ctx: RequestContext) -> Answer:
    prop = ctx.backend.delete_contact_property(_p(ctx, "property_id"))
    return 200, {"object": "contact_property", "deleted": True, "id": prop["id"]}


# topics -------------------------------------------------------------------------------------
def create_topic(ctx: RequestContext) -> Answer:
    return 201, {"object": "topic", "id": ctx.backend.create_topic(ctx.fields)["id"]}


def retrieve_topic(ctx: RequestContext) -> Answer:
    return 200, ctx.backend.retrieve_topic(_p(ctx, "topic_id"))


def list_topics(ctx: RequestContext) -> Answer:
    topics, more = ctx.backend.list_topics(ctx.query)
    return 200, list_object([{k: v for k, v in t.items() if k != "object"} for t in topics], more)


def update_topic(ctx: RequestContext) -> Answer:
    return 200, {"object": "topic", "id": ctx.backend.update_topic(_p(ctx, "topic_id"), ctx.fields)["id"]}


def delete_topic(ctx: RequestContext) -> Answer:
    return 200, {"object": "topic", "id": ctx.backend.delete_topic(_p(ctx, "topic_id"))["id"], "deleted": True}


# templates ------------------------------------------------------------------------------------
def create_template(ctx: RequestContext) -> Answer:
    return 201, {"id": ctx.backend.create_template(ctx.fields)["id"], "object": "template"}


def retrieve_template(ctx: RequestContext) -> Answer:
    return 200, views.template(ctx.backend.retrieve_template(_p(ctx, "template")))


def list_templates(ctx: RequestContext) -> Answer:
    templates, more = ctx.backend.list_templates(ctx.query)
    return 200, list_object([views.pick(t, views.TEMPLATE_LIST_FIELDS) for t in templates], more)


def update_template(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.update_template(_p(ctx, "template"), ctx.fields)["id"], "object": "template"}


def publish_template(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.publish_template(_p(ctx, "template"))["id"], "object": "template"}


def duplicate_template(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.duplicate_template(_p(ctx, "template"))["id"], "object": "template"}


def delete_template(ctx: RequestContext) -> Answer:
    return 200, {"object": "template", "id": ctx.backend.delete_template(_p(ctx, "template"))["id"], "deleted": True}


# broadcasts -----------------------------------------------------------------------------------
def create_broadcast(ctx: RequestContext) -> Answer:
    return 201, {"id": ctx.backend.create_broadcast(ctx.fields)["id"], "object": "broadcast"}


def retrieve_broadcast(ctx: RequestContext) -> Answer:
    return 200, ctx.backend.retrieve_broadcast(_p(ctx, "broadcast_id"))


def list_broadcasts(ctx: RequestContext) -> Answer:
    broadcasts, more = ctx.backend.list_broadcasts(ctx.query)
    return 200, list_object([views.pick(b, views.BROADCAST_LIST_FIELDS) for b in broadcasts], more)


def update_broadcast(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.update_broadcast(_p(ctx, "broadcast_id"), ctx.fields)["id"], "object": "broadcast"}


def send_broadcast(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.send_broadcast(_p(ctx, "broadcast_id"), ctx.fields)["id"]}


def cancel_broadcast(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.cancel_broadcast(_p(ctx, "broadcast_id"))["id"], "object": "broadcast"}


def duplicate_broadcast(ctx: RequestContext) -> Answer:
    return 200, {"id": ctx.backend.duplicate_broadcast(_p(ctx, "broadcast_id"))["id"], "object": "broadcast"}


def list_broadcast_recipients(ctx: RequestContext) -> Answer:
    rows = ctx.backend.broadcast_recipients(_p(ctx, "broadcast_id"), ctx.query)
    query = {k: v for k, v in ctx.query.items() if k in ("limit", "after", "before")}
    items, more = page(rows, query, default_limit=20)
    return 200, list_object(items, more)


def list_broadcast_clicked_links(ctx: RequestContext) -> Answer:
    items, more = page(ctx.backend.broadcast_clicked_links(_p(ctx, "broadcast_id")), ctx.query, default_limit=20)
    return 200, list_object(items, more)


def delete_broadcast(ctx: RequestContext) -> Answer:
    broadcast = ctx.backend.delete_broadcast(_p(ctx, "broadcast_id"))
    return 200, {"id": broadcast["id"], "object": "broadcast", "deleted": True}


# webhooks -------------------------------------------------------------------------------------
def create_webhook(ctx: RequestContext) -> Answer:
    hook = ctx.backend.create_webhook(ctx.fields)
    return 201, {"object": "webhook", "id": hook["id"], "signing_secret": hook["signing_secret"]}


def retrieve_webhook(ctx: RequestContext) -> Answer:
    return 200, ctx.backend.retrieve_webhook(_p(ctx, "webhook_id"))


def list_webhooks(ctx: RequestContext) -> Answer:
    hooks, more = ctx.backend.list_webhooks(ctx.query)
    return 200, list_object([views.pick(h, views.WEBHOOK_LIST_FIELDS) for h in hooks], more)


def update_webhook(ctx: RequestContext) -> Answer:
    return 200, {"object": "webhook", "id": ctx.backend.update_webhook(_p(ctx, "webhook_id"), ctx.fields)["id"]}


def delete_webhook(ctx: RequestContext) -> Answer:
    return 200, {"object": "webhook", "id": ctx.backend.delete_webhook(_p(ctx, "webhook_id"))["id"], "deleted": True}


def rotate_webhook_secret(ctx: RequestContext) -> Answer:
    hook = ctx.backend.rotate_webhook_secret(_p(ctx, "webhook_id"))
    return 200, {"object": "webhook", "id": hook["id"], "signing_secret": hook["signing_secret"]}


def list_webhook_events(ctx: RequestContext) -> Answer:
    found = ctx.backend.webhook_events(_p(ctx, "webhook_id"))
    items, more = page(found, ctx.query, default_limit=20)
    return 200, list_object([views.pick(e, ("id", "type", "created_at", "status")) for e in items], more)


def retrieve_webhook_event(ctx: RequestContext) -> Answer:
    event = ctx.backend.webhook_event(_p(ctx, "webhook_id"), _p(ctx, "event_id"))
    return 200, {"object": "webhook_event", **views.pick(event, ("id", "type", "created_at", "status")),
                 "next_attempt_at": None, "payload": event["payload"]}


def list_webhook_event_attempts(ctx: RequestContext) -> Answer:
    event = ctx.backend.webhook_event(_p(ctx, "webhook_id"), _p(ctx, "event_id"))
    items, more = page(list(reversed(event["attempts"])), ctx.query, default_limit=None)
    return 200, list_object(items, more)


def replay_webhook_event(ctx: RequestContext) -> Answer:
    event = ctx.backend.replay_webhook_event(_p(ctx, "webhook_id"), _p(ctx, "event_id"))
    return 200, {"object": "webhook_event", "id": event["id"]}
