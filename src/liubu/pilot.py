"""A synthetic book at pilot scale (`liubu demo --scale pilot`): 1,500 enterprise policies across
industries, regions and the catalogue's products, and 2,000,000 anti-fraud policies, so the
regulator's dashboard can be seen at the size the 2024–2025 pilots reached.

Every figure is fictitious: each synthetic enterprise gets a random security score and the filed
premium its product's rate plan gives for it; sums insured are the limits chosen.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from liubu import accounts
from liubu.accounts import EnterpriseFacts, OrgKind, acting_in, new_id
from liubu.assessment import load_score_model
from liubu.bootstrap import Platform
from liubu.core import Money, PersonalDataCipher, industry_divisions, provinces, uscc_with_check
from liubu.errors import LiubuError
from liubu.massissue import ImportPlan, ImportSummary, run_import, write_synthetic_csv
from liubu.products import FILED, ProductSpec, parse_product
from liubu.store.personal import SqlIssueStore
from liubu.underwriting import (
    Applicant,
    BoundTerms,
    OptionStatus,
    Policy,
    PolicyEvent,
    PricedOption,
    Quote,
    Submission,
    filed_price,
    option_terms,
    snapshot_of,
)

ENTERPRISE_TYPES = ("comprehensive", "property_loss", "liability")
ANTI_FRAUD = "yangben-pc/anti-fraud@1"


@dataclass(frozen=True)
class PilotBook:
    enterprise_policies: int
    personal: ImportSummary | None


def load_pilot(
    platform: Platform,
    *,
    work_dir: Path,
    enterprises: int = 1_500,
    persons: int = 2_000_000,
    seed: int = 2025,
    progress: Callable[[str, int, int], None] | None = None,
) -> PilotBook:
    """Load the synthetic pilot book (idempotent: a second run adds nothing)."""
    issued = _enterprise_book(platform, enterprises, seed, progress)
    personal = _anti_fraud(platform, work_dir, persons, seed, progress) if persons else None
    return PilotBook(issued, personal)


def _products(platform: Platform) -> list[tuple[ProductSpec, str]]:
    with platform.uow() as uow:
        records = [
            r
            for r in uow.products.list()
            if r.status == FILED and r.product_type in ENTERPRISE_TYPES
        ]
    return [(parse_product(r.document, source=r.product_ref), r.tenant_id) for r in records]


def _enterprise_book(
    platform: Platform,
    count: int,
    seed: int,
    progress: Callable[[str, int, int], None] | None,
) -> int:
    """``count`` synthetic enterprises, each insured by the first catalogue product (in rotation)
    whose filed rates cover it; returns how many were new."""
    products = _products(platform)
    divisions = industry_divisions()
    regions = [p.region_code for p in provinces() if p.code not in ("71", "81", "82")]
    issued = 0
    for number in range(count):
        # One generator per enterprise: a rerun draws the same firm, product and figures,
        # so it finds the firm already insured and adds nothing.
        rng = random.Random(seed * 1_000_003 + number)
        division = rng.choice(divisions)
        facts = EnterpriseFacts(
            name=f"试点企业{number:04d}",
            uscc=str(uscc_with_check(f"91{rng.choice(regions)[:6]}PL{number:07d}")),
            industry_section=division.section,
            industry_division=division.code,
            region_code=rng.choice(regions),
            annual_revenue=Decimal(rng.choice((8, 30, 80, 150, 600, 1500)) * 1_000_000),
            employees=rng.randint(20, 3000),
            mlps_level=rng.choice((2, 2, 3)),
        )
        rotation = products[number % len(products) :] + products[: number % len(products)]
        for spec, tenant_id in rotation:
            outcome = _issue(platform, spec, tenant_id, facts, rng)
            if outcome is not None:
                issued += outcome
                break
        if progress is not None and number % 50 == 0:
            progress("enterprises", number, count)
    return issued


def _issue(
    platform: Platform,
    spec: ProductSpec,
    tenant_id: str,
    facts: EnterpriseFacts,
    rng: random.Random,
) -> int | None:
    """1 if insured now, 0 if it was loaded before, None if the product's rates do not cover
    this enterprise (the caller tries the next product)."""
    limit = rng.choice(spec.limit_options)
    score = Decimal(rng.randint(45, 95))
    applicant = Applicant(
        industry_section=facts.industry_section,
        revenue=facts.annual_revenue,
        score=float(score),
        grade=load_score_model().grade_for(score),
        mlps_level=facts.mlps_level,
    )
    try:  # the one pricing path, as a quote would price this enterprise
        retention = option_terms(spec, limit=limit, retention=None).retention
        premium = filed_price(spec, applicant, limit=limit, retention=retention).premium.amount
    except LiubuError:
        return None
    with platform.uow(acting_in(tenant_id, OrgKind.INSURER, name="pilot")) as uow:
        if uow.enterprises.find_by_uscc(facts.uscc) is not None:
            return 0
        # The enterprise and its quote and policy are one transaction of the loader's own, so a
        # book loaded again finds each insured enterprise whole or not at all.
        enterprise = accounts.add_enterprise(uow, facts)
        uow.flush()
        now = datetime.now(UTC)
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))
        option = PricedOption(
            product=spec.product_id,
            insurer=spec.insurer,
            name=spec.name,
            status=OptionStatus.AUTO,
            referral=None,
            limit=Money(limit),
            retention=Money(retention),
            filed_premium=Money(premium),
        )
        submission = Submission(
            enterprise=snapshot_of(enterprise),
            score=float(score),
            grade=applicant.grade,
            synthetic=True,
        )
        quote = Quote(
            id=new_id(),
            tenant_id=tenant_id,
            client_tenant_id=tenant_id,
            enterprise_id=enterprise.id,
            insurer=spec.insurer,
            submission=submission,
            options=(option,),
            status="bound",
            valid_until=now,
            created_at=now,
            created_by="pilot",
        )
        uow.underwriting.add(quote)
        uow.flush()
        policy = Policy(
            id=new_id(),
            tenant_id=tenant_id,
            client_tenant_id=tenant_id,
            number=f"LP{start.year}{_digits(facts.uscc)}",
            quote_id=quote.id,
            enterprise_id=enterprise.id,
            product_ref=spec.product_id,
            limit=Decimal(limit),
            retention=retention,
            annual_premium=premium,
            period_start=start,
            period_end=start + timedelta(days=365),
            status="in_force",
            submission=submission,
            terms=BoundTerms(option, 0),
            created_at=now,
        )
        uow.underwriting.add(policy)
        uow.flush()
        uow.underwriting.add(
            PolicyEvent(
                id=new_id(),
                tenant_id=tenant_id,
                client_tenant_id=tenant_id,
                policy_id=policy.id,
                kind="issue",
                effective=start,
                premium_change=premium,
                detail={"synthetic": True},
                created_at=now,
            )
        )
        uow.commit()
    return 1


def _digits(uscc: str) -> str:
    """Ten digits fixed by the credit code, so policy numbers never depend on load order."""
    return f"{int(hashlib.sha256(uscc.encode()).hexdigest(), 16) % 10**10:010d}"


def _anti_fraud(
    platform: Platform,
    work_dir: Path,
    persons: int,
    seed: int,
    progress: Callable[[str, int, int], None] | None,
) -> ImportSummary:
    with platform.uow() as uow:
        record = next(r for r in uow.products.list() if r.product_ref == ANTI_FRAUD)
    spec = parse_product(record.document, source=record.product_ref)
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / f"pilot-people-{persons}-{seed}.csv"
    if not path.exists():
        write_synthetic_csv(path, persons, seed=seed, inception=date(2025, 3, 1))
    inception = date(2025, 3, 1)
    store = SqlIssueStore(
        platform.uow,
        tenant_id=record.tenant_id,
        product_ref=spec.product_id,
        inception=inception.isoformat(),
        file_name=path.name,
    )
    return run_import(
        store,
        path,
        plan=ImportPlan(spec, inception),
        cipher=PersonalDataCipher(platform.settings.personal_data_key),
        error_path=path.with_name(path.name + ".errors.csv"),
        progress=(lambda done, total: progress("persons", done, total)) if progress else None,
    )
