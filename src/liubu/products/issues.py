"""Validation issues: where (file, line, field path), which rule (a stable code), and why.

Messages come from ``data/rules.yaml``, one English and one Chinese template per rule code, so a
code's wording is written once and both languages stay in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.errors import ValidationError
from liubu.products._data import load_yaml_table


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule broken at a field path, before it is given a file, a line and a message."""

    path: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None  # when the path alone cannot tell (a duplicate key's second use)


@dataclass(frozen=True, slots=True)
class ProductIssue:
    """One problem in a product file, located and explained in English and Chinese."""

    file: str
    line: int | None
    path: str
    code: str
    message: str
    message_zh: str

    @property
    def location(self) -> str:
        """``file:line`` (or just ``file`` when the line is unknown)."""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        where = self.path or "(document)"
        return f"{self.location}: {where}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
        }


@cache
def rule_templates() -> Mapping[str, Mapping[str, str]]:
    """Every rule code with its ``en`` and ``zh`` message template."""
    table = load_yaml_table("rules.yaml")
    return {
        str(code): {"en": str(t["en"]), "zh": str(t["zh"])} for code, t in table["rules"].items()
    }


def rule_codes() -> tuple[str, ...]:
    """All stable rule codes, in the order ``rules.yaml`` lists them."""
    return tuple(rule_templates())


def show(value: Any) -> str:
    """A parameter as it reads in a message: numbers plain, lists comma-separated."""
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show(item) for item in value) or "(none)"
    return str(value)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, lang: str, params: Mapping[str, Any]) -> str:
    """The message for ``code`` in ``lang`` with ``params`` filled in."""
    template = rule_templates().get(code, {}).get(lang)
    if template is None:
        raise KeyError(f"The rule code {code!r} has no {lang} message in rules.yaml.")
    return template.format_map(_Params({key: show(value) for key, value in params.items()}))


def make_issue(breach: Breach, *, file: str, line: int | None) -> ProductIssue:
    params: dict[str, Any] = {"path": breach.path or "(document)", **breach.params}
    suggestion = params.pop("suggestion", "")
    params["hint"] = f" Did you mean {suggestion!r}?" if suggestion else ""
    params["hint_zh"] = f"是否应为 {suggestion!r}？" if suggestion else ""
    return ProductIssue(
        file=file,
        line=line,
        path=breach.path,
        code=breach.code,
        message=render(breach.code, "en", params),
        message_zh=render(breach.code, "zh", params),
    )


def issues_error(issues: Sequence[ProductIssue]) -> ValidationError:
    """A :class:`ValidationError` for the first issue; ``detail["issues"]`` holds them all."""
    first = issues[0]
    more = len(issues) - 1
    tail = f" ({more} more issue{'s' if more != 1 else ''} in this file.)" if more else ""
    error = ValidationError(
        f"{first.location}: {first.path or '(document)'}: {first.message}{tail}",
        code=first.code,
        field=first.path or None,
        location=first.location,
    )
    error.detail["issues"] = [issue.to_dict() for issue in issues]
    return error
