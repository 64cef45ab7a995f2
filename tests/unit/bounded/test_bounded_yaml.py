"""The bounded YAML composer refuses alias bombs, cycles, deep nesting and long texts while
composing — fast, in little memory, with the line and column of the node that crossed a limit —
and composes ordinary documents exactly as PyYAML does."""

from __future__ import annotations

import itertools
import time
import tracemalloc

import pytest
import yaml

from liubu.bounded import (
    BoundedCode,
    BoundedLoader,
    JsonLimits,
    YamlLimits,
    YamlRefused,
    check_json_bounds,
)
from liubu.errors import ValidationError


def alias_bomb(levels: int = 7, fan_out: int = 10) -> str:
    """The probe's document: ``levels`` anchors, each a list of ``fan_out`` aliases of the one
    before — fan_out ** levels leaves once expanded (10 million for 7 × 10)."""
    names = "abcdefghijklmnopqrstuvwxyz"[: levels + 1]
    lines = [f"{names[0]}: &{names[0]} [" + ",".join(["lol"] * fan_out) + "]"]
    for before, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * fan_out) + "]")
    return "\n".join(lines) + "\n"


def compose(text: str) -> yaml.Node:
    node: yaml.Node = yaml.compose(text, Loader=BoundedLoader)
    return node


def test_the_alias_bomb_is_refused_in_under_a_second_and_fifty_megabytes() -> None:
    bomb = alias_bomb()
    assert len(bomb) < 400
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(YamlRefused) as refused:
            compose(bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code is BoundedCode.TOO_MANY_NODES
    # expanded sizes by line: 11, 111, 1,111, 11,111, 111,111 — the list anchored on line 5
    # (its mark is at the anchor, column 4) is the first over 100,000 nodes
    assert (refused.value.line, refused.value.column) == (5, 4)
    assert elapsed < 1.0
    assert peak < 50 * 2**20


def test_an_alias_inside_its_own_anchor_is_refused_at_the_alias() -> None:
    with pytest.raises(YamlRefused) as refused:
        compose("a: &a [*a]\n")
    assert refused.value.code is BoundedCode.RECURSIVE
    assert (refused.value.line, refused.value.column) == (1, 8)


def test_a_cycle_through_a_mapping_is_refused_too() -> None:
    with pytest.raises(YamlRefused) as refused:
        compose("top: &t\n  child:\n    again: *t\n")
    assert refused.value.code is BoundedCode.RECURSIVE
    assert refused.value.line == 3


def test_nesting_deeper_than_the_limit_is_refused_before_the_interpreter_recurses() -> None:
    with pytest.raises(YamlRefused) as refused:
        compose("[" * 100_000 + "]" * 100_000)
    assert refused.value.code is BoundedCode.TOO_DEEP
    assert refused.value.column == YamlLimits().max_depth + 1


def test_depth_reached_through_aliases_counts() -> None:
    deep = "[" * 40 + "1" + "]" * 40
    with pytest.raises(YamlRefused) as refused:
        compose(f"a: &a {deep}\nb: {'[' * 30}*a{']' * 30}\n")
    assert refused.value.code is BoundedCode.TOO_DEEP
    assert refused.value.line == 2


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 1_001) + "]\n"
    with pytest.raises(YamlRefused) as refused:
        compose(text)
    assert refused.value.code is BoundedCode.TOO_MANY_ALIASES


def test_a_text_over_the_length_limit_is_refused_before_parsing() -> None:
    class Small(BoundedLoader):
        limits = YamlLimits(max_chars=10)

    with pytest.raises(YamlRefused) as refused:
        yaml.compose("a: 12345678901", Loader=Small)
    assert refused.value.code is BoundedCode.TOO_LONG


def test_ordinary_documents_with_aliases_load_as_with_pyyaml() -> None:
    text = "base: &b {x: 1, y: [a, b]}\nuse: *b\nlist: [*b, *b]\n"
    assert yaml.load(text, Loader=BoundedLoader) == yaml.safe_load(text)


def test_a_json_value_nested_too_deep_or_too_large_is_refused_without_recursing() -> None:
    deep: object = 1
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValidationError) as refused:
        check_json_bounds(deep, field="model")
    assert refused.value.code == BoundedCode.TOO_DEEP
    with pytest.raises(ValidationError) as refused:
        check_json_bounds(list(range(20)), field="x", limits=JsonLimits(max_nodes=10))
    assert refused.value.code == BoundedCode.TOO_MANY_NODES
    check_json_bounds({"a": [1, 2, {"b": "c"}]}, field="ok")
