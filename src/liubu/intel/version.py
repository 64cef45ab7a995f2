"""Ordering software versions as vendors write them (版本比较).

NVD ranges (``versionStartIncluding`` …) compare free-form vendor versions, so the comparator
follows the conventions seen in real feeds rather than one packaging standard:

* a version is split into runs of digits and runs of letters; ``.``, ``-``, ``_``, ``+``, spaces
  and other punctuation only separate them (``"8.0 U3b"`` equals ``"8.0u3b"``);
* digit runs compare as integers (``2.4.49`` > ``2.4.5``), letters case-insensitively;
* a pre-release word (``dev`` < ``alpha`` < ``beta`` < … < ``rc``, see ``data/intel.yaml``)
  sorts before the release it precedes: ``2.0rc1`` < ``2.0``;
* any other letter run marks a later patch of the release it follows: ``1.1.1`` < ``1.1.1k``
  < ``1.1.2`` (OpenSSL), ``8.0`` < ``8.0p1`` < ``8.1`` (OpenSSH), ``7.0u3`` < ``7.0u3s``;
* trailing zero components do not count: ``7.0`` == ``7.0.0``, ``2.0.0rc1`` == ``2.0rc1``;
* a leading ``v`` before a digit is ignored: ``v1.2`` == ``1.2``.

Examples
--------
>>> compare_versions("7.6.18", "7.6.19")
-1
>>> compare_versions("1.1.1k", "1.1.1")
1
>>> compare_versions("8.0p1", "8.1")
-1
>>> compare_versions("7.0", "7.0.0")
0
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from liubu.errors import ValidationError
from liubu.intel._data import intel_table
from liubu.intel.reasons import IntelCode

# Token kinds, in sort order at one position: pre-release word < end of version < other word <
# number. "End" sorting below a word and a number gives 1.1.1 < 1.1.1k and 1.0 < 1.0.1.
_PRE, _END, _WORD, _NUMBER = 0, 1, 2, 3
_TOKEN = re.compile(r"[0-9]+|[a-z]+", re.ASCII)

VersionKey = tuple[tuple[int, int, str], ...]


@cache
def _prerelease_ranks() -> dict[str, int]:
    words: list[str] = intel_table("prerelease_words")
    return {word: rank for rank, word in enumerate(words)}


@lru_cache(maxsize=262_144)
def version_key(version: str) -> VersionKey:
    """A sort key such that ``version_key(a) < version_key(b)`` iff version ``a`` precedes ``b``.

    Raises ``ValidationError`` when ``version`` holds no digit or letter at all.
    """
    text = version.strip().lower()
    if text[:1] == "v" and text[1:2].isdigit():
        text = text[1:]
    ranks = _prerelease_ranks()
    tokens: list[tuple[int, int, str]] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            tokens.append((_NUMBER, int(token), ""))
        elif token in ranks:
            tokens.append((_PRE, ranks[token], ""))
        else:
            tokens.append((_WORD, 0, token))
    if not tokens:
        raise ValidationError(
            f"The version {version!r} holds no digits or letters, so it cannot be ordered.",
            code=IntelCode.BAD_VERSION,
            field="version",
            value=version,
        )
    tokens.append((_END, 0, ""))
    return _without_trailing_zeros(tokens)


def _without_trailing_zeros(tokens: list[tuple[int, int, str]]) -> VersionKey:
    """Drop runs of zero components that end a release (before a pre-release word or the end)."""
    kept: list[tuple[int, int, str]] = []
    zeros: list[tuple[int, int, str]] = []
    for token in tokens:
        if token == (_NUMBER, 0, ""):
            zeros.append(token)
            continue
        if token[0] not in (_PRE, _END):
            kept.extend(zeros)
        zeros.clear()
        kept.append(token)
    return tuple(kept)


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1 as version ``left`` is before, equal to, or after version ``right``."""
    a, b = version_key(left), version_key(right)
    return (a > b) - (a < b)


def in_range(
    version: str,
    *,
    start_including: str | None = None,
    start_excluding: str | None = None,
    end_including: str | None = None,
    end_excluding: str | None = None,
) -> bool:
    """Whether ``version`` lies in the NVD range given by up to four bounds (absent = open)."""
    key = version_key(version)
    if start_including is not None and key < version_key(start_including):
        return False
    if start_excluding is not None and key <= version_key(start_excluding):
        return False
    if end_including is not None and key > version_key(end_including):
        return False
    return not (end_excluding is not None and key >= version_key(end_excluding))
