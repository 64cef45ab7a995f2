"""Why a line was not issued: stable reason codes with Chinese and English text, and the error
file they are written to (错误文件).

The error file is UTF-8 CSV with a byte-order mark (so that Excel shows the Chinese), one line per
rejected line of the import: ``line, code, field, value, reason_zh, reason_en``. ``value`` is the
offending value **masked** (``110***********002X``); the error file never holds personal data in
clear, so it can be mailed back to whoever prepared the import. :class:`MassissueCode` holds the
codes of the errors that refuse a whole file; their titles are the table's ``errors:`` section.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from liubu.datafiles import reason_title
from liubu.errors import ConfigurationError
from liubu.massissue._data import load_table

ERROR_COLUMNS = ("line", "code", "field", "value", "reason_zh", "reason_en")


class MassissueCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one.

    These are the codes of the errors that refuse a whole file or import; why a single line was
    not issued is a row reason of the same file's ``reasons:`` table, written to the error file.
    """

    ENCODING = "massissue.encoding"
    EMPTY_FILE = "massissue.empty_file"
    LINE_ENDINGS = "massissue.line_endings"
    DELIMITER = "massissue.delimiter"
    HEADER = "massissue.header"
    NOT_CSV = "massissue.not_csv"
    PRODUCT_NOT_FILED = "massissue.product_not_filed"
    PRODUCT_NOT_PER_PERSON = "massissue.product_not_per_person"
    PRODUCT_NOT_INDIVIDUAL = "massissue.product_not_individual"
    PRODUCT_NOT_EFFECTIVE = "massissue.product_not_effective"
    CHUNK_SIZE = "massissue.chunk_size"
    FILE_CHANGED = "massissue.file_changed"
    CHECKPOINT_MISMATCH = "massissue.checkpoint_mismatch"
    SYNTHETIC_SIZE = "massissue.synthetic_size"
    SYNTHETIC_FRACTION = "massissue.synthetic_fraction"


def message(code: MassissueCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.massissue", code, lang, section="errors")


@dataclass(frozen=True, slots=True)
class ReasonText:
    """The Chinese and English templates of one reason code (``str.format`` placeholders)."""

    code: str
    zh: str
    en: str


@cache
def reason_codes() -> Mapping[str, ReasonText]:
    """Every reason code of ``data/reasons.yaml``, in file order."""
    table = load_table("reasons.yaml")["reasons"]
    if not isinstance(table, dict):
        raise ConfigurationError("liubu/massissue/data/reasons.yaml must map codes to texts.")
    texts = {
        str(code): ReasonText(str(code), str(row["zh"]), str(row["en"]))
        for code, row in table.items()
    }
    return MappingProxyType(texts)


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected line: its number (the header is line 1), reason code, the column at fault
    (None for the whole line), the value masked, and the reason in both languages."""

    line: int
    code: str
    field: str | None
    value: str
    reason_zh: str
    reason_en: str

    def as_record(self) -> tuple[str, ...]:
        """The error file's columns, as text."""
        return (
            str(self.line),
            self.code,
            self.field or "",
            self.value,
            self.reason_zh,
            self.reason_en,
        )


def row_error(
    line: int, code: str, *, field: str | None, value: str = "", **params: object
) -> RowError:
    """A :class:`RowError` with both texts filled from the code's templates.

    ``value`` must already be masked; it fills ``{value}`` unless ``params`` gives its own.
    """
    text = reason_codes()[code]
    fill = {"value": value, **params}
    return RowError(line, code, field, value, text.zh.format(**fill), text.en.format(**fill))


def error_file_header() -> str:
    """The first line of an error file, with the UTF-8 byte-order mark."""
    return "\ufeff" + _csv_text([ERROR_COLUMNS])


def error_lines(errors: Iterable[RowError]) -> str:
    """The error file lines of ``errors`` (CSV, ``\\n`` line breaks), to append as they come."""
    return _csv_text(error.as_record() for error in errors)


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): rejected values are what
# a stranger typed, and the error file is opened in Excel or WPS by the insurer's staff.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """``cell`` made inert for spreadsheets: a leading ``'`` before a formula character, and
    a line break inside it written as a space (the writer quotes a line feed but not a lone
    carriage return, which would start a new row in some readers).

    >>> neutralised("=1+2"), neutralised("-1"), neutralised("@SUM(A1)"), neutralised("张三")
    ("'=1+2", "'-1", "'@SUM(A1)", '张三')
    >>> neutralised(chr(13) + "=1")
    "' =1"
    """
    cell = "'" + cell if cell.startswith(_FORMULA_START) else cell
    return cell.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def _csv_text(records: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([neutralised(str(cell)) for cell in record] for record in records)
    return buffer.getvalue()
