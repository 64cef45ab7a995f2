"""YAML with line numbers: plain data plus the line of every node, for located errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import yaml

from liubu.bounded import BoundedLoader, YamlRefused, refused_yaml
from liubu.errors import ValidationError
from liubu.risk.reasons import RiskCode

Path = tuple[str | int, ...]


@dataclass
class Located:
    """Data read from ``filename`` and the 1-based line where each path starts."""

    filename: str
    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)

    def where(self, path: Path) -> str:
        """``file:line`` of the nearest node on ``path`` that has a line."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"{self.filename}:{line}"
        return self.filename

    def fail(
        self, message: str, *, code: StrEnum, path: Path, value: object = None
    ) -> ValidationError:
        """A located error: the message ends with where it happened."""
        where = self.where(path)
        return ValidationError(
            f"{message} ({where})",
            code=code,
            field=dotted(path),
            value=value,
            location=where,
        )

    def mapping(
        self,
        data: Any,
        path: Path,
        keys: tuple[str, ...],
        required: tuple[str, ...] = (),
        *,
        codes: tuple[StrEnum, StrEnum, StrEnum],
        noun: str = "key",
    ) -> dict[str, Any]:
        """``data`` as a mapping with only ``keys``, all of ``required`` present; ``codes`` are
        the caller's reason codes for (not a mapping, an unknown key, a missing key)."""
        not_mapping, unknown_key, missing_key = codes
        if not isinstance(data, Mapping):
            raise self.fail(
                f"Expected a mapping with keys {', '.join(keys)}; got {data!r}.",
                code=not_mapping,
                path=path,
                value=data,
            )
        unknown = [k for k in data if k not in keys]
        if unknown:
            raise self.fail(
                f"Unknown {noun} {unknown[0]!r}; expected one of {', '.join(keys)}.",
                code=unknown_key,
                path=(*path, str(unknown[0])),
                value=unknown[0],
            )
        missing = [k for k in required if k not in data]
        if missing:
            raise self.fail(
                f"Missing {noun} {missing[0]!r}.", code=missing_key, path=path, value=missing[0]
            )
        return dict(data)

    @contextmanager
    def at(self, path: Path) -> Iterator[None]:
        """Re-raise a spec constructor's error with this file's location and the full path."""
        try:
            yield
        except ValidationError as error:
            if error.location is not None:
                raise
            where = self.where(self._deepest(path, error.field or ""))
            inner = _without_overlap(path, error.field or "")
            raise ValidationError(
                f"{error.message} ({where}, at {dotted(path) or 'top level'})",
                code=error.code,
                field=dotted(path) + inner,
                value=error.value,
                location=where,
            ) from error

    def _deepest(self, path: Path, field_name: str) -> Path:
        """The longest known path made of ``path`` and a suffix of the error's dotted field."""
        parts = tuple(p for p in field_name.replace("[", ".").replace("]", "").split(".") if p)
        for start in range(len(parts)):
            candidate = (*path, *parts[start:])
            if candidate in self.lines:
                return candidate
        return path


def _without_overlap(path: Path, field_name: str) -> str:
    """The error's own field after the path, without repeating the path's last parts."""
    parts = [p for p in field_name.split(".") if p]
    tail = [str(p) for p in path]
    for size in range(min(len(parts), len(tail)), 0, -1):
        if tail[-size:] == parts[:size]:
            parts = parts[size:]
            break
    return "".join(f".{p}" for p in parts)


def dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_yaml(text: str, filename: str, *, loader: type[Any] = BoundedLoader) -> Located:
    """Compose the node tree (keeping marks) and build plain data with a line table.

    A user's file is composed by :class:`liubu.bounded.BoundedLoader` (PyYAML's pure-Python
    parser and its syntax messages, within size, depth, node and alias limits); the packaged
    library passes libyaml's (:data:`liubu.datafiles.FastSafeLoader`), whose nodes carry the same
    marks.
    """
    located = Located(filename)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        line, column, problem = refused_yaml(error, text)
        where = f"{filename}:{line}"
        if isinstance(error, YamlRefused):
            raise ValidationError(
                f"The file is refused: {problem} ({where}, column {column}).",
                code=error.code,
                location=where,
            ) from None
        raise ValidationError(
            f"The file is not valid YAML: {error} ({where})",
            code=RiskCode.YAML_SYNTAX,
            location=where,
        ) from None
    if node is None:
        raise located.fail("The file is empty.", code=RiskCode.EMPTY_FILE, path=())
    constructor = yaml.SafeLoader("")
    try:
        located.data = _plain(node, (), located, constructor)
    except yaml.YAMLError as error:  # a tag the safe loader refuses, bad !!binary, …
        line, column, problem = refused_yaml(error, text)
        where = f"{filename}:{line}"
        raise ValidationError(
            f"The file is not valid YAML: {problem} ({where}, column {column})",
            code=RiskCode.YAML_SYNTAX,
            location=where,
        ) from None
    return located


def _plain(node: yaml.Node, path: Path, located: Located, constructor: yaml.SafeLoader) -> Any:
    located.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if isinstance(key, list | dict | set):  # `? [a]` or `{[a]: 1}`: not a name
                raise located.fail(
                    "A key must be a plain name or number, not a list or a mapping.",
                    code=RiskCode.YAML_SYNTAX,
                    path=path,
                    value=repr(key),
                )
            if key in out:
                raise located.fail(
                    f"Key {key!r} appears twice.",
                    code=RiskCode.DUPLICATE_KEY,
                    path=(*path, key),
                    value=key,
                )
            located.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, (*path, key), located, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), located, constructor) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)
