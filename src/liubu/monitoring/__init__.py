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
  :func:`ingest_events` — a stream of any length in batches against a watch list indexed once,
  optionally for one enterprise the caller serves (:func:`check_serves`);
  :func:`list_alerts` and :func:`get_alert` — what the caller may see of them.
- :class:`Feed`, :func:`add_feed`, :func:`pull_feed` — feeds pulled on a schedule (a
  ``monitoring.feed_pull`` job) from a stored cursor, committed with each batch.
- The lifecycle: :func:`transition` (acknowledge, remediate, report a fix, accept, reject,
  close, false positive — :data:`TRANSITIONS`, :func:`allowed_actions`), :func:`verify_fix`
  (a rescan of the asset), :func:`escalate_overdue` (service levels from ``data/sla.yaml``:
  :func:`due_times`, :func:`sla_state`) and :func:`rule_precision`.
- :func:`rescore` — the in-term score: the diagnosis's, less what the enterprise's active alerts
  cost by ``data/score_effects.yaml`` (:func:`score_adjustment`), each change kept in the
  assessment's score history with its reason.
- 保中服务: :func:`schedule_services` turns the bundled services of policies in force into
  :class:`ScheduledService` tasks with SLAs (``data/services.yaml``) and monthly rescans; the
  provider's queue (:func:`accept_service`, :func:`report_service`, :func:`complete_service`),
  the insurer's :func:`reject_report`, :func:`list_services` and :func:`list_breaches`;
  :func:`run_due_rescans` and :func:`complete_rescans` run rescans through the job runner, and
  :func:`alert_new_findings` raises alerts on what a rescan found that the scan before it did not;
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
from liubu.monitoring.feeds import (
    FEED_PULL,
    Feed,
    FeedKind,
    FeedPullResult,
    add_feed,
    list_feeds,
    pull_feed,
)
from liubu.monitoring.ingest import (
    MAX_EVENT_BYTES,
    MAX_REJECTED_SHOWN,
    IngestReport,
    check_serves,
    ingest_events,
)
from liubu.monitoring.jsonlines import (
    bounded_lines,
    observation_from_json,
    read_observation_lines,
)
from liubu.monitoring.lifecycle import (
    MAX_HISTORY,
    MAX_NOTE,
    TRANSITIONS,
    AlertAction,
    EscalationResult,
    FalsePositiveReason,
    RulePrecision,
    allowed_actions,
    escalate_overdue,
    get_alert,
    next_status,
    parse_action,
    rule_precision,
    transition,
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
    event_format,
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
from liubu.monitoring.rescans import RESCAN_SOURCE, alert_new_findings, new_finding_observations
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
from liubu.monitoring.scoring import (
    Adjustment,
    AlertCost,
    AlertKind,
    ScoreEffects,
    ScoringUnitOfWork,
    load_score_effects,
    parse_score_effects,
    rescore,
    score_adjustment,
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
from liubu.monitoring.sla import (
    AWAITING_FIX,
    Escalation,
    ServiceLevel,
    SlaState,
    due_times,
    next_due,
    service_levels,
    sla_state,
)
from liubu.monitoring.verification import Verification, rescannable, verify_fix
from liubu.monitoring.watched import (
    AssetKind,
    WatchedAsset,
    host_asset,
    scanned_software,
    watchlist,
)

__all__ = [
    "ACTIVE_STATUSES",
    "AWAITING_FIX",
    "DEDUP_WINDOW",
    "FEED_PULL",
    "FINGERPRINT_RETENTION",
    "MAX_BATCH",
    "MAX_DOCUMENT_BYTES",
    "MAX_EVENT_BYTES",
    "MAX_EVIDENCE_CHARS",
    "MAX_EVIDENCE_FIELDS",
    "MAX_HISTORY",
    "MAX_LINE_BYTES",
    "MAX_NOTE",
    "MAX_REJECTED_SHOWN",
    "MAX_REPORT_CHARS",
    "PENDING_TASKS",
    "RESCAN_SOURCE",
    "SCHEDULE_JOB",
    "TRANSITIONS",
    "Adjustment",
    "Alert",
    "AlertAction",
    "AlertCandidate",
    "AlertCost",
    "AlertKind",
    "AlertSeverity",
    "AlertStatus",
    "AssetKind",
    "Breach",
    "Cadence",
    "Cover",
    "Escalation",
    "EscalationResult",
    "EventFormat",
    "FalsePositiveReason",
    "Feed",
    "FeedKind",
    "FeedPullResult",
    "IndicatorKind",
    "IngestReport",
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
    "RulePrecision",
    "ScheduleResult",
    "ScheduledService",
    "ScoreEffects",
    "ScoringUnitOfWork",
    "ServiceCatalogue",
    "ServiceLevel",
    "ServicePolicy",
    "ServiceRepository",
    "ServiceTerms",
    "ServiceUnitOfWork",
    "ServiceView",
    "SlaState",
    "TaskAction",
    "TaskKind",
    "TaskState",
    "TaxiiCursor",
    "TaxiiPage",
    "Verification",
    "WatchIndex",
    "WatchedAsset",
    "accept_service",
    "add_feed",
    "add_months",
    "add_to_panel",
    "alert_new_findings",
    "allowed_actions",
    "bounded_lines",
    "check_serves",
    "choose_provider",
    "complete_rescans",
    "complete_service",
    "due_dates",
    "due_times",
    "escalate_overdue",
    "event_format",
    "get_alert",
    "host_asset",
    "ingest_events",
    "list_alerts",
    "list_breaches",
    "list_feeds",
    "list_panel",
    "list_services",
    "load_score_effects",
    "load_service_terms",
    "match",
    "new_finding_observations",
    "next_due",
    "next_state",
    "next_status",
    "normalise",
    "observation_from_json",
    "observation_key",
    "parse_action",
    "parse_score_effects",
    "pull_collection",
    "pull_feed",
    "read_events",
    "read_observation_lines",
    "record_observations",
    "reject_report",
    "remove_from_panel",
    "report_service",
    "rescannable",
    "rescore",
    "rule_precision",
    "run_due_rescans",
    "scanned_software",
    "schedule_services",
    "score_adjustment",
    "service_levels",
    "sla_state",
    "transition",
    "verify_fix",
    "watchlist",
]
