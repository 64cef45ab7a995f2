"""Reading a claims-experience CSV file (理赔经验数据导入), all or nothing.

The format is documented in ``docs/experience.md``: UTF-8 (a byte-order mark is allowed), a
header row with the required columns ``policy_id, period, exposure_years, claim_count,
incurred_loss`` in any order, and any further columns as rating factors.

The file is read line by line (never whole into memory) and each line is decoded on its own, so a
byte that is not UTF-8 is reported at its exact line. Encoding and header are checked first and
stop the load at once; after that every row is checked and up to ``max_problems`` bad rows are
collected. If any row is bad, nothing is loaded: experience feeds pricing, and a partial file
would silently bias it. The error lists every problem found as ``file:line``, column and value.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

from liubu.core import industry_sections
from liubu.errors import ConfigurationError, ValidationError
from liubu.experience._data import load_yaml_table
from liubu.experience.dataset import FACTOR_NAME, REQUIRED_COLUMNS, ExperienceData
from liubu.experience.reasons import ExperienceCode

_BOM = b"\xef\xbb\xbf"
_PERIOD = re.compile(r"[0-9]{4}")
_COUNT = re.compile(r"[0-9]{1,9}")
_EXPOSURE = re.compile(r"[0-9]+(\.[0-9]+)?")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
PERIOD_RANGE = (1990, 2100)
MAX_TEXT = 64


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell or row: where (``file:line``), which column, the value, and why."""

    location: str
    column: str | None
    value: str | None
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "location": self.location,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class ExperienceFileError(ValidationError):
    """A claims-experience file was refused; ``problems`` lists every bad row found."""

    def __init__(self, message: str, *, code: str, problems: tuple[RowProblem, ...]) -> None:
        first = problems[0] if problems else None
        super().__init__(
            message,
            code=code,
            field=first.column if first else None,
            value=first.value if first else None,
            location=first.location if first else None,
        )
        self.problems = problems
        self.detail["problems"] = [problem.to_dict() for problem in problems]


@cache
def _known_values() -> dict[str, frozenset[str] | None]:
    table = load_yaml_table("factors.yaml")
    known: dict[str, frozenset[str] | None] = {}
    for name, entry in table["factors"].items():
        values = entry.get("values")
        if values == "gbt4754_section":
            known[name] = frozenset(section.code for section in industry_sections())
        elif values == "any":
            known[name] = None
        elif isinstance(values, list):
            known[name] = frozenset(str(v) for v in values)
        else:
            raise ConfigurationError(f"The factor {name!r} in factors.yaml has bad values.")
    return known


def read_experience_csv(
    source: str | bytes | os.PathLike[str], *, name: str | None = None, max_problems: int = 50
) -> ExperienceData:
    """Read a claims-experience CSV: a :class:`~pathlib.Path` (or other path-like) is a file,
    ``bytes`` are the file's bytes, and a ``str`` is the CSV text itself.

    Raises :class:`ExperienceFileError` (a :class:`ValidationError`) naming ``file:line``,
    column and value; nothing is loaded if anything is wrong.
    """
    if isinstance(source, os.PathLike):
        label = name or str(source)
        try:
            with Path(source).open("rb") as handle:
                return _read(_decoded(handle, label), label, max_problems)
        except OSError as exc:
            raise ExperienceFileError(
                f"The claims-experience file {label} cannot be read: {exc.strerror}.",
                code=ExperienceCode.FILE_UNREADABLE,
                problems=(RowProblem(label, None, None, str(exc.strerror)),),
            ) from None
    if isinstance(source, bytes):
        label = name or "<bytes>"
        return _read(_decoded(io.BytesIO(source), label), label, max_problems)
    label = name or "<text>"
    if source and not any(mark in source for mark in ",\n"):
        raise ExperienceFileError(
            f"The text {source!r} is not CSV; to read a file, pass a pathlib.Path.",
            code=ExperienceCode.NOT_CSV,
            problems=(RowProblem(label, None, source[:64], "not CSV text"),),
        )
    # newline="" splits on \n, \r\n and \r only, as a file opened for the csv module would.
    return _read(iter(io.StringIO(source.removeprefix("\ufeff"), newline="")), label, max_problems)


def _decoded(lines: Iterable[bytes], label: str) -> Iterator[str]:
    for number, raw in enumerate(lines, start=1):
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise _encoding_error(label, number, "is UTF-16; save it as UTF-8")
            raw = raw.removeprefix(_BOM)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _encoding_error(
                label,
                number,
                f"is not UTF-8 (byte {raw[exc.start]:#04x} at position {exc.start + 1}); it may "
                f"be GBK or GB18030 as spreadsheet programs save it: save it as CSV UTF-8",
            ) from None


def _encoding_error(label: str, line: int, why: str) -> ExperienceFileError:
    location = f"{label}:{line}"
    return ExperienceFileError(
        f"The claims-experience file {location} {why}; nothing was loaded.",
        code=ExperienceCode.ENCODING,
        problems=(RowProblem(location, None, None, why),),
    )


def _read(lines: Iterator[str], label: str, max_problems: int) -> ExperienceData:
    reader = csv.reader(lines, strict=True)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise _file_error(
                label, 1, None, None, "is empty: it needs a header row", ExperienceCode.EMPTY
            )
        columns = _check_header([cell.strip() for cell in header], f"{label}:{reader.line_num}")
        rows = _Rows(columns, label, max_problems)
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.add(row, reader.line_num)
                if rows.full:
                    break
    except csv.Error as exc:
        raise _file_error(
            label,
            reader.line_num,
            None,
            None,
            f"is not valid CSV ({exc})",
            ExperienceCode.MALFORMED,
        ) from None
    return rows.finish()


def _file_error(
    label: str, line: int, column: str | None, value: str | None, why: str, code: ExperienceCode
) -> ExperienceFileError:
    location = f"{label}:{line}"
    return ExperienceFileError(
        f"The claims-experience file {location} {why}; nothing was loaded.",
        code=code,
        problems=(RowProblem(location, column, value, why),),
    )


def _check_header(columns: list[str], location: str) -> list[str]:
    label, _, line = location.rpartition(":")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise _file_error(
            label,
            int(line),
            missing[0],
            None,
            f"lacks the required columns {missing} (its header has {columns})",
            ExperienceCode.MISSING_COLUMNS,
        )
    for index, column in enumerate(columns):
        if column in columns[:index]:
            why = f"names the column {column!r} twice"
            raise _file_error(
                label, int(line), column, column, why, ExperienceCode.DUPLICATE_COLUMN
            )
        if column not in REQUIRED_COLUMNS and not FACTOR_NAME.fullmatch(column):
            why = (
                f"has the column {column!r}; a rating-factor column is named in lower-case "
                f"letters, digits and underscores, starting with a letter"
            )
            raise _file_error(label, int(line), column, column, why, ExperienceCode.BAD_COLUMN)
    return columns


class _Rows:
    """Collects checked rows column by column, and the problems of bad rows."""

    def __init__(self, columns: list[str], label: str, max_problems: int) -> None:
        self.columns = columns
        self.factor_names = [c for c in columns if c not in REQUIRED_COLUMNS]
        self.label = label
        self.max_problems = max_problems
        self.problems: list[RowProblem] = []
        self.values: dict[str, list[object]] = {c: [] for c in columns}
        self.seen: dict[tuple[str, int], int] = {}
        self.known = _known_values()

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.max_problems

    def add(self, row: list[str], line: int) -> None:
        location = f"{self.label}:{line}"
        if len(row) != len(self.columns):
            why = f"has {len(row)} fields but the header has {len(self.columns)}"
            self.problems.append(RowProblem(location, None, None, why))
            return
        cells = dict(zip(self.columns, (cell.strip() for cell in row), strict=True))
        parsed: dict[str, object] = {}
        before = len(self.problems)
        for column, text in cells.items():
            try:
                parsed[column] = self._parse(column, text)
            except ValueError as exc:
                self.problems.append(RowProblem(location, column, text, str(exc)))
        if len(self.problems) > before:
            return
        self._check_row(parsed, cells, location, line)

    def _check_row(
        self, parsed: dict[str, object], cells: dict[str, str], location: str, line: int
    ) -> None:
        count, loss = parsed["claim_count"], parsed["incurred_loss"]
        assert isinstance(count, int)
        assert isinstance(loss, Decimal)
        if (count == 0) != (loss == 0):
            why = (
                "is positive but claim_count is 0"
                if count == 0
                else "is 0 but claim_count is positive: count only claims with a positive "
                "incurred loss"
            )
            self.problems.append(
                RowProblem(
                    location, "incurred_loss", cells["incurred_loss"], f"incurred_loss {why}"
                )
            )
            return
        key = (str(parsed["policy_id"]), int(str(parsed["period"])))
        if key in self.seen:
            why = f"repeats policy {key[0]!r} in period {key[1]} (first at line {self.seen[key]})"
            self.problems.append(RowProblem(location, "policy_id", key[0], why))
            return
        self.seen[key] = line
        for column, value in parsed.items():
            self.values[column].append(value)

    def _parse(self, column: str, text: str) -> object:
        if column == "policy_id":
            return _text(text, column)
        if column == "period":
            year = int(_match(_PERIOD, text, column, "a four-digit year"))
            if not PERIOD_RANGE[0] <= year <= PERIOD_RANGE[1]:
                raise ValueError(
                    f"period must be a year from {PERIOD_RANGE[0]} to {PERIOD_RANGE[1]}"
                )
            return year
        if column == "exposure_years":
            exposure = Decimal(_match(_EXPOSURE, text, column, "a decimal number of policy-years"))
            if exposure <= 0:
                raise ValueError("exposure_years must be positive")
            return exposure
        if column == "claim_count":
            return int(_match(_COUNT, text, column, "a non-negative whole number"))
        if column == "incurred_loss":
            return Decimal(_match(_AMOUNT, text, column, "an amount in CNY, at most two decimals"))
        value = _text(text, column)
        allowed = self.known.get(column)
        if allowed is not None and value not in allowed:
            raise ValueError(f"{column} must be one of {sorted(allowed)}")
        return value

    def finish(self) -> ExperienceData:
        if self.problems:
            first = self.problems[0]
            more = "" if len(self.problems) == 1 else f" (and {len(self.problems) - 1} more)"
            cut = " at least" if self.full else ""
            raise ExperienceFileError(
                f"The claims-experience file {self.label} has{cut} {len(self.problems)} bad "
                f"row(s); nothing was loaded. First, {first.location}: {first.message}, "
                f"column {first.column!r}, value {first.value!r}{more}.",
                code=ExperienceCode.BAD_ROWS,
                problems=tuple(self.problems),
            )
        if not self.values["policy_id"]:
            raise _file_error(
                self.label, 1, None, None, "has a header but no rows", ExperienceCode.EMPTY
            )
        v = self.values
        return ExperienceData(
            policy_id=np.array(v["policy_id"], dtype=np.str_),
            period=np.array(v["period"], dtype=np.int64),
            factors={name: np.array(v[name], dtype=np.str_) for name in self.factor_names},
            exposure=_floats(v["exposure_years"]),
            claim_count=np.array(v["claim_count"], dtype=np.int64),
            incurred_loss=_floats(v["incurred_loss"]),
            source=self.label,
        )


def _match(pattern: re.Pattern[str], text: str, column: str, what: str) -> str:
    if not pattern.fullmatch(text):
        raise ValueError(f"{column} must be {what}")
    return text


def _text(text: str, column: str) -> str:
    if not text:
        raise ValueError(f"{column} must not be empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{column} must be at most {MAX_TEXT} characters")
    return text


def _floats(values: list[object]) -> NDArray[np.float64]:
    # The values were checked as Decimals; the engine works in float64 CNY.
    return np.array([float(cast(Decimal, x)) for x in values], dtype=np.float64)


__all__ = ["ExperienceFileError", "RowProblem", "read_experience_csv"]
