"""Use cases of an appeal (申诉) against a statement of loss — what the statement promises:

- :func:`lodge_appeal`: the insured names the worksheet lines it disputes (by the step codes the
  worksheet shows: ``retention``, or ``sublimit:forensics`` for a step of one coverage), its
  reasons and, optionally, evidence already uploaded to the claim; within the days the statement
  shows (:data:`~liubu.claims.documents.DEFAULT_APPEAL_DAYS`, counted from the day it was issued:
  the day of the assessment); one appeal open at a time.
- :func:`reassess_appeal`: an insurer adjuster who did **not** make the assessment under appeal
  re-runs it — the same path as :func:`~liubu.claims.assess_claim`, with corrected inputs. The
  appeal keeps both worksheets; the claim's own stays as it was until the decision.
- :func:`decide_appeal`: upheld, partly upheld or dismissed, with written reasons, by the
  re-assessing adjuster or a higher authority (never the original assessor). When the payable
  changes, each coverage line's reserve moves by the change in that coverage's payable through
  the reserve use case (above authority: an approval request, as any reserve), the re-assessed
  worksheet becomes the claim's (the statement of loss the insured reads) and the claim's
  timeline says so. A dismissal leaves the payable as it was.

Every step is audited; appeals are seen by the insurer and the insured, by no one else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from liubu.accounts import Role, new_id
from liubu.claims._common import (
    committed,
    insurers_claim,
    now,
    require_adjuster,
    require_open,
    text,
)
from liubu.claims.documents import (
    DEFAULT_APPEAL_DAYS,
    AppealDecisionDocument,
    DocumentHeader,
    appeal_decision,
)
from liubu.claims.losses import BusinessInterruption, LossItem
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import (
    Appeal,
    AppealOutcome,
    AppealState,
    Claim,
    ClaimState,
    Phase,
    TimelineEntry,
)
from liubu.claims.service_assessment import Rulings, _position, adjusted, assessed_by
from liubu.claims.service_money import ReserveOutcome, reserve_claim_line
from liubu.claims.service_notice import spec_of
from liubu.claims.worksheet import AdjustmentWorksheet, WorksheetLine
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_LINES = 50
MAX_LINE_CHARS = 100
MAX_EVIDENCE = 20


def statement_issued_on(claim: Claim) -> date | None:
    """The day the claim's statement of loss was issued (the day of its assessment, Shanghai);
    None before an assessment. Worksheets stored before appeals existed carry no assessment
    time: their claim's last change stands in for it."""
    if claim.worksheet is None:
        return None
    _, at = assessed_by(claim.worksheet)
    return (at or claim.updated_at).astimezone(SHANGHAI).date()


def appeal_last_day(issued_on: date, days: int = DEFAULT_APPEAL_DAYS) -> date:
    """The last day to appeal a statement issued on ``issued_on``: ``days`` days after it."""
    return issued_on + timedelta(days=days)


def worksheet_step(line: WorksheetLine) -> str:
    """A worksheet line's step as an appeal names it: ``code`` or ``code:coverage``."""
    return line.code if line.coverage is None else f"{line.code}:{line.coverage}"


def worksheet_steps(sheet: AdjustmentWorksheet) -> tuple[str, ...]:
    """The steps of a worksheet as an appeal names them, each once, in worksheet order."""
    return tuple(dict.fromkeys(worksheet_step(line) for line in sheet.lines))


def _visible_appeal(uow: ClaimsUnitOfWork, claim: Claim, appeal_id: str) -> Appeal:
    appeal = uow.claims.appeal(appeal_id, lock=True)
    if appeal.claim_id != claim.id:
        raise NotFoundError(f"No appeal with id {appeal_id!r} on claim {claim.number}.")
    return appeal


def _party_claim(uow: ClaimsUnitOfWork, claim_id: str, *, lock: bool = False) -> Claim:
    """The claim, for its insurer or its insured; anyone else (a vendor too): absent."""
    claim = uow.claims.claim(claim_id, lock=lock)
    me = uow.principal.tenant_id
    if not uow.principal.is_platform and me not in (claim.tenant_id, claim.client_tenant_id):
        raise NotFoundError(f"No claim of yours with id {claim_id!r}.")
    return claim


def _lines(lines: Sequence[str], sheet: AdjustmentWorksheet) -> tuple[str, ...]:
    steps = worksheet_steps(sheet)
    named = tuple(dict.fromkeys(str(x).strip() for x in lines if str(x).strip()))
    unknown = [x for x in named if x not in steps]
    if not named or len(named) > MAX_LINES or unknown:
        shown = ", ".join(x[:MAX_LINE_CHARS] for x in unknown[:5])
        raise ValidationError(
            f"Name 1 to {MAX_LINES} disputed lines among the worksheet's steps "
            f"({', '.join(steps)})" + (f"; not among them: {shown}." if unknown else "."),
            code=ClaimsCode.APPEAL_BAD_LINES,
            field="lines",
            value=shown[:64],
        )
    return named


@committed
def lodge_appeal(
    uow: ClaimsUnitOfWork,
    claim_id: str,
    *,
    lines: Sequence[str],
    reasons: str,
    evidence_ids: Sequence[str] = (),
) -> Appeal:
    """The insured appeals the statement of loss of its claim (申诉)."""
    claim = _party_claim(uow, claim_id, lock=True)
    if uow.principal.tenant_id != claim.client_tenant_id:
        raise PermissionDeniedError("Only the insured may appeal its statement of loss.")
    if claim.worksheet is None:
        closed = claim.state is ClaimState.CLOSED
        raise ConflictError(
            f"Claim {claim.number} "
            + ("was closed without an assessment." if closed else "has not been assessed yet."),
            code=ClaimsCode.APPEAL_CLOSED_UNASSESSED if closed else ClaimsCode.APPEAL_NO_STATEMENT,
        )
    if any(a.state is not AppealState.DECIDED for a in uow.claims.appeals(claim.id)):
        raise ConflictError(
            f"An appeal on claim {claim.number} is still waiting for its decision.",
            code=ClaimsCode.APPEAL_ALREADY_OPEN,
        )
    issued = statement_issued_on(claim)
    assert issued is not None
    today = now().astimezone(SHANGHAI).date()
    if today > appeal_last_day(issued):
        raise ConflictError(
            f"The statement of loss was issued on {issued}; appeals were possible until "
            f"{appeal_last_day(issued)} ({DEFAULT_APPEAL_DAYS} days).",
            code=ClaimsCode.APPEAL_WINDOW_CLOSED,
        )
    sheet = AdjustmentWorksheet.from_dict(claim.worksheet)
    disputed = _lines(lines, sheet)
    why = text(reasons, field="reasons")
    kept = {e.id for e in uow.claims.evidence(claim.id)}
    named = tuple(dict.fromkeys(str(e).strip() for e in evidence_ids if str(e).strip()))
    if len(named) > MAX_EVIDENCE or any(e not in kept for e in named):
        raise ValidationError(
            f"Name at most {MAX_EVIDENCE} pieces of evidence uploaded to claim {claim.number}.",
            code=ClaimsCode.APPEAL_BAD_EVIDENCE,
            field="evidence_ids",
        )
    by, _ = assessed_by(claim.worksheet)
    appeal = Appeal(
        id=new_id(),
        tenant_id=claim.tenant_id,
        client_tenant_id=claim.client_tenant_id,
        claim_id=claim.id,
        state=AppealState.OPEN,
        lines=disputed,
        reasons=why,
        evidence_ids=named,
        lodged_by=uow.principal.user_id,
        lodged_at=now(),
        statement_issued_on=issued,
        assessed_by=by or "",
        original=claim.worksheet,
        original_payable=sheet.payable.amount,
    )
    uow.claims.add_appeal(appeal)
    uow.audit.record(
        "claims.appeal_lodged",
        entity_type="claim_appeals",
        entity_id=appeal.id,
        tenant_id=claim.tenant_id,
        after={"claim_id": claim.id, "lines": list(disputed), "evidence": list(named)},
    )
    return appeal


@committed
def reassess_appeal(
    uow: ClaimsUnitOfWork,
    claim_id: str,
    appeal_id: str,
    *,
    items: Sequence[LossItem],
    business_interruption: Sequence[BusinessInterruption] = (),
    rulings: Rulings | None = None,
) -> Appeal:
    """Re-assess the claim under appeal with corrected inputs, by staff who did not make the
    assessment under appeal; kept with the appeal (the claim's worksheet is unchanged)."""
    claim = insurers_claim(uow, claim_id, lock=True)  # anyone but its insurer: absent
    require_adjuster(uow.principal)
    appeal = _visible_appeal(uow, claim, appeal_id)
    if appeal.state is AppealState.DECIDED:
        raise ConflictError("The appeal is decided already.", code=ClaimsCode.APPEAL_STATE)
    if uow.principal.user_id == appeal.assessed_by:
        raise PermissionDeniedError(
            "You made the assessment under appeal; another adjuster must re-assess it.",
            code=ClaimsCode.APPEAL_SAME_ADJUSTER,
        )
    require_open(claim)
    sheet, document = adjusted(
        uow, claim, items=items, business_interruption=business_interruption, rulings=rulings
    )
    saved = uow.claims.save_appeal(
        replace(
            appeal,
            state=AppealState.REASSESSED,
            reassessment=document,
            reassessed_by=uow.principal.user_id,
            reassessed_at=now(),
            new_payable=sheet.payable.amount,
        )
    )
    uow.audit.record(
        "claims.appeal_reassessed",
        entity_type="claim_appeals",
        entity_id=appeal.id,
        tenant_id=claim.tenant_id,
        after={
            "claimed": str(sheet.claimed.amount),
            "payable_before": str(appeal.original_payable),
            "payable": str(sheet.payable.amount),
        },
    )
    return saved


@dataclass(frozen=True)
class AppealDecision:
    """The decided appeal and the reserve change of each coverage whose payable moved (an
    outcome with an approval request when the new reserve is above the decider's authority)."""

    appeal: Appeal
    reserves: tuple[ReserveOutcome, ...]


_OUTCOME_WORDS = {
    AppealOutcome.UPHELD: "申诉成立 / Appeal upheld",
    AppealOutcome.PARTLY_UPHELD: "申诉部分成立 / Appeal partly upheld",
    AppealOutcome.DISMISSED: "申诉不成立 / Appeal dismissed",
}


@committed
def decide_appeal(
    uow: ClaimsUnitOfWork, claim_id: str, appeal_id: str, *, outcome: str, reasons: str
) -> AppealDecision:
    """Decide a re-assessed appeal, with written reasons; a changed payable moves the reserves."""
    claim = insurers_claim(uow, claim_id, lock=True)  # anyone but its insurer: absent
    require_adjuster(uow.principal)
    appeal = _visible_appeal(uow, claim, appeal_id)
    try:
        decided = AppealOutcome(outcome)
    except ValueError:
        raise ValidationError(
            "The outcome is upheld, partly_upheld or dismissed.",
            field="outcome",
            value=str(outcome)[:64],
        ) from None
    if appeal.state is AppealState.DECIDED:
        raise ConflictError("The appeal is decided already.", code=ClaimsCode.APPEAL_STATE)
    if appeal.state is not AppealState.REASSESSED or appeal.reassessment is None:
        raise ConflictError(
            "Re-assess the appeal before deciding it.", code=ClaimsCode.APPEAL_NOT_REASSESSED
        )
    me = uow.principal.user_id
    higher = uow.principal.is_platform or Role.ADMIN in uow.principal.roles
    if me == appeal.assessed_by or (me != appeal.reassessed_by and not higher):
        raise PermissionDeniedError(
            "The re-assessing adjuster or a claims manager decides, never the original assessor.",
            code=ClaimsCode.APPEAL_DECIDER,
        )
    why = text(reasons, field="reasons")
    require_open(claim)
    old = AdjustmentWorksheet.from_dict(appeal.original)
    new = AdjustmentWorksheet.from_dict(appeal.reassessment)
    changed = new.payable != old.payable
    if changed == (decided is AppealOutcome.DISMISSED):
        raise ConflictError(
            f"The re-assessment makes the payable {new.payable.amount} (was "
            f"{old.payable.amount}): "
            + ("a dismissal leaves it unchanged." if changed else "nothing was upheld."),
            code=ClaimsCode.APPEAL_OUTCOME_MISMATCH,
        )
    moved = _move_reserves(uow, claim, appeal, old, new, decided) if changed else ()
    at = now()
    if changed:
        document = {
            **appeal.reassessment,
            "appeal": {"id": appeal.id, "decided_at": at.isoformat()},
        }
        uow.claims.save_claim(replace(claim, worksheet=document, updated_at=at))
    saved = uow.claims.save_appeal(
        replace(
            appeal,
            state=AppealState.DECIDED,
            outcome=decided,
            decision_reasons=why,
            decided_by=me,
            decided_at=at,
        )
    )
    uow.claims.add_timeline(
        TimelineEntry(
            new_id(),
            claim.tenant_id,
            claim.id,
            Phase.OTHER,
            at,
            me,
            uow.principal.tenant_id,
            f"{_OUTCOME_WORDS[decided]}（申诉复核决定书已出具 / the appeal decision is issued）",
        )
    )
    uow.audit.record(
        "claims.appeal_decided",
        entity_type="claim_appeals",
        entity_id=appeal.id,
        tenant_id=claim.tenant_id,
        after={
            "outcome": str(decided),
            "payable_before": str(old.payable.amount),
            "payable_after": str((new if changed else old).payable.amount),
        },
    )
    return AppealDecision(saved, moved)


def _move_reserves(
    uow: ClaimsUnitOfWork,
    claim: Claim,
    appeal: Appeal,
    old: AdjustmentWorksheet,
    new: AdjustmentWorksheet,
    outcome: AppealOutcome,
) -> tuple[ReserveOutcome, ...]:
    """Each coverage's reserve moved by the change in its payable (never below nothing)."""
    lines = {line.coverage: line for line in uow.claims.reserve_lines(claim.id)}
    coverages = dict.fromkeys(
        [c.coverage for c in old.coverages] + [c.coverage for c in new.coverages]
    )
    moved = []
    for coverage in coverages:
        before, after = old.payable_for(coverage).amount, new.payable_for(coverage).amount
        if before == after:
            continue
        current = lines[coverage].reserve if coverage in lines else Decimal(0)
        moved.append(
            reserve_claim_line(
                uow,
                claim,
                coverage=coverage,
                amount=max(current + after - before, Decimal(0)),
                reason=f"Appeal {appeal.id} {outcome}: payable under {coverage} "
                f"{before} → {after}.",
            )
        )
    return tuple(moved)


def appeals_of(uow: ClaimsUnitOfWork, claim_id: str) -> tuple[Appeal, ...]:
    """The appeals of a claim, for its insurer and its insured (anyone else: 404)."""
    with uow:
        claim = _party_claim(uow, claim_id)
        return tuple(uow.claims.appeals(claim.id))


def appeal_of(uow: ClaimsUnitOfWork, claim_id: str, appeal_id: str) -> tuple[Claim, Appeal]:
    """One appeal of a claim with the claim, for its insurer and its insured."""
    with uow:
        claim = _party_claim(uow, claim_id)
        appeal = uow.claims.appeal(appeal_id)
        if appeal.claim_id != claim.id:
            raise NotFoundError(f"No appeal with id {appeal_id!r} on claim {claim.number}.")
        return claim, appeal


def undecided_appeals(uow: ClaimsUnitOfWork) -> tuple[Appeal, ...]:
    """The caller's insurer's appeals waiting for a re-assessment or a decision."""
    with uow:
        require_adjuster(uow.principal)
        return tuple(uow.claims.undecided_appeals())


def appeal_payload(appeal: Appeal) -> dict[str, Any]:
    """An appeal as plain JSON-ready values (API and CLI show the same)."""

    return {
        "id": appeal.id,
        "claim_id": appeal.claim_id,
        "state": str(appeal.state),
        "lines": list(appeal.lines),
        "reasons": appeal.reasons,
        "evidence_ids": list(appeal.evidence_ids),
        "lodged_at": appeal.lodged_at.isoformat(),
        "statement_issued_on": appeal.statement_issued_on.isoformat(),
        "original_payable": str(appeal.original_payable),
        "new_payable": None if appeal.new_payable is None else str(appeal.new_payable),
        "reassessed_at": None if appeal.reassessed_at is None else appeal.reassessed_at.isoformat(),
        "outcome": None if appeal.outcome is None else str(appeal.outcome),
        "decision_reasons": appeal.decision_reasons,
        "decided_at": None if appeal.decided_at is None else appeal.decided_at.isoformat(),
    }


def appeal_decision_document(
    uow: ClaimsUnitOfWork, claim_id: str, appeal_id: str
) -> AppealDecisionDocument:
    """The decision document of a decided appeal, for the insurer and the insured."""
    with uow:
        claim, appeal = appeal_of(uow, claim_id, appeal_id)
        if appeal.state is not AppealState.DECIDED or appeal.reassessment is None:
            raise ConflictError("The appeal is not decided yet.", code=ClaimsCode.APPEAL_STATE)
        policy = uow.underwriting.policy(claim.policy_id)
        spec = spec_of(uow, policy)
        _, terms = _position(uow, claim, None)
    assert appeal.outcome is not None
    assert appeal.decided_at is not None
    decided_on = appeal.decided_at.astimezone(SHANGHAI).date()
    header = DocumentHeader(
        claim_reference=claim.number,
        policy_number=policy.number,
        insured_name=policy.submission.enterprise.name,
        product_name=spec.name,
        issued_on=decided_on,
        insurer_name=spec.insurer_name,
    )
    return appeal_decision(
        header=header,
        original=AdjustmentWorksheet.from_dict(appeal.original),
        reassessed=AdjustmentWorksheet.from_dict(appeal.reassessment),
        terms=terms,
        disputed=appeal.lines,
        appellant_reasons=appeal.reasons,
        outcome=str(appeal.outcome),
        reasons=appeal.decision_reasons or "",
        lodged_on=appeal.lodged_at.astimezone(SHANGHAI).date(),
        statement_issued_on=appeal.statement_issued_on,
        decided_on=decided_on,
    )
