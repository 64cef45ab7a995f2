"""Claims over HTTP (理赔): first notice of loss, the adjuster's queue, reserves and approvals,
exactly-once payments, recoveries, close and reopen, and incident response (panel, dispatch,
timeline, evidence, vendor costs). Thin: parse, call a use case of :mod:`liubu.claims`, render.

A claim is addressed by ``case_id`` (赔案 id). Who sees what is decided by the store: another
party's claim is 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile
from pydantic import BaseModel, Field

from liubu import claims
from liubu.api.deps import UowDep
from liubu.claims import Approval, Dispatch, Evidence, TimelineEntry
from liubu.core import Money as CoreMoney

router = APIRouter(prefix="/api/claims", tags=["claims"])

ID = Field(min_length=1, max_length=64)
Money = Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), max_digits=15, decimal_places=2)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class ContactIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=3, max_length=32, pattern=r"^[0-9+\- ]+$")


class NoticeCreate(BaseModel):
    policy_id: str = ID
    incident_type: str = Field(min_length=1, max_length=64)
    occurred_on: date
    discovered_at: datetime
    description: str = Field(min_length=1, max_length=4000)
    affected_assets: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    contact: ContactIn


class ReserveSet(BaseModel):
    coverage: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: Reason


class PayeeIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    bank_account: str = Field(min_length=4, max_length=34, pattern=r"^[0-9A-Za-z ]+$")


class PaymentCreate(BaseModel):
    coverage: str = Field(min_length=1, max_length=64)
    amount: Money
    payee: PayeeIn
    idempotency_key: str = Field(min_length=1, max_length=100)


class RecoveryCreate(BaseModel):
    kind: str = Field(pattern=r"^(subrogation|salvage)$")
    amount: Money
    counterparty: str = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=4000)


class StateChange(BaseModel):
    reason: Reason


class Decision(BaseModel):
    approve: bool
    reason: Reason


class VendorIn(BaseModel):
    vendor_id: str = ID


class Answer(BaseModel):
    accept: bool


class Costs(BaseModel):
    amount: Money
    note: Reason


class TimelineIn(BaseModel):
    phase: str = Field(pattern=r"^(triage|containment|eradication|recovery|other)$")
    note: str = Field(min_length=1, max_length=4000)
    at: datetime | None = None


def _approval(a: Approval) -> dict[str, Any]:
    return {
        "id": a.id,
        "claim_id": a.claim_id,
        "kind": str(a.kind),
        "coverage": a.coverage,
        "amount": str(a.amount),
        "reason": a.reason,
        "required_level": a.required_level,
        "state": str(a.state),
        "payment_id": a.payment_id,
        "requested_at": a.requested_at.isoformat(),
    }


def _dispatch(d: Dispatch) -> dict[str, Any]:
    return {
        "id": d.id,
        "claim_id": d.claim_id,
        "vendor_id": d.vendor_tenant_id,
        "state": str(d.state),
        "approved_costs": str(d.approved_costs),
        "dispatched_at": d.dispatched_at.isoformat(),
        "responded_at": None if d.responded_at is None else d.responded_at.isoformat(),
    }


def _entry(e: TimelineEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "phase": str(e.phase),
        "at": e.at.isoformat(),
        "actor_id": e.actor_id,
        "actor_tenant_id": e.actor_tenant_id,
        "note": e.note,
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.id,
        "filename": e.filename,
        "content_type": e.content_type,
        "size": e.size,
        "sha256": e.sha256,
        "uploaded_at": e.uploaded_at.isoformat(),
    }


def _view(uow: UowDep, case_id: str) -> dict[str, Any]:
    return claims.claim_document(claims.claim_view(uow, case_id))


@router.post("", status_code=201)
def notify(body: NoticeCreate, uow: UowDep, response: Response) -> dict[str, Any]:
    """First notice of loss (报案). An identical earlier notice (same policy, loss date, incident
    type and reporter) is returned instead, with ``duplicate: true`` and status 200."""
    result = claims.notify(
        uow,
        claims.Notice(
            policy_id=body.policy_id,
            incident_type=body.incident_type,
            occurred_on=body.occurred_on,
            discovered_at=body.discovered_at,
            description=body.description,
            contact=claims.Contact(body.contact.name, body.contact.phone),
            affected_assets=tuple(body.affected_assets),
        ),
    )
    if result.duplicate:
        response.status_code = 200
    return {**_view(uow, result.claim.id), "duplicate": result.duplicate}


@router.get("")
def queue(
    uow: UowDep,
    state: Annotated[str | None, Query(pattern=r"^(open|closed)$")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The claims you see, soonest incident-response deadline first, with each SLA clock."""
    return [
        {
            "id": c.id,
            "number": c.number,
            "policy_number": c.policy_number,
            "incident_type": c.incident_type,
            "state": str(c.state),
            "flags": [str(f) for f in c.flags],
            "notified_at": c.notified_at.isoformat(),
            "sla": c.sla(datetime.now(UTC)),
        }
        for c in claims.queue(uow, state=state, limit=limit)
    ]


@router.get("/approvals")
def approvals(uow: UowDep) -> list[dict[str, Any]]:
    """Your insurer's pending approval requests (reserves and payments above authority)."""
    return [_approval(a) for a in claims.approvals(uow)]


@router.post("/approvals/{approval_id}/decision")
def decide(approval_id: str, body: Decision, uow: UowDep) -> dict[str, Any]:
    return _approval(
        claims.decide_approval(uow, approval_id, approve=body.approve, reason=body.reason)
    )


@router.post("/payment-run")
def payment_run(uow: UowDep) -> dict[str, Any]:
    """Mark every approved payment of the outbox sent (the payment run)."""
    sent = claims.run_payments(uow)
    return {"sent": [claims.payment_document(p) for p in sent]}


@router.get("/panel")
def panel(uow: UowDep) -> dict[str, Any]:
    return {"vendors": list(uow.claims.panel(uow.principal.tenant_id))}


@router.post("/panel", status_code=201)
def add_to_panel(body: VendorIn, uow: UowDep) -> dict[str, Any]:
    return {"vendors": list(claims.add_to_panel(uow, body.vendor_id))}


@router.post("/dispatches/{dispatch_id}/answer")
def answer(dispatch_id: str, body: Answer, uow: UowDep) -> dict[str, Any]:
    return _dispatch(claims.answer_dispatch(uow, dispatch_id, accept=body.accept))


@router.post("/dispatches/{dispatch_id}/costs")
def approve_costs(dispatch_id: str, body: Costs, uow: UowDep) -> dict[str, Any]:
    return _dispatch(
        claims.approve_vendor_costs(uow, dispatch_id, amount=body.amount, note=body.note)
    )


class RulingIn(BaseModel):
    status: str = Field(pattern=r"^(applies|does_not_apply|undecided)$")
    reason: str = Field(default="", max_length=2000)


Rulings = Annotated[dict[Annotated[str, Field(max_length=64)], RulingIn], Field(max_length=50)]


class CoverageAsk(BaseModel):
    rulings: Rulings = Field(default_factory=dict)


class LossItemIn(BaseModel):
    coverage: str = Field(min_length=1, max_length=64)
    kind: str = Field(pattern=r"^(invoice|payroll|ransom|notification|settlement|fine|other)$")
    description: str = Field(min_length=1, max_length=500)
    amount: Money
    documents: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=50
    )
    count: int | None = Field(default=None, ge=0, le=10**9)
    sanctions_screened: bool = False
    sanctions_hit: bool = False


Hours = Annotated[Decimal, Field(gt=0, le=26352, max_digits=9, decimal_places=2)]


class InterruptionIn(BaseModel):
    outage_hours: Hours
    hourly_gross_profit: Money | None = None
    gross_profit: Money | None = None
    gross_profit_hours: Hours | None = None
    coverage: str = Field(default="business_interruption", min_length=1, max_length=64)
    documents: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=50
    )


class AssessmentIn(BaseModel):
    items: list[LossItemIn] = Field(default_factory=list, max_length=500)
    business_interruption: list[InterruptionIn] = Field(default_factory=list, max_length=5)
    rulings: Rulings = Field(default_factory=dict)


def _rulings(rulings: dict[str, RulingIn]) -> dict[str, tuple[str, str]]:
    return {code: (r.status, r.reason) for code, r in rulings.items()}


def _money(value: Decimal | None) -> CoreMoney | None:
    return None if value is None else CoreMoney(value)


def _items(body: AssessmentIn) -> list[claims.LossItem]:
    return [
        claims.LossItem(
            coverage=i.coverage,
            kind=claims.LossKind(i.kind),
            description=i.description,
            amount=CoreMoney(i.amount),
            documents=tuple(i.documents),
            count=i.count,
            sanctions_screened=i.sanctions_screened,
            sanctions_hit=i.sanctions_hit,
        )
        for i in body.items
    ]


def _interruptions(body: AssessmentIn) -> list[claims.BusinessInterruption]:
    return [
        claims.BusinessInterruption(
            outage_hours=b.outage_hours,
            hourly_gross_profit=_money(b.hourly_gross_profit),
            gross_profit=_money(b.gross_profit),
            gross_profit_hours=b.gross_profit_hours,
            coverage=b.coverage,
            documents=tuple(b.documents),
        )
        for b in body.business_interruption
    ]


class ExperienceRebuild(BaseModel):
    product: str = Field(min_length=3, max_length=200, description="insurer/code@version")
    as_of: date | None = None


@router.post("/experience")
def experience(body: ExperienceRebuild, uow: UowDep) -> dict[str, Any]:
    """Rebuild your insurer's claims-fed experience rows of a product (read by the rate
    indication, ``/api/experience/indication``)."""
    summary = claims.experience_from_claims(uow, body.product, as_of=body.as_of)
    return {
        "product": summary.product_ref,
        "policies": summary.policies,
        "claims": summary.claims,
        "incurred_loss": str(summary.incurred_loss),
        "exposure_years": str(summary.exposure_years),
    }


@router.get("/evidence/{evidence_id}")
def download(evidence_id: str, uow: UowDep) -> Response:
    """The evidence as uploaded, after checking it against its SHA-256."""
    evidence, content = claims.download_evidence(uow, evidence_id)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{evidence.id}",
            "X-Content-SHA256": evidence.sha256,
        },
    )


@router.get("/{case_id}")
def show(case_id: str, uow: UowDep) -> dict[str, Any]:
    """One claim: facts, flags, SLA clocks and the money you may see (incurred explained)."""
    return _view(uow, case_id)


@router.post("/{case_id}/reserves")
def set_reserve(case_id: str, body: ReserveSet, uow: UowDep) -> dict[str, Any]:
    outcome = claims.set_reserve(
        uow, case_id, coverage=body.coverage, amount=body.amount, reason=body.reason
    )
    return {
        "coverage": outcome.line.coverage,
        "reserve": str(outcome.line.reserve),
        "paid": str(outcome.line.paid),
        "approval": None if outcome.approval is None else _approval(outcome.approval),
    }


@router.post("/{case_id}/payments", status_code=201)
def pay(case_id: str, body: PaymentCreate, uow: UowDep, response: Response) -> dict[str, Any]:
    """A payment against a coverage line's reserve, once per idempotency key: the same request
    again returns the first payment (200); the same key with other content is refused (409)."""
    outcome = claims.pay(
        uow,
        case_id,
        coverage=body.coverage,
        amount=body.amount,
        payee=claims.Payee(body.payee.name, body.payee.bank_account),
        idempotency_key=body.idempotency_key,
    )
    if outcome.repeated:
        response.status_code = 200
    return {
        **claims.payment_document(outcome.payment),
        "repeated": outcome.repeated,
        "approval": None if outcome.approval is None else _approval(outcome.approval),
    }


@router.post("/{case_id}/recoveries", status_code=201)
def recover(case_id: str, body: RecoveryCreate, uow: UowDep) -> dict[str, Any]:
    recovery = claims.record_recovery(
        uow,
        case_id,
        kind=body.kind,
        amount=body.amount,
        counterparty=body.counterparty,
        note=body.note,
    )
    return {"id": recovery.id, "kind": str(recovery.kind), "amount": str(recovery.amount)}


@router.post("/{case_id}/close")
def close(case_id: str, body: StateChange, uow: UowDep) -> dict[str, Any]:
    claims.close(uow, case_id, reason=body.reason)
    return _view(uow, case_id)


@router.post("/{case_id}/reopen")
def reopen(case_id: str, body: StateChange, uow: UowDep) -> dict[str, Any]:
    claims.reopen(uow, case_id, reason=body.reason)
    return _view(uow, case_id)


@router.post("/{case_id}/coverage")
def coverage(case_id: str, body: CoverageAsk, uow: UowDep) -> dict[str, Any]:
    """The coverage position (承保意见): the coverages that respond, the exclusions (with the
    adjuster's rulings, if given: claims staff only) and the trigger."""
    return claims.coverage_of(uow, case_id, rulings=_rulings(body.rulings) or None).to_dict()


@router.post("/{case_id}/assessment")
def assess(case_id: str, body: AssessmentIn, uow: UowDep) -> dict[str, Any]:
    """Assess the claim (定损): the adjustment worksheet of the itemised losses under the bound
    terms, explained line by line; kept with the claim."""
    sheet = claims.assess_claim(
        uow,
        case_id,
        items=_items(body),
        business_interruption=_interruptions(body),
        rulings=_rulings(body.rulings) or None,
    )
    return sheet.to_dict()


class AppealIn(BaseModel):
    lines: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=50, description="worksheet steps: code or code:coverage"
    )
    reasons: str = Field(min_length=1, max_length=4000)
    evidence_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=20
    )


class AppealDecisionIn(BaseModel):
    outcome: str = Field(pattern=r"^(upheld|partly_upheld|dismissed)$")
    reasons: str = Field(min_length=1, max_length=4000)


@router.get("/{case_id}/appeals")
def appeals(case_id: str, uow: UowDep) -> list[dict[str, Any]]:
    """The appeals of a claim (申诉), for its insurer and its insured."""
    return [claims.appeal_payload(a) for a in claims.appeals_of(uow, case_id)]


@router.post("/{case_id}/appeals", status_code=201)
def appeal(case_id: str, body: AppealIn, uow: UowDep) -> dict[str, Any]:
    """The insured appeals the statement of loss: the disputed worksheet lines, its reasons and
    evidence already uploaded to the claim; within the days the statement shows."""
    lodged = claims.lodge_appeal(
        uow, case_id, lines=body.lines, reasons=body.reasons, evidence_ids=body.evidence_ids
    )
    return claims.appeal_payload(lodged)


@router.post("/{case_id}/appeals/{appeal_id}/reassess")
def reassess(case_id: str, appeal_id: str, body: AssessmentIn, uow: UowDep) -> dict[str, Any]:
    """Re-assess the claim under appeal (another adjuster than the one who assessed it), with
    corrected inputs; the appeal keeps both worksheets."""
    found = claims.reassess_appeal(
        uow,
        case_id,
        appeal_id,
        items=_items(body),
        business_interruption=_interruptions(body),
        rulings=_rulings(body.rulings) or None,
    )
    return {**claims.appeal_payload(found), "worksheet": found.reassessment}


@router.post("/{case_id}/appeals/{appeal_id}/decision")
def decide_appeal(
    case_id: str, appeal_id: str, body: AppealDecisionIn, uow: UowDep
) -> dict[str, Any]:
    """Decide a re-assessed appeal with written reasons; a changed payable moves the reserves."""
    decision = claims.decide_appeal(
        uow, case_id, appeal_id, outcome=body.outcome, reasons=body.reasons
    )
    return {
        **claims.appeal_payload(decision.appeal),
        "reserves": [
            {
                "coverage": r.line.coverage,
                "reserve": str(r.line.reserve),
                "approval_id": None if r.approval is None else r.approval.id,
            }
            for r in decision.reserves
        ],
    }


@router.post("/{case_id}/dispatches", status_code=201)
def dispatch(case_id: str, body: VendorIn, uow: UowDep) -> dict[str, Any]:
    return _dispatch(claims.dispatch(uow, case_id, vendor_tenant_id=body.vendor_id))


@router.get("/{case_id}/incident")
def incident(case_id: str, uow: UowDep) -> dict[str, Any]:
    """The incident response: dispatches, timeline and evidence (what a vendor sees)."""
    view = claims.incident_view(uow, case_id)
    claim = view.claim
    return {
        "id": claim.id,
        "number": claim.number,
        "incident_type": claim.incident_type,
        "state": str(claim.state),
        "occurred_on": claim.occurred_on.isoformat(),
        "description": claim.description,
        "affected_assets": list(claim.affected_assets),
        "contact": {"name": claim.contact_name_masked, "phone": claim.contact_phone_masked},
        "dispatches": [_dispatch(d) for d in view.dispatches],
        "timeline": [_entry(e) for e in view.timeline],
        "evidence": [_evidence(e) for e in view.evidence],
    }


@router.post("/{case_id}/timeline", status_code=201)
def timeline(case_id: str, body: TimelineIn, uow: UowDep) -> dict[str, Any]:
    return _entry(claims.log_timeline(uow, case_id, phase=body.phase, note=body.note, at=body.at))


@router.post("/{case_id}/evidence", status_code=201)
async def upload(case_id: str, uow: UowDep, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Evidence, kept as uploaded under its SHA-256 (encrypted at rest); never changed."""
    content = await file.read(claims.MAX_EVIDENCE_BYTES + 1)
    evidence = claims.upload_evidence(
        uow,
        case_id,
        filename=file.filename or "evidence",
        content_type=file.content_type or "",
        content=content,
    )
    return _evidence(evidence)
