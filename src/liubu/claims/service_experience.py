"""Claims feed the experience store (理赔数据反哺定价): the insurer's policies of a product, with
their claims, as policy-period experience rows that :func:`liubu.experience.indicate` reads.

Two paths, one row computation (:func:`_row`):

- **the feed** (:func:`feed_policy`): every use case that moves a claim's incurred — the notice
  with its opening reserves, a reserve set or approved, a payment asked or declined, a
  recovery, a close (reserves released), a reopen — calls it inside its own transaction, so the
  policy's row is current the moment the change commits, or neither is. Incremental: only that
  policy's row is rewritten. Explicit calls in the use cases rather than a store-level hook:
  the row needs the policy's cover, grade and cancellation — domain facts a flush listener on
  the claims tables would have to re-derive — and claims records are written with Core
  statements that no ORM hook sees;
- **the rebuild** (:func:`experience_from_claims`): every policy of the product, rewritten at
  once — the repair path, and the one that brings policies without a claim (and exposures
  grown since a policy's last claims change) into the experience.

One row per policy (its number) and policy year (the year of its inception):

- ``exposure_years`` = days on cover up to ``as_of`` (its period end, or its cancellation if
  earlier) ÷ 365; a policy not yet on cover is left out. The feed values it on the day of the
  change;
- ``claim_count`` = its claims with anything incurred (a claim closed without payment counts
  none); ``incurred_loss`` = Σ over its claims of paid + outstanding case reserve − recovered;
- factors: ``security_grade`` (the grade priced at binding) and ``mlps_level`` (``none`` when
  not graded) — the factors the filed rate plans rate on — and ``industry_section`` (GB/T 4754),
  the segment whose experience the technical premium blends with the library's prior
  (``liubu.underwriting.experience_credit``).

A policy-period already stored from an imported file keeps the file's row (the store leaves the
fed one out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from liubu.accounts import OrgKind, Role, require
from liubu.claims._common import committed, now
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.core import shanghai_today
from liubu.errors import NotFoundError
from liubu.experience import ExperienceData
from liubu.underwriting import Policy, PolicyState

SOURCE = "claims store"
BUILDERS = (Role.ACTUARY, Role.CLAIMS_ADJUSTER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class ClaimsExperience:
    product_ref: str
    policies: int
    claims: int
    incurred_loss: Decimal
    exposure_years: Decimal


Row = tuple[str, int, float, int, Decimal, str, str, str]


def _row(uow: ClaimsUnitOfWork, policy: Policy, day: date) -> Row | None:
    """The policy's experience row valued on ``day`` (module doc); None before its cover."""
    losses = uow.claims.policy_losses(policy.id)
    end = policy.period_end
    if policy.status == PolicyState.CANCELLED and losses.cancelled_on is not None:
        end = losses.cancelled_on
    days = (min(day, end) - policy.period_start).days
    if days <= 0:
        return None
    mlps = policy.submission.enterprise.mlps_level
    return (
        policy.number,
        policy.period_start.year,
        days / 365,
        sum(1 for amount in losses.incurred if amount > 0),
        sum(losses.incurred, Decimal("0.00")),
        policy.submission.grade,
        "none" if mlps is None else str(mlps),
        policy.submission.enterprise.industry_section,
    )


def _data(rows: list[Row]) -> ExperienceData:
    return ExperienceData(
        policy_id=np.array([r[0] for r in rows], dtype=np.str_),
        period=np.array([r[1] for r in rows], dtype=np.int64),
        exposure=np.array([r[2] for r in rows], dtype=np.float64),
        claim_count=np.array([r[3] for r in rows], dtype=np.int64),
        incurred_loss=np.array([float(r[4]) for r in rows], dtype=np.float64),
        factors={
            "security_grade": np.array([r[5] for r in rows], dtype=np.str_),
            "mlps_level": np.array([r[6] for r in rows], dtype=np.str_),
            "industry_section": np.array([r[7] for r in rows], dtype=np.str_),
        },
        source=SOURCE,
    )


def feed_policy(uow: ClaimsUnitOfWork, policy: Policy) -> None:
    """Bring ``policy``'s claims-fed row up to date, in the caller's transaction (module doc).
    Called by the claims use cases after they have checked the caller acts on the policy; the
    row is the policy's insurer's, whoever the caller is (the insured's notice included)."""
    row = _row(uow, policy, shanghai_today(now()))
    rows = [] if row is None else [row]
    batch = uow.experience.feed_rows(
        _data(rows),
        tenant_id=policy.tenant_id,
        product_ref=policy.product_ref,
        source=SOURCE,
        policy_ids=[policy.number],
    )
    uow.audit.record(
        "claims_experience.fed_from_claims",
        entity_type="claims_experience",
        entity_id=batch,
        tenant_id=policy.tenant_id,
        after={
            "product_ref": policy.product_ref,
            "policy": policy.number,
            "period": policy.period_start.year,
            "exposure_years": None if row is None else f"{row[2]:.6f}",
            "claims": 0 if row is None else row[3],
            "incurred_loss": "0.00" if row is None else str(row[4]),
        },
    )


@committed
def experience_from_claims(
    uow: ClaimsUnitOfWork, product_ref: str, *, as_of: date | None = None
) -> ClaimsExperience:
    """Rebuild the insurer's claims-fed experience rows of ``product_ref`` (module doc)."""
    require(uow.principal, *BUILDERS, kinds=[OrgKind.INSURER])
    day = as_of or shanghai_today(now())
    me = uow.principal.tenant_id
    rows = [
        row
        for policy in uow.underwriting.policies()
        if policy.tenant_id == me and policy.product_ref == product_ref
        if (row := _row(uow, policy, day)) is not None
    ]
    if not rows:
        raise NotFoundError(f"No policy of yours of {product_ref} has been on cover yet.")
    data = _data(rows)
    stored = uow.experience.replace_source(data, product_ref=product_ref, source=SOURCE)
    summary = ClaimsExperience(
        product_ref,
        len(rows),
        int(sum(r[3] for r in rows)),
        Decimal(f"{sum(r[4] for r in rows):.2f}"),
        Decimal(f"{sum(r[2] for r in rows):.6f}"),
    )
    uow.audit.record(
        "claims_experience.rebuilt_from_claims",
        entity_type="claims_experience",
        entity_id=stored,
        after={
            "product_ref": product_ref,
            "policies": summary.policies,
            "claims": summary.claims,
            "incurred_loss": str(summary.incurred_loss),
        },
    )
    return summary
