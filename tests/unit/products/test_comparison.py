"""Side-by-side comparison: rows normalised to the vocabulary, differences, summaries, text."""

from __future__ import annotations

import dataclasses
import json

import pytest

from liubu.errors import ValidationError
from liubu.products import (
    Exclusion,
    ProductSpec,
    compare,
    load_reference_catalogue,
    load_vocabulary,
    render_comparison_text,
)
from liubu.products.render import display_width


def product(product_id: str) -> ProductSpec:
    return next(s for s in load_reference_catalogue() if s.product_id == product_id)


SME_1 = "shifan-pc/sme-cyber-comprehensive@1"
SME_2 = "shifan-pc/sme-cyber-comprehensive@2"
ANTI_FRAUD = "yangben-pc/anti-fraud@1"


def without_exclusion(spec: ProductSpec, code: str) -> ProductSpec:
    kept = tuple(e for e in spec.exclusions if e.code != code)
    assert len(kept) == len(spec.exclusions) - 1
    return dataclasses.replace(spec, code="sme-variant", exclusions=kept)


def test_two_products_differing_in_exactly_one_exclusion_show_exactly_that_difference() -> None:
    base = product(SME_1)
    variant = without_exclusion(base, "unsupported_software")
    comparison = compare([base, variant], lang="en")
    assert comparison.differences == ("exclusion:unsupported_software",)
    row = comparison.row("exclusion:unsupported_software")
    assert row.differs
    assert [cell.value for cell in row.cells] == [{"lma_clause": None}, None]
    assert [cell.text.en for cell in row.cells] == ["excluded", "—"]


def test_a_different_lma_clause_is_a_difference_in_the_war_exclusion_only() -> None:
    base = product(SME_1)
    exclusions = tuple(Exclusion(e.code, "LMA5564") if e.lma_clause else e for e in base.exclusions)
    variant = dataclasses.replace(base, code="sme-variant", exclusions=exclusions)
    comparison = compare([base, variant])
    assert comparison.differences == ("exclusion:war_and_state_cyber_operations",)


def test_a_product_compared_with_itself_has_no_differences() -> None:
    spec = product(SME_2)
    assert compare([spec, spec]).differences == ()


def test_version_2_differs_from_version_1_exactly_where_its_header_says() -> None:
    # The header of shifan-pc_sme-cyber-comprehensive-v2.yaml lists the changes: business
    # interruption terms, system-failure cover, a backup service (and a rate-plan change, which is
    # not a term of cover and is not compared).
    comparison = compare([product(SME_1), product(SME_2)])
    assert set(comparison.differences) == {
        "coverage:business_interruption",
        "coverage:system_failure",
        "service:backup_service",
    }
    bi = comparison.row("coverage:business_interruption")
    assert [cell.value["sublimit"] for cell in bi.cells] == ["300000", "500000"]
    assert [cell.value["waiting_period"]["hours"] for cell in bi.cells] == [12, 8]


def test_coverage_cells_show_the_policy_retention_where_a_coverage_states_none() -> None:
    comparison = compare([product(SME_1)])
    forensics = comparison.row("coverage:forensics").cells[0].value
    funds = comparison.row("coverage:funds_transfer_fraud").cells[0].value
    assert forensics["retention"] == {"amount": "5000", "basis": "per_event"}
    assert funds["retention"] == {"amount": "10000", "basis": "per_event"}
    assert funds["coinsurance"] == "0.2"


def test_rows_follow_the_vocabulary_order_and_cover_every_term_of_either_product() -> None:
    sme, fraud = product(SME_2), product(ANTI_FRAUD)
    comparison = compare([fraud, sme])
    coverage_rows = [row.key.split(":")[1] for row in comparison.rows if row.section == "coverage"]
    order = load_vocabulary().coverages.codes()
    assert coverage_rows == sorted(coverage_rows, key=order.index)
    assert set(coverage_rows) == {c.code for c in sme.coverages} | {c.code for c in fraud.coverages}
    sections = [row.section for row in comparison.rows]
    assert sections == sorted(sections, key=["general", "coverage", "exclusion", "service"].index)


def test_the_anti_fraud_summary_says_what_you_pay_first_in_both_languages() -> None:
    (summary,) = compare([product(ANTI_FRAUD)]).summaries
    assert "¥3,000" in summary.pay_first.en
    assert "30%" in summary.pay_first.en
    assert "7 days" in summary.pay_first.en
    assert "3000元" in summary.pay_first.zh
    assert "30%" in summary.pay_first.zh
    assert "7天" in summary.pay_first.zh
    assert "gambling" in summary.not_covered.en
    assert "赌博" in summary.not_covered.zh
    assert "¥100,000" in summary.covered.en
    assert "10万元" in summary.covered.zh


def test_the_summary_names_what_the_product_leaves_out() -> None:
    (summary,) = compare([product(SME_1)]).summaries
    assert "contingent business interruption" in summary.not_covered.en
    assert "war and state-backed cyber operations (LMA5567)" in summary.not_covered.en
    assert summary.pay_first.en.startswith("What you pay first: the first ¥5,000 of each incident")


def test_to_dict_is_json_ready_and_in_the_language_asked_for() -> None:
    comparison = compare([product(SME_1), product(ANTI_FRAUD)], lang="zh")
    document = json.loads(json.dumps(comparison.to_dict(), ensure_ascii=False))
    assert document["lang"] == "zh"
    assert document["products"][1] == {
        "id": ANTI_FRAUD,
        "name": "个人电信网络诈骗损失保险（反诈险）",
    }
    row = next(r for r in document["rows"] if r["key"] == "coverage:telecom_fraud_loss")
    assert row["label"] == "电信网络诈骗损失"
    assert row["differs"] is True
    assert row["cells"][0]["value"] is None
    assert comparison.to_dict("en")["rows"][0]["label"] == "Product type"
    assert set(document["differences"]) == {r["key"] for r in document["rows"] if r["differs"]}


def test_comparing_nothing_or_in_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationError):
        compare([])
    with pytest.raises(ValidationError) as caught:
        compare([product(SME_1)], lang="fr")
    assert caught.value.code == "lang.unsupported"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_text_table_lines_up_columns_and_marks_only_differing_rows(lang: str) -> None:
    base = product(SME_1)
    comparison = compare([base, without_exclusion(base, "betterment")], lang=lang)
    text = render_comparison_text(comparison)
    table = [line for line in text.splitlines() if "│" in line]
    columns = {
        tuple(display_width(line[:i]) for i, ch in enumerate(line) if ch == "│") for line in table
    }
    assert len(columns) == 1  # every separator at the same display column, CJK included
    marked = [line for line in table if line.startswith("*")]
    label = load_vocabulary().exclusion("betterment").name.in_(lang)  # type: ignore[arg-type]
    assert len(marked) == 1
    assert label in marked[0]
