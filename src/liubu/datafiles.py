"""The YAML tables packaged with liubu, parsed once per process with libyaml.

Every business package ships reference tables (vocabularies, rating factors, questionnaires,
scenario libraries) in a ``data`` folder. They cannot change while the process runs, so each is
parsed once; PyYAML's pure-Python loader takes tenths of a second per table on a busy machine,
libyaml's C loader a few milliseconds, and its nodes carry the same line marks, so tables read
with their line numbers still report ``file:line``. Files a user hands us (product files, risk
model files, answers) are not read here: their loaders keep the pure-Python parser's messages.

This module sits beside :mod:`liubu.errors` rather than in ``liubu.core`` because ``liubu.core``
and ``liubu.risk`` are independent layers and both read tables; it imports nothing else of liubu.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as FastSafeLoader
except ImportError:  # PyYAML built without libyaml: the same results, only slower
    from yaml import SafeLoader as FastSafeLoader  # type: ignore[assignment]

__all__ = [
    "FastSafeLoader",
    "any_reason_title",
    "packaged_text",
    "packaged_yaml",
    "reason_title",
]


def packaged_text(package: str, *parts: str) -> str:
    """The text of the packaged file ``<package>/<parts…>`` (e.g. ``"liubu.risk", "data", …``)."""
    return resources.files(package).joinpath(*parts).read_text(encoding="utf-8")


@cache
def _parsed(package: str, parts: tuple[str, ...]) -> Any:
    return yaml.load(packaged_text(package, *parts), Loader=FastSafeLoader)


def packaged_yaml(package: str, *parts: str) -> Any:
    """The plain data of a packaged YAML file, parsed on the first call only.

    Each call returns its own copy of the containers, so a caller that edits what it got (pops a
    key, appends a row) cannot change what the next caller reads.
    """
    return _copy(_parsed(package, parts))


def reason_title(package: str, code: str, lang: str, *, section: str | None = None) -> str:
    """The ``lang`` ("zh" or "en") title of a reason ``code`` from ``<package>/data/reasons.yaml``
    (under ``section`` when the file keeps other tables too); read once, never copied."""
    titles = _parsed(package, ("data", "reasons.yaml"))
    return str((titles if section is None else titles[section])[code][lang])


#: The packages whose ``data/reasons.yaml`` titles their reason codes (StrEnum values).
REASON_PACKAGES = (
    "liubu.core",
    "liubu.accounts",
    "liubu.products",
    "liubu.assessment",
    "liubu.intel",
    "liubu.risk",
    "liubu.underwriting",
    "liubu.experience",
    "liubu.massissue",
    "liubu.portfolio",
    "liubu.claims",
    "liubu.monitoring",
    "liubu.jobs",
    "liubu.notify",
    "liubu.bounded",
    "liubu.api",
    "liubu.cli",
)


@cache
def _every_reason() -> dict[str, dict[str, str]]:
    """Every package's reason titles by code (the first package to define a code wins: the few
    codes two packages share carry the same meaning)."""
    found: dict[str, dict[str, str]] = {}
    for package in REASON_PACKAGES:
        table = _parsed(package, ("data", "reasons.yaml"))
        sections = [table] + [v for v in table.values() if isinstance(v, dict) and "zh" not in v]
        for section in sections:
            for code, entry in section.items():
                if isinstance(entry, dict) and "zh" in entry and "en" in entry:
                    found.setdefault(str(code), {"zh": str(entry["zh"]), "en": str(entry["en"])})
    return found


def any_reason_title(code: str, lang: str) -> str | None:
    """The ``lang`` title of reason ``code`` from whichever package defines it; None if none."""
    entry = _every_reason().get(code)
    return None if entry is None else entry[lang]


def _copy(value: Any) -> Any:
    """A copy of the dicts and lists; the leaves YAML builds (str, int, float, bool, None, date,
    bytes) are immutable and shared."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
