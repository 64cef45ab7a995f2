"""The scenario library: every parameter sourced or flagged, and recomputable from its source."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from liubu.datafiles import packaged_text
from liubu.errors import ConfigurationError, ValidationError
from liubu.risk import (
    Lognormal,
    Modifier,
    band_for_revenue,
    coverage_codes,
    library_scenarios,
    scenario_names,
    sources,
)
from liubu.risk.library import library, parse_library

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


def test_every_parameter_has_a_source_with_its_figure_or_is_flagged_an_assumption() -> None:
    cited = sources()
    lib = library()
    assert {p.path for p in lib.parameters} >= {
        "price_level.cny_per_usd",
        "exposure.claim_frequency",
        "exposure.frequency_elasticity",
        "exposure.severity_elasticity",
    }
    for parameter in lib.parameters:
        basis = parameter.basis
        assert basis.assumption or (basis.source in cited and basis.figure), parameter.path
        assert basis.confidence in ("high", "medium", "low")
    for entry in lib.scenarios:
        bases = [entry.basis["frequency"], *entry.basis["components"].values()]
        assert len(entry.basis["components"]) == len(entry.scenario.components)
        for basis in bases:
            assert basis["assumption"] is True or basis["source"] in cited, entry
            assert basis["note"] or basis["figure"], entry.scenario.name
    assert sorted(library().industries) == [chr(c) for c in range(ord("A"), ord("T") + 1)]


def test_a_parameter_without_a_source_or_assumption_flag_is_refused_at_load() -> None:
    text = packaged_text("liubu.risk", "data", "scenarios.yaml")
    cut = text.replace(
        'basis: {source: coalition_2024h1, figure: "overall claims frequency 1.55 % (1H 2024)"',
        'basis: {figure: "overall claims frequency 1.55 % (1H 2024)"',
    )
    assert cut != text
    with pytest.raises(ConfigurationError, match=r"exposure\.claim_frequency.*source.*assumption"):
        parse_library(cut)
    unknown = text.replace("source: coveware_2023q4", "source: a_blog_post", 1)
    with pytest.raises(ConfigurationError, match="unknown sources"):
        parse_library(unknown)
    no_figure = text.replace('figure: "funds transfer fraud 27 % of claims", ', "", 1)
    with pytest.raises(ConfigurationError, match="without the `figure:`"):
        parse_library(no_figure)


def test_claim_frequencies_come_from_coalitions_rate_and_cause_shares() -> None:
    lib = library()
    coalition = sources()["coalition_2024h1"]["figures"]
    assert lib.exposure.claim_frequency == coalition["claims_frequency"]
    shares = {e.scenario.name: e.share for e in lib.scenarios}
    assert shares["ransomware"] == coalition["share_ransomware"]
    assert shares["bec_funds_transfer"] == coalition["share_ftf"]
    assert shares["data_breach"] == coalition["share_bec"]
    assert math.fsum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    for entry in lib.scenarios:
        assert entry.scenario.frequency.mean == pytest.approx(
            coalition["claims_frequency"] * entry.share, rel=1e-12
        )


def test_elasticities_follow_from_the_cited_figures_and_stated_revenues() -> None:
    lib = library()
    iris = sources()["iris_2020"]["figures"]
    coalition = sources()["coalition_2024h1"]["figures"]
    beta_f = math.log(iris["fortune1000_annual_probability"] / iris["smb_annual_probability"])
    assert lib.exposure.frequency_elasticity == pytest.approx(
        beta_f / math.log(6_000 / 10), abs=1e-6
    )
    beta_s = math.log(coalition["large_cohort_loss_usd"] / coalition["average_loss_usd"])
    assert lib.exposure.severity_elasticity == pytest.approx(beta_s / math.log(250 / 10), abs=1e-6)
    ppp = sources()["wdi_ppp_2021"]["figures"]["cny_per_usd_ppp"]
    assert lib.cny_per_usd == ppp
    assert lib.exposure.reference_revenue == pytest.approx(10e6 * ppp)


def test_the_reference_firms_mean_claim_is_the_cited_market_figure_at_ppp() -> None:
    lib = library()
    reference = {s.name: s for s in library_scenarios("C", lib.exposure.reference_revenue)}
    coalition = sources()["coalition_2024h1"]["figures"]
    netdiligence = sources()["netdiligence_2024"]["figures"]
    cited = {
        "ransomware": coalition["ransomware_loss_usd"],
        "bec_funds_transfer": coalition["ftf_loss_usd"],
        "data_breach": netdiligence["bec_claim_usd"],
    }
    for name, usd in cited.items():
        mean = math.fsum(c.ground_up.mean for c in reference[name].components)
        assert mean == pytest.approx(usd * lib.cny_per_usd, rel=1e-9), name


def _lognormal_of(name: str, coverage: str) -> Lognormal:
    entry = next(e for e in library().scenarios if e.scenario.name == name)
    severity = next(c.severity for c in entry.scenario.components if c.coverage == coverage)
    while not isinstance(severity, Lognormal):
        severity = getattr(severity, "base", None) or severity.components[-1]  # type: ignore
    return severity


def test_ransom_and_transfer_fraud_lognormals_follow_from_their_cited_median_and_mean() -> None:
    rate = library().cny_per_usd
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
    per_breach = np.exp(jacobs["intercept"]) * records ** jacobs["slope"] * library().cny_per_usd
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
        ibm["detection_escalation"] / ibm["total"], abs=1e-6
    )
    assert factors["notification"] == pytest.approx(ibm["notification"] / ibm["total"], abs=1e-6)
    assert factors["third_party_liability"] + factors["regulatory"] == pytest.approx(
        ibm["post_breach_response"] / ibm["total"], abs=2e-6
    )


def test_iris_loss_benchmark_is_consistent_with_romanoskys_typical_cost() -> None:
    iris, rom = sources()["iris_2022"]["figures"], sources()["romanosky_2016"]["figures"]
    median_usd = math.exp(iris["loss_meanlog_usd"])
    assert 0.5 < median_usd / rom["typical_cost_usd"] < 2.0  # both put a typical loss near 200k


def test_firm_scenarios_scale_continuously_with_revenue_industry_and_modifiers() -> None:
    lib = library()
    exposure = lib.exposure
    reference = {s.name: s for s in library_scenarios("C", exposure.reference_revenue)}
    revenue = 3e9
    firm = {s.name: s for s in library_scenarios("Q", revenue)}
    sector = lib.industries["Q"]
    ratio = revenue / exposure.reference_revenue
    ransom = reference["ransomware"]
    expected = (
        ransom.frequency.mean
        * ratio**exposure.frequency_elasticity
        * sector["frequency"]
        * 1.5  # Q's own factor for ransomware
    )
    assert firm["ransomware"].frequency.mean == pytest.approx(expected, rel=1e-12)
    bi = next(c for c in firm["ransomware"].components if c.coverage == "business_interruption")
    assert bi.loss_per_hour == pytest.approx(0.06 * revenue / 8760, rel=1e-12)
    rest = [c for c in firm["ransomware"].components if c.coverage != "business_interruption"]
    ref_rest = [c for c in ransom.components if c.coverage != "business_interruption"]
    assert math.fsum(c.ground_up.mean for c in rest) == pytest.approx(
        math.fsum(c.ground_up.mean for c in ref_rest)
        * ratio**exposure.severity_elasticity
        * sector["severity"],
        rel=1e-9,
    )
    modified = library_scenarios(
        "Q",
        revenue,
        names=["ransomware"],
        modifiers={"ransomware": Modifier(frequency=0.5, severity=0.8)},
    )
    assert modified[0].frequency.mean == pytest.approx(0.5 * expected)
    assert all(c.coverage in coverage_codes() for s in firm.values() for c in s.components)
    # nothing jumps at a band edge: one yuan either side gives the same scenarios to 1e-6
    for band in lib.bands[:-1]:
        below = library_scenarios("C", band.upper - 1)
        above = library_scenarios("C", band.upper)
        for a, b in zip(below, above, strict=True):
            assert a.frequency.mean == pytest.approx(b.frequency.mean, rel=1e-6)
    # micro firms are priced as at the minimum revenue
    tiny = library_scenarios("C", 10)
    floor = library_scenarios("C", exposure.minimum_revenue)
    assert [s.frequency.mean for s in tiny] == [s.frequency.mean for s in floor]


def test_revenue_bands_and_bad_library_arguments() -> None:
    assert band_for_revenue(5e6) == "lt_10m"
    assert band_for_revenue(5e8) == "100m_1b"
    assert band_for_revenue(5e11) == "ge_10b"
    with pytest.raises(ValidationError, match="industry must be one of"):
        library_scenarios("Z", "lt_10m")
    with pytest.raises(ValidationError, match="library scenario must be one of"):
        library_scenarios("I", "lt_10m", names=["meteor_strike"])
