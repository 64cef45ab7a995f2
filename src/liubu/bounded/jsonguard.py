"""Limits on a JSON value that reached us already parsed (a body field typed ``Any``)."""

from __future__ import annotations

from dataclasses import dataclass

from liubu.bounded.reasons import BoundedCode
from liubu.errors import ValidationError


@dataclass(frozen=True)
class JsonLimits:
    max_nodes: int = 100_000  # values, containers included
    max_depth: int = 32
    max_string: int = 100_000  # characters in one string (key or value)


def check_json_bounds(value: object, *, field: str, limits: JsonLimits | None = None) -> None:
    """Refuse (422, naming ``field``) a value nested too deep, too large or with a too long
    string. Iterative, so a deep value cannot exhaust the interpreter's stack."""
    limits = limits or JsonLimits()
    stack: list[tuple[object, int]] = [(value, 1)]
    nodes = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise ValidationError(
                f"The field {field} holds more than {limits.max_nodes:,} values.",
                code=BoundedCode.TOO_MANY_NODES,
                field=field,
            )
        if depth > limits.max_depth:
            raise ValidationError(
                f"The field {field} is nested deeper than {limits.max_depth} levels.",
                code=BoundedCode.TOO_DEEP,
                field=field,
            )
        if isinstance(item, str) and len(item) > limits.max_string:
            raise ValidationError(
                f"A text in the field {field} is longer than {limits.max_string:,} characters.",
                code=BoundedCode.TOO_LONG,
                field=field,
            )
        if isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
