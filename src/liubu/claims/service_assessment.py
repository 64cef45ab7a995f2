"""Use cases of the assessment (定损): the coverage position of a stored claim and its adjustment
worksheet, over the pure :func:`~liubu.claims.coverage.coverage_position` and
:func:`~liubu.claims.adjustment.adjust` — one path that applies the bound wording.

- The claim's terms are the policy's bound terms (:func:`claim_terms`, at the policy's current
  limit); the occurrence time is the start of the loss day in Asia/Shanghai (a notice records
  the day, not the hour), so it never falls after the discovery.
- **Earlier claims erode the aggregate**: what the insurer has paid or earmarked on the policy's
  other claims (their reserve lines' ``paid``, less their recoveries) is the
  :class:`EarlierInPeriod` of this claim — a policy is one policy period. The retention they
  used is not recorded by claims yet, so an annual aggregate retention is not eroded by them.
- The worksheet is stored with the claim (JSON with its ``schema`` version) and audited; assessing
  again replaces it (the audit keeps each one's totals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from liubu.claims._common import committed, insurers_claim, now, require_adjuster, require_open
from liubu.claims.adjustment import adjust
from liubu.claims.coverage import coverage_position
from liubu.claims.losses import BusinessInterruption, EarlierInPeriod, LossItem
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.position import CoveragePosition
from liubu.claims.records import Claim
from liubu.claims.service_notice import spec_of
from liubu.claims.terms import ClaimTerms, claim_terms
from liubu.claims.worksheet import AdjustmentWorksheet
from liubu.core import Money

SHANGHAI = ZoneInfo("Asia/Shanghai")
Rulings = Mapping[str, tuple[str, str]]


def _position(
    uow: ClaimsUnitOfWork, claim: Claim, rulings: Rulings | None
) -> tuple[CoveragePosition, ClaimTerms]:
    policy = uow.underwriting.policy(claim.policy_id)
    spec = spec_of(uow, policy)
    terms = claim_terms(
        spec,
        policy.terms,
        period_start=policy.period_start,
        period_end=policy.period_end,
        limit=policy.limit,
    )
    occurred = datetime.combine(claim.occurred_on, time(0), tzinfo=SHANGHAI)
    position = coverage_position(
        terms,
        spec,
        incident_type=claim.incident_type,
        occurred_at=min(occurred, claim.discovered_at),
        discovered_at=claim.discovered_at,
        notified_at=claim.notified_at,
        rulings=rulings,
    )
    return position, terms


def coverage_of(
    uow: ClaimsUnitOfWork, claim_id: str, *, rulings: Rulings | None = None
) -> CoveragePosition:
    """The coverage position (承保意见) of a claim: which coverages respond, which exclusions
    apply (the adjuster's rulings), the trigger — read by the insurer and the insured."""
    with uow:
        claim = uow.claims.claim(claim_id)
        me = uow.principal.tenant_id
        if not uow.principal.is_platform and me not in (claim.tenant_id, claim.client_tenant_id):
            claim = insurers_claim(uow, claim_id)  # a vendor: absent
        if rulings:
            require_adjuster(uow.principal)
            insurers_claim(uow, claim_id)
        return _position(uow, claim, rulings)[0]


def _earlier(uow: ClaimsUnitOfWork, claim: Claim) -> EarlierInPeriod:
    paid = Decimal(0)
    for other in uow.claims.claims_of_policy(claim.policy_id):
        if other.id == claim.id:
            continue
        paid += sum((line.paid for line in uow.claims.reserve_lines(other.id)), Decimal(0))
        paid -= sum((r.amount for r in uow.claims.recoveries(other.id)), Decimal(0))
    return EarlierInPeriod(paid=Money(max(paid, Decimal(0))))


def adjusted(
    uow: ClaimsUnitOfWork,
    claim: Claim,
    *,
    items: Sequence[LossItem],
    business_interruption: Sequence[BusinessInterruption] = (),
    rulings: Rulings | None = None,
) -> tuple[AdjustmentWorksheet, dict[str, Any]]:
    """The worksheet of ``claim`` and the document the claim stores: the worksheet's JSON with
    the position and who assessed it, when (the statement of loss is issued on that day, and
    an appeal's window runs from it). Writes nothing: the assessment and an appeal's
    re-assessment both come this one way."""
    position, terms = _position(uow, claim, rulings)
    sheet = adjust(
        terms,
        tuple(items),
        business_interruption=tuple(business_interruption) or None,
        earlier_in_period=_earlier(uow, claim),
        position=position,
    )
    document = {
        **sheet.to_dict(),
        "position": position.to_dict(),
        "assessment": {"by": uow.principal.user_id, "at": now().isoformat()},
    }
    return sheet, document


def assessed_by(document: Mapping[str, Any]) -> tuple[str | None, datetime | None]:
    """Who made the assessment a stored worksheet records, and when (None before appeals
    existed: worksheets stored then carry neither)."""
    found = document.get("assessment") or {}
    at = found.get("at")
    return found.get("by"), None if at is None else datetime.fromisoformat(str(at))


@committed
def assess_claim(
    uow: ClaimsUnitOfWork,
    claim_id: str,
    *,
    items: Sequence[LossItem],
    business_interruption: Sequence[BusinessInterruption] = (),
    rulings: Rulings | None = None,
) -> AdjustmentWorksheet:
    """Assess a claim (定损): the adjustment worksheet of its itemised losses under the policy's
    terms, the coverage position and the aggregate eroded by the policy's earlier claims; kept
    with the claim."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    require_open(claim)
    sheet, document = adjusted(
        uow, claim, items=items, business_interruption=business_interruption, rulings=rulings
    )
    uow.claims.save_claim(replace(claim, worksheet=document, updated_at=now()))
    uow.audit.record(
        "claims.assessed",
        entity_type="claims",
        entity_id=claim.id,
        tenant_id=claim.tenant_id,
        after={
            "claimed": str(sheet.claimed.amount),
            "payable": str(sheet.payable.amount),
            "aggregate_before": str(sheet.aggregate_before.amount),
            "position": document["position"]["position"],
        },
    )
    return sheet
