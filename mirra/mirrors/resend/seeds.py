"""Resend seeds: starting states built with the backend's own operations (events included).

    verified-domain   mail.acme.com, verified: sends from it are accepted
    newsletter        the verified domain plus a "Newsletter" segment of three contacts
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mirra.mirrors.resend.backend import ResendBackend

if TYPE_CHECKING:
    from mirra.sessions.registry import Session

SEED_DOMAIN = "mail.acme.com"


def verified_domain(backend: ResendBackend) -> None:
    domain = backend.create_domain({"name": SEED_DOMAIN})
    backend.set_domain_status(domain, "verified")


def newsletter(backend: ResendBackend) -> None:
    verified_domain(backend)
    segment = backend.create_segment({"name": "Newsletter"})
    for first, last in (("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing")):
        email = f"{first.lower()}@{SEED_DOMAIN}"
        backend.create_contact({"email": email, "first_name": first, "last_name": last}, segment["id"])


SEEDS: dict[str, Callable[[ResendBackend], None]] = {"verified-domain": verified_domain, "newsletter": newsletter}


def seed_names() -> list[str]:
    return sorted(SEEDS)


def load_seed(session: Session, name: str) -> None:
    with session.store.unit_of_work() as uow:
        SEEDS[name](ResendBackend(session, uow))
