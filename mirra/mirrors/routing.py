"""A vendor's routing table: `Route(method, "/v1/customers/{customer}", handler)` entries.

Templates compile to anchored patterns; a `{name}` segment matches one path segment. Order is
the table's order and there are no catch-alls: an unmatched request is the vendor's own 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Callable[..., Any]
    params: str | None = None  # the vendor's name for the request schema, if it validates
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = _PARAM.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(self.template).replace(r"\{", "{").replace(r"\}", "}"))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))


@dataclass(frozen=True)
class Match:
    route: Route
    path_params: dict[str, str]


class Router:
    """Finds the route for a method and a path."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = tuple(routes)

    def match(self, method: str, path: str) -> Match | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                params = {name: unquote(value) for name, value in found.groupdict().items()}
                return Match(route, params)
        return None

    def endpoints(self) -> list[tuple[str, str]]:
        """(method, template) pairs, for a mirror's metadata."""
        return [(route.method, route.template) for route in self.routes]
