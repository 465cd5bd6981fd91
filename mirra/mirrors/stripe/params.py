"""Validate and coerce Stripe parameters against the SDK's own request schemas.

stripe-python ships `stripe.params`: TypedDicts generated from Stripe's OpenAPI spec for the API
version it pins. A route names its schema (`CustomerCreateParams`); `schema_for` compiles it once
into a small tree of nodes, and `validate` walks the decoded form against it, producing typed
values and raising Stripe's own errors: unknown and missing parameters, empty strings for
parameters that cannot be unset, bad integers, enums, arrays and hashes. `""` on an emptyable
parameter becomes `None`, meaning "unset".
"""

from __future__ import annotations

import functools
import math
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, ForwardRef, Literal, Union

import stripe.params
from stripe._request_options import RequestOptions

from mirra.mirrors.stripe.errors import (
    InvalidParameter,
    ParameterInvalidEmpty,
    ParameterInvalidInteger,
    ParameterMissing,
    ParameterUnknown,
)

_REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Scalar:
    type: type  # str, int, bool or float


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Array:
    item: Node


@dataclass(frozen=True)
class Map:
    value: Node


@dataclass(frozen=True)
class Object:
    fields: dict[str, Node]
    required: frozenset[str]


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]
    emptyable: bool  # the spec's `anyOf: [..., {"enum": [""]}]`


Node = Scalar | Enum | Array | Map | Object | AnyOf


@functools.cache
def schema_for(name: str) -> Object:
    """The compiled schema of `stripe.params.<name>` (dotted for namespaces: `checkout.SessionCreateParams`),
    without the SDK's request options."""
    cls: Any = stripe.params
    for part in name.split("."):
        cls = getattr(cls, part)
    return _object(cls, exclude=_REQUEST_OPTIONS)


def validate(schema: Object, tree: dict[str, Any]) -> dict[str, Any]:
    return _validate_object(schema, tree, "")


def _object(cls: type, exclude: frozenset[str] = frozenset()) -> Object:
    namespace = vars(sys.modules[cls.__module__])
    fields = {
        name: _node(annotation, namespace)
        for name, annotation in cls.__annotations__.items()
        if name not in exclude
    }
    required = frozenset(cls.__required_keys__) - exclude  # type: ignore[attr-defined]
    return Object(fields, required)


def _node(annotation: Any, namespace: dict[str, Any]) -> Node:
    if isinstance(annotation, str):
        annotation = eval(annotation, namespace)  # the SDK's own generated annotation strings
    if isinstance(annotation, ForwardRef):
        return _node(annotation.__forward_arg__, namespace)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.NotRequired, typing.Required):
        return _node(args[0], namespace)
    if origin in (Union, types.UnionType):
        return _union(args, namespace)
    if origin is Literal:
        return Enum(tuple(str(value) for value in args))
    if origin in (list, typing.List):  # noqa: UP006
        return Array(_node(args[0], namespace))
    if origin in (dict, typing.Dict):  # noqa: UP006
        return Map(_node(args[1], namespace))
    if isinstance(annotation, type) and hasattr(annotation, "__required_keys__"):
        return _object(annotation)
    if annotation in (str, int, bool, float):
        return Scalar(annotation)
    if typing.get_origin(annotation) is not None or hasattr(annotation, "__origin__"):
        return Map(Scalar(str))  # UntypedStripeObject[str]: a free-form hash
    return Scalar(str)


def _union(args: tuple[Any, ...], namespace: dict[str, Any]) -> Node:
    options: list[Node] = []
    emptyable = False
    for arg in args:
        node = _node(arg, namespace)
        if node == Enum(("",)):
            emptyable = True
        elif isinstance(node, Scalar) and node.type is str and any(isinstance(o, Enum) for o in options):
            continue  # `Literal[...]|str`: the SDK widens enums; Stripe checks the values
        elif node not in options:
            options.append(node)
    if len(options) == 1 and not emptyable:
        return options[0]
    return AnyOf(tuple(options), emptyable)


def _path(parent: str, name: str) -> str:
    return f"{parent}[{name}]" if parent else name


def _validate(node: Node, value: Any, path: str) -> Any:
    if isinstance(node, AnyOf):
        return _validate_any_of(node, value, path)
    if value == "" and not (isinstance(node, Enum) and "" in node.values):
        raise ParameterInvalidEmpty(path)
    if isinstance(node, Object):
        if not isinstance(value, dict):
            raise InvalidParameter("Invalid object", param=path)
        return _validate_object(node, value, path)
    if isinstance(node, Map):
        if not isinstance(value, dict):
            raise InvalidParameter("Invalid object", param=path)
        return {  # `metadata[key]=` unsets that key
            key: None if item == "" else _validate(node.value, item, _path(path, key))
            for key, item in value.items()
        }
    if isinstance(node, Array):
        return _validate_array(node, value, path)
    if isinstance(node, Enum):
        return _validate_enum(node, value, path)
    return _validate_scalar(node, value, path)


def _validate_object(node: Object, value: dict[str, Any], path: str) -> dict[str, Any]:
    unknown = [_path(path, key) for key in value if key not in node.fields]
    if unknown:
        raise ParameterUnknown(unknown)
    for name in sorted(node.required):
        if name not in value:
            raise ParameterMissing(_path(path, name))
    return {key: _validate(node.fields[key], item, _path(path, key)) for key, item in value.items()}


def _validate_any_of(node: AnyOf, value: Any, path: str) -> Any:
    if value == "":
        if node.emptyable:
            return None
        raise ParameterInvalidEmpty(path)
    candidates = [option for option in node.options if _accepts_shape(option, value)]
    if not candidates:
        return _validate(node.options[0], value, path)  # raises that option's own error
    for option in candidates[:-1]:
        try:
            return _validate(option, value, path)
        except (InvalidParameter, ParameterInvalidInteger):
            continue
    return _validate(candidates[-1], value, path)


def _accepts_shape(node: Node, value: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(node, (Object, Map, Array))
    if isinstance(value, list):
        return isinstance(node, Array)
    return isinstance(node, (Scalar, Enum))


def _validate_array(node: Array, value: Any, path: str) -> list[Any]:
    if isinstance(value, dict) and all(key.isdigit() for key in value):
        value = [value[key] for key in sorted(value, key=int)]
    if not isinstance(value, list):
        raise InvalidParameter("Invalid array", param=path)
    return [_validate(node.item, item, f"{path}[{index}]") for index, item in enumerate(value)]


def _validate_enum(node: Enum, value: Any, path: str) -> str:
    if not isinstance(value, str) or value not in node.values:
        allowed = [v for v in node.values if v]
        listed = ", ".join(allowed[:-1]) + f", or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise InvalidParameter(f"Invalid {path}: must be one of {listed}", param=path)
    return value


def _validate_scalar(node: Scalar, value: Any, path: str) -> Any:
    if not isinstance(value, str):
        raise InvalidParameter("Invalid string" if node.type is str else f"Invalid {path}", param=path)
    if node.type is int:
        try:
            number = int(value)
        except ValueError:
            raise ParameterInvalidInteger(path, value) from None
        if not _INT64_MIN <= number <= _INT64_MAX:  # Stripe's integers are 64-bit
            raise ParameterInvalidInteger(path, value)
        return number
    if node.type is bool:
        if value not in ("true", "false"):
            raise InvalidParameter(f"Invalid boolean: {value}", param=path)
        return value == "true"
    if node.type is float:
        try:
            number = float(value)
        except ValueError:
            raise InvalidParameter(f"Invalid decimal: {value}", param=path) from None
        if not math.isfinite(number):
            raise InvalidParameter(f"Invalid decimal: {value}", param=path)
        return number
    return value
