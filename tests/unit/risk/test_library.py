"""The scenario library: every parameter sourced or flagged, and recomputable from its source."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.risk import (
    Lognormal,
    Modifier,
    band_for_revenue,
    coverage_codes,
    library_scenarios,
    scenario_names,
    sources,
)
from liubu.risk.library import library

HHS = Path(__file__).resolve().parents[4] / "shared" / "data" / "hhs_ocr_breach_portal"
REQUIRED = {
    "ransomware",
    "data_breach",
    "bec_funds_transfer",
    "ddos_outage",
    "insider_misuse",
    "supply_chain_compromise",
    "cloud_outage",
    "it_product_liability",
    "security_service_error",
}


def test_the_library_has_the_nine_scenarios_of_the_issue() -> None:
    assert set(scenario_names()) == REQUIRED


def test_every_frequency_and_component_has_a_source_or_is_flagged_an_assumption() -> None:
    cited = sources()
    for entry in library().scenarios:
        bases = [entry.basis["frequency"], *entry.basis["components"].values()]
        assert len(entry.basis["components"]) == len(entry.scenario.components)
        for basis in bases:
            assert basis.get("assumption") is True or basis.get("source") in cited, entry
            assert basis.get("note"), entry.scenario.name
    for band in library().bands:
        assert band.frequency > 0
        assert band.severity > 0
    assert sorted(library().industries) == [chr(c) for c in range(ord("A"), ord("T") + 1)]


def _lognormal_of(name: str, coverage: str) -> Lognormal:
    entry = next(e for e in library().scenarios if e.scenario.name == name)
    severity = next(c.severity for c in entry.scenario.components if c.coverage == coverage)
    while not isinstance(severity, Lognormal):
        severity = getattr(severity, "base", None) or severity.components[-1]  # type: ignore
    return severity


def test_ransom_and_transfer_fraud_lognormals_follow_from_their_cited_median_and_mean() -> None:
    rate = library().usd_cny
    cov = sources()["coveware_2023q4"]["figures"]
    ransom = _lognormal_of("ransomware", "extortion")
    assert math.exp(ransom.mu) == pytest.approx(cov["median_payment_usd"] * rate, rel=1e-6)
    assert ransom.mean == pytest.approx(cov["mean_payment_usd"] * rate, rel=1e-6)
    ic3, dbir = sources()["ic3_2022"]["figures"], sources()["dbir_2023"]["figures"]
    bec = _lognormal_of("bec_funds_transfer", "funds_transfer")
    assert math.exp(bec.mu) == pytest.approx(dbir["bec_median_usd"] * rate, rel=1e-6)
    mean_usd = ic3["bec_adjusted_losses_usd"] / ic3["bec_complaints"]
    assert bec.mean == pytest.approx(mean_usd * rate, rel=1e-6)
    payers = next(e for e in library().scenarios if e.scenario.name == "ransomware")
    weights = payers.scenario.components[0].severity.weights  # type: ignore[union-attr]
    assert weights[1] == pytest.approx(cov["share_paying"])


def _hhs_records() -> np.ndarray:
    with (HHS / "breach_report_archive_2021-03-07.csv").open(newline="", encoding="utf-8") as f:
        rows = [r["Individuals Affected"] for r in csv.DictReader(f)]
    return np.array([float(r) for r in rows if r.strip()])


def test_breach_cost_comes_from_jacobs_applied_to_the_real_hhs_records() -> None:
    records = _hhs_records()
    hhs = sources()["hhs_ocr_2021"]["figures"]
    jacobs = sources()["jacobs_2014"]["figures"]
    assert len(records) == hhs["breaches"]
    assert float(np.median(records)) == hhs["median_records"]
    assert float(np.mean(records ** jacobs["slope"])) == pytest.approx(
        hhs["mean_records_pow_jacobs"], abs=5e-4
    )
    # the lognormal has the median and the mean of Jacobs' cost over the real record counts
    cost = _lognormal_of("data_breach", "forensics")
    per_breach = np.exp(jacobs["intercept"]) * records ** jacobs["slope"] * library().usd_cny
    assert math.exp(cost.mu) == pytest.approx(float(np.median(per_breach)), rel=1e-5)
    assert cost.mean == pytest.approx(float(np.mean(per_breach)), rel=1e-5)
    ibm = sources()["ibm_2023"]["figures"]
    entry = next(e for e in library().scenarios if e.scenario.name == "data_breach")
    factors = {
        c.coverage: c.severity.factor
        for c in entry.scenario.components  # type: ignore
        if hasattr(c.severity, "factor")
    }
    assert factors["forensics"] == pytest.approx(
        ibm["detection_escalation"] / ibm["total"] * 0.2, abs=1e-6
    )
    assert factors["notification"] == pytest.approx(
        ibm["notification"] / ibm["total"] * 0.2, abs=1e-6
    )
    assert factors["third_party_liability"] + factors["regulatory"] == pytest.approx(
        ibm["post_breach_response"] / ibm["total"] * 0.2, abs=2e-6
    )


def test_iris_loss_benchmark_is_consistent_with_romanoskys_typical_cost() -> None:
    iris, rom = sources()["iris_2022"]["figures"], sources()["romanosky_2016"]["figures"]
    median_usd = math.exp(iris["loss_meanlog_usd"])
    assert 0.5 < median_usd / rom["typical_cost_usd"] < 2.0  # both put a typical loss near 200k


def test_firm_scenarios_scale_with_band_industry_and_modifiers() -> None:
    lib = library()
    reference = {e.scenario.name: e.scenario for e in lib.scenarios}
    firm = {s.name: s for s in library_scenarios("Q", "1b_10b")}
    band = next(b for b in lib.bands if b.code == "1b_10b")
    sector = lib.industries["Q"]
    ransom = reference["ransomware"]
    expected = ransom.frequency.mean * band.frequency * sector["frequency"] * 1.5  # Q override
    assert firm["ransomware"].frequency.mean == pytest.approx(expected)
    ground = [sum(c.ground_up.mean for c in s.components) for s in (ransom, firm["ransomware"])]
    assert ground[1] == pytest.approx(ground[0] * band.severity * sector["severity"])
    bi = next(c for c in firm["ransomware"].components if c.coverage == "business_interruption")
    assert bi.outage_hours == next(
        c.outage_hours for c in ransom.components if c.coverage == "business_interruption"
    )
    modified = library_scenarios(
        "Q",
        "1b_10b",
        names=["ransomware"],
        modifiers={"ransomware": Modifier(frequency=0.5, severity=0.8)},
    )
    assert modified[0].frequency.mean == pytest.approx(0.5 * expected)
    assert all(c.coverage in coverage_codes() for s in firm.values() for c in s.components)


def test_revenue_bands_and_bad_library_arguments() -> None:
    assert band_for_revenue(5e6) == "lt_10m"
    assert band_for_revenue(5e8) == "100m_1b"
    assert band_for_revenue(5e11) == "ge_10b"
    with pytest.raises(ValidationError, match="industry must be one of"):
        library_scenarios("Z", "lt_10m")
    with pytest.raises(ValidationError, match="library scenario must be one of"):
        library_scenarios("I", "lt_10m", names=["meteor_strike"])
