"""A YAML composer with limits, for files a user hands us.

PyYAML composes an alias as a second reference to the anchored node, so a few hundred bytes
(``&a [x, x, …]``, ``&b [*a, *a, …]``, …) compose cheaply into a graph whose expansion — what any
walk over the plain data does — has billions of nodes; an alias inside its own anchor
(``a: &a [*a]``) is a cycle that every walk follows until the interpreter's recursion limit.
:class:`BoundedLoader` counts, while composing, each finished node's expanded size and height
(its children's, an alias counting as the whole anchored node) and refuses at the first node past
a limit, with that node's line and column; the bomb is refused after composing a few dozen nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from liubu.bounded.reasons import BoundedCode


@dataclass(frozen=True)
class YamlLimits:
    """What one user document may hold. The defaults fit every model and product file we know by
    two orders of magnitude (the largest product file has a few thousand nodes, depth 8)."""

    max_chars: int = 1 << 20  # characters of text
    max_nodes: int = 100_000  # scalars, sequences and mappings, aliases expanded
    max_aliases: int = 1_000
    max_depth: int = 64  # nesting of sequences and mappings, aliases expanded


class YamlRefused(yaml.MarkedYAMLError):
    """A document refused by a limit: ``code`` (a :class:`BoundedCode`), ``line`` and ``column``
    (1-based) of the node or alias that crossed it."""

    def __init__(self, code: BoundedCode, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.code = code
        self.line = mark.line + 1 if mark is not None else 1
        self.column = mark.column + 1 if mark is not None else 1


def _start_mark(text: str) -> yaml.Mark:
    return yaml.Mark("<document>", 0, 0, 0, text, 0)


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that composes within :attr:`limits` (set a subclass's class attribute
    to change them). Only the pure-Python loader can be bounded this way: libyaml's composer is
    in C, which is why packaged tables, not user files, use it."""

    limits: ClassVar[YamlLimits] = YamlLimits()

    def __init__(self, stream: str) -> None:
        if len(stream) > self.limits.max_chars:
            raise YamlRefused(
                BoundedCode.TOO_LONG,
                f"the document has {len(stream):,} characters, more than the "
                f"{self.limits.max_chars:,} allowed",
                _start_mark(stream),
            )
        super().__init__(stream)
        self._aliases = 0
        self._nesting = 0
        self._open_anchors: set[str] = set()
        # Expanded size and height of each finished node, by identity (the nodes stay alive in
        # the tree being built, so an id is not reused while this loader lives).
        self._size: dict[int, int] = {}
        self._height: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise YamlRefused(
                    BoundedCode.TOO_MANY_ALIASES,
                    f"more than {self.limits.max_aliases:,} aliases",
                    event.start_mark,
                )
            if event.anchor in self._open_anchors:
                raise YamlRefused(
                    BoundedCode.RECURSIVE,
                    f"the alias *{event.anchor} is inside its own anchor &{event.anchor}",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        self._nesting += 1
        if self._nesting > self.limits.max_depth:
            raise YamlRefused(
                BoundedCode.TOO_DEEP,
                f"nested deeper than {self.limits.max_depth} levels",
                event.start_mark,
            )
        anchor = event.anchor
        if anchor is not None:
            self._open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._nesting -= 1
            if anchor is not None:
                self._open_anchors.discard(anchor)
        if node is not None:
            self._measure(node)
        return node

    def _measure(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        size = 1 + sum(self._size.get(id(child), 1) for child in children)
        height = 1 + max((self._height.get(id(child), 1) for child in children), default=0)
        if size > self.limits.max_nodes:
            raise YamlRefused(
                BoundedCode.TOO_MANY_NODES,
                f"more than {self.limits.max_nodes:,} nodes once aliases are expanded",
                node.start_mark,
            )
        if height > self.limits.max_depth:
            raise YamlRefused(
                BoundedCode.TOO_DEEP,
                f"nested deeper than {self.limits.max_depth} levels once aliases are expanded",
                node.start_mark,
            )
        self._size[id(node)] = size
        self._height[id(node)] = height


def refused_yaml(error: yaml.YAMLError, text: str) -> tuple[int, int, str]:
    """Line, column (1-based) and problem of any PyYAML error, also of a reader error (a control
    character), which has a position in the text but no mark."""
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return (
            line,
            column,
            (
                f"the character U+{ord(error.character):04X} at position {error.position} "
                "is not allowed in YAML"
                if isinstance(error.character, str)
                else str(error)
            ),
        )
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = " ".join(part for part in (error.context, error.problem) if part)
        if mark is None:
            return 1, 1, problem
        return mark.line + 1, mark.column + 1, problem
    return 1, 1, str(error)
