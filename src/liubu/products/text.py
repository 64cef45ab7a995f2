"""Bilingual text (zh-CN and English), the form every name, definition and message takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from liubu.errors import ValidationError
from liubu.products.reasons import ProductsCode

Lang: TypeAlias = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``, else raise."""
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    raise ValidationError(
        f"The language {lang!r} is not supported; use 'zh' or 'en'.",
        code=ProductsCode.LANG_UNSUPPORTED,
        field="lang",
        value=lang,
    )


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of text in Chinese (``zh``) and English (``en``); neither may be blank."""

    zh: str
    en: str

    def __post_init__(self) -> None:
        for lang in LANGS:
            value = getattr(self, lang)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(
                    f"The {lang} text {value!r} must be a non-empty string.",
                    code=ProductsCode.TEXT_BLANK,
                    field=lang,
                    value=repr(value),
                )

    def in_(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}
