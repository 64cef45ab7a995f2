"""Claims authority from its data file, and the case reserve of one event: the exact engine and
the Monte Carlo engine must agree, and the lines must add up to the engine's expected insured
loss of one event."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime
from decimal import Decimal

from liubu.accounts import OrgKind, Role, acting_in
from liubu.claims import ReserveSource, authority_of, claims_authorities, opening_reserves
from liubu.core import Money
from liubu.products import ProductSpec, load_reference_catalogue
from liubu.risk import Bernoulli, Model, enterprise_model
from liubu.underwriting import (
    BoundTerms,
    EngineSettings,
    EnterpriseSnapshot,
    OptionStatus,
    Policy,
    PricedOption,
    Submission,
    option_terms,
)

SME = next(
    p for p in load_reference_catalogue() if p.product_id == "shifan-pc/sme-cyber-comprehensive@2"
)


def test_authority_levels_come_from_the_data_file_with_insurer_overrides() -> None:
    default = claims_authorities("shifan-pc")
    assert [(a.role, a.level) for a in default] == [("claims_adjuster", 1), ("claims_manager", 2)]
    assert default[0].reserve_limit == Decimal(200000)
    assert default[0].payment_limit == Decimal(100000)
    assert default[1].allows_payment(Decimal(10) ** 9)
    # cankao-pc raises its adjusters' limits (authority.yaml, insurers.cankao-pc).
    cankao = claims_authorities("cankao-pc")[0]
    assert (cankao.reserve_limit, cankao.payment_limit) == (Decimal(300000), Decimal(150000))
    manager = acting_in("t", OrgKind.INSURER, Role.ADMIN)
    adjuster = acting_in("t", OrgKind.INSURER, Role.CLAIMS_ADJUSTER)
    assert authority_of(manager, "shifan-pc").level == 2
    assert authority_of(adjuster, "shifan-pc").level == 1


def _policy(spec: ProductSpec, limit: Decimal) -> Policy:
    retention = option_terms(spec, limit=limit, retention=None).retention
    facts = EnterpriseSnapshot(
        None, "测试企业", "91320500MA0000001X", "I", "320500", revenue=Decimal(50_000_000)
    )
    option = PricedOption(
        spec.product_id, spec.insurer, spec.name, OptionStatus.AUTO, None,
        limit=Money(limit), retention=Money(retention), filed_premium=Money(1),
    )  # fmt: skip
    return Policy(
        id="p", tenant_id="i", client_tenant_id="e", number="LB1", quote_id="q",
        enterprise_id="e", product_ref=spec.product_id, limit=limit, retention=retention,
        annual_premium=Decimal(1), period_start=date(2026, 1, 1), period_end=date(2027, 1, 1),
        status="in_force", submission=Submission(enterprise=facts, score=70.0, grade="B"),
        terms=BoundTerms(option, 0), created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip


def test_the_reserve_of_one_event_is_what_both_engines_give_and_adds_up() -> None:
    limit = SME.limit_options[1]
    policy = _policy(SME, limit)
    lines = opening_reserves(SME, policy, "ransomware")
    engine = [line for line in lines if line.source is ReserveSource.ENGINE]
    assert {line.coverage for line in engine} >= {"extortion", "business_interruption"}
    # The whole, independently: one ransomware event with certainty under the option's terms,
    # by the Monte Carlo engine (200,000 simulated events).
    applicant = policy.submission.applicant()
    model = enterprise_model(applicant.industry_section, applicant.revenue, applicant.modifiers)
    scenario = next(s for s in model.scenarios if s.name == "ransomware")
    one = dataclasses.replace(scenario, frequency=Bernoulli(1.0))
    terms = option_terms(SME, limit=limit, retention=policy.retention).terms
    simulated = EngineSettings(engine="mc", years=200_000, seed=11).run(Model((one,), terms))
    total = float(sum(line.amount for line in lines))
    # within four Monte Carlo standard errors of the mean
    assert simulated.mean_standard_error is not None
    assert math.isclose(total, simulated.mean, abs_tol=4 * simulated.mean_standard_error)
    assert all(Decimal(0) <= line.amount <= limit for line in lines)
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in lines)


def test_an_incident_type_without_a_scenario_opens_every_line_at_zero() -> None:
    lines = opening_reserves(SME, _policy(SME, SME.limit_options[0]), "system_failure")
    assert lines
    assert all(line.amount == 0 and line.source is ReserveSource.ADJUSTER for line in lines)
