"""Reading a triangle (and the premiums of Bornhuetter–Ferguson) from CSV, streaming and bounded.

The triangle file is long format, UTF-8 (a byte-order mark allowed), a header naming the columns
``origin, development, value`` in any order, then one cell a line: the origin period (``2021`` or
``2021Q3``), the development age in whole months and the *cumulative* amount. The premium file
has the columns ``origin, premium``. Lines are read one at a time and the file may not exceed
:data:`MAX_TRIANGLE_BYTES`; every refusal names ``file:line`` (a triangle rule that is not one
line's — a gap — names the origin and development instead).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from liubu.claims.reasons import ClaimsCode
from liubu.claims.reserving import (
    MAX_DEVELOPMENTS,
    MAX_ORIGINS,
    Triangle,
    TrianglePoint,
    check_point,
)
from liubu.errors import ValidationError

MAX_TRIANGLE_BYTES = 4 << 20  # 40,000 cells of ~40 characters fit five times over
MAX_CELL_CHARS = 64
TRIANGLE_COLUMNS = ("origin", "development", "value")
PREMIUM_COLUMNS = ("origin", "premium")
_INTEGER = re.compile(r"[0-9]{1,5}")
_AMOUNT = re.compile(r"[0-9]{1,16}(\.[0-9]{1,6})?")

Source = str | bytes | os.PathLike[str]


def _refused(message: str, location: str, *, column: str | None = None, value: str | None = None,
             code: ClaimsCode = ClaimsCode.TRIANGLE_MALFORMED) -> ValidationError:  # fmt: skip
    return ValidationError(
        f"{location}: {message}",
        code=code,
        field=column,
        value=value[:MAX_CELL_CHARS] if value is not None else None,
        location=location,
    )


def _lines(source: Source, label: str) -> Iterator[str]:
    """The decoded lines of ``source``, refusing more than MAX_TRIANGLE_BYTES as they arrive."""
    if isinstance(source, str):
        if len(source.encode("utf-8")) > MAX_TRIANGLE_BYTES:
            raise _refused(f"the text is larger than {MAX_TRIANGLE_BYTES >> 20} MiB", f"{label}:1",
                           code=ClaimsCode.TRIANGLE_TOO_LARGE)  # fmt: skip
        yield from io.StringIO(source.removeprefix("\ufeff"), newline="")
        return
    if isinstance(source, bytes):
        handle: io.BufferedIOBase = io.BytesIO(source)
    else:
        try:
            handle = Path(source).open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _refused(f"the file cannot be read ({exc.strerror})", label) from None
    with handle:
        total = 0
        for number, raw in enumerate(handle, start=1):
            total += len(raw)
            if total > MAX_TRIANGLE_BYTES:
                raise _refused(f"the file is larger than {MAX_TRIANGLE_BYTES >> 20} MiB",
                               f"{label}:{number}", code=ClaimsCode.TRIANGLE_TOO_LARGE)  # fmt: skip
            try:
                yield raw.removeprefix(b"\xef\xbb\xbf" if number == 1 else b"").decode("utf-8")
            except UnicodeDecodeError:
                raise _refused("the line is not UTF-8; save the file as CSV UTF-8",
                               f"{label}:{number}") from None  # fmt: skip


def _rows(source: Source, label: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(line, cells in ``columns`` order) of each non-blank line after the header."""
    reader = csv.reader(_lines(source, label), strict=True)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise _refused(f"the file is empty: it needs the header {','.join(columns)}",
                           f"{label}:1")  # fmt: skip
        names = [cell.strip().lower() for cell in header]
        missing = [c for c in columns if c not in names]
        if missing or len(names) != len(set(names)):
            raise _refused(
                f"the header must name the columns {', '.join(columns)} once each "
                f"(found {', '.join(names)[:120]})",
                f"{label}:{reader.line_num}",
            )
        index = [names.index(c) for c in columns]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise _refused(f"the line has {len(row)} cells, the header {len(names)}",
                               f"{label}:{reader.line_num}")  # fmt: skip
            yield reader.line_num, [row[i].strip() for i in index]
    except csv.Error as exc:
        raise _refused(f"the file is not valid CSV ({exc})", f"{label}:{reader.line_num}") from None


def _amount(text: str, column: str, location: str) -> Decimal:
    if not _AMOUNT.fullmatch(text):
        raise _refused(f"the {column} {text[:MAX_CELL_CHARS]!r} is not an amount (digits, at "
                       f"most 6 decimals, no sign or separators)", location, column=column,
                       value=text, code=ClaimsCode.TRIANGLE_VALUE)  # fmt: skip
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise _refused(f"the {column} is not a number", location, column=column) from None


def read_triangle_csv(
    source: Source, *, name: str | None = None, allow_decreasing: bool = False
) -> Triangle:
    """The :class:`Triangle` of a long-format CSV: a path-like is a file, ``bytes`` its bytes,
    a ``str`` the CSV text. Raises a :class:`ValidationError` located at ``file:line``."""
    label = name or (str(source) if isinstance(source, os.PathLike) else "<triangle>")
    points: list[TrianglePoint] = []
    lines: dict[tuple[str, int], int] = {}
    for line, (origin, development, value) in _rows(source, label, TRIANGLE_COLUMNS):
        location = f"{label}:{line}"
        if len(points) >= MAX_ORIGINS * MAX_DEVELOPMENTS:
            raise _refused(f"the file has more than {MAX_ORIGINS * MAX_DEVELOPMENTS:,} cells",
                           location, code=ClaimsCode.TRIANGLE_TOO_LARGE)  # fmt: skip
        if not _INTEGER.fullmatch(development):
            raise _refused(f"the development {development[:MAX_CELL_CHARS]!r} is not a whole "
                           f"number of months", location, column="development", value=development,
                           code=ClaimsCode.TRIANGLE_VALUE)  # fmt: skip
        point = TrianglePoint(origin.upper(), int(development), _amount(value, "value", location))
        try:
            check_point(point)
        except ValidationError as error:
            raise _refused(error.message, location, column=error.field, value=origin,
                           code=ClaimsCode.TRIANGLE_VALUE) from None  # fmt: skip
        key = (point.origin, point.development_months)
        if key in lines:
            raise _refused(f"origin {key[0]} at {key[1]} months is given a second time (first on "
                           f"line {lines[key]})", location, column="development",
                           value=development, code=ClaimsCode.TRIANGLE_DUPLICATE_CELL)  # fmt: skip
        lines[key] = line
        points.append(point)
    try:
        return Triangle(tuple(points), allow_decreasing=allow_decreasing)
    except ValidationError as error:
        raise _located(error, label, lines) from None


def _located(error: ValidationError, label: str, lines: dict[tuple[str, int], int]) -> Exception:
    """The triangle's error, at the line of the cell it names (a duplicate: the second one)."""
    origin, development = error.detail.get("origin"), error.detail.get("development")
    if not isinstance(origin, str) or not isinstance(development, int):
        return _refused(error.message, label, code=ClaimsCode(error.code))
    line = lines.get((origin, development))
    where = f"{label}:{line}" if line is not None else f"{label} (origin {origin}, {development})"
    located = _refused(error.message, where, column=error.field, code=ClaimsCode(error.code))
    located.detail.update(origin=origin, development=development)
    return located


def read_premium_csv(source: Source, *, name: str | None = None) -> dict[str, Decimal]:
    """Premium (the exposure of Bornhuetter–Ferguson) per origin, from ``origin,premium`` CSV."""
    label = name or (str(source) if isinstance(source, os.PathLike) else "<premium>")
    premiums: dict[str, Decimal] = {}
    for line, (origin, premium) in _rows(source, label, PREMIUM_COLUMNS):
        location = f"{label}:{line}"
        key = origin.upper()
        if key in premiums:
            raise _refused(f"the origin {key} has a second premium", location, column="origin",
                           value=origin, code=ClaimsCode.RESERVING_EXPOSURE)  # fmt: skip
        if len(premiums) >= MAX_ORIGINS:
            raise _refused(f"more than {MAX_ORIGINS} premiums", location,
                           code=ClaimsCode.TRIANGLE_TOO_LARGE)  # fmt: skip
        premiums[key] = _amount(premium, "premium", location)
    return premiums
