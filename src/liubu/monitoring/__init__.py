"""liubu.monitoring — in-term service and monitoring (保中服务 · 保中监控): watch lists, feeds and
security events matched to insured assets, alerts, service tasks, score history. Business
package: no database, web or CLI framework (the import contracts say so).

- :class:`Observation` — what a feed or a security event says about one indicator (an IP,
  domain, URL, CPE or CVE), normalised; :class:`Rejected` — a line a reader refused.
- :func:`read_events` — Suricata EVE, OCSF, Zeek, STIX, Feodo, KEV, EPSS, NVD and CVE 5 input
  (a path or a stream, gzip detected, format told by shape) as observations;
  :func:`pull_collection` — a TAXII 2.1 collection, page by page from a :class:`TaxiiCursor`.
"""

from __future__ import annotations

from liubu.monitoring.observations import (
    MAX_EVIDENCE_CHARS,
    MAX_EVIDENCE_FIELDS,
    AlertSeverity,
    IndicatorKind,
    Observation,
    Rejected,
    normalise,
)
from liubu.monitoring.readers import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    EventFormat,
    ReadCounts,
    TaxiiCursor,
    TaxiiPage,
    pull_collection,
    read_events,
)
from liubu.monitoring.reasons import MonitoringCode

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_FIELDS",
    "MAX_LINE_BYTES",
    "AlertSeverity",
    "EventFormat",
    "IndicatorKind",
    "MonitoringCode",
    "Observation",
    "ReadCounts",
    "Rejected",
    "TaxiiCursor",
    "TaxiiPage",
    "normalise",
    "pull_collection",
    "read_events",
]
