"""The catalog: which mirrors exist and which host each answers for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import MetaData

from mirra.errors import MirraError
from mirra.mirrors.base import Mirror


class MirrorCatalog:
    """Looks mirrors up by catalog name and by vendor host."""

    def __init__(self, mirrors: Iterable[Mirror]) -> None:
        self._by_name = {mirror.name: mirror for mirror in mirrors}
        self._by_host = {host: mirror for mirror in self._by_name.values() for host in mirror.hosts}

    def names(self) -> Iterator[str]:
        return iter(self._by_name)

    def get(self, name: str) -> Mirror | None:
        return self._by_name.get(name)

    def require(self, name: str) -> Mirror:
        mirror = self._by_name.get(name)
        if mirror is None:
            raise MirraError(
                400,
                "mirra.session.mirror_not_in_catalog",
                f"Unknown mirror '{name}'. Not in the current catalog.",
                f"Supported mirrors: {', '.join(self._by_name)}.",
            )
        return mirror

    def for_host(self, host: str) -> Mirror | None:
        return self._by_host.get(host.lower())

    def hosts(self) -> Iterator[str]:
        return iter(self._by_host)

    def metadatas(self) -> list[MetaData]:
        return [mirror.metadata for mirror in self._by_name.values()]


def default_catalog() -> MirrorCatalog:
    from mirra.mirrors.resend import mirror as resend
    from mirra.mirrors.stripe import mirror as stripe
    from mirra.mirrors.twilio import mirror as twilio

    return MirrorCatalog([stripe, resend, twilio])
