"""Reading the data files of ``liubu/assessment/data`` with the line of every node.

The tables use YAML 1.2 booleans only (``true``/``false``): ``yes``, ``no`` and ``partial`` are
answers of the questionnaire, so they must stay strings rather than become booleans as YAML 1.1
would make them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml

from liubu.assessment.reasons import AssessmentCode
from liubu.datafiles import FastSafeLoader, packaged_text
from liubu.errors import ConfigurationError

Path = tuple[str | int, ...]
_BOOL = "tag:yaml.org,2002:bool"


class _Loader(FastSafeLoader):
    """Safe loader (libyaml's when present) whose only booleans are true/false (so ``yes`` and
    ``no`` stay strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Table:
    """One data file: its content and the 1-based line where each node starts."""

    filename: str
    data: Any
    lines: Mapping[Path, int] = field(default_factory=dict)

    def where(self, path: Path) -> str:
        """``liubu/assessment/data/<file>:<line>`` of the nearest node on ``path``."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"liubu/assessment/data/{self.filename}:{line}"
        return f"liubu/assessment/data/{self.filename}"

    def fail(self, message: str, path: Path) -> ConfigurationError:
        """A configuration error whose message ends with the file and line of ``path``."""
        dotted = ".".join(str(part) for part in path) or "top level"
        return ConfigurationError(
            f"{message} (at {dotted}, {self.where(path)})",
            code=AssessmentCode.DATA_FILE,
            detail={"location": self.where(path), "field": dotted},
        )

    def get(self, path: Path) -> Any:
        """The node at ``path`` (raising a located error when it is absent)."""
        node = self.data
        for depth, part in enumerate(path):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                raise self.fail(f"The entry {part!r} is missing.", path[:depth]) from None
        return node

    def mapping(self, path: Path) -> dict[str, Any]:
        node = self.get(path)
        if not isinstance(node, dict):
            raise self.fail(f"Expected a mapping, found {type(node).__name__}.", path)
        return node

    def sequence(self, path: Path) -> list[Any]:
        node = self.get(path)
        if not isinstance(node, list):
            raise self.fail(f"Expected a list, found {type(node).__name__}.", path)
        return node

    def text(self, path: Path) -> str:
        node = self.get(path)
        if not isinstance(node, str) or not node.strip():
            raise self.fail(f"Expected a non-empty string, found {node!r}.", path)
        return node.strip()

    def decimal(self, path: Path) -> Decimal:
        """A number as an exact Decimal (through its YAML spelling, never through binary)."""
        node = self.get(path)
        if isinstance(node, bool) or not isinstance(node, int | float | str):
            raise self.fail(f"Expected a number, found {node!r}.", path)
        try:
            number = Decimal(str(node))
        except InvalidOperation:
            raise self.fail(f"Expected a number, found {node!r}.", path) from None
        if not number.is_finite():
            raise self.fail(f"Expected a finite number, found {node!r}.", path)
        return number


def _record(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _record(value, (*path, str(key.value)), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), lines)


def parse_table(text: str, filename: str) -> Table:
    """Parse ``text`` (the content of ``filename``) into a located :class:`Table`.

    One pass: the node tree (with the lines) is composed once and the data constructed from it.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = None if root is None else loader.construct_document(root)
    except yaml.YAMLError as error:
        raise ConfigurationError(
            f"The data file liubu/assessment/data/{filename} is not valid YAML: {error}.",
            code=AssessmentCode.DATA_FILE,
        ) from error
    finally:
        loader.dispose()
    if not isinstance(data, dict) or root is None:
        raise ConfigurationError(
            f"The data file liubu/assessment/data/{filename} must hold a YAML mapping.",
            code=AssessmentCode.DATA_FILE,
        )
    lines: dict[Path, int] = {}
    _record(root, (), lines)
    return Table(filename, data, lines)


@cache
def load_table(filename: str) -> Table:
    """Read ``liubu/assessment/data/<filename>`` once."""
    return parse_table(packaged_text("liubu.assessment", "data", filename), filename)
