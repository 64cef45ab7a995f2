"""Reading the data files in ``liubu/underwriting/data`` with the line of every node.

Data files are read lazily (never at import) and checked field by field; a bad value is refused
with a :class:`~liubu.errors.ConfigurationError` whose message ends with ``file:line``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml

from liubu.datafiles import FastSafeLoader, packaged_text
from liubu.errors import ConfigurationError, ValidationError
from liubu.products import Text

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class DataFile:
    """Plain data read from ``name`` and the 1-based line where each path starts."""

    name: str
    data: Any
    lines: Mapping[Path, int] = field(default_factory=dict)

    def where(self, path: Path) -> str:
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"liubu/underwriting/data/{self.name}:{line}"
        return f"liubu/underwriting/data/{self.name}"

    def fail(self, message: str, path: Path) -> ConfigurationError:
        return ConfigurationError(f"{message} ({self.where(path)})")

    def get(self, path: Path) -> Any:
        value = self.data
        for key in path:
            value = value[key]
        return value

    def mapping(self, path: Path) -> Mapping[str, Any]:
        value = self.get(path)
        if not isinstance(value, Mapping):
            raise self.fail(f"The entry {_dotted(path)} must be a mapping.", path)
        return value

    def decimal(
        self, path: Path, *, low: Decimal | None = None, high: Decimal | None = None
    ) -> Decimal:
        """The number at ``path`` as an exact Decimal (read from its YAML text), within bounds."""
        raw = self.get(path)
        try:
            if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                raise TypeError
            number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except (TypeError, InvalidOperation):
            raise self.fail(
                f"The entry {_dotted(path)} = {raw!r} must be a number.", path
            ) from None
        if (
            not number.is_finite()
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            raise self.fail(
                f"The entry {_dotted(path)} = {raw!r} must lie in [{low}, {high}].", path
            )
        return number

    def text(self, path: Path) -> Text:
        raw = self.mapping(path)
        try:
            return Text(str(raw["zh"]), str(raw["en"]))
        except (KeyError, ValidationError) as error:
            raise self.fail(
                f"The entry {_dotted(path)} needs zh and en text ({error}).", path
            ) from None


def _dotted(path: Path) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def _plain(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    scalars: yaml.constructor.SafeConstructor | None = None,
) -> Any:
    """Plain data from the node tree, recording lines; one constructor serves the whole file."""
    scalars = scalars or yaml.constructor.SafeConstructor()
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(scalars.construct_object(key_node, deep=True))
            out[key] = _plain(value_node, (*path, key), lines, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), lines, scalars) for i, item in enumerate(node.value)]
    return scalars.construct_object(node, deep=True)


@cache
def load_data(name: str) -> DataFile:
    """Read ``liubu/underwriting/data/<name>`` once, keeping the line of every node."""
    text = packaged_text("liubu.underwriting", "data", name)
    root = yaml.compose(text, Loader=FastSafeLoader)
    if root is None or not isinstance(root, yaml.MappingNode):
        raise ConfigurationError(f"The data file liubu/underwriting/data/{name} must be a mapping.")
    lines: dict[Path, int] = {}
    return DataFile(name, _plain(root, (), lines), lines)
