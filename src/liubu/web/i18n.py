"""Chinese (zh_CN, the default) and English through Babel message catalogues.

The ``.po`` files under ``locale/`` are compiled in memory when the app starts, so no build step
and no compiled ``.mo`` files in the repository. The current request's language lives in a
context variable that the Jinja2 ``gettext`` callables read.
"""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from liubu.datafiles import any_reason_title
from liubu.errors import LiubuError

LANGUAGES = ("zh_CN", "en")
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
current_language: ContextVar[str] = ContextVar("liubu_language", default="zh_CN")


@cache
def translations(language: str) -> NullTranslations:
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    po = resources.files("liubu.web").joinpath(f"locale/{language}/LC_MESSAGES/messages.po")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


def negotiate(requested: str | None, default: str) -> str:
    """The language chosen with the switch, else the platform default (zh_CN).

    The browser's Accept-Language is deliberately not consulted: the platform speaks Chinese
    unless the user picks English, so every user of one deployment sees the same screens.
    """
    return requested if requested in LANGUAGES else default


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _by_status(status: int, language: str) -> str:
    """A sentence for a refusal whose code no package titles, in ``language``."""
    gettext = translations(language).gettext
    if status == 404:
        return gettext("What you asked for does not exist, or is not visible to you.")
    if status == 409:
        return gettext("This conflicts with the current state. Reload the page and try again.")
    if status == 403:
        return gettext("Your role does not allow this.")
    return gettext("What you entered was refused. Check it and try again.")


def error_text(error: LiubuError, language: str) -> str:
    """What a person reads of a refusal, in the current language.

    In English, the error's own sentence (it names the values). In Chinese, the title of its
    reason code from the package that raised it — or a sentence for its kind of refusal — with
    the values it names (an address, a field, a number): never the English developer text."""
    if language == "en" or _HAN.search(error.message):  # already in the reader's language
        return error.message
    title = any_reason_title(error.code, "zh") or _by_status(error.status, language)
    values = _values(error.detail, error.message)
    return f"{title}（{'，'.join(values)}）" if values else title


def _values(detail: dict[str, object], message: str) -> list[str]:
    """The values an error names that read the same in any language: the figures of its
    sentence (amounts, dates, counts) and its detail's numbers, codes and addresses (no words,
    so no English sentence slips through; not the field's internal name, which the form around
    the message already shows by its label)."""
    found: list[str] = _FIGURE.findall(message)
    for key, value in detail.items():
        if key == "field":  # a form field's internal name is a code, not what the reader typed
            continue
        if key.endswith("_ref") or (key == "value" and str(detail.get("field")).endswith("_ref")):
            continue  # an internal reference (insurer/code@version): the form offered it by name
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            text = str(item)
            if isinstance(item, str | int | float) and text and len(text) <= 64 and " " not in text:
                found.append(text)
    return list(dict.fromkeys(v.rstrip(".,;:") for v in found))[:6]


#: A figure in an English sentence: 510000.00, 1,000,000, 2026-06-01, 12:30 (two digits at least).
_FIGURE = re.compile(r"\d[\d,.:/-]*\d")
