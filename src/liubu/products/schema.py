"""Structural validation against the published JSON Schema (``data/product.schema.json``).

The schema (Draft 2020-12) fixes the shape of a product document; each jsonschema error becomes a
:class:`Breach` with the field path it concerns and a code ``schema.<keyword>``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from liubu.products._data import load_json
from liubu.products.issues import Breach
from liubu.products.yamlmap import join_path

SCHEMA_FILE = "product.schema.json"

_JSON_TYPES = {
    "NoneType": "null",
    "bool": "boolean",
    "int": "integer",
    "Decimal": "number",
    "float": "number",
    "str": "string",
    "list": "array",
    "dict": "object",
}


@cache
def product_schema() -> Mapping[str, Any]:
    """The published product JSON Schema (Draft 2020-12)."""
    schema = load_json(SCHEMA_FILE)
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(product_schema(), format_checker=FormatChecker())


def schema_breaches(document: Any) -> list[Breach]:
    """Every structural problem of ``document``, one breach per problem."""
    breaches: list[Breach] = []
    seen: set[tuple[str, str]] = set()
    for error in _validator().iter_errors(document):
        for breach in _breaches_of(error):
            if (breach.path, breach.code) not in seen:
                seen.add((breach.path, breach.code))
                breaches.append(breach)
    return breaches


def _path_of(error: SchemaError) -> str:
    path = ""
    for key in error.absolute_path:
        path = join_path(path, key)
    return path


def _breaches_of(error: SchemaError) -> Iterable[Breach]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        # A nullable value (oneOf null | X): report the closest branch, not "is not valid under".
        inner = best_match(error.context)
        if inner is not None:
            yield from _breaches_of(inner)
            return
    path = _path_of(error)
    keyword = str(error.validator)
    instance = error.instance
    if keyword == "required":
        present = instance if isinstance(instance, Mapping) else {}
        for name in error.validator_value:
            if name not in present:
                yield Breach(join_path(path, name), "schema.required", {"field": name})
        return
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted(error.schema.get("properties", {}))
        for name in instance:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                yield Breach(
                    join_path(path, name),
                    "schema.unknown_field",
                    {"field": name, "allowed": allowed, "suggestion": close[0] if close else ""},
                )
        return
    if keyword == "not" and isinstance(error.validator_value, Mapping):
        fields = list(error.validator_value.get("required", ()))
        if fields:
            yield Breach(path, "schema.exclusive_fields", {"fields": fields})
            return
    yield Breach(path, _code(keyword), _params(error, keyword))


_CODES = {
    "type": "schema.type",
    "enum": "schema.enum",
    "const": "schema.const",
    "pattern": "schema.pattern",
    "format": "schema.format",
    "minimum": "schema.minimum",
    "exclusiveMinimum": "schema.minimum",
    "maximum": "schema.maximum",
    "exclusiveMaximum": "schema.maximum",
    "minItems": "schema.min_items",
    "maxItems": "schema.max_items",
    "items": "schema.max_items",
    "uniqueItems": "schema.unique_items",
    "minLength": "schema.min_length",
    "maxLength": "schema.max_length",
}


def _code(keyword: str) -> str:
    return _CODES.get(keyword, "schema.invalid")


def _params(error: SchemaError, keyword: str) -> dict[str, Any]:
    instance = error.instance
    params: dict[str, Any] = {
        "value": repr(instance) if isinstance(instance, str) else instance,
        "detail": error.message,
        "actual": _JSON_TYPES.get(type(instance).__name__, type(instance).__name__),
    }
    limit = error.validator_value
    if keyword == "type":
        params["expected"] = limit if isinstance(limit, str) else " or ".join(limit)
    elif keyword == "enum":
        params["allowed"] = list(limit)
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        params["limit"] = limit
        params["strict"] = keyword.startswith("exclusive")
        params["relation"] = {
            "minimum": "at least",
            "exclusiveMinimum": "above",
            "maximum": "at most",
            "exclusiveMaximum": "below",
        }[keyword]
        params["relation_zh"] = {
            "minimum": "不小于",
            "exclusiveMinimum": "大于",
            "maximum": "不大于",
            "exclusiveMaximum": "小于",
        }[keyword]
    elif keyword in ("minItems", "maxItems", "minLength", "maxLength"):
        params["limit"] = limit
    elif keyword == "items":
        params["limit"] = len(error.schema.get("prefixItems", ()))
    elif keyword == "pattern":
        params["pattern"] = limit
    elif keyword == "const":
        params["expected"] = limit
    elif keyword == "format":
        params["format"] = limit
    return params
