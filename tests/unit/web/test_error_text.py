"""A refusal on a Chinese page is Chinese: the title of its reason code from the package that
raised it, with the values it names; English pages keep the error's own sentence."""

from __future__ import annotations

from pathlib import Path

import yaml

from liubu.assessment.scan.targets import Target, require_public
from liubu.errors import ConflictError, LiubuError, ValidationError
from liubu.web.i18n import error_text


def _refusal() -> LiubuError:
    try:
        require_public(Target("intranet.example"), ["10.1.2.3"], allow_private=False)
    except LiubuError as error:
        return error
    raise AssertionError("a private address must be refused")


def test_a_coded_refusal_reads_in_chinese_with_its_values() -> None:
    error = _refusal()
    path = Path(__file__).resolve().parents[3] / "src/liubu/assessment/data/reasons.yaml"
    with path.open(encoding="utf-8") as handle:
        title = yaml.safe_load(handle)[error.code]["zh"]
    shown = error_text(error, "zh_CN")
    assert shown.startswith(title)
    assert "10.1.2.3" in shown
    assert "intranet.example" in shown
    assert "allow_private" not in shown
    assert "refused" not in shown


def test_english_keeps_the_errors_own_sentence() -> None:
    error = _refusal()
    assert error_text(error, "en") == error.message


def test_an_uncoded_refusal_gets_a_chinese_sentence_for_its_kind() -> None:
    plain = ValidationError("Choose at least one product to quote.", field="products")
    shown = error_text(plain, "zh_CN")
    assert shown == "您输入的内容未被接受。请检查后重试。"  # not the field's internal name
    conflict = ConflictError("The quote changed since you opened it.")
    assert error_text(conflict, "zh_CN") == "该操作与当前状态冲突。请刷新页面后重试。"


def test_a_message_already_in_chinese_is_kept() -> None:
    localized = ValidationError("模型文件大于 256 KB。", field="model")
    assert error_text(localized, "zh_CN") == "模型文件大于 256 KB。"


def test_an_internal_reference_is_not_shown_in_chinese() -> None:
    # a product chosen by name on the form: its reference (insurer/code@version) is a code
    wrong = ValidationError(
        "cankao-pc/supply-chain-cyber@1 is not a group product.",
        field="product_ref",
        value="cankao-pc/supply-chain-cyber@1",
    )
    shown = error_text(wrong, "zh_CN")
    assert "cankao-pc" not in shown
    assert "@1" not in shown
