"""Score history (评分轨迹): every change of an enterprise's score, with its reason.

The **in-term score** is the diagnosis score (:func:`liubu.assessment.security_score`) moved by
an ``adjustment`` (≤ 0 points) that in-term monitoring sets from the enterprise's active alerts
(``liubu.monitoring.scoring``): ``value = max(0, diagnosis + adjustment)`` to one decimal, graded
by the score model's bands. The diagnosis score already sits at or below its grade's ceiling,
so an adjustment can only lower the grade, never lift it past a cap.

Each :class:`ScoreChange` records the score and grade before and after, the diagnosis score and
the adjustment that made it, and why (:class:`ScoreChangeReason`: the diagnosis changed, an
alert opened or closed — with its id —, a rescan). A change is appended only when the score or
the grade moves (:func:`append_score`). The diagnosis's own changes (answers saved, a scan
finished) are noted by :func:`note_diagnosis`, which carries the last adjustment forward;
monitoring's ``rescore`` recomputes the adjustment.

Who reads an enterprise's history (the store scopes it): the insured, an insurer holding or
having held a policy (or a group certificate) on it, a security provider assigned to it, the
platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from liubu.accounts import new_id
from liubu.assessment.records import AssessmentUnitOfWork
from liubu.assessment.score_model import load_score_model, tenth
from liubu.assessment.scoring import SecurityScore
from liubu.errors import ValidationError
from liubu.products import Text

#: At most this many changes are read at once.
MAX_HISTORY = 1_000
MAX_REF = 64


class ScoreChangeReason(StrEnum):
    """Why the score moved."""

    DIAGNOSIS = "diagnosis"  # the diagnosis was re-run: answers saved, a scan finished
    ALERT_OPENED = "alert_opened"  # an alert on an insured asset became active
    ALERT_CLOSED = "alert_closed"  # an alert was fixed, closed or found a false positive
    RESCAN = "rescan"  # a monitoring rescan of insured assets


_REASON_TEXT = {
    ScoreChangeReason.DIAGNOSIS: ("诊断重新评分", "Diagnosis re-scored"),
    ScoreChangeReason.ALERT_OPENED: ("监控告警产生", "Monitoring alert opened"),
    ScoreChangeReason.ALERT_CLOSED: ("监控告警解除", "Monitoring alert resolved"),
    ScoreChangeReason.RESCAN: ("监控复扫", "Monitoring rescan"),
}


def reason_text(reason: str, ref: str | None = None) -> Text:
    """The reason as a person reads it, in Chinese and English (with the alert or scan id)."""
    zh, en = _REASON_TEXT[ScoreChangeReason(reason)]
    if ref:
        return Text(zh=f"{zh}（{ref}）", en=f"{en} ({ref})")
    return Text(zh=zh, en=en)


@dataclass(frozen=True, slots=True)
class InTermScore:
    """The diagnosis score moved by the monitoring adjustment: ``value`` and ``grade``."""

    value: Decimal
    grade: str
    diagnosis: Decimal
    adjustment: Decimal


def in_term_score(diagnosis: Decimal, adjustment: Decimal) -> InTermScore:
    """The in-term score of a diagnosis score and an adjustment (≤ 0).

    >>> s = in_term_score(Decimal("72.5"), Decimal("-10"))
    >>> s.value, s.grade
    (Decimal('62.5'), 'C')
    >>> in_term_score(Decimal("5"), Decimal("-30")).value
    Decimal('0.0')
    """
    if adjustment > 0:
        raise ValidationError(
            f"A monitoring adjustment lowers the score; {adjustment} is above 0.",
            field="adjustment",
            value=str(adjustment),
        )
    value = tenth(max(Decimal(0), diagnosis + adjustment))
    return InTermScore(value, load_score_model().grade_for(value), diagnosis, adjustment)


@dataclass(eq=False)
class ScoreChange:
    """One change of an enterprise's score (stored, audited). ``tenant_id`` is the insured's;
    ``score_before``/``grade_before`` are None for the first score recorded; ``ref`` names the
    alert or scan behind the change; ``detail`` holds what the adjustment was made of."""

    id: str
    tenant_id: str
    enterprise_id: str
    at: datetime
    score_before: Decimal | None
    grade_before: str | None
    score_after: Decimal
    grade_after: str
    diagnosis_score: Decimal
    adjustment: Decimal
    reason: str
    created_by: str
    recorded_at: datetime  # when it was written: the latest change is the last recorded
    ref: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    version: int = 1

    @property
    def text(self) -> Text:
        return reason_text(self.reason, self.ref)

    @property
    def delta(self) -> Decimal | None:
        return None if self.score_before is None else self.score_after - self.score_before

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "at": self.at.isoformat(),
            "score_before": None if self.score_before is None else str(self.score_before),
            "grade_before": self.grade_before,
            "score_after": str(self.score_after),
            "grade_after": self.grade_after,
            "diagnosis_score": str(self.diagnosis_score),
            "adjustment": str(self.adjustment),
            "reason": self.reason,
            "ref": self.ref,
            "text": self.text.to_dict(),
            "detail": dict(self.detail),
        }


class ScoreHistoryRepository(Protocol):
    """Score changes, scoped to the caller (see the module's documentation)."""

    def add(self, change: ScoreChange) -> None:
        """Append a change of an enterprise the caller may read (else PermissionDeniedError)."""
        ...

    def tenant_of(self, enterprise_id: str) -> str:
        """The insured's tenant (the history's owner); NotFoundError when the caller may not
        read the enterprise's history."""
        ...

    def latest(self, enterprise_id: str) -> ScoreChange | None:
        """The enterprise's latest change, whoever may read it (a use case's own bookkeeping:
        the caller has been checked by then)."""
        ...

    def changes(
        self,
        enterprise_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = MAX_HISTORY,
    ) -> Sequence[ScoreChange]:
        """The changes the caller may read, oldest first, ``since`` ≤ at ≤ ``until``."""
        ...


#: The assessment's unit of work carries the score history.
ScoreHistoryUnitOfWork = AssessmentUnitOfWork


def _now() -> datetime:
    return datetime.now(UTC)


def _check_ref(ref: str | None) -> None:
    if ref is not None and not 0 < len(ref) <= MAX_REF:
        raise ValidationError(
            f"A score change's reference has 1 to {MAX_REF} characters.", field="ref"
        )


def append_score(
    uow: ScoreHistoryUnitOfWork,
    enterprise_id: str,
    *,
    diagnosis: Decimal,
    adjustment: Decimal,
    reason: ScoreChangeReason,
    at: datetime,
    ref: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> ScoreChange | None:
    """Append the change to ``diagnosis + adjustment`` when the score or grade moved since the
    enterprise's latest change (or none was recorded yet); None when nothing moved. Runs in the
    caller's transaction."""
    _check_ref(ref)
    now = in_term_score(diagnosis, adjustment)
    last = uow.score_history.latest(enterprise_id)
    if last is not None and (last.score_after, last.grade_after) == (now.value, now.grade):
        return None
    tenant_id = uow.score_history.tenant_of(enterprise_id)
    change = ScoreChange(
        id=new_id(),
        tenant_id=tenant_id,
        enterprise_id=enterprise_id,
        at=at,
        score_before=None if last is None else last.score_after,
        grade_before=None if last is None else last.grade_after,
        score_after=now.value,
        grade_after=now.grade,
        diagnosis_score=now.diagnosis,
        adjustment=now.adjustment,
        reason=str(reason),
        created_by=uow.principal.user_id,
        recorded_at=_now(),
        ref=ref,
        detail=dict(detail or {}),
    )
    uow.score_history.add(change)
    return change


def current_adjustment(uow: ScoreHistoryUnitOfWork, enterprise_id: str) -> Decimal:
    """The monitoring adjustment the latest change recorded (0 when none was)."""
    last = uow.score_history.latest(enterprise_id)
    return Decimal(0) if last is None else last.adjustment


def note_diagnosis(
    uow: ScoreHistoryUnitOfWork,
    enterprise_id: str,
    diagnosis: SecurityScore,
    *,
    at: datetime | None = None,
    ref: str | None = None,
) -> ScoreChange | None:
    """Record a diagnosis score change (answers saved, a scan finished) with the adjustment
    monitoring last set; in the caller's transaction."""
    return append_score(
        uow,
        enterprise_id,
        diagnosis=diagnosis.value,
        adjustment=current_adjustment(uow, enterprise_id),
        reason=ScoreChangeReason.DIAGNOSIS,
        at=at or _now(),
        ref=ref,
    )


def score_history(
    uow: ScoreHistoryUnitOfWork,
    enterprise_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ScoreChange]:
    """The enterprise's score changes, oldest first (at most :data:`MAX_HISTORY`); an enterprise
    whose history the caller may not read is not found (NotFoundError)."""
    if not enterprise_id or len(enterprise_id) > MAX_REF:
        raise ValidationError(
            f"An enterprise id has 1 to {MAX_REF} characters.", field="enterprise"
        )
    with uow:
        uow.score_history.tenant_of(enterprise_id)  # NotFoundError: not the caller's to read
        return list(uow.score_history.changes(enterprise_id, since=since, until=until))
