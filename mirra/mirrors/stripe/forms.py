"""Stripe's form encoding: `a[b][0][c]=v` query strings and bodies into a nested tree.

Keys are percent-decoded first (stripe-python encodes brackets in query strings, stripe-node
does not), then split on brackets. `key[]=v` appends (the Rack form curl users write); indexed
keys stay dict keys until the schema says the field is an array (`params.py`), since
`metadata[0]=x` is a map key, not a list index. An empty value stays `""`: it means "unset".
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

from mirra.mirrors.stripe.errors import InvalidParameter

Tree = dict[str, Any]

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode(*encoded: str) -> Tree:
    """Merge the query string and the body into one parameter tree, Rack style."""
    tree: Tree = {}
    for part in encoded:
        for pair in part.split("&"):
            if pair:
                key, _, value = pair.partition("=")
                _insert(tree, split_key(_unquote(key)), _unquote(value))
    return tree


def _unquote(text: str) -> str:
    """`parse_qsl`'s decoding of one key or value (invalid UTF-8 becomes U+FFFD), done only where
    there is something to decode. Through bytes: `unquote_plus` took twice as long, and the SDKs
    encode every bracket of every key."""
    if "%" not in text and "+" not in text:
        return text
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", errors="replace")


def split_key(key: str) -> list[str]:
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    return [head, *_SEGMENT.findall("[" + rest)]


def _insert(tree: Tree, path: list[str], value: str) -> None:
    node: Any = tree
    for index, segment in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, list):
            if last:
                node.append(value)
                return
            node.append({})
            node = node[-1]
            continue
        if last:
            node[segment] = value
            return
        upcoming_is_append = path[index + 1] == ""
        child = node.get(segment)
        if child is None or isinstance(child, str):
            if child not in (None, ""):
                raise InvalidParameter("Invalid hash", param=_bracketed(path[: index + 1]))
            child = [] if upcoming_is_append else {}
            node[segment] = child
        node = child


def _bracketed(path: list[str]) -> str:
    return path[0] + "".join(f"[{segment}]" for segment in path[1:])


def encode(params: Tree) -> str:
    """The inverse of `decode`, as the SDKs send it: indexed arrays, raw brackets."""
    pairs: list[tuple[str, str]] = []
    _flatten(params, "", pairs)
    return urlencode(pairs, safe="[]")


def _flatten(value: Any, prefix: str, pairs: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}[{key}]" if prefix else str(key), pairs)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", pairs)
    elif isinstance(value, bool):
        pairs.append((prefix, "true" if value else "false"))
    elif value is not None:
        pairs.append((prefix, str(value)))
