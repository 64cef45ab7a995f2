"""Security events from providers over HTTP (安全事件上报): ``POST /api/monitoring/events``.

A security provider's analyst (a signed-in user or an API token, ``lbt_…``) posts NDJSON —
Suricata EVE, OCSF, Zeek or any format ``liubu monitor ingest`` reads — for one enterprise it
serves; ``Content-Encoding: gzip`` is accepted (and a gzip body is recognised by its magic
bytes). The body is read as a stream: the HTTP guard caps the bytes on the wire, this route caps
them once decompressed (:data:`liubu.monitoring.MAX_EVENT_BYTES`), each line is capped by the
readers, and events are recorded in batches, so a large upload never sits whole in memory.

Before one byte of the body is read the caller must serve the enterprise (403 otherwise, nothing
stored) and the format must be known (422 naming the known ones). The answer counts what was
read, matched, alerted, repeated, duplicated and rejected, with the first rejected lines.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import IO, Annotated, Any

import anyio.from_thread
from fastapi import APIRouter, Query, Request

from liubu import monitoring
from liubu.api.deps import UowDep
from liubu.errors import ValidationError
from liubu.monitoring import MonitoringCode

router = APIRouter(prefix="/api/monitoring", tags=["monitoring"])
_GZIP_MAGIC = b"\x1f\x8b"
_BUFFER = 1 << 16


class _Body(io.RawIOBase):
    """The request body as a blocking byte stream for the route's worker thread: each read
    waits, on the event loop, for the next chunk the client sends."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    async def _next(self) -> bytes:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return b""

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._ended:
            self._pending = anyio.from_thread.run(self._next)
            self._ended = not self._pending
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class _Capped(io.RawIOBase):
    """At most ``limit`` bytes of ``stream``; one more is refused (TOO_LARGE), and a broken
    gzip stream is refused as such, both as a located ValidationError."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream, self._left, self._limit = stream, limit, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as error:
            raise ValidationError(
                f"The body is not a valid gzip stream ({error}).",
                code=MonitoringCode.ENCODING,
                field="body",
            ) from error
        self._left -= len(data)
        if self._left < 0:
            raise ValidationError(
                f"The events hold more than {self._limit:,} bytes once decompressed; send them "
                "in several requests (what was recorded is kept; sending it again is harmless).",
                code=MonitoringCode.TOO_LARGE,
                field="body",
            )
        buffer[: len(data)] = data
        return len(data)


def _events_stream(request: Request) -> IO[bytes]:
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise ValidationError(
            f"Content-Encoding {encoding!r} is not accepted; send gzip or plain NDJSON.",
            code=MonitoringCode.ENCODING,
            field="Content-Encoding",
        )
    body = io.BufferedReader(_Body(request.stream().__aiter__()), _BUFFER)
    # The magic bytes, not only the header, decide: a gzip body without the header is still
    # decompressed here, so the decompressed cap holds for it too.
    if encoding != "identity" or body.peek(2)[:2] == _GZIP_MAGIC:
        body = io.BufferedReader(gzip.GzipFile(fileobj=body, mode="rb"), _BUFFER)  # type: ignore[arg-type]
    return io.BufferedReader(_Capped(body, monitoring.MAX_EVENT_BYTES), _BUFFER)


@router.post("/events")
def post_events(
    request: Request,
    uow: UowDep,
    enterprise: Annotated[str, Query(description="The enterprise the events are about (its id)")],
    format: Annotated[
        str,
        Query(description="auto, suricata, ocsf, zeek, stix, feodo, kev, nvd, cve5 or epss"),
    ] = "auto",
) -> dict[str, Any]:
    """Record a provider's events for one enterprise it serves (NDJSON, gzip allowed), matched
    only against that enterprise's insured assets. Sending the same events again raises no
    second alert; a malformed line is counted and listed with its number, the rest go on."""
    monitoring.event_format(format)
    monitoring.check_serves(uow, enterprise)  # before the body is read
    with uow:
        organisation = uow.organisations.get(uow.principal.tenant_id)
    # The events are the caller's organisation's, whatever a line claims.
    items = _lazy(request, format, organisation.code or organisation.id)
    report = monitoring.ingest_events(uow, items, enterprise_id=enterprise)
    return report.as_dict()


def _lazy(
    request: Request, format: str, provider: str
) -> Iterator[monitoring.Observation | monitoring.Rejected]:
    """The events, the body opened only when the first one is asked for."""
    yield from monitoring.read_events(_events_stream(request), format, provider)
