"""YAML for product files: exact numbers, plain dates, and a map from field paths to lines.

Product files are read with a loader that makes every YAML float a :class:`~decimal.Decimal`
(money must not pass through binary floating point) and leaves dates as ISO strings (the schema
checks their format). The document is composed once (``yaml.compose``-style node tree); walking
the tree gives the line of every field path such as ``coverages[2].sublimit``, and reveals
duplicate keys, which plain YAML loading would silently drop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from liubu.bounded import BoundedLoader, YamlLimits, refused_yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(
    resolvers: dict[Any, list[tuple[str, Any]]],
) -> dict[Any, list[tuple[str, Any]]]:
    return {
        first: [(tag, regexp) for tag, regexp in entries if tag != _TIMESTAMP]
        for first, entries in resolvers.items()
    }


class ProductLoader(BoundedLoader):
    """SafeLoader with Decimal floats and no implicit timestamps, composing within limits (a
    product file has a few thousand nodes; alias bombs and cycles are refused while composing)."""

    limits = YamlLimits(max_chars=1 << 20, max_nodes=200_000)


class ProductDumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals exactly and dates as plain ISO strings."""


ProductLoader.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)
ProductDumper.yaml_implicit_resolvers = _without_timestamps(yaml.SafeDumper.yaml_implicit_resolvers)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, "a number must be a scalar", node.start_mark
        )
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the number {text!r} is not finite; write a plain decimal number",
            node.start_mark,
        )
    return number


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


class FlowMap(dict[str, Any]):
    """A mapping the dumper writes on one line (``{zh: …, en: …}``)."""


class FlowList(list[Any]):
    """A list the dumper writes on one line (``[1, 2, 3]``)."""


def _represent_flow_map(dumper: yaml.SafeDumper, value: FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, value: FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


ProductLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
ProductDumper.add_representer(Decimal, _represent_decimal)
ProductDumper.add_representer(FlowMap, _represent_flow_map)
ProductDumper.add_representer(FlowList, _represent_flow_list)


class YamlProblem(Exception):
    """The text is not valid YAML (or not a safe, finite document): line and description."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class DuplicateKey:
    path: str
    line: int
    key: str


@dataclass(frozen=True)
class ParsedYaml:
    """The constructed document and the line of each field path (1-based)."""

    data: Any
    lines: Mapping[str, int]
    duplicates: tuple[DuplicateKey, ...] = field(default=())

    def line_of(self, path: str) -> int | None:
        """The line of ``path``, or of its nearest existing parent (a missing field's parent)."""
        current = path
        while True:
            if current in self.lines:
                return self.lines[current]
            if not current:
                return None
            current = parent_path(current)


def parent_path(path: str) -> str:
    """``coverages[2].sublimit`` → ``coverages[2]`` → ``coverages`` → ``""``."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path[: path.rindex(".")] if "." in path else ""


_NEEDS_QUOTING = re.compile(r"[.\[\]]")


def join_path(path: str, key: object) -> str:
    """Append a key (mapping) or an index (sequence) to a field path."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    if _NEEDS_QUOTING.search(text):
        text = repr(text)
    return f"{path}.{text}" if path else text


def parse_yaml(text: str) -> ParsedYaml:
    """Compose and construct one YAML document; raise :class:`YamlProblem` with its line.

    The loader is built inside the ``try``: PyYAML's reader refuses a control character when
    it is given the text, before any parsing."""
    loader: ProductLoader | None = None
    try:
        loader = ProductLoader(text)
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as error:
        line, _column, problem = refused_yaml(error, text)
        raise YamlProblem(line, problem) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[str, int] = {}
    duplicates: list[DuplicateKey] = []
    if node is not None:
        _walk(node, "", lines, duplicates)
    return ParsedYaml(data, lines, tuple(duplicates))


def _walk(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    duplicates: list[DuplicateKey],
) -> None:
    # The loader bounded the expanded size and depth of the tree, so this walk is bounded too.
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = join_path(path, key)
            if key in seen:
                duplicates.append(DuplicateKey(child, key_node.start_mark.line + 1, key))
                continue
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, join_path(path, index), lines, duplicates)
