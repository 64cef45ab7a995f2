"""Reading feed files and walking JSON documents with located errors.

Every value handed out by :class:`JsonAt` knows where it sits, as ``file#/json/pointer``
(RFC 6901), so a loader can say exactly which field of which record is wrong.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from liubu.errors import ValidationError
from liubu.intel._data import intel_table
from liubu.intel.reasons import IntelCode


def open_text(path: Path) -> IO[str]:
    """Open a feed file as UTF-8 text; ``.gz`` files are decompressed on the fly."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def max_json_bytes() -> int:
    """The largest JSON feed read, in bytes after decompression (``intel.yaml``)."""
    limit: int = intel_table("limits")["max_json_bytes"]
    return limit


def _bounded_bytes(path: Path) -> bytes:
    """The file's bytes (decompressed for ``.gz``), refused past :func:`max_json_bytes` without
    reading further: neither a huge file nor a small compressed bomb is held in memory."""
    limit = max_json_bytes()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        content = handle.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            f"The file {path} holds more than {limit:,} bytes of JSON"
            + (" once decompressed" if path.suffix == ".gz" else "")
            + "; no feed liubu reads is that large.",
            code=IntelCode.TOO_LARGE,
            field="file",
            value=str(path),
            location=str(path),
        )
    return content


def read_json(path: Path) -> JsonAt:
    """Parse one JSON file, at most :func:`max_json_bytes` long; a syntax error is reported as
    ``file:line``."""
    try:
        document = json.loads(_bounded_bytes(path).decode("utf-8"))
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"The file {path} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}.",
            code=IntelCode.JSON_SYNTAX,
            field="file",
            value=str(path),
            location=f"{path}:{error.lineno}",
        ) from error
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"The file {path} is not UTF-8 text ({error.reason}).",
            code=IntelCode.ENCODING,
            field="file",
            value=str(path),
            location=f"{path}:1",
        ) from error
    return JsonAt(document, str(path))


def relocate(error: ValidationError, location: str) -> ValidationError:
    """The same validation error, now naming where in a file the bad value was read."""
    return ValidationError(
        f"{error.message.rstrip('.')} (at {location}).",
        code=error.code,
        field=error.field,
        value=error.value,
        location=location,
    )


@contextmanager
def located(location: str) -> Iterator[None]:
    """Add ``location`` to any validation error raised inside that does not yet name one."""
    try:
        yield
    except ValidationError as error:
        if error.location is not None:
            raise
        raise relocate(error, location) from None


def _pointer_token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


class JsonAt:
    """A JSON value together with its location, with typed accessors that raise located errors."""

    __slots__ = ("pointer", "source", "value")

    def __init__(self, value: object, source: str, pointer: str = "") -> None:
        self.value = value
        self.source = source
        self.pointer = pointer

    @property
    def location(self) -> str:
        return f"{self.source}#{self.pointer or '/'}"

    def error(self, message: str, *, code: IntelCode) -> ValidationError:
        """A validation error about this value; ``message`` is a full sentence."""
        field = self.pointer.rsplit("/", 1)[-1] or "document"
        shown = self.value if isinstance(self.value, str | int | float | bool) else None
        return ValidationError(
            f"{message.rstrip('.')} (at {self.location}).",
            code=code,
            field=field,
            value=shown,
            location=self.location,
        )

    def _child(self, key: str | int, value: object) -> JsonAt:
        return JsonAt(value, self.source, f"{self.pointer}/{_pointer_token(key)}")

    def _mapping(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            raise self.error(
                f"The value must be a JSON object, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return self.value

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(key) is not None

    def keys(self) -> list[str]:
        return list(self._mapping())

    def field(self, key: str) -> JsonAt:
        """The required member ``key`` of this object."""
        mapping = self._mapping()
        if mapping.get(key) is None:
            raise self.error(
                f"The required field {key!r} is missing.", code=IntelCode.MISSING_FIELD
            )
        return self._child(key, mapping[key])

    def optional(self, key: str) -> JsonAt | None:
        """The member ``key`` of this object, or ``None`` when it is absent or null."""
        mapping = self._mapping()
        return None if mapping.get(key) is None else self._child(key, mapping[key])

    def items(self) -> Iterator[JsonAt]:
        """The elements of this array."""
        if not isinstance(self.value, list):
            raise self.error(
                f"The value must be a JSON array, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return (self._child(index, item) for index, item in enumerate(self.value))

    def optional_items(self, key: str) -> Iterator[JsonAt]:
        """The elements of the array ``key``, or nothing when it is absent."""
        member = self.optional(key)
        return iter(()) if member is None else member.items()

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self.error(
                f"The value must be a string, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(
                f"The value must be true or false, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return self.value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(
                f"The value must be an integer, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return self.value

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.error(
                f"The value must be a number, but it is {_kind(self.value)}.",
                code=IntelCode.WRONG_TYPE,
            )
        return float(self.value)

    def timestamp(self) -> dt.datetime:
        """An ISO 8601 timestamp; one without an offset is UTC, as NVD and CVE services state."""
        try:
            moment = dt.datetime.fromisoformat(self.text())
        except ValueError:
            raise self.error(
                f"The value {self.value!r} is not an ISO 8601 timestamp.", code=IntelCode.BAD_DATE
            ) from None
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)

    def day(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text())
        except ValueError:
            raise self.error(
                f"The value {self.value!r} is not an ISO 8601 date (YYYY-MM-DD).",
                code=IntelCode.BAD_DATE,
            ) from None

    def optional_text(self, key: str) -> str | None:
        member = self.optional(key)
        return None if member is None else member.text()


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value}"
    return names.get(type(value), type(value).__name__)
