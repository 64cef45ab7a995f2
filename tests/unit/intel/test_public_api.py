"""The curated public API of liubu.intel, its purity, and its doctests."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

import liubu.intel as intel

PACKAGE = Path(intel.__file__).parent
ALLOWED_THIRD_PARTY = {"cvss", "debian", "yaml"}


def test_public_api_is_pinned() -> None:
    assert intel.__all__ == [
        "AffectedProduct", "AffectedVersion", "ConfigNode", "Configuration", "Cpe", "CpeCriterion",
        "Cve5Record", "CvssScore", "DebianStatus", "DebianTracker", "EpssScore", "Hit",
        "IndexSummary", "IntelBundle", "IntelCode", "KevEntry", "LoadReport", "Loaded", "Match",
        "NvdCve", "PageInfo", "SkippedFile", "SourceKind", "SsvcDecision", "Vulnerability",
        "VulnerabilityIndex", "check_kev_agreement", "compare_debian_versions", "compare_versions",
        "cpe_matches", "cvss_score", "escape_value", "in_range", "load_cve5",
        "load_debian_tracker", "load_epss", "load_file", "load_kev_csv", "load_kev_json",
        "load_nvd", "load_paths", "match_linear", "merge_vulnerabilities", "parse_any_cpe",
        "parse_cpe", "parse_cpe_uri", "preferred_score", "score_vector", "version_key",
    ]  # fmt: skip
    for name in intel.__all__:
        assert getattr(intel, name) is not None


def test_the_package_imports_only_errors_the_table_reader_itself_and_its_two_libraries() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "liubu":
                    assert name in (
                        "liubu.errors",
                        "liubu.datafiles",
                    ) or name.startswith("liubu.intel"), (
                        path,
                        name,
                    )
                else:
                    assert top in ALLOWED_THIRD_PARTY or top in _STDLIB, (path, name)


_STDLIB = {
    "__future__", "collections", "contextlib", "csv", "dataclasses", "datetime", "decimal",
    "enum", "functools", "gzip", "hashlib", "importlib", "io", "json", "pathlib", "re", "types",
    "typing", "urllib",
}  # fmt: skip


@pytest.mark.parametrize("module", ["version", "cpe", "scores"])
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"liubu.intel.{module}"))
    assert result.attempted > 0
    assert result.failed == 0
