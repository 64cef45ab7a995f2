"""Opening what a reader reads: a path or a binary stream, gzip told by its magic bytes, read
line by line with every line bounded — a file is never held whole in memory.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

from liubu.errors import ValidationError
from liubu.monitoring.observations import Rejected
from liubu.monitoring.reasons import MonitoringCode

#: The longest line a reader accepts (bytes, once decompressed); a longer one is Rejected.
MAX_LINE_BYTES = 1 << 20
#: The largest whole document (a STIX bundle, a feed file) read from a stream, once decompressed.
MAX_DOCUMENT_BYTES = 64 << 20
_GZIP_MAGIC = b"\x1f\x8b"
#: How much of the start of an input format detection looks at (it is not consumed).
PEEK_BYTES = 1 << 16

Source = str | Path | IO[bytes]


@dataclass(slots=True)
class ReadCounts:
    """A running tally of one read, filled in as the reader goes (pass one to ``read_events``).

    ``records`` counts the lines or records read (comments and headers excluded); ``skipped``
    those of a kind the reader does not turn into observations (a Suricata ``flow`` event, a
    STIX indicator on a file hash); ``rejected`` those refused; ``observations`` what came out.
    """

    records: int = 0
    skipped: int = 0
    rejected: int = 0
    observations: int = 0


@contextmanager
def open_binary(source: Source) -> Iterator[tuple[bytes, IO[bytes]]]:
    """``source``'s first :data:`PEEK_BYTES` (decompressed) for format detection, and a buffered
    stream of all of it from the start; gzip is told by its magic bytes. A caller's stream is
    read, never closed (its owner closes it)."""
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle, _unzipped(handle) as opened:
            yield opened
    else:
        with _unzipped(source) as opened:
            yield opened


@contextmanager
def _unzipped(raw: IO[bytes]) -> Iterator[tuple[bytes, IO[bytes]]]:
    magic = _read_up_to(raw, len(_GZIP_MAGIC))
    stream: IO[bytes] = io.BufferedReader(_Rejoined(magic, raw), PEEK_BYTES)
    with contextlib.ExitStack() as closing:
        if magic == _GZIP_MAGIC:
            stream = cast("IO[bytes]", closing.enter_context(gzip.GzipFile(fileobj=stream)))
        head = _read_up_to(stream, PEEK_BYTES)
        yield head, io.BufferedReader(_Rejoined(head, stream), PEEK_BYTES)


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end (a raw stream may return less per read)."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0 and (part := stream.read(wanted)):
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class _Rejoined(io.RawIOBase):
    """The bytes already taken from the start of a stream, then the rest of it."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def numbered_lines(stream: IO[bytes]) -> Iterator[tuple[int, str | Rejected]]:
    """Each line with its 1-based number, decoded and stripped of its line end; a line past
    :data:`MAX_LINE_BYTES` or not UTF-8 comes as a :class:`Rejected` (the rest is read on)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass  # drain the over-long line without holding it
            yield (
                number,
                Rejected(
                    number,
                    MonitoringCode.LINE_TOO_LONG,
                    f"Line {number} is longer than {MAX_LINE_BYTES:,} bytes.",
                ),
            )
            continue
        try:
            yield number, line.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
        except UnicodeDecodeError:
            yield (
                number,
                Rejected(number, MonitoringCode.ENCODING, f"Line {number} is not UTF-8 text."),
            )


def read_document(stream: IO[bytes]) -> bytes:
    """A whole document, refused past :data:`MAX_DOCUMENT_BYTES` without reading further."""
    content = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"The document holds more than {MAX_DOCUMENT_BYTES:,} bytes; no bundle or feed "
            "liubu reads is that large.",
            code=MonitoringCode.TOO_LARGE,
        )
    return content


def json_object(number: int, line: str) -> dict[str, object] | Rejected:
    """A JSON-lines line as an object, or why not."""
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return Rejected(
            number, MonitoringCode.JSON_SYNTAX, f"Line {number} is not valid JSON ({error})."
        )
    if not isinstance(value, dict):
        return Rejected(
            number, MonitoringCode.NOT_AN_OBJECT, f"Line {number} is not a JSON object."
        )
    return value


def fingerprint(source: str, record: str, value: str) -> str:
    """The stable id of one indicator of one source record: re-reading the record (a resent
    batch, a resumed pull) gives the same fingerprint, so ingest can be idempotent."""
    digest = hashlib.sha256(f"{source}\x1f{record}\x1f{value}".encode()).hexdigest()
    return digest[:32]


def canonical_json(record: object) -> str:
    """The SHA-256 of one spelling of a JSON record, whatever its key order or spacing: the
    record key fingerprints hash (computed once per event, not once per indicator)."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def parse_iso_time(text: str) -> datetime:
    """An ISO 8601 time with its offset, as UTC (``-0500`` offsets included); naive = UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def epoch_time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def clip(value: object, limit: int = 256) -> str:
    """Evidence text: at most ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
