"""The import file contract and its up-front inspection (批量投保文件检查).

A mass import file is UTF-8 CSV (a UTF-8 byte-order mark is allowed), comma-separated, one insured
person a physical line (``\\n`` or ``\\r\\n``), the first line a header naming the columns of
``data/columns.yaml``. :func:`inspect_file` reads the whole file once **before anything is
issued** and refuses it, naming what is wrong, when:

- it is empty, a spreadsheet workbook rather than CSV, or UTF-16/UTF-32;
- any byte sequence is not UTF-8 (the message gives the byte offset and line, and says when the
  line reads as GB18030/GBK, the usual cause: a CSV saved by Excel on a Chinese Windows);
- the header lacks a required column, names an unknown or a duplicate one, or is not
  comma-separated.

In the same pass it computes the file's SHA-256 (the identity of an import, for checkpoints) and
counts its lines (the total of the progress bar). Rows are checked later, one by one.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

from liubu.errors import ConfigurationError, ValidationError
from liubu.massissue._data import load_table
from liubu.massissue.reasons import MassissueCode

BLOCK_BYTES = 1 << 20
"""Inspection reads 1 MiB at a time: memory stays flat for any file size."""
MAX_HEADER_BYTES = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_SIGNATURES = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian byte-order mark)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian byte-order mark)"),
    (b"\xff\xfe", "UTF-16 (little-endian byte-order mark)"),
    (b"\xfe\xff", "UTF-16 (big-endian byte-order mark)"),
    (b"PK\x03\x04", "an Excel workbook (.xlsx), not CSV"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97–2003 workbook (.xls), not CSV"),
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_SAVE_AS = "Save it as CSV UTF-8 (with or without BOM) and import it again; nothing was issued."


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the contract: code, whether required, zh/en description, header aliases."""

    code: str
    required: bool
    zh: str
    en: str
    aliases: tuple[str, ...]


@cache
def contract_columns() -> tuple[Column, ...]:
    """The columns of ``data/columns.yaml``, in their documented order."""
    table = load_table("columns.yaml")
    return tuple(
        Column(
            code=str(row["code"]),
            required=bool(row["required"]),
            zh=str(row["zh"]),
            en=str(row["en"]),
            aliases=tuple(str(alias) for alias in row.get("aliases", ())),
        )
        for row in table["columns"]
    )


@cache
def contract_version() -> int:
    """The contract's version; it enters the plan key of every import."""
    version = load_table("columns.yaml")["version"]
    if not isinstance(version, int):
        raise ConfigurationError("liubu/massissue/data/columns.yaml must give an integer version.")
    return version


@cache
def _header_names() -> MappingProxyType[str, str]:
    """Every accepted header spelling (case-folded) → column code."""
    names: dict[str, str] = {}
    for column in contract_columns():
        for spelling in (column.code, *column.aliases):
            names[spelling.strip().casefold()] = column.code
    return MappingProxyType(names)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What inspection learnt of an import file.

    ``columns`` are the column codes in the file's order; ``header_end`` is the byte offset of the
    first data line; ``data_lines`` counts the physical lines after the header (blank ones too).
    """

    name: str
    size: int
    sha256: str
    bom: bool
    columns: tuple[str, ...]
    header_end: int
    data_lines: int


def inspect_file(path: Path) -> FileFacts:
    """Check encoding and header of the whole file and hash it; refuse it before any issue.

    Raises :class:`~liubu.errors.ValidationError` with code ``massissue.empty_file``,
    ``massissue.not_csv``, ``massissue.encoding``, ``massissue.line_endings``,
    ``massissue.delimiter`` or ``massissue.header``; its ``location`` is ``file:line``.
    """
    with path.open("rb") as stream:
        head = stream.read(4)
        _check_signature(head, name=path.name)
        stream.seek(0)
        scan = _scan(stream, name=path.name)
    start = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    header_bytes = scan.first_line[start:]
    columns = check_header(header_bytes.decode("utf-8").rstrip("\r\n"), name=path.name)
    lines = scan.newlines + (0 if scan.ends_with_newline else 1)
    return FileFacts(
        name=path.name,
        size=scan.size,
        sha256=scan.sha256,
        bom=start > 0,
        columns=columns,
        header_end=len(scan.first_line),
        data_lines=max(lines - 1, 0),
    )


def _check_signature(head: bytes, *, name: str) -> None:
    if not head:
        raise ValidationError(
            f"The file {name} is empty; it needs a header line and one line per insured person.",
            code=MassissueCode.EMPTY_FILE,
            field="file",
            location=f"{name}:1",
        )
    for signature, what in _OTHER_SIGNATURES:
        if head.startswith(signature):
            raise ValidationError(
                f"The file {name} is {what}. {_SAVE_AS}",
                code=MassissueCode.NOT_CSV,
                field="file",
                value=what,
                location=f"{name}:1",
            )


@dataclass(frozen=True, slots=True)
class _Scan:
    size: int
    sha256: str
    newlines: int
    ends_with_newline: bool
    first_line: bytes


def _scan(stream: BinaryIO, *, name: str) -> _Scan:
    """One pass: SHA-256, strict UTF-8 (a multi-byte character may straddle two blocks), line
    count and the first line."""
    digest = hashlib.sha256()
    carry = head = b""
    offset = newlines = 0  # offset: absolute position of the carried bytes' start
    first_line: bytes | None = None
    last = b""
    while block := stream.read(BLOCK_BYTES):
        digest.update(block)
        if first_line is None:
            head += block
            first_line = _first_line(head, name=name)
        buffer = carry + block
        checked = _utf8_prefix(buffer, offset=offset, newlines=newlines, name=name, final=False)
        newlines += buffer.count(b"\n", 0, checked)
        carry, offset, last = buffer[checked:], offset + checked, block
    if carry:
        _utf8_prefix(carry, offset=offset, newlines=newlines, name=name, final=True)
    return _Scan(
        size=offset + len(carry),
        sha256=digest.hexdigest(),
        newlines=newlines,
        ends_with_newline=last.endswith(b"\n"),
        first_line=head if first_line is None else first_line,
    )


def _first_line(head: bytes, *, name: str) -> bytes | None:
    """The header line with its line break once ``head`` (the file's first bytes) holds it."""
    end = head.find(b"\n", 0, MAX_HEADER_BYTES)
    if end >= 0:
        return head[: end + 1]
    if len(head) > MAX_HEADER_BYTES:
        raise ValidationError(
            f"The file {name} has no line break in its first {MAX_HEADER_BYTES} bytes; it "
            f"needs one line per insured person, each ending in a line break.",
            code=MassissueCode.LINE_ENDINGS,
            field="file",
            location=f"{name}:1",
        )
    return None


def _utf8_prefix(buffer: bytes, *, offset: int, newlines: int, name: str, final: bool) -> int:
    """How many leading bytes of ``buffer`` are whole, valid UTF-8 (all, or all but a character
    cut at the block's end); raise on invalid bytes."""
    try:
        buffer.decode("utf-8")
    except UnicodeDecodeError as error:
        cut = error.reason == "unexpected end of data" and error.end == len(buffer)
        if cut and not final and len(buffer) - error.start < 4:
            return error.start
        raise _encoding_error(
            buffer, error.start, offset=offset, newlines=newlines, name=name
        ) from None
    return len(buffer)


def _encoding_error(
    buffer: bytes, position: int, *, offset: int, newlines: int, name: str
) -> ValidationError:
    line = newlines + buffer.count(b"\n", 0, position) + 1
    line_start = buffer.rfind(b"\n", 0, position) + 1
    line_end = buffer.find(b"\n", position)
    text = buffer[line_start : line_end if line_end >= 0 else len(buffer)]
    shown = buffer[position : position + 4].hex(" ")
    try:
        gb18030 = _CJK.search(text.decode("gb18030")) is not None
    except UnicodeDecodeError:
        gb18030 = False
    verdict = (
        "the line reads as GB18030 (the superset of GBK), so the file was most likely saved as "
        "GBK/GB18030, e.g. by Excel on a Chinese Windows"
        if gb18030
        else "nor does the line read as GB18030/GBK"
    )
    return ValidationError(
        f"The file {name} is not UTF-8: the bytes {shown} at byte offset {offset + position} "
        f"(line {line}) are not valid UTF-8; {verdict}. {_SAVE_AS}",
        code=MassissueCode.ENCODING,
        field="file",
        value="gb18030" if gb18030 else "unknown",
        location=f"{name}:{line}",
    )


def check_header(header: str, *, name: str) -> tuple[str, ...]:
    """The column codes of a header line, in its order; refuse missing, unknown, repeated
    columns and other separators, naming each."""
    location = f"{name}:1"
    if "\r" in header:
        raise ValidationError(
            f"The file {name} ends its lines with a bare carriage return (CR); use LF or CRLF "
            f"line breaks. {_SAVE_AS}",
            code=MassissueCode.LINE_ENDINGS,
            field="header",
            location=location,
        )
    fields = next(csv.reader([header]), [])
    if len(fields) == 1 and any(sep in header for sep in ("\t", ";", "|")):
        raise ValidationError(
            f"The header of {name} is not comma-separated (it holds tabs, semicolons or bars "
            f"instead): {header!r}. {_SAVE_AS}",
            code=MassissueCode.DELIMITER,
            field="header",
            value=header[:200],
            location=location,
        )
    codes = [_header_names().get(field.strip().casefold()) for field in fields]
    problems = _header_problems(fields, codes)
    if problems:
        raise ValidationError(
            f"The header of {name} (line 1) does not match the import contract: "
            f"{'; '.join(problems)}. The columns are {_contract_text()}; nothing was issued.",
            code=MassissueCode.HEADER,
            field="header",
            value="; ".join(problems),
            location=location,
        )
    return tuple(code for code in codes if code is not None)


def _header_problems(fields: list[str], codes: list[str | None]) -> list[str]:
    """Missing, unknown and repeated columns, each as a phrase."""
    unknown = [field for field, code in zip(fields, codes, strict=True) if code is None]
    found = [code for code in codes if code is not None]
    repeated = sorted({code for code in found if found.count(code) > 1})
    missing = [c.code for c in contract_columns() if c.required and c.code not in found]
    problems = [f"missing column {code!r}" for code in missing]
    problems += [f"unknown column {field!r}{_suggestion(field)}" for field in unknown]
    problems += [f"column {code!r} given more than once" for code in repeated]
    return problems


def _suggestion(field: str) -> str:
    close = difflib.get_close_matches(field.strip().casefold(), list(_header_names()), n=1)
    return f" (did you mean {_header_names()[close[0]]!r}?)" if close else ""


def _contract_text() -> str:
    required = [c.code for c in contract_columns() if c.required]
    optional = [c.code for c in contract_columns() if not c.required]
    text = ", ".join(required)
    return text + (f" and optionally {', '.join(optional)}" if optional else "")
