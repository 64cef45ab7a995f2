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
- 保中服务: :func:`schedule_services` turns the bundled services of policies in force into
  :class:`ScheduledService` tasks with SLAs (``data/services.yaml``) and monthly rescans; the
  provider's queue (:func:`accept_service`, :func:`report_service`, :func:`complete_service`),
  the insurer's :func:`reject_report`, :func:`list_services` and :func:`list_breaches`;
  :func:`run_due_rescans` and :func:`complete_rescans` run rescans through the job runner;
  :func:`add_to_panel` and :func:`remove_from_panel` keep an insurer's :class:`PanelEntry` list.
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
from liubu.monitoring.schedule import PENDING as PENDING_TASKS
from liubu.monitoring.schedule import (
    Breach,
    Cadence,
    PanelChoice,
    RejectReason,
    ServiceCatalogue,
    ServiceTerms,
    TaskAction,
    TaskKind,
    TaskState,
    add_months,
    choose_provider,
    due_dates,
    load_service_terms,
    next_state,
)
from liubu.monitoring.service_records import (
    PanelEntry,
    ScheduledService,
    ServicePolicy,
    ServiceRepository,
    ServiceUnitOfWork,
)
from liubu.monitoring.services import (
    MAX_REPORT_CHARS,
    SCHEDULE_JOB,
    ScheduleResult,
    ServiceView,
    accept_service,
    add_to_panel,
    complete_rescans,
    complete_service,
    list_breaches,
    list_panel,
    list_services,
    reject_report,
    remove_from_panel,
    report_service,
    run_due_rescans,
    schedule_services,
)
from liubu.monitoring.watched import AssetKind, WatchedAsset, host_asset, watchlist

__all__ = [
    "ACTIVE_STATUSES",
    "DEDUP_WINDOW",
    "FINGERPRINT_RETENTION",
    "MAX_BATCH",
    "MAX_DOCUMENT_BYTES",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_FIELDS",
    "MAX_LINE_BYTES",
    "MAX_REPORT_CHARS",
    "PENDING_TASKS",
    "SCHEDULE_JOB",
    "Alert",
    "AlertCandidate",
    "AlertSeverity",
    "AlertStatus",
    "AssetKind",
    "Breach",
    "Cadence",
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
    "PanelChoice",
    "PanelEntry",
    "ReadCounts",
    "RejectReason",
    "Rejected",
    "ScheduleResult",
    "ScheduledService",
    "ServiceCatalogue",
    "ServicePolicy",
    "ServiceRepository",
    "ServiceTerms",
    "ServiceUnitOfWork",
    "ServiceView",
    "TaskAction",
    "TaskKind",
    "TaskState",
    "TaxiiCursor",
    "TaxiiPage",
    "WatchIndex",
    "WatchedAsset",
    "accept_service",
    "add_months",
    "add_to_panel",
    "bounded_lines",
    "choose_provider",
    "complete_rescans",
    "complete_service",
    "due_dates",
    "host_asset",
    "list_alerts",
    "list_breaches",
    "list_panel",
    "list_services",
    "load_service_terms",
    "match",
    "next_state",
    "normalise",
    "observation_from_json",
    "observation_key",
    "pull_collection",
    "read_events",
    "read_observation_lines",
    "record_observations",
    "reject_report",
    "remove_from_panel",
    "report_service",
    "run_due_rescans",
    "schedule_services",
    "watchlist",
]
