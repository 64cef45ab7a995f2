"""The curated public API of liubu.core, its purity, and its doctests."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

import liubu.core

CORE = Path(liubu.core.__file__).parent
MODULES = ["money", "identifiers", "industry", "region", "period", "personal"]
# The leaf modules every package may use: the error tree and the packaged-table reader.
SHARED = ("liubu.errors", "liubu.datafiles")


def test_public_api_is_pinned() -> None:
    assert liubu.core.__all__ == [
        "FEN", "CoreCode", "Industry", "IndustryDivision", "IndustrySection", "MobileNumber",
        "Money", "Period",
        "PersonalDataCipher", "Province", "Region", "RegionLevel", "RegistrationAuthority",
        "ResidentId", "Sex", "UnifiedSocialCreditCode", "half_up", "industry_divisions",
        "industry_sections",
        "mask_mobile", "mask_name", "mask_resident_id", "parse_industry",
        "parse_mobile", "parse_region", "parse_resident_id", "parse_uscc", "provinces",
        "registration_authorities", "resident_id_check_character", "shanghai_today",
        "to_shanghai",
        "uscc_check_character", "uscc_with_check",
    ]  # fmt: skip
    for name in liubu.core.__all__:
        assert getattr(liubu.core, name) is not None


def test_core_imports_nothing_of_liubu_but_itself_errors_and_the_table_reader() -> None:
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("liubu"):
                    assert name in SHARED or name.startswith("liubu.core"), (path, name)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"liubu.core.{module}"))
    assert result.attempted > 0
    assert result.failed == 0
