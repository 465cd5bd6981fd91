"""The email lifecycle on the session clock, per recipient:

    queued | scheduled ─► sent ─► delivered ─► opened ─► clicked
                 │         │         └─► complained
                 │         ├─► delivery_delayed ─► delivered | bounced
                 │         ├─► bounced / suppressed / failed
                 └─► canceled

Each step is recorded in the email's history with the recipients it concerns, sets those
recipients' and the email's `last_event`, and fires the same-named webhook (queued and canceled
have none). `@resend.dev` test recipients reach their fixed outcome; other recipients are delivered.
"""

from __future__ import annotations

from typing import Any

from mirra.errors import MirraError
from mirra.mirrors.documents import Document
from mirra.mirrors.resend import addresses, events
from mirra.mirrors.resend.backend.base import BackendBase
from mirra.mirrors.resend.wire import iso_timestamp

OUTCOME_JOB = "resend.email.outcome"
COMPLAINT_JOB = "resend.email.complaint"

# Which event may follow a recipient's last one.
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({"queued", "scheduled", "sent"}),
    "queued": frozenset({"sent", "failed"}),
    "scheduled": frozenset({"sent", "canceled"}),
    "sent": frozenset({"delivered", "delivery_delayed", "bounced", "suppressed", "failed"}),
    "delivery_delayed": frozenset({"delivered", "bounced", "delivery_delayed"}),
    "delivered": frozenset({"opened", "clicked", "complained"}),
    "opened": frozenset({"opened", "clicked", "complained"}),
    "clicked": frozenset({"opened", "clicked", "complained"}),
}
BOUNCE = {
    "message": "The recipient's email provider sent a hard bounce message, and the email address does not exist.",
    "subType": "General",
    "type": "Permanent",
}
SUPPRESSED = {
    "message": "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
    "type": "OnAccountSuppressionList",
}


class Lifecycle(BackendBase):
    def record_event(self, email: Document, status: str, recipients: list[str], extra: dict[str, Any] | None = None) -> None:
        """One step for `recipients` (the caller saves the email)."""
        for recipient in email["recipients"]:
            if recipient["email"] in recipients:
                if status not in TRANSITIONS.get(recipient["last_event"], frozenset()):
                    raise ValueError(f"{recipient['email']}: {recipient['last_event']} -> {status} is not a legal step")
                recipient["last_event"] = status
        email["last_event"] = status
        email["events"].append({"type": f"email.{status}", "at": self.timestamp(), "recipients": recipients, **(extra or {})})
        if f"email.{status}" in events.EMAIL_EVENT_TYPES:
            impacted = email["to"] if status in ("sent", "scheduled") else recipients
            self.emit(f"email.{status}", {**events.email_data(email, impacted), **(extra or {})})

    def mark_sent(self, email: Document) -> None:
        self.record_event(email, "sent", [r["email"] for r in email["recipients"]])
        self.save("email", email)
        self.schedule(OUTCOME_JOB, self.now() + self.settings["deliverySeconds"], {"email": email["id"]})

    def send_due(self, email_id: str, scheduled_at: str | None) -> None:
        """A queued or scheduled email's time came (ignored if it was canceled or rescheduled)."""
        email = self.get("email", email_id)
        if email is None or email["last_event"] not in ("queued", "scheduled") or email["scheduled_at"] != scheduled_at:
            return
        self.mark_sent(email)

    def reach_outcomes(self, email_id: str) -> None:
        """Each recipient still `sent` gets its outcome; complaints follow delivery later."""
        email = self.get("email", email_id)
        if email is None:
            return
        by_outcome: dict[str, list[str]] = {}
        for recipient in email["recipients"]:
            if recipient["last_event"] == "sent":
                outcome = addresses.test_outcome(recipient["email"]) or "delivered"
                by_outcome.setdefault(outcome, []).append(recipient["email"])
        complainers = by_outcome.pop("complained", [])
        delivered = by_outcome.pop("delivered", []) + complainers
        if delivered:
            self.record_event(email, "delivered", delivered)
        if by_outcome.get("bounced"):
            self.record_event(email, "bounced", by_outcome["bounced"], {"bounce": dict(BOUNCE)})
        if by_outcome.get("suppressed"):
            self.record_event(email, "suppressed", by_outcome["suppressed"], {"suppressed": dict(SUPPRESSED)})
        self.save("email", email)
        if complainers:
            due = self.now() + self.settings["deliverySeconds"]
            self.schedule(COMPLAINT_JOB, due, {"email": email_id, "recipients": complainers})

    def complain(self, email_id: str, recipients: list[str]) -> None:
        email = self.get("email", email_id)
        if email is None:
            return
        still = [r["email"] for r in email["recipients"] if r["email"] in recipients and r["last_event"] in ("delivered", "opened", "clicked")]
        if still:
            self.record_event(email, "complained", still)
            self.save("email", email)

    def simulate_step(self, email_id: str, status: str, recipient: str | None, extra: dict[str, Any]) -> Document:
        """A step the outside world causes (an open, a click, a delay, a bounce), for one recipient."""
        email = self.get("email", email_id)
        if email is None:
            raise MirraError(404, "mirra.simulate.not_found", f"No email '{email_id}' in this session.",
                             "Pass the id Resend returned for the send.")
        candidates = [r for r in email["recipients"] if recipient is None or r["email"].lower() == recipient.lower()]
        legal = [r for r in candidates if status in TRANSITIONS.get(r["last_event"], frozenset())]
        if not legal:
            states = ", ".join(f"{r['email']}: {r['last_event']}" for r in candidates) or "no such recipient"
            raise MirraError(409, "mirra.simulate.illegal_transition",
                             f"email.{status} cannot happen now ({states}).",
                             "Opens and clicks need a delivered recipient; advance the clock past delivery first.")
        self.record_event(email, status, [legal[0]["email"]], extra)
        return self.save("email", email)


def click_details(link: str, at: float) -> dict[str, Any]:
    return {"click": {"ipAddress": "127.0.0.1", "link": link, "timestamp": iso_timestamp(at), "userAgent": "Mozilla/5.0 (mirra)"}}
