"""Validating product files: YAML → JSON Schema → invariants → semantic rules.

Each stage reports every problem it finds; a later stage runs only when the earlier ones found
nothing, because it needs the structure they guarantee (semantic rules need a document that has
the schema's shape). Every issue names the file, the line, the field path and the rule code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from liubu.errors import ValidationError
from liubu.products.invariants import invariant_breaches
from liubu.products.issues import Breach, ProductIssue, issues_error, make_issue
from liubu.products.reader import build_spec
from liubu.products.rules import product_breaches
from liubu.products.schema import schema_breaches
from liubu.products.spec import ProductSpec
from liubu.products.vocabulary import load_vocabulary
from liubu.products.yamlmap import ParsedYaml, YamlProblem, parse_yaml


@dataclass(frozen=True)
class Outcome:
    """The issues found in one file and, when there were none, the product."""

    issues: tuple[ProductIssue, ...]
    spec: ProductSpec | None


def _located(
    breaches: Iterable[Breach], parsed: ParsedYaml, source: str
) -> tuple[ProductIssue, ...]:
    issues = [make_issue(b, file=source, line=b.line or parsed.line_of(b.path)) for b in breaches]
    return tuple(sorted(issues, key=lambda issue: (issue.line or 0, issue.path, issue.code)))


def examine(text: str, *, source: str) -> Outcome:
    """Run every validation stage over ``text``; the spec is returned only if nothing is wrong."""
    try:
        parsed = parse_yaml(text)
    except YamlProblem as problem:
        breach = Breach("", "yaml.invalid", {"problem": problem.problem})
        return Outcome((make_issue(breach, file=source, line=problem.line),), None)
    duplicates = [
        Breach(d.path, "yaml.duplicate_key", {"key": d.key}, line=d.line) for d in parsed.duplicates
    ]
    structural = duplicates + schema_breaches(parsed.data)
    if structural:
        return Outcome(_located(structural, parsed, source), None)
    invariants = invariant_breaches(parsed.data)
    if invariants:
        return Outcome(_located(invariants, parsed, source), None)
    try:
        spec = build_spec(parsed.data)
    except ValidationError as error:  # an invariant the document check missed: still located
        breach = Breach(error.field or "", "product.invalid", {"detail": error.message})
        return Outcome(_located([breach], parsed, source), None)
    issues = _located(product_breaches(spec, load_vocabulary()), parsed, source)
    return Outcome(issues, None if issues else spec)


def validate_product(text: str, *, source: str = "product.yaml") -> list[ProductIssue]:
    """Every problem in the product document ``text`` (named ``source`` in the issues)."""
    return list(examine(text, source=source).issues)


def parse_product(text: str, *, source: str = "product.yaml") -> ProductSpec:
    """The product in ``text``; raises :class:`ValidationError` located at the first issue
    (``detail["issues"]`` lists them all).

    A valid document's spec is remembered (it is immutable: frozen dataclasses and tuples), so
    the registry's stored products are parsed and checked once per process, not on every quote.
    """
    return _parsed(text, source)


@lru_cache(maxsize=512)
def _parsed(text: str, source: str) -> ProductSpec:
    outcome = examine(text, source=source)
    if outcome.spec is None:
        raise issues_error(outcome.issues)  # not cached: an exception is never remembered
    return outcome.spec


def load_product(path: str | os.PathLike[str]) -> ProductSpec:
    """Read and parse one product file (UTF-8)."""
    file = Path(path)
    return parse_product(file.read_text(encoding="utf-8"), source=str(file))


def check_product(spec: ProductSpec) -> list[ProductIssue]:
    """The semantic rules for a spec built in code (no file: issues carry the product id and no
    line)."""
    return [
        make_issue(breach, file=spec.product_id, line=None)
        for breach in product_breaches(spec, load_vocabulary())
    ]
