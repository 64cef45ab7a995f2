"""Score history through the term, on real databases: a real KEV listing on the insured's
software raises an alert through the real ingest; rescoring records the change with its reason;
the premium in force does not move; the renewal quote is priced at the in-term score through the
one pricing path and attributes to the term exactly the premium difference between the bind
score and the renewal score; who may read the history."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from liubu import assessment, monitoring, products
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.assessment import ScoreChangeReason
from liubu.bootstrap import Platform
from liubu.errors import NotFoundError
from liubu.underwriting import lifecycle, price_option
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import IN_TERM, World, build_world
from tests.unit.monitoring.realdata import (
    APACHE_CVE,
    kev_entry,
    kev_observation,
    require_shared,
)

# data/score_effects.yaml: a critical alert costs 8 points × the vulnerability kind's factor 1.0
KEV_POINTS = Decimal(8)


@pytest.fixture
def world(platform: Platform) -> World:
    require_shared()
    return build_world(platform)


def _history(platform: Platform, principal: object, enterprise_id: str) -> list[object]:
    return assessment.score_history(platform.uow(principal), enterprise_id)  # type: ignore[arg-type]


def test_an_alert_moves_the_score_into_the_history_and_the_renewal_price_not_the_premium(
    platform: Platform, world: World
) -> None:
    with platform.uow(world.buyer) as uow:
        bound = uow.underwriting.policy(world.policy_id)
    bind_score = Decimal(str(bound.submission.score))
    premium_at_bind = bound.annual_premium

    result = monitoring.record_observations(
        platform.uow(SYSTEM), [kev_observation(kev_entry(APACHE_CVE))], now=IN_TERM
    )
    assert result.alerted == 1
    (alert,) = monitoring.list_alerts(platform.uow(SYSTEM), enterprise_id=world.enterprise_id)
    # the ingest itself rescored the enterprise, in its own transaction
    first, moved = _history(platform, world.buyer, world.enterprise_id)
    # the diagnosis's own score first (what the policy was bound at), then the alert's change
    assert (first.reason, first.score_before, first.score_after) == ("diagnosis", None, bind_score)
    assert moved.reason == "alert_opened"
    assert moved.ref == alert.id
    assert (moved.score_before, moved.score_after) == (bind_score, bind_score - KEV_POINTS)
    assert moved.adjustment == -KEV_POINTS
    assert alert.id in moved.text.en
    assert alert.id in moved.text.zh
    assert moved.detail["alerts"][0]["alert_id"] == alert.id
    # nothing moved since: no change appended
    again = monitoring.rescore(
        platform.uow(SYSTEM), [world.enterprise_id], reason=ScoreChangeReason.RESCAN, at=IN_TERM
    )
    assert again == []

    # mid-term, the premium in force is what it was at bind, and no money event was written
    with platform.uow(world.underwriter) as uow:
        policy = uow.underwriting.policy(world.policy_id)
        assert policy.annual_premium == premium_at_bind
        assert [e.kind for e in uow.underwriting.events(world.policy_id)] == ["issue"]

    quote = lifecycle.renew(platform.uow(world.buyer), world.policy_id, claims_count=0)
    with platform.uow(world.buyer) as uow:
        quote = uow.underwriting.quote(quote.id)  # as stored
        term = quote.renewal
        assert term is not None
        (option,) = quote.options
        spec = products.parse_product(
            products.find_product(uow, option.product).document, source=option.product
        )
    renewal_score = bind_score - KEV_POINTS
    assert (term.bind_score, term.renewal_score) == (bind_score, renewal_score)
    assert quote.submission.score == float(renewal_score)
    assert [(c.reason, c.ref) for c in term.changes] == [
        ("diagnosis", None),
        ("alert_opened", alert.id),
    ]
    # the renewal's premium is the pricing path's at the in-term score …
    applicant = quote.submission.applicant()
    assert option.limit is not None
    assert option.filed_premium is not None
    at_renewal = price_option(
        spec, applicant, limit=option.limit.amount, experience=option.experience
    ).filed_premium.amount
    assert option.filed_premium.amount == at_renewal == term.premium_at_renewal_score
    # … and the term is credited with exactly bind-score vs renewal-score, all else equal
    at_bind = price_option(
        spec,
        replace(applicant, score=float(bind_score), grade=bound.submission.grade),
        limit=option.limit.amount,
        experience=option.experience,
    ).filed_premium.amount
    assert term.premium_at_bind_score == at_bind
    assert term.premium_change == at_renewal - at_bind > 0
    assert term.to_dict()["premium_change"] == str(at_renewal - at_bind)

    # the alert found a false positive by the insurer, through the lifecycle: its points come back
    later = IN_TERM + timedelta(days=3)
    monitoring.transition(
        platform.uow(world.underwriter),
        alert.id,
        "false_positive",
        expected_version=alert.version,
        reason="not_affected",
        now=later,
    )
    restored = _history(platform, world.buyer, world.enterprise_id)[-1]
    assert (restored.reason, restored.ref) == ("alert_closed", alert.id)
    assert (restored.score_before, restored.score_after) == (renewal_score, bind_score)
    assert restored.adjustment == 0


def test_the_history_is_read_by_the_insured_its_insurer_and_an_assigned_provider_only(
    platform: Platform, world: World
) -> None:
    monitoring.rescore(
        platform.uow(SYSTEM), [world.enterprise_id], reason=ScoreChangeReason.RESCAN, at=IN_TERM
    )
    assert len(_history(platform, world.buyer, world.enterprise_id)) == 1
    assert len(_history(platform, world.underwriter, world.enterprise_id)) == 1
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    with pytest.raises(NotFoundError):
        _history(platform, other.principal, world.enterprise_id)
    provider = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST)
    with pytest.raises(NotFoundError):
        _history(platform, provider.principal, world.enterprise_id)
    with pytest.raises(NotFoundError):  # nor may it write one
        monitoring.rescore(
            platform.uow(provider.principal),
            [world.enterprise_id],
            reason=ScoreChangeReason.RESCAN,
            at=IN_TERM,
        )
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=provider.organisation_id,
        fix_id="patch",
        title_zh="修补",
        title_en="Patch",
    )
    assert len(_history(platform, provider.principal, world.enterprise_id)) == 1


def test_saving_answers_records_the_diagnosis_score_when_it_moves(
    platform: Platform, world: World
) -> None:
    assert _history(platform, world.buyer, world.enterprise_id) == []
    assessment.record_answers(platform.uow(world.buyer), world.enterprise_id, {"mfa.email": "yes"})
    (change,) = _history(platform, world.buyer, world.enterprise_id)
    with platform.uow(world.buyer) as uow:
        now = assessment.security_score(uow, world.enterprise_id)
    assert change.reason == "diagnosis"
    assert (change.score_after, change.grade_after) == (now.value, now.grade)
    assert change.diagnosis_score == now.value
    # the same answers again: the score did not move, nothing is appended
    assessment.record_answers(platform.uow(world.buyer), world.enterprise_id, {"mfa.email": "yes"})
    assert len(_history(platform, world.buyer, world.enterprise_id)) == 1
    # a worse answer moves it down, before → after
    assessment.record_answers(platform.uow(world.buyer), world.enterprise_id, {"mfa.email": "no"})
    first, moved = _history(platform, world.buyer, world.enterprise_id)
    assert moved.score_before == first.score_after
    assert moved.score_after < first.score_after
