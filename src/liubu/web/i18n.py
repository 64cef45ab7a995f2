"""Chinese (zh_CN, the default) and English through Babel message catalogues.

The ``.po`` files under ``locale/`` are compiled in memory when the app starts, so no build step
and no compiled ``.mo`` files in the repository. The current request's language lives in a
context variable that the Jinja2 ``gettext`` callables read.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

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
