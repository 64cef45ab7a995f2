"""What the pre-bind assessment stores: declared assets, scans, findings with their disputes,
questionnaire answer sets (versioned) and service tasks assigned to security providers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from liubu.accounts import UnitOfWork

if TYPE_CHECKING:
    from liubu.assessment.history import ScoreHistoryRepository


class ScanState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class FindingState(StrEnum):
    """Where a finding stands. Disputes are the enterprise's word, audited; only a rescan that
    no longer sees the finding resolves it."""

    OPEN = "open"
    NOT_OURS = "not_ours"
    COMPENSATING_CONTROL = "compensating_control"
    FIXED_PENDING_RESCAN = "fixed_pending_rescan"
    RESOLVED = "resolved"
    SUPERSEDED = "superseded"  # seen again by a later scan, which carries it on
    WAIVED = "waived"  # an insurer accepts it for this asset, with a reason (not the enterprise)


CLOSED = (FindingState.RESOLVED, FindingState.SUPERSEDED)


DISPUTES = (
    FindingState.NOT_OURS,
    FindingState.COMPENSATING_CONTROL,
    FindingState.FIXED_PENDING_RESCAN,
)


class TaskState(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


#: The proof method of the demo's assets (``liubu demo``): their control is recorded, not proven,
#: and no server stands behind them, so they are watched but never scanned.
DEMO_PROOF = "demo"


@dataclass(eq=False)
class Asset:
    """A host or domain the enterprise declared; scanned only once ``verified_at`` is set (and
    never when its proof is the demo's, :data:`DEMO_PROOF`)."""

    id: str
    tenant_id: str
    enterprise_id: str
    name: str
    token: str
    created_at: datetime
    verified_at: datetime | None = None
    verified_by: str | None = None  # dns_txt | well_known_file
    version: int = 1
    # PEM CA certificates (a private CA) the scanner trusts for this asset's TLS chains only.
    trusted_ca: str | None = None

    @property
    def scannable(self) -> bool:
        """Verified by a real proof: the scanner may probe it."""
        return self.verified_at is not None and self.verified_by != DEMO_PROOF


@dataclass(eq=False)
class Scan:
    id: str
    tenant_id: str
    enterprise_id: str
    status: str
    targets: list[str]
    settings: dict[str, Any]
    created_at: datetime
    progress_done: int = 0
    progress_total: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    result: dict[str, Any] | None = None
    version: int = 1


@dataclass(eq=False)
class FindingRecord:
    id: str
    tenant_id: str
    enterprise_id: str
    scan_id: str
    code: str
    severity: str
    factor: str
    asset: str
    status: str
    detail: dict[str, Any]  # title, remediation, evidence, scan status (detected/inconclusive)
    created_at: datetime
    updated_at: datetime
    dispute_note: str | None = None
    dispute_evidence: str | None = None
    version: int = 1


@dataclass(eq=False)
class AnswerSetRecord:
    """One version of an enterprise's questionnaire answers; earlier versions are kept."""

    id: str
    tenant_id: str
    enterprise_id: str
    number: int
    answers: dict[str, Any]
    answered_at: datetime
    answered_by: str
    version: int = 1


@dataclass(eq=False)
class Attachment:
    """Evidence for an answer, kept as uploaded; answers refer to it by id."""

    id: str
    tenant_id: str
    enterprise_id: str
    question_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes
    uploaded_at: datetime
    uploaded_by: str
    version: int = 1


@dataclass(eq=False)
class ServiceTask:
    """A remediation task assigned to a security provider, who sees only its own tasks."""

    id: str
    tenant_id: str
    enterprise_id: str
    provider_id: str
    fix_id: str
    title_zh: str
    title_en: str
    status: str
    created_at: datetime
    updated_at: datetime
    note: str | None = None
    version: int = 1


class AssessmentRepository(Protocol):
    """Everything of the assessment for one enterprise record, scoped to the caller's tenant.

    The lists (and a scan by id) are what the caller may read, which for an insurer's
    underwriting staff includes the enterprises that asked it for a quote; an asset, finding or
    attachment by id is what a use case acts on, and is only ever the caller's own."""

    def add(self, item: object) -> None: ...
    def asset(self, asset_id: str) -> Asset: ...
    def assets(self, enterprise_id: str) -> Sequence[Asset]: ...
    def scan(self, scan_id: str) -> Scan: ...
    def scans(self, enterprise_id: str) -> Sequence[Scan]: ...
    def finding(self, finding_id: str) -> FindingRecord: ...
    def findings(self, enterprise_id: str) -> Sequence[FindingRecord]: ...
    def answer_sets(self, enterprise_id: str) -> Sequence[AnswerSetRecord]: ...
    def lock_answers(self, enterprise_id: str) -> None:
        """Until the transaction ends, other saves of this enterprise's answers wait, so the
        latest version read now is still the latest when the next one is written."""
        ...

    def attachment(self, attachment_id: str) -> Attachment: ...
    def task(self, task_id: str) -> ServiceTask: ...
    def tasks(self) -> Sequence[ServiceTask]:
        """The caller's tasks: its own enterprises' or, for a provider, those assigned to it."""
        ...


class IntelStore(Protocol):
    """Platform reference data: feed files kept verbatim under their SHA-256."""

    def store(self, *, name: str, kind: str, records: int, content: bytes) -> bool: ...
    def manifest(self) -> list[tuple[str, str, str, int]]: ...
    def content(self, sha256: str) -> bytes: ...


class AssessmentUnitOfWork(UnitOfWork, Protocol):
    @property
    def assessment(self) -> AssessmentRepository: ...
    @property
    def intel(self) -> IntelStore: ...
    @property
    def score_history(self) -> ScoreHistoryRepository:
        """Every change of an enterprise's score (:mod:`liubu.assessment.history`)."""
        ...
