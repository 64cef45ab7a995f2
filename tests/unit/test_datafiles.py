"""Packaged YAML tables: libyaml's reading equals PyYAML's own, parsed once, callers isolated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import liubu
from liubu import datafiles
from liubu.risk.located import parse_yaml

SOURCE = Path(liubu.__file__).parent
TABLES = sorted(
    p for p in SOURCE.rglob("data/**/*.yaml") if "catalogue" not in p.parts
)  # product files are a user's format, read by the product loader


def _parts(path: Path) -> tuple[str, tuple[str, ...]]:
    relative = path.relative_to(SOURCE.parent)
    data = relative.parts.index("data")
    return ".".join(relative.parts[:data]), relative.parts[data:]


def test_every_packaged_table_is_found() -> None:
    names = {p.name for p in TABLES}
    assert {"scenarios.yaml", "gbt2260.yaml", "questionnaire.yaml", "navigation.yaml"} <= names


@pytest.mark.parametrize("path", TABLES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_a_packaged_table_reads_the_same_as_with_the_pure_python_loader(path: Path) -> None:
    package, parts = _parts(path)
    expected = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert datafiles.packaged_yaml(package, *parts) == expected


def test_a_table_is_parsed_once_and_each_caller_gets_its_own_copy() -> None:
    first = datafiles.packaged_yaml("liubu.risk", "data", "coverages.yaml")
    before = datafiles._parsed.cache_info()
    first["coverages"].clear()
    first["added"] = True
    second = datafiles.packaged_yaml("liubu.risk", "data", "coverages.yaml")
    after = datafiles._parsed.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert "added" not in second
    assert len(second["coverages"]) > 0


def test_the_fast_loader_locates_every_node_on_the_same_line_as_the_pure_python_one() -> None:
    text = (SOURCE / "risk" / "data" / "scenarios.yaml").read_text(encoding="utf-8")
    fast = parse_yaml(text, "scenarios.yaml", loader=datafiles.FastSafeLoader)
    pure = parse_yaml(text, "scenarios.yaml")
    assert fast.data == pure.data
    assert fast.lines == pure.lines
    assert len(fast.lines) > 100


def test_the_fast_loader_is_libyaml_when_pyyaml_was_built_with_it() -> None:
    assert (datafiles.FastSafeLoader is yaml.CSafeLoader) == yaml.__with_libyaml__
