"""liubu.monitoring — in-term service and monitoring (保中服务 · 保中监控): watch lists, feeds and
security events matched to insured assets, alerts, service tasks, score history. Business
package: no database, web or CLI framework (the import contracts say so).

- :class:`Observation` — what a feed or a security event says about one indicator (an IP,
  domain, URL, CPE or CVE), normalised; :class:`Rejected` — a line a reader refused.
- :func:`read_events` — Suricata EVE, OCSF, Zeek, STIX, Feodo, KEV, EPSS, NVD and CVE 5 input
  (a path or a stream, gzip detected, format told by shape) as observations;
  :func:`pull_collection` — a TAXII 2.1 collection, page by page from a :class:`TaxiiCursor`.
- :func:`watchlist` — the insured assets (:class:`WatchedAsset`) the caller may watch, read
  from policies in force, verified assets and the latest scans.
- :class:`WatchIndex` and :func:`match` — observations against the watch list, pure.
- :func:`record_observations` — idempotent ingest into de-duplicated :class:`Alert` records;
  :func:`list_alerts` — what the caller may see of them.
"""

from __future__ import annotations

from liubu.monitoring.alerts import (
    DEDUP_WINDOW,
    FINGERPRINT_RETENTION,
    MAX_BATCH,
    IngestResult,
    list_alerts,
    observation_key,
    record_observations,
)
from liubu.monitoring.jsonlines import (
    bounded_lines,
    observation_from_json,
    read_observation_lines,
)
from liubu.monitoring.matching import AlertCandidate, WatchIndex, match
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
from liubu.monitoring.records import (
    ACTIVE_STATUSES,
    Alert,
    AlertStatus,
    Cover,
    InsuredPolicy,
    MatchKind,
    MonitoringRepository,
    MonitoringUnitOfWork,
)
from liubu.monitoring.watched import (
    AssetKind,
    WatchedAsset,
    host_asset,
    scanned_software,
    watchlist,
)

__all__ = [
    "ACTIVE_STATUSES",
    "DEDUP_WINDOW",
    "FINGERPRINT_RETENTION",
    "MAX_BATCH",
    "MAX_DOCUMENT_BYTES",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_FIELDS",
    "MAX_LINE_BYTES",
    "Alert",
    "AlertCandidate",
    "AlertSeverity",
    "AlertStatus",
    "AssetKind",
    "Cover",
    "EventFormat",
    "IndicatorKind",
    "IngestResult",
    "InsuredPolicy",
    "MatchKind",
    "MonitoringCode",
    "MonitoringRepository",
    "MonitoringUnitOfWork",
    "Observation",
    "ReadCounts",
    "Rejected",
    "TaxiiCursor",
    "TaxiiPage",
    "WatchIndex",
    "WatchedAsset",
    "bounded_lines",
    "host_asset",
    "list_alerts",
    "match",
    "normalise",
    "observation_from_json",
    "observation_key",
    "pull_collection",
    "read_events",
    "read_observation_lines",
    "record_observations",
    "scanned_software",
    "watchlist",
]
