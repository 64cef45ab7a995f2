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
from typing import IO

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
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """``source`` as a buffered binary stream, decompressed when it starts with gzip's magic."""
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle, _unzipped(handle) as stream:
            yield stream
    else:
        with _unzipped(source) as stream:
            yield stream


@contextmanager
def _unzipped(raw: IO[bytes]) -> Iterator[IO[bytes]]:
    buffered = io.BufferedReader(raw, PEEK_BYTES)  # type: ignore[type-var]
    try:
        if buffered.peek(2)[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=buffered, mode="rb") as unzipped:
                yield io.BufferedReader(unzipped, PEEK_BYTES)
        else:
            yield buffered
    finally:
        # Hand the caller's stream back unclosed (a request body): its owner closes it.
        with contextlib.suppress(ValueError):
            buffered.detach()


def peek(stream: IO[bytes]) -> bytes:
    """The start of the stream (up to :data:`PEEK_BYTES`), left unread for the reader."""
    return stream.peek(PEEK_BYTES)[:PEEK_BYTES]  # type: ignore[attr-defined, no-any-return]


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
    """One spelling of a JSON record whatever its key order or spacing (fingerprints hash it)."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
