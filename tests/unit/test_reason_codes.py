"""Reason codes are enum members with Chinese and English titles, never bare strings.

Every business package that raises coded errors keeps its codes in one ``<Package>Code`` StrEnum
(``reasons.py``) and their titles in ``data/reasons.yaml``. A member *is* its string, so the codes
clients see stay what they were; these tests keep new bare strings out and the titles complete.
"""

from __future__ import annotations

import ast
import importlib
import json
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest

from liubu.core import parse_uscc
from liubu.datafiles import packaged_yaml
from liubu.errors import ValidationError
from liubu.risk import Poisson

SOURCE = Path(importlib.import_module("liubu").__file__ or "").parent

# The packages whose codes live in a ``<Package>Code`` enum, with its class name. The business
# packages export it from their front door; the two entry points keep it to themselves.
CODED = {
    "accounts": "AccountsCode",
    "api": "ApiCode",
    "assessment": "AssessmentCode",
    "claims": "ClaimsCode",
    "bounded": "BoundedCode",
    "cli": "CliCode",
    "core": "CoreCode",
    "experience": "ExperienceCode",
    "intel": "IntelCode",
    "jobs": "JobsCode",
    "massissue": "MassissueCode",
    "portfolio": "PortfolioCode",
    "monitoring": "MonitoringCode",
    "notify": "NotifyCode",
    "products": "ProductsCode",
    "risk": "RiskCode",
    "underwriting": "UnderwritingCode",
}
ENTRY_POINTS = ("api", "cli")

# Where a package's titles sit in its ``data/reasons.yaml``: at the top, except in massissue, whose
# file also holds the bilingual row reasons of its error file (``reasons:``) beside them.
TITLES_KEY = {"massissue": "errors"}

# ``code=`` keywords that name something other than a reason: an organisation's short code.
NOT_A_REASON = {("demo.py", "DemoOrganisation")}


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _spells_out_a_string(value: ast.expr) -> bool:
    """A string literal or f-string, also as a branch of ``a if c else b`` or ``a or b``."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.IfExp):
        return _spells_out_a_string(value.body) or _spells_out_a_string(value.orelse)
    if isinstance(value, ast.BoolOp):
        return any(_spells_out_a_string(operand) for operand in value.values)
    return False


def _bare_codes(root: Path = SOURCE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative == Path("errors.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if (relative.as_posix(), _callee(node)) in NOT_A_REASON:
                continue
            for keyword in node.keywords:
                if keyword.arg == "code" and _spells_out_a_string(keyword.value):
                    found.append(f"liubu/{relative.as_posix()}:{keyword.value.lineno}")
    return found


def _enum(package: str) -> type[StrEnum]:
    module = importlib.import_module(f"liubu.{package}.reasons")
    code_class: type[StrEnum] = getattr(module, CODED[package])
    return code_class


def test_no_error_is_raised_with_a_bare_string_code() -> None:
    bare = _bare_codes()
    assert not bare, "use the package's <Package>Code member instead:\n" + "\n".join(bare)


def test_the_guard_names_the_line_of_a_literal_or_formatted_code(tmp_path: Path) -> None:
    (tmp_path / "rules.py").write_text(
        'raise ValidationError("No.", code="a.b")\n'
        'f(code=f"a.{b}", status_code="400")\n'
        "g(code=Code.MEMBER, status_code=422)\n"
        'h(code=Code.MEMBER if row else "a.file")\n',
        encoding="utf-8",
    )
    assert _bare_codes(tmp_path) == ["liubu/rules.py:1", "liubu/rules.py:2", "liubu/rules.py:4"]


def test_no_code_value_is_used_by_two_packages() -> None:
    owners: dict[str, str] = {}
    for package in CODED:
        for member in _enum(package):
            assert member.value not in owners, (member.value, owners.get(member.value), package)
            owners[member.value] = package


@pytest.mark.parametrize("package", sorted(CODED))
def test_every_code_has_a_chinese_and_an_english_title(package: str) -> None:
    face = importlib.import_module(f"liubu.{package}.reasons")
    for member in _enum(package):
        for lang in ("zh", "en"):
            title = face.message(member, lang)
            assert isinstance(title, str)
            assert title.strip(), (member, lang)


@pytest.mark.parametrize("package", sorted(CODED))
def test_the_titles_file_names_only_codes_of_the_enum(package: str) -> None:
    titles = packaged_yaml(f"liubu.{package}", "data", "reasons.yaml")
    if package in TITLES_KEY:
        titles = titles[TITLES_KEY[package]]
    values = {member.value for member in _enum(package)}
    assert set(titles) - values == set()
    assert all(set(row) == {"zh", "en"} for row in titles.values())


@pytest.mark.parametrize("package", sorted(CODED))
def test_every_code_is_an_upper_snake_member_of_the_front_door(package: str) -> None:
    if package not in ENTRY_POINTS:
        face = importlib.import_module(f"liubu.{package}")
        assert getattr(face, CODED[package]) is _enum(package)
        assert CODED[package] in face.__all__
    for member in _enum(package):
        assert member.name == member.name.upper()
        assert isinstance(member, str)


def test_a_limit_the_product_does_not_offer_is_refused_with_the_same_code_as_before() -> None:
    from liubu.products import load_reference_catalogue
    from liubu.underwriting import terms_for_option

    spec = load_reference_catalogue()[0]
    with pytest.raises(ValidationError) as refused:
        terms_for_option(spec, limit=Decimal(123))
    assert refused.value.code == "underwriting.limit_not_offered"
    assert type(refused.value.code) is not str


@pytest.mark.parametrize(
    ("refuse", "code"),
    [
        # codes that were glued together from fragments before they were members
        (lambda: parse_uscc("123"), "uscc.length"),
        (lambda: parse_uscc(5), "uscc.type"),
        (lambda: Poisson(-1.0), "risk.negative"),
    ],
    ids=["uscc_length", "uscc_type", "risk_negative"],
)
def test_a_code_once_built_from_fragments_is_the_same_string_as_before(
    refuse: Callable[[], object], code: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        refuse()
    assert refused.value.code == code
    assert json.dumps({"code": refused.value.code}) == json.dumps({"code": code})
