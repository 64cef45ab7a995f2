"""``read_events``: one entry for every feed and event format, told apart by shape.

Line formats (Suricata EVE, OCSF, Zeek, Feodo CSV) are streamed line by line, each line bounded;
whole-document formats (a STIX bundle, the KEV catalogue, an NVD page, a CVE 5 record, an EPSS
file) are read whole, bounded, by their own loaders. Detection looks at the first 64 KiB without
consuming them:

* ``#separator`` → zeek; ``#`` comments then a ``first_seen_utc`` CSV header → feodo;
* ``#model_version``, ``cve,epss,percentile`` or a ``CVE-…;…`` row → epss; ``cveID,…`` → kev;
* a JSON object on the first line with ``event_type`` → suricata, with ``class_uid`` → ocsf;
* a JSON document (pretty-printed or longer than the first line) is parsed whole to see its
  shape: ``"type": "bundle"`` → stix, ``catalogVersion`` → kev, ``format: NVD_CVE`` or ``cve``
  → nvd, ``dataType: CVE_RECORD`` → cve5.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import IO

from liubu.errors import ValidationError
from liubu.monitoring.observations import Observation, Rejected
from liubu.monitoring.readers._source import (
    ReadCounts,
    Source,
    json_object,
    numbered_lines,
    open_binary,
    read_document,
)
from liubu.monitoring.readers.feeds import FEEDS, read_kev_csv
from liubu.monitoring.readers.feodo import FeodoReader
from liubu.monitoring.readers.ocsf import read_ocsf
from liubu.monitoring.readers.stix import read_bundle
from liubu.monitoring.readers.suricata import read_suricata
from liubu.monitoring.readers.zeek import ZeekReader
from liubu.monitoring.reasons import MonitoringCode


class EventFormat(StrEnum):
    """The formats ``read_events`` reads (``auto`` detects one of the others)."""

    AUTO = "auto"
    SURICATA = "suricata"
    OCSF = "ocsf"
    ZEEK = "zeek"
    STIX = "stix"
    FEODO = "feodo"
    KEV = "kev"
    NVD = "nvd"
    CVE5 = "cve5"
    EPSS = "epss"


KNOWN = tuple(f.value for f in EventFormat if f is not EventFormat.AUTO)
_EPSS_ROW = re.compile(r"CVE-\d{4}-\d{4,};", re.IGNORECASE)
_WHOLE_JSON = "json document"  # detection needs the whole document
JsonLineReader = Callable[..., Iterator[Observation | Rejected]]
_JSON_LINES: dict[EventFormat, JsonLineReader] = {
    EventFormat.SURICATA: read_suricata,
    EventFormat.OCSF: read_ocsf,
}


def read_events(
    source: Source,
    format: str = "auto",
    provider: str | None = None,
    *,
    counts: ReadCounts | None = None,
) -> Iterator[Observation | Rejected]:
    """The observations in ``source`` (a path or a binary stream; gzip is detected), in order,
    with a :class:`Rejected` for each line refused while the rest is read on. ``counts``, when
    given, is filled in as the read goes. An unknown or undetectable format is refused with a
    ValidationError naming the formats known; so is a whole document that does not validate."""
    tally = counts if counts is not None else ReadCounts()
    chosen: EventFormat | str = event_format(format)
    with open_binary(source) as (start, stream):
        if chosen is EventFormat.AUTO:
            chosen = detect(start)
        if chosen in (EventFormat.SURICATA, EventFormat.OCSF, EventFormat.ZEEK, EventFormat.FEODO):
            items = _lines(EventFormat(chosen), stream, provider, tally)
        else:
            items = _document(chosen, stream, provider, tally)
        for item in items:
            if isinstance(item, Rejected):
                tally.rejected += 1
            else:
                tally.observations += 1
            yield item


def event_format(name: str) -> EventFormat:
    """The format named, or a ValidationError naming the formats known."""
    try:
        return EventFormat(name)
    except ValueError:
        raise _unknown(f"The format {name!r} is not one liubu reads.") from None


def _unknown(opening: str) -> ValidationError:
    return ValidationError(
        f"{opening} Known formats: {', '.join(KNOWN)}.",
        code=MonitoringCode.UNKNOWN_FORMAT,
        field="format",
    )


def detect(start: bytes) -> EventFormat | str:
    """The format the start of an input shows, or ``"json document"`` when only the whole
    document can tell."""
    text = start.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise _unknown("The input is empty, so its format cannot be told.")
    first = lines[0]
    if first.startswith("#separator"):
        return EventFormat.ZEEK
    if first.startswith("#model_version") or first == "cve,epss,percentile":
        return EventFormat.EPSS
    if _EPSS_ROW.match(first):
        return EventFormat.EPSS
    if first.startswith("cveID,vendorProject"):
        return EventFormat.KEV
    data = [line for line in lines if not line.startswith("#")]
    if data and data[0].replace('"', "").startswith("first_seen_utc,"):
        return EventFormat.FEODO
    if first.startswith("{"):
        try:
            value = json.loads(first)
        except json.JSONDecodeError:
            return _WHOLE_JSON
        if isinstance(value, Mapping) and "event_type" in value:
            return EventFormat.SURICATA
        if isinstance(value, Mapping) and "class_uid" in value:
            return EventFormat.OCSF
        return _WHOLE_JSON
    raise _unknown("The input's format cannot be told from its start.")


def _shape(document: object) -> EventFormat:
    if isinstance(document, Mapping):
        if document.get("type") == "bundle":
            return EventFormat.STIX
        if "catalogVersion" in document:
            return EventFormat.KEV
        if document.get("format") == "NVD_CVE" or "cve" in document:
            return EventFormat.NVD
        if document.get("dataType") == "CVE_RECORD":
            return EventFormat.CVE5
    raise _unknown("The JSON document is none of the shapes liubu reads.")


def _lines(
    chosen: EventFormat, stream: IO[bytes], provider: str | None, counts: ReadCounts
) -> Iterator[Observation | Rejected]:
    reader: Callable[[int, str], Iterator[Observation | Rejected]]
    if chosen is EventFormat.ZEEK:
        reader = ZeekReader(provider=provider, counts=counts).line
    elif chosen is EventFormat.FEODO:
        reader = FeodoReader(counts=counts).line
    else:
        reader = _json_lines(_JSON_LINES[chosen], provider, counts)
    for number, line in numbered_lines(stream):
        if isinstance(line, Rejected):
            counts.records += 1
            yield line
        else:
            yield from reader(number, line)


def _json_lines(
    read: JsonLineReader, provider: str | None, counts: ReadCounts
) -> Callable[[int, str], Iterator[Observation | Rejected]]:
    def line(number: int, text: str) -> Iterator[Observation | Rejected]:
        if not text.strip():
            return
        counts.records += 1
        event = json_object(number, text)
        if isinstance(event, Rejected):
            yield event
        else:
            yield from read(number, event, provider=provider, counts=counts)

    return line


def _document(
    chosen: EventFormat | str, stream: IO[bytes], provider: str | None, counts: ReadCounts
) -> Iterator[Observation | Rejected]:
    content = read_document(stream)
    if chosen == _WHOLE_JSON:
        try:
            chosen = _shape(json.loads(content))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _unknown("The input starts like JSON but is not valid JSON.") from None
    if chosen is EventFormat.STIX:
        yield from read_bundle(content, provider=provider, counts=counts)
        return
    # The intel loaders read files: spool the (bounded) document to a temporary one.
    is_csv = chosen is EventFormat.EPSS or (
        chosen is EventFormat.KEV and content.lstrip()[:1] != b"{"
    )
    with tempfile.TemporaryDirectory(prefix="liubu-feed-") as folder:
        path = Path(folder) / ("feed.csv" if is_csv else "feed.json")
        path.write_bytes(content)
        try:
            if chosen is EventFormat.KEV and is_csv:
                yield from read_kev_csv(path, counts)
            else:
                yield from FEEDS[str(chosen)](path, counts)
        except ValidationError as error:
            # The intel loader's own code says what is wrong; the spooled file's name is ours.
            where = str(path)
            raise ValidationError(
                f"The {chosen} feed is not valid: {error.message.replace(where, 'the feed')}",
                code=error.code,
                field=error.field,
                value=error.value,
                location=(error.location or "").replace(where, "feed") or None,
            ) from error
