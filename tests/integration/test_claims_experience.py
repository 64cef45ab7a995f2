"""Claims experience stored per insurer on real databases: a synthetic file with known
relativities goes in through the CSV format, comes back out as the same data, and the rate
indication recovers the relativities; a second import stores nothing; a tenant sees only its own
experience."""

from __future__ import annotations

import math

import numpy as np
import pytest

from liubu.accounts.model import OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.experience import (
    ExperienceData,
    read_experience_csv,
    synthetic_experience,
    write_experience_csv,
)
from liubu.experience.service import import_experience, indicate
from liubu.products import ProductSpec, load_reference_catalogue
from tests.integration.helpers import make_tenant

PRODUCT = "shifan-pc/sme-cyber-comprehensive@1"  # security_score [0.7, 1.3], mlps_level levels
# Known loss-cost relativities (frequency only; severity has none), relative to C and 2. The
# grade curve is steeper than the filed one, so A and E must be flagged outside [0.7, 1.3].
GRADE = {"A": 0.5, "B": 0.75, "C": 1.0, "D": 1.4, "E": 2.0}
MLPS = {"none": 1.2, "2": 1.0, "3": 0.8}


def _spec() -> ProductSpec:
    return next(p for p in load_reference_catalogue() if p.product_id == PRODUCT)


def _data() -> ExperienceData:
    synthetic = synthetic_experience(
        n_policies=12_000,
        relativities={"security_grade": GRADE, "mlps_level": MLPS},
        base_frequency=0.08,
        severity_mean=100_000,
        severity_shape=4.0,
        rng=np.random.default_rng(20261121),
    )
    # Through the documented file format, as an insurer would deliver it.
    return read_experience_csv(write_experience_csv(synthetic), name="experience.csv")


def _actuary(platform: Platform, name: str) -> Principal:
    return make_tenant(platform, OrgKind.INSURER, name, Role.ACTUARY).principal


def _import(platform: Platform, principal: Principal, data: ExperienceData) -> tuple[int, int]:
    with platform.uow(principal) as uow:
        summary = import_experience(uow, data, file_sha256="f" * 64)
        uow.commit()
    return summary.stored, summary.already_present


def test_stored_experience_round_trips_and_the_indication_recovers_known_relativities(
    platform: Platform,
) -> None:
    actuary = _actuary(platform, "Insurer A")
    data = _data()
    assert _import(platform, actuary, data) == (data.n_rows, 0)
    with platform.uow(actuary) as uow:
        stored = uow.experience.data()
        report = indicate(uow, _spec())
    # Same rows (stored in policy/period order, which the synthetic data already has).
    assert stored.n_rows == data.n_rows == 36_000
    assert stored.factor_names == data.factor_names
    assert np.array_equal(stored.policy_id, data.policy_id)
    assert np.array_equal(stored.period, data.period)
    assert np.array_equal(stored.claim_count, data.claim_count)
    assert np.allclose(stored.exposure, data.exposure, rtol=0, atol=5e-7)
    assert np.allclose(stored.incurred_loss, data.incurred_loss, rtol=0, atol=5e-3)
    for name in data.factor_names:
        assert np.array_equal(stored.factor(name), data.factor(name))

    truth = {"security_grade": GRADE, "mlps_level": MLPS}
    for factor in report.factors:
        base = truth[factor.factor][factor.base_level]
        for level in factor.levels:
            # The GLM (Poisson × Gamma) loss-cost relativity must lie within 3 standard errors
            # of the truth. About 36 000 policy-years × 0.08 ≈ 2 200 claims, a few hundred per
            # level: se(log r) ≈ √(1/n_L + 1/n_B) · √(1 + 1/shape) ≈ 0.1, so 3 se ≈ ±35 %;
            # se is read off the report's 95 % interval (the Wald interval is exp(β ± 1.96 se)).
            if level.level == factor.base_level:
                assert level.experience_relativity == pytest.approx(1.0)
                continue
            low, high = level.experience_ci
            se = (math.log(high) - math.log(low)) / (2 * 1.959964)
            expected = truth[factor.factor][level.level] / base
            assert abs(math.log(level.experience_relativity / expected)) < 3 * se, level
            assert se < 0.15  # the bound is informative at this sample size
    # Credibility is high (the filed structure is the complement, and the experience departs
    # from it), so the indicated grade coefficients follow the experience: A and E leave the
    # filed range [0.7, 1.3] and the suggestion is flagged, never applied.
    grade = report.factor("security_grade")
    assert {"A", "E"} <= set(grade.outside_filed_range)
    assert report.needs_new_filing
    suggested = {lv.level: float(lv.suggested) for lv in grade.levels}
    assert suggested["E"] / suggested["C"] == pytest.approx(GRADE["E"], rel=0.25)
    assert suggested["A"] / suggested["C"] == pytest.approx(GRADE["A"], rel=0.25)


def test_importing_the_same_file_twice_stores_nothing_more_and_audits_once(
    platform: Platform,
) -> None:
    actuary = _actuary(platform, "Insurer A")
    data = _data()
    assert _import(platform, actuary, data) == (data.n_rows, 0)
    assert _import(platform, actuary, data) == (0, data.n_rows)
    with platform.uow(actuary) as uow:
        counts = uow.experience.counts()
        events = [e for e in uow.audit.recent(limit=50) if e.action == "claims_experience.imported"]
    assert (counts.rows, counts.batches) == (data.n_rows, 1)
    assert counts.claims == int(data.claim_count.sum())
    assert len(events) == 1
    # A file that changes a stored row (a revised reserve) is refused whole: nothing stored.
    loss = data.incurred_loss.copy()
    changed = int(np.flatnonzero(data.claim_count > 0)[0])
    loss[changed] += 1000
    revised = ExperienceData(
        policy_id=np.append(data.policy_id, "NEW-1"),
        period=np.append(data.period, 2024),
        factors={n: np.append(data.factor(n), data.factor(n)[0]) for n in data.factor_names},
        exposure=np.append(data.exposure, 1.0),
        claim_count=np.append(data.claim_count, 0),
        incurred_loss=np.append(loss, 0.0),
        source="revised.csv",
    )
    with platform.uow(actuary) as uow, pytest.raises(ConflictError) as caught:
        import_experience(uow, revised)
    assert "differ from the stored experience" in caught.value.message
    with platform.uow(actuary) as uow:
        assert uow.experience.counts().rows == data.n_rows


def test_a_tenant_sees_only_its_own_experience(platform: Platform) -> None:
    first = _actuary(platform, "Insurer A")
    second = _actuary(platform, "Insurer B")
    data = _data()
    _import(platform, first, data)
    with platform.uow(second) as uow:
        assert uow.experience.counts().rows == 0
        with pytest.raises(NotFoundError) as caught:
            uow.experience.data()
        assert caught.value.code == "experience.none_stored"
        with pytest.raises(NotFoundError):
            indicate(uow, _spec())
    # The unique key is per tenant: the second insurer's own copy is stored in full.
    assert _import(platform, second, data) == (data.n_rows, 0)
    with platform.uow(first) as uow:
        assert uow.experience.counts().rows == data.n_rows
    enterprise = make_tenant(platform, OrgKind.ENTERPRISE, "Client", Role.ENTERPRISE_USER)
    with platform.uow(enterprise.principal) as uow, pytest.raises(PermissionDeniedError):
        import_experience(uow, data)  # an enterprise keeps no claims experience


def test_the_same_policies_under_two_product_tags_are_read_one_tag_at_a_time(
    platform: Platform,
) -> None:
    actuary = _actuary(platform, "Insurer A")
    data = _data()
    tag = "shifan-pc/sme-cyber-comprehensive@1"
    _import(platform, actuary, data)  # untagged
    with platform.uow(actuary) as uow:
        stored = import_experience(uow, data, product_ref=tag)
        uow.commit()
    assert stored.stored == data.n_rows  # the key includes the tag: a second, separate set
    with platform.uow(actuary) as uow:
        assert uow.experience.product_tags() == [tag]
        with pytest.raises(ValidationError) as caught:
            uow.experience.data()
        assert caught.value.code == "experience.tagged_twice"
        assert f"({tag} and untagged)" in caught.value.message
        tagged = uow.experience.data(tag)
    assert tagged.n_rows == data.n_rows
    assert np.array_equal(np.sort(tagged.policy_id), np.sort(data.policy_id))
