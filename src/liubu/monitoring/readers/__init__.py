"""Readers of feeds and security events: each turns what it reads into observations.

:func:`read_events` reads Suricata EVE, OCSF, Zeek, STIX 2.1 bundles, abuse.ch Feodo CSV and
(through ``liubu.intel``) CISA KEV, FIRST EPSS, NVD and CVE 5 files; :func:`pull_collection`
pulls a TAXII 2.1 collection page by page from a cursor. docs/monitoring.md says what each
keeps and how each source's severity is mapped.
"""

from __future__ import annotations

from liubu.monitoring.readers._source import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, ReadCounts
from liubu.monitoring.readers.events import EventFormat, event_format, read_events
from liubu.monitoring.readers.taxii import TaxiiCursor, TaxiiPage, pull_collection

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "EventFormat",
    "ReadCounts",
    "TaxiiCursor",
    "TaxiiPage",
    "event_format",
    "pull_collection",
    "read_events",
]
