"""The rate indication: never changes the product, rebalances, and flags suggestions outside
the filed range."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.experience import (
    ExperienceData,
    FactorLink,
    credibility_relativities,
    rate_indication,
    synthetic_experience,
)
from liubu.products import ProductSpec, dump_product, fingerprint

# Scores read off the SME product's security_score guide (points 0→1.3, 40→1.15, 60→1.0,
# 80→0.85, 100→0.7): at 90 → 0.775, 70 → 0.925, 60 → 1.0, 50 → 1.075, 20 → 1.225.
READINGS = {"A": 90, "B": 70, "C": 60, "D": 50, "E": 20}
FILED_SCORE = {"A": 0.775, "B": 0.925, "C": 1.0, "D": 1.075, "E": 1.225}
FILED_MLPS = {"none": 1.05, "2": 1.0, "3": 0.9}
FACTOR_MAP = {
    "security_grade": FactorLink("security_score", READINGS),
    "mlps_level": FactorLink("mlps_level"),
}
STEEP = {"A": 0.4, "B": 0.7, "C": 1.0, "D": 1.6, "E": 2.6}
BASE_RATE = 0.05 * 120_000  # loss per policy-year at coefficient 1 × 1


def _experience(score: dict[str, float], mlps: dict[str, float], seed: int) -> ExperienceData:
    return synthetic_experience(
        n_policies=20_000,
        relativities={"security_grade": score, "mlps_level": mlps},
        base_frequency=0.05,
        severity_mean=120_000,
        severity_shape=1.5,
        rng=np.random.default_rng(seed),
    )


def _prior(score: dict[str, float], mlps: dict[str, float]) -> dict[tuple[str, str], float]:
    return {(g, m): BASE_RATE * score[g] * mlps[m] for g in score for m in mlps}


def test_experience_that_agrees_with_the_filing_suggests_the_filed_coefficients(
    sme: ProductSpec,
) -> None:
    # The prior explains the segments, so credibility is (close to) 0 and the suggestions stay
    # at the filed values up to the noise that leaks through.
    data = _experience(FILED_SCORE, FILED_MLPS, seed=1)
    report = rate_indication(
        data, prior=_prior(FILED_SCORE, FILED_MLPS), product=sme, factor_map=FACTOR_MAP
    )
    assert not report.needs_new_filing
    for factor, filed in (("security_grade", FILED_SCORE), ("mlps_level", FILED_MLPS)):
        for level in report.factor(factor).levels:
            assert level.filed_value == pytest.approx(Decimal(str(filed[level.level])))
            assert float(level.suggested) == pytest.approx(filed[level.level], rel=0.06)
            assert level.status == "within_filed_range"


def test_experience_far_from_the_filing_is_flagged_for_a_new_filed_version(
    sme: ProductSpec,
) -> None:
    # The risk engine's prior agrees with the filing, but the experience is much steeper.
    data = _experience(STEEP, FILED_MLPS, seed=2)
    before = (fingerprint(sme), dump_product(sme))
    report = rate_indication(
        data, prior=_prior(FILED_SCORE, FILED_MLPS), product=sme, factor_map=FACTOR_MAP
    )
    assert (fingerprint(sme), dump_product(sme)) == before  # the product is only read
    grade = report.factor("security_grade")
    assert report.needs_new_filing
    assert set(grade.outside_filed_range) >= {"A", "E"}  # range [0.7, 1.3]
    assert min(s.credibility for s in report.credibility.segments) > 0.8
    e = next(level for level in grade.levels if level.level == "E")
    assert e.suggested > Decimal("1.3")
    assert e.filed_range == (Decimal("0.7"), Decimal("1.3"))
    assert e.label.en.startswith("The suggestion lies outside the filed range")
    assert "备案" in e.label.zh
    # With credibility near 1 the relativities show the experience: E/C ≈ 2.6 (loss cost).
    c = next(level for level in grade.levels if level.level == "C")
    assert e.credibility_relativity / c.credibility_relativity == pytest.approx(2.6, rel=0.12)


def test_suggestions_keep_each_factors_exposure_weighted_mean(sme: ProductSpec) -> None:
    report = rate_indication(
        _experience(STEEP, FILED_MLPS, seed=2),
        prior=_prior(FILED_SCORE, FILED_MLPS),
        product=sme,
        factor_map=FACTOR_MAP,
    )
    for factor in report.factors:
        filed = sum(lv.exposure * float(lv.filed_value or 1) for lv in factor.levels)
        suggested = sum(lv.exposure * float(lv.suggested) for lv in factor.levels)
        total = sum(lv.exposure for lv in factor.levels)
        assert suggested / total == pytest.approx(filed / total, abs=1e-4)  # 4-decimal rounding


def test_credibility_relativities_balance_the_blended_losses_on_every_level(
    sme: ProductSpec,
) -> None:
    data = _experience(FILED_SCORE, FILED_MLPS, seed=3)
    report = rate_indication(
        data, prior=_prior(FILED_SCORE, FILED_MLPS), product=sme, factor_map=FACTOR_MAP
    )
    segments = report.credibility.segments
    rel = credibility_relativities(
        report.credibility, ("security_grade", "mlps_level"), report.frequency.base_levels
    )
    # Fitted loss w_i·b·r_g·r_m must add up to the blended loss w_i·P_i on each level; solve b
    # from the total and check every margin (minimum-bias balance, independent of the fit).
    shape = np.array(
        [s.weight * rel["security_grade"][s.key[0]] * rel["mlps_level"][s.key[1]] for s in segments]
    )
    actual = np.array([s.weight * s.estimate for s in segments])
    b = actual.sum() / shape.sum()
    for position in (0, 1):
        for level in {s.key[position] for s in segments}:
            mask = np.array([s.key[position] == level for s in segments])
            assert (b * shape[mask]).sum() == pytest.approx(actual[mask].sum(), rel=1e-6)


def test_levels_without_a_guide_reading_are_refused(sme: ProductSpec) -> None:
    data = _experience(FILED_SCORE, FILED_MLPS, seed=4)
    prior = _prior(FILED_SCORE, FILED_MLPS)
    with pytest.raises(ValidationError) as caught:
        rate_indication(
            data,
            prior=prior,
            product=sme,
            factor_map={"security_grade": FactorLink("security_score")},
        )
    assert caught.value.code == "experience.no_reading"
    with pytest.raises(ValidationError) as caught:
        rate_indication(
            data, prior=prior, product=sme, factor_map={"security_grade": FactorLink("industry")}
        )
    assert caught.value.code == "rate_plan.factor_not_filed"


def test_missing_prior_segments_are_refused(sme: ProductSpec) -> None:
    data = _experience(FILED_SCORE, FILED_MLPS, seed=4)
    prior = _prior(FILED_SCORE, FILED_MLPS)
    del prior[("E", "none")]
    with pytest.raises(ValidationError) as caught:
        rate_indication(data, prior=prior, product=sme, factor_map=FACTOR_MAP)
    assert caught.value.code == "credibility.prior_missing"
    assert "E/none" in caught.value.message


def test_report_is_json_ready_and_bilingual(sme: ProductSpec) -> None:
    data = _experience(FILED_SCORE, FILED_MLPS, seed=5)
    report = rate_indication(
        data, prior=_prior(FILED_SCORE, FILED_MLPS), product=sme, factor_map=FACTOR_MAP
    )
    document = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert document["product"] == "shifan-pc/sme-cyber-comprehensive@1"
    level = document["factors"][0]["levels"][0]
    assert set(level["status_label"]) == {"zh", "en"}
    assert {"suggested", "filed_value", "filed_range", "credibility_relativity"} <= set(level)
    assert document["notes"][0]["en"].startswith("This report is advice")
    assert len(document["credibility"]["segments"]) == 15
