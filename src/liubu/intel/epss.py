"""FIRST's Exploit Prediction Scoring System scores (漏洞利用预测评分), in both layouts seen in use.

* FIRST's daily CSV (``epss_scores-YYYY-MM-DD.csv``)::

      #model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000
      cve,epss,percentile
      CVE-1999-0001,0.01167,0.83060

* FIRST API output saved one row per CVE with no header, ``;``-separated::

      CVE-2021-44228;0.999990000;1.000000000

:func:`load_epss` tells them apart from the first line and streams the rest line by line;
every row is checked (a CVE identifier, two probabilities in [0, 1]) and a bad one is reported as
``file:line``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from liubu.errors import ValidationError
from liubu.intel._json import open_text
from liubu.intel.nvd import CVE_ID
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, SourceKind

FIRST_HEADER = "cve,epss,percentile"
_HEADERLESS_ROW = re.compile(r"CVE-\d{4}-\d{4,};")


@dataclass(frozen=True, slots=True)
class EpssScore:
    """The probability of exploitation activity in the next 30 days, and its percentile."""

    cve_id: str
    epss: float
    percentile: float

    def __post_init__(self) -> None:
        if not CVE_ID.fullmatch(self.cve_id):
            raise _row_error(
                f"The CVE identifier {self.cve_id!r} is malformed.", "cve", self.cve_id
            )
        for name, value in (("epss", self.epss), ("percentile", self.percentile)):
            if not 0.0 <= value <= 1.0:  # also false for NaN
                raise _row_error(
                    f"The {name} of {self.cve_id} is {value}; it must lie in [0, 1].", name, value
                )


def _row_error(message: str, field: str, value: object) -> ValidationError:
    return ValidationError(message, code=IntelCode.EPSS_ROW, field=field, value=value)


def detect_epss_layout(first_line: str) -> SourceKind | None:
    """The EPSS layout a file's first line announces, or ``None`` if it is not EPSS."""
    line = first_line.lstrip("\ufeff").strip()
    if line.startswith("#model_version") or line == FIRST_HEADER:
        return SourceKind.EPSS_FIRST
    if _HEADERLESS_ROW.match(line):
        return SourceKind.EPSS_HEADERLESS
    return None


def load_epss(path: str | Path) -> Loaded[EpssScore]:
    """Load one EPSS file in either layout (auto-detected from its first line)."""
    path = Path(path)
    with open_text(path) as handle:
        first = handle.readline().removeprefix("\ufeff")
        kind = detect_epss_layout(first)
        if kind is None:
            raise _file_error(
                path,
                1,
                f"The first line {first.strip()[:60]!r} is neither an EPSS "
                "'#model_version' comment, the header 'cve,epss,percentile', nor a "
                "'CVE;epss;percentile' row.",
            )
        model_version, score_date, start = None, None, 1
        if kind is SourceKind.EPSS_FIRST:
            model_version, score_date, start = _first_preamble(path, first, handle)
            rows = _scores(handle, path, start=start + 1, separator=",")
        else:
            rows = _scores([first, *handle], path, start=1, separator=";")
        scores = tuple(rows)
    report = LoadReport(
        kind=kind,
        source=str(path),
        records=len(scores),
        model_version=model_version,
        score_date=score_date,
    )
    return Loaded(scores, report)


def _first_preamble(
    path: Path, first: str, handle: Iterable[str]
) -> tuple[str | None, dt.datetime | None, int]:
    """Read the comment and header of a FIRST CSV; return the metadata and the header's line."""
    line = first.lstrip("\ufeff").strip()
    if line == FIRST_HEADER:
        return None, None, 1
    metadata = dict(item.split(":", 1) for item in line.lstrip("#").split(",") if ":" in item)
    score_date = None
    if "score_date" in metadata:
        try:
            score_date = dt.datetime.fromisoformat(metadata["score_date"])
        except ValueError:
            raise _file_error(
                path, 1, f"The score_date {metadata['score_date']!r} is not an ISO 8601 time."
            ) from None
        if score_date.tzinfo is None:
            score_date = score_date.replace(tzinfo=dt.UTC)
    header = next(iter(handle), "").strip()
    if header != FIRST_HEADER:
        raise _file_error(path, 2, f"The header {header!r} must be {FIRST_HEADER!r}.")
    return metadata.get("model_version"), score_date, 2


def _scores(lines: Iterable[str], path: Path, *, start: int, separator: str) -> list[EpssScore]:
    scores: list[EpssScore] = []
    append = scores.append
    for number, line in enumerate(lines, start=start):
        fields = line.strip().split(separator)
        if len(fields) != 3:
            if not line.strip():
                continue
            raise _file_error(
                path,
                number,
                f"The row {line.strip()[:60]!r} has {len(fields)} fields, not 3 "
                f"separated by {separator!r}.",
            )
        try:
            append(EpssScore(fields[0], float(fields[1]), float(fields[2])))
        except ValueError:
            raise _file_error(
                path, number, f"The row {line.strip()[:60]!r} holds a value that is not a number."
            ) from None
        except ValidationError as error:
            raise _file_error(path, number, error.message, field=error.field) from None
    return scores


def _file_error(
    path: Path, line: int, message: str, *, field: str | None = None
) -> ValidationError:
    return ValidationError(
        f"{message.rstrip('.')} (at {path}:{line}).",
        code=IntelCode.EPSS_ROW if field else IntelCode.EPSS_FILE,
        field=field or "file",
        value=str(path),
        location=f"{path}:{line}",
    )
