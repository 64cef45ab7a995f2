"""liubu.monitoring — in-term service and monitoring (保中服务 · 保中监控): watch lists, feeds and
security events matched to insured assets, alerts, service tasks, score history. Business
package: no database, web or CLI framework (the import contracts say so).

- :class:`Observation` — what a feed or a security event says about one indicator (an IP,
  domain, URL, CPE or CVE), normalised; :class:`Rejected` — a line a reader refused.
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
from liubu.monitoring.watched import AssetKind, WatchedAsset, host_asset, watchlist

__all__ = [
    "ACTIVE_STATUSES",
    "DEDUP_WINDOW",
    "FINGERPRINT_RETENTION",
    "MAX_BATCH",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_FIELDS",
    "Alert",
    "AlertCandidate",
    "AlertSeverity",
    "AlertStatus",
    "AssetKind",
    "Cover",
    "IndicatorKind",
    "IngestResult",
    "InsuredPolicy",
    "MatchKind",
    "MonitoringCode",
    "MonitoringRepository",
    "MonitoringUnitOfWork",
    "Observation",
    "Rejected",
    "WatchIndex",
    "WatchedAsset",
    "bounded_lines",
    "host_asset",
    "list_alerts",
    "match",
    "normalise",
    "observation_from_json",
    "observation_key",
    "read_observation_lines",
    "record_observations",
    "watchlist",
]
