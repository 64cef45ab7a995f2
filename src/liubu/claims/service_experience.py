"""Claims feed the experience store (理赔数据反哺定价): the insurer's policies of a product, with
their claims, as policy-period experience rows that :func:`liubu.experience.indicate` reads.

Chosen design: a use case that *rebuilds* the product's claims-fed rows in one transaction,
rather than a row updated on every payment — a reserve or payment changes incurred many times a
day, while an indication is asked for rarely; a rebuild is idempotent (run it twice, the same
rows), atomic (the old rows go and the new ones come in the same transaction) and leaves the
rows uploaded from files untouched (they carry another source).

One row per policy (its number) and policy year (the year of its inception):

- ``exposure_years`` = days on cover up to ``as_of`` (its period end, or its cancellation if
  earlier) ÷ 365; a policy not yet on cover is left out;
- ``claim_count`` = its claims with anything incurred (a claim closed without payment counts
  none); ``incurred_loss`` = Σ over its claims of paid + outstanding case reserve − recovered;
- factors: ``security_grade`` (the grade priced at binding) and ``mlps_level`` (``none`` when
  not graded) — the factors the filed rate plans rate on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from liubu.accounts import OrgKind, Role, require
from liubu.claims._common import committed, now
from liubu.claims.ports import ClaimsUnitOfWork
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


def _cover_end(uow: ClaimsUnitOfWork, policy: Policy) -> date:
    if policy.status == PolicyState.CANCELLED:
        ends = [e.effective for e in uow.underwriting.events(policy.id) if e.kind == "cancel"]
        if ends:
            return min(ends)
    return policy.period_end


def _incurred(uow: ClaimsUnitOfWork, claim_id: str) -> Decimal:
    lines = uow.claims.reserve_lines(claim_id)
    recovered = sum((r.amount for r in uow.claims.recoveries(claim_id)), Decimal(0))
    return sum((line.paid + line.reserve for line in lines), Decimal(0)) - recovered


@committed
def experience_from_claims(
    uow: ClaimsUnitOfWork, product_ref: str, *, as_of: date | None = None
) -> ClaimsExperience:
    """Rebuild the insurer's claims-fed experience rows of ``product_ref`` (module doc)."""
    require(uow.principal, *BUILDERS, kinds=[OrgKind.INSURER])
    day = as_of or now().date()
    me = uow.principal.tenant_id
    rows: list[tuple[str, int, float, int, float, str, str]] = []
    for policy in uow.underwriting.policies():
        if policy.tenant_id != me or policy.product_ref != product_ref:
            continue
        days = (min(day, _cover_end(uow, policy)) - policy.period_start).days
        if days <= 0:
            continue
        incurred = [_incurred(uow, c.id) for c in uow.claims.claims_of_policy(policy.id)]
        mlps = policy.submission.enterprise.mlps_level
        rows.append(
            (
                policy.number,
                policy.period_start.year,
                days / 365,
                sum(1 for amount in incurred if amount > 0),
                float(sum(incurred, Decimal(0))),
                policy.submission.grade,
                "none" if mlps is None else str(mlps),
            )
        )
    if not rows:
        raise NotFoundError(f"No policy of yours of {product_ref} has been on cover yet.")
    data = ExperienceData(
        policy_id=np.array([r[0] for r in rows], dtype=np.str_),
        period=np.array([r[1] for r in rows], dtype=np.int64),
        exposure=np.array([r[2] for r in rows], dtype=np.float64),
        claim_count=np.array([r[3] for r in rows], dtype=np.int64),
        incurred_loss=np.array([r[4] for r in rows], dtype=np.float64),
        factors={
            "security_grade": np.array([r[5] for r in rows], dtype=np.str_),
            "mlps_level": np.array([r[6] for r in rows], dtype=np.str_),
        },
        source=SOURCE,
    )
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
