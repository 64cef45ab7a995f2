"""The bulk anti-fraud claims file (反诈险批量理赔文件): its contract, its inspection, its lines
checked one by one, read in chunks from a byte offset (so an import resumes where it stopped).

The file is UTF-8 CSV (a byte-order mark allowed), one claim a physical line, the first line a
header naming the columns of ``data/antifraud.yaml`` (English codes or their Chinese aliases).
:func:`inspect_claims_file` reads it once before anything is stored: encoding, header, SHA-256
(the import's identity) and line count (the progress total). :class:`ClaimLineChecker` checks a
line and returns the claim or the first problem as a :class:`liubu.massissue.RowError` (the same
error file as the policy import: line, code, field, masked value, reason in Chinese and English).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO

from liubu.claims.antifraud import (
    EARLIEST_DATE,
    MAX_AMOUNT,
    AntifraudClaim,
    parse_receipt_number,
    receipt_matches_report,
    receipt_problem,
)
from liubu.claims.antifraud_data import antifraud_table
from liubu.claims.reasons import ClaimsCode
from liubu.core import ResidentId, mask_resident_id
from liubu.datafiles import reason_title
from liubu.errors import IdentifierError, IntegrityError, ValidationError
from liubu.massissue import RowError
from liubu.products import load_vocabulary

BLOCK_BYTES = 1 << 20
MAX_HEADER_BYTES = 64 * 1024
MAX_EXTERNAL_REF = 64
LATEST_YEARS_AHEAD = 1  # a date more than a year after today is a typing error
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ClaimsFileFacts:
    name: str
    size: int
    sha256: str
    columns: tuple[str, ...]
    header_end: int
    data_lines: int


@cache
def _aliases() -> dict[str, str]:
    names: dict[str, str] = {}
    for column in antifraud_table()["columns"]:
        for spelling in (column["code"], *column.get("aliases", ())):
            names[str(spelling).strip().casefold()] = str(column["code"])
    return names


def _file_error(name: str, why: str, *, line: int = 1) -> ValidationError:
    return ValidationError(
        f"The claims file {name} cannot be imported: {why}. Nothing was stored.",
        code=ClaimsCode.FILE,
        field="file",
        location=f"{name}:{line}",
    )


def inspect_claims_file(path: Path) -> ClaimsFileFacts:
    """Encoding, header, SHA-256 and line count, in one pass; refuse a bad file up front."""
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    size = newlines = 0
    head = b""
    last = b""
    with path.open("rb") as stream:
        while block := stream.read(BLOCK_BYTES):
            digest.update(block)
            if len(head) <= MAX_HEADER_BYTES:
                head += block[: MAX_HEADER_BYTES + 1]
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                line = newlines + block.count(b"\n", 0, error.start) + 1
                raise _file_error(
                    path.name,
                    f"the bytes at offset {size + error.start} (line {line}) are not UTF-8; save "
                    f"it as CSV UTF-8",
                    line=line,
                ) from None
            newlines += block.count(b"\n")
            size += len(block)
            last = block
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _file_error(path.name, "it ends inside a UTF-8 character") from None
    end = head.find(b"\n")
    if size == 0 or end < 0 or end > MAX_HEADER_BYTES:
        raise _file_error(path.name, "it has no header line ending in a line break")
    header = head[:end].decode("utf-8").removeprefix("\ufeff").rstrip("\r")
    columns = _columns(header, name=path.name)
    lines = newlines + (0 if last.endswith(b"\n") else 1)
    return ClaimsFileFacts(path.name, size, digest.hexdigest(), columns, end + 1, lines - 1)


def _columns(header: str, *, name: str) -> tuple[str, ...]:
    fields = next(csv.reader([header]), [])
    codes = [_aliases().get(field.strip().casefold()) for field in fields]
    table = antifraud_table()["columns"]
    found = [code for code in codes if code is not None]
    problems = [
        f"missing column {c['code']!r}" for c in table if c["required"] and c["code"] not in found
    ]
    problems += [f"unknown column {f!r}" for f, c in zip(fields, codes, strict=True) if c is None]
    problems += [
        f"column {c!r} given twice" for c in sorted({c for c in found if found.count(c) > 1})
    ]
    if problems:
        wanted = ", ".join(str(c["code"]) for c in table)
        raise ValidationError(
            f"The header of {name} does not match the claims file's columns ({wanted}): "
            f"{'; '.join(problems)}. Nothing was stored.",
            code=ClaimsCode.HEADER,
            field="header",
            value="; ".join(problems)[:200],
            location=f"{name}:1",
        )
    return tuple(found)


def claim_row_error(
    line: int, code: ClaimsCode, *, field: str | None, value: str = "", **params: object
) -> RowError:
    """A row of the error file with both texts filled from ``data/antifraud.yaml``."""
    text = antifraud_table()["row_reasons"][str(code)]
    names = antifraud_table()["fields"].get(field or "", {"zh": field, "en": field})
    fill = {"value": value, "field_zh": names["zh"], "field_en": names["en"], **params}
    return RowError(
        line, str(code), field, value, text["zh"].format(**fill), text["en"].format(**fill)
    )


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A line that passed every check of the file alone (the resident in clear, in memory)."""

    line: int
    resident_id: str
    claim: AntifraudClaim
    external_ref: str | None


def _ascii(text: str) -> str:
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


class ClaimLineChecker:
    """Checks the lines of one file; remembers the receipt numbers it accepted (duplicates)."""

    def __init__(self, columns: tuple[str, ...], *, today: dt.date) -> None:
        self.width = len(columns)
        self._at = {code: index for index, code in enumerate(columns)}
        self._latest = today.replace(year=today.year + LATEST_YEARS_AHEAD, day=min(today.day, 28))
        self._seen: dict[str, int] = {}
        self._causes = load_vocabulary().exclusions

    def _get(self, fields: list[str], code: str) -> str:
        index = self._at.get(code)
        return "" if index is None else _ascii(fields[index])

    def check(self, text: str, line: int) -> ClaimLine | RowError | None:
        """The claim on this line, the first reason it cannot be stored, or None if blank."""
        if not text.replace(",", "").strip():
            return None
        if '"' in text:
            try:
                fields = next(csv.reader([text], strict=True))
            except (csv.Error, StopIteration) as error:
                return claim_row_error(line, ClaimsCode.MALFORMED, field=None, detail=str(error))
        else:
            fields = text.split(",")
        if len(fields) != self.width:
            return claim_row_error(
                line, ClaimsCode.ROW_COLUMNS, field=None, count=len(fields), expected=self.width
            )
        receipt_text = self._get(fields, "receipt_number").upper()
        problem = receipt_problem(receipt_text)
        if problem is not None:
            return claim_row_error(
                line,
                ClaimsCode.RECEIPT_NUMBER,
                field="receipt_number",
                value=receipt_text[:40],
                detail=problem,
            )
        number = self._get(fields, "resident_id").upper()
        try:
            ResidentId(number)
        except IdentifierError as error:
            return claim_row_error(
                line,
                ClaimsCode.RESIDENT_ID,
                field="resident_id",
                value=mask_resident_id(number),
                detail_zh=reason_title("liubu.core", str(error.code), "zh"),
                detail_en=reason_title("liubu.core", str(error.code), "en"),
            )
        return self._claim(fields, line, receipt_text, number)

    def _claim(
        self, fields: list[str], line: int, receipt_text: str, number: str
    ) -> ClaimLine | RowError:
        amounts: dict[str, Decimal] = {}
        for name in ("loss_amount", "recovered_amount"):
            raw = self._get(fields, name)
            amount = _amount(raw or ("0" if name == "recovered_amount" else ""))
            if amount is None:
                return self._bad_amount(line, name, raw, "")
            amounts[name] = amount
        if amounts["recovered_amount"] > amounts["loss_amount"]:
            raw = self._get(fields, "recovered_amount")
            return self._bad_amount(line, "recovered_amount", raw, "exceeds")
        dates: dict[str, dt.date] = {}
        for name in ("loss_date", "police_report_date", "notified_on"):
            raw = self._get(fields, name)
            when = _date(raw)
            if when is None or not EARLIEST_DATE <= when <= self._latest:
                return claim_row_error(
                    line,
                    ClaimsCode.DATE,
                    field=name,
                    value=raw[:40],
                    earliest=EARLIEST_DATE.isoformat(),
                    latest=self._latest.isoformat(),
                )
            dates[name] = when
        loss, report, told = dates["loss_date"], dates["police_report_date"], dates["notified_on"]
        if not loss <= report <= told:
            return claim_row_error(
                line,
                ClaimsCode.DATE_ORDER,
                field="police_report_date",
                value=report.isoformat(),
                loss_date=loss,
                report_date=report,
                notified_on=told,
            )
        receipt = parse_receipt_number(receipt_text)
        if not receipt_matches_report(receipt, report):
            return claim_row_error(
                line,
                ClaimsCode.RECEIPT_MONTH,
                field="receipt_number",
                value=receipt_text,
                receipt_month=f"{receipt.year}-{receipt.month:02d}",
                report_date=report,
            )
        cause = self._get(fields, "cause") or None
        if cause is not None and cause not in self._causes:
            return claim_row_error(line, ClaimsCode.UNKNOWN_CAUSE, field="cause", value=cause[:40])
        reference = self._get(fields, "external_ref") or None
        if reference is not None and (
            len(reference) > MAX_EXTERNAL_REF or _CONTROL.search(reference)
        ):
            return claim_row_error(
                line, ClaimsCode.TEXT, field="external_ref", max=MAX_EXTERNAL_REF
            )
        first = self._seen.get(receipt_text)
        if first is not None:
            return claim_row_error(
                line,
                ClaimsCode.DUPLICATE_IN_FILE,
                field="receipt_number",
                value=receipt_text,
                first_line=first,
            )
        self._seen[receipt_text] = line
        claim = AntifraudClaim(
            receipt=receipt,
            loss_amount=amounts["loss_amount"],
            loss_date=loss,
            police_report_date=report,
            notified_on=told,
            recovered_amount=amounts["recovered_amount"],
            cause=cause,
        )
        return ClaimLine(line, number, claim, reference)

    def _bad_amount(self, line: int, name: str, raw: str, why: str) -> RowError:
        return claim_row_error(
            line,
            ClaimsCode.AMOUNT,
            field=name,
            value=raw[:40],
            max=MAX_AMOUNT,
            extra_zh="，且不超过被骗金额" if why else "",
            extra_en=", not above the amount lost" if why else "",
        )


def _amount(raw: str) -> Decimal | None:
    cleaned = re.sub(r"[\s,¥￥元]", "", raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or not Decimal(0) <= value <= MAX_AMOUNT:
        return None
    if value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


def _date(raw: str) -> dt.date | None:
    text = raw.replace("/", "-")
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return None
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class LinesRead:
    """Up to ``chunk_size`` lines after ``start_offset``: their claims, errors and blanks, and
    where the next unread line starts."""

    claims: tuple[ClaimLine, ...]
    errors: tuple[RowError, ...]
    blank: int
    byte_offset: int
    line: int
    finished: bool


def read_claim_lines(
    path: Path,
    facts: ClaimsFileFacts,
    *,
    byte_offset: int,
    line: int,
    chunk_size: int,
    checker: ClaimLineChecker,
) -> Iterator[LinesRead]:
    """The file's lines from ``byte_offset`` (``line`` = the number of the last line read
    before it), ``chunk_size`` at a time; the last has ``finished`` set."""
    if not facts.header_end <= byte_offset <= facts.size:
        raise IntegrityError(
            f"The checkpoint's byte offset {byte_offset} lies outside {facts.name}.",
            code=ClaimsCode.FILE,
        )
    with path.open("rb") as stream:
        stream.seek(byte_offset)
        offset = byte_offset
        while True:
            claims: list[ClaimLine] = []
            errors: list[RowError] = []
            blank = 0
            for _ in range(chunk_size):
                if offset >= facts.size:
                    break
                raw = _next_line(stream, facts)
                offset += len(raw)
                line += 1
                outcome = checker.check(raw.decode("utf-8").rstrip("\r\n"), line)
                if outcome is None:
                    blank += 1
                elif isinstance(outcome, RowError):
                    errors.append(outcome)
                else:
                    claims.append(outcome)
            finished = offset >= facts.size
            yield LinesRead(tuple(claims), tuple(errors), blank, offset, line, finished)
            if finished:
                return


def _next_line(stream: IO[bytes], facts: ClaimsFileFacts) -> bytes:
    raw = stream.readline()
    if not raw:
        raise IntegrityError(
            f"The file {facts.name} is shorter than when it was inspected; import a copy "
            f"nobody writes to.",
            code=ClaimsCode.FILE,
        )
    return raw
