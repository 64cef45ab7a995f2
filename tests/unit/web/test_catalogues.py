"""Every message on screen has a Chinese translation, and the placeholders survive it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

from update_catalogues import message_ids  # noqa: E402

PO = ROOT / "src" / "liubu" / "web" / "locale"


def _catalog(language: str) -> dict[str, str]:
    with (PO / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}  # type: ignore[misc]


def test_every_message_in_templates_code_and_navigation_is_translated_to_chinese() -> None:
    zh = _catalog("zh_CN")
    missing = [mid for mid in message_ids() if not zh.get(mid)]
    assert missing == [], "run tools/update_catalogues.py and translate these"


def test_chinese_translations_keep_the_placeholders_of_the_english() -> None:
    pattern = re.compile(r"%\(\w+\)s")
    for mid, text in _catalog("zh_CN").items():
        assert sorted(pattern.findall(mid)) == sorted(pattern.findall(text)), mid


def test_chinese_translations_are_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [mid for mid, text in _catalog("zh_CN").items() if not han.search(text)]
    assert untranslated == []
