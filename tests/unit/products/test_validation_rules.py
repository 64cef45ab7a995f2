"""Every validation rule has a failing example: a valid product broken in one place.

Each case edits ``data/base_product.yaml`` and names the rule code, the field path and a marker on
the line the issue must point at; the expected line is found by searching the edited text, not
taken from the validator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from liubu.errors import ValidationError
from liubu.products import parse_product, rule_codes, validate_product
from liubu.products import schema as schema_module
from liubu.products import validation as validation_module

GROUP = """group:
  policyholder: chain_owner
  members: suppliers
  certificates: true
  members_min: 10
  members_max: 200
  limit_basis: per_member
  premium_sharing:
    method: sponsor_base_member_float
    sponsor_share: 0.4
    floating_factor: security_score
rate_plan:
"""
SERVICES = "services:\n  - code: incident_response_hotline\n    response_time_minutes: 30\n"
LAST_ROW = "    - {limit: 2000000, revenue_band: R2, industry_group: G2, premium: 12000}\n"
CLAIMS_LEVELS = """      levels:
        - {level: none, value: 0.95}
        - {level: one, value: 1.2}
"""
FIRST_LINE = "schema_version: 1"


@dataclass(frozen=True)
class Case:
    code: str
    edits: tuple[tuple[str, str], ...]
    path: str
    marker: str  # text on exactly one line of the edited document ("^…": the whole line)

    def __str__(self) -> str:
        return self.code


def case(code: str, find: str, replace: str, path: str, marker: str) -> Case:
    return Case(code, ((find, replace),), path, marker)


CASES = [
    # YAML
    case("yaml.invalid", "  basis: claims_made\n", "  basis: claims: made\n", "", "claims: made"),
    case(
        "yaml.duplicate_key",
        "territory: mainland_china\n",
        "territory: mainland_china\nterritory: worldwide\n",
        "territory",
        "territory: worldwide",
    ),
    # JSON Schema
    case("schema.required", "territory: mainland_china\n", "", "territory", FIRST_LINE),
    case(
        "schema.unknown_field",
        "territory: mainland_china",
        "territory: mainland_china\nteritory: worldwide",
        "teritory",
        "teritory:",
    ),
    case(
        "schema.type",
        "notice_within_hours: 48",
        "notice_within_hours: forty-eight",
        "claims.notice_within_hours",
        "forty-eight",
    ),
    case("schema.enum", "territory: mainland_china", "territory: mars", "territory", "mars"),
    case("schema.const", "schema_version: 1", "schema_version: 2", "schema_version", "version: 2"),
    case("schema.pattern", "code: base-product", "code: Base_Product", "code", "Base_Product"),
    case(
        "schema.format",
        "filed_on: 2024-01-10",
        "filed_on: 2024-02-30",
        "filing.filed_on",
        "2024-02-30",
    ),
    case(
        "schema.minimum",
        "coinsurance: 0.2",
        "coinsurance: -0.2",
        "coverages[2].coinsurance",
        "-0.2",
    ),
    case(
        "schema.maximum",
        "coinsurance: 0.2",
        "coinsurance: 1.2",
        "coverages[2].coinsurance",
        "coinsurance: 1.2",
    ),
    case("schema.min_items", "[1000000, 2000000]", "[]", "limit_options", "limit_options: []"),
    case(
        "schema.max_items",
        "range: [0.9, 1.5]",
        "range: [0.9, 1.2, 1.5]",
        "rate_plan.coefficients[1].range",
        "[0.9, 1.2, 1.5]",
    ),
    case(
        "schema.unique_items",
        "industry_sections: [C, I]",
        "industry_sections: [C, I, C]",
        "eligibility.industry_sections",
        "[C, I, C]",
    ),
    case(
        "schema.min_length",
        "{zh: 索赔申请书, en: Claim form}",
        "{zh: '', en: Claim form}",
        "claims.documents[0].zh",
        "zh: ''",
    ),
    case("schema.max_length", "insurer: test-pc", "insurer: " + "a" * 65, "insurer", "aaaa"),
    case(
        "schema.exclusive_fields",
        "deadline_hours: 48}",
        "deadline_hours: 48, deadline_days: 2}",
        "claims.steps[0]",
        "deadline_days: 2",
    ),
    # invariants of the parts
    case(
        "effective.window_inverted",
        "effective_to: null",
        "effective_to: 2024-01-01",
        "effective_to",
        "effective_to: 2024-01-01",
    ),
    case(
        "eligibility.range_inverted",
        "revenue: {min: 0, max: 100000000}",
        "revenue: {min: 200000000, max: 100000000}",
        "eligibility.revenue",
        "min: 200000000",
    ),
    Case(
        "group.members_range_inverted",
        (
            ("type: comprehensive", "type: supply_chain"),
            ("rate_plan:\n", GROUP),
            ("members_max: 200", "members_max: 5"),
        ),
        "group.members_max",
        "members_max: 5",
    ),
    case(
        "rate_plan.band_inverted",
        "{code: R2, from: 20000000, to: 100000000}",
        "{code: R2, from: 20000000, to: 10000000}",
        "rate_plan.revenue_bands[1].to",
        "to: 10000000}",
    ),
    case(
        "rate_plan.range_inverted",
        "range: [0.7, 1.3]",
        "range: [1.3, 0.7]",
        "rate_plan.coefficients[0].range",
        "[1.3, 0.7]",
    ),
    case(
        "rate_plan.curve_points_unordered",
        "{at: 60, value: 1.0}",
        "{at: 0, value: 1.0}",
        "rate_plan.coefficients[0].points[1].at",
        "{at: 0, value: 1.0}",
    ),
    # filing, trigger, eligibility
    case(
        "filing.missing_number",
        'number: "TEST-0001"',
        'number: " "',
        "filing.number",
        'number: " "',
    ),
    case(
        "filing.missing_effective_from",
        "effective_from: 2024-02-01\n",
        "",
        "effective_from",
        FIRST_LINE,
    ),
    case(
        "trigger.retroactive_date_not_applicable",
        "basis: claims_made",
        "basis: occurrence",
        "trigger.retroactive_date",
        "retroactive_date:",
    ),
    case(
        "trigger.retroactive_date_missing",
        "  retroactive_date: 2023-02-01\n",
        "",
        "exclusions[1].code",
        "code: before_retroactive_date",
    ),
    case(
        "trigger.retroactive_date_after_start",
        "retroactive_date: 2023-02-01",
        "retroactive_date: 2024-06-01",
        "trigger.retroactive_date",
        "2024-06-01",
    ),
    case(
        "eligibility.industry_conflict",
        "  industry_sections: [C, I]\n",
        "  industry_sections: [C, I]\n  excluded_industry_sections: [I]\n",
        "eligibility.excluded_industry_sections[0]",
        "excluded_industry_sections",
    ),
    # product type
    case(
        "product.unknown_type",
        "type: comprehensive",
        "type: comprehensiv",
        "type",
        "^type: comprehensiv",
    ),
    case(
        "type.coverage_not_allowed",
        "type: comprehensive",
        "type: liability",
        "coverages[0].code",
        "^- code: incident_response",
    ),
    case(
        "type.missing_core_coverage",
        "type: comprehensive",
        "type: it_product_liability",
        "coverages",
        "coverages:",
    ),
    case("type.missing_party", "  - code: privacy_liability\n", "", "coverages", "coverages:"),
    case(
        "type.insured_mismatch",
        "insured: enterprise",
        "insured: individual",
        "eligibility.insured",
        "insured: individual",
    ),
    Case(
        "type.missing_service",
        (("type: comprehensive", "type: service_bundle"), (SERVICES, "")),
        "services",
        FIRST_LINE,
    ),
    # group products
    case("group.missing", "type: comprehensive", "type: supply_chain", "group", FIRST_LINE),
    case("group.unexpected", "rate_plan:\n", GROUP, "group", "^group:"),
    Case(
        "group.sharing_incomplete",
        (
            ("type: comprehensive", "type: supply_chain"),
            ("rate_plan:\n", GROUP),
            ("    floating_factor: security_score\n", ""),
        ),
        "group.premium_sharing",
        "premium_sharing:",
    ),
    Case(
        "group.floating_factor_not_in_rate_plan",
        (
            ("type: comprehensive", "type: supply_chain"),
            ("rate_plan:\n", GROUP),
            ("floating_factor: security_score", "floating_factor: group_size"),
        ),
        "group.premium_sharing.floating_factor",
        "floating_factor: group_size",
    ),
    Case(
        "group.shared_limit_missing",
        (
            ("type: comprehensive", "type: supply_chain"),
            ("rate_plan:\n", GROUP),
            ("limit_basis: per_member", "limit_basis: shared_aggregate"),
        ),
        "group.limit_basis",
        "limit_basis: shared_aggregate",
    ),
    # coverages
    case(
        "coverage.unknown_code",
        "code: extortion",
        "code: extortoin",
        "coverages[2].code",
        "extortoin",
    ),
    case(
        "coverage.duplicate",
        "  - code: privacy_liability\n",
        "  - code: privacy_liability\n  - code: privacy_liability  # again\n",
        "coverages[4].code",
        "# again",
    ),
    case(
        "coverage.sublimit_above_limit",
        "sublimit: 300000",
        "sublimit: 3000000",
        "coverages[2].sublimit",
        "sublimit: 3000000",
    ),
    case(
        "coverage.retention_not_below_limit",
        "    coinsurance: 0.2\n",
        "    coinsurance: 0.2\n    retention: {amount: 300000, basis: per_event}\n",
        "coverages[2].retention",
        "amount: 300000",
    ),
    case(
        "coverage.waiting_period_not_applicable",
        "    coinsurance: 0.2\n",
        "    coinsurance: 0.2\n    waiting_period: {hours: 6, semantics: time_deductible}\n",
        "coverages[2].waiting_period.semantics",
        "hours: 6",
    ),
    # exclusions
    case(
        "exclusion.unknown_code",
        "code: intentional_acts",
        "code: intentional_act",
        "exclusions[2].code",
        "intentional_act",
    ),
    case(
        "exclusion.duplicate",
        "  - code: intentional_acts\n",
        "  - code: intentional_acts\n  - code: intentional_acts  # again\n",
        "exclusions[3].code",
        "# again",
    ),
    case(
        "exclusion.missing_lma_clause",
        "    lma_clause: LMA5567\n",
        "",
        "exclusions[0]",
        "code: war_and_state_cyber_operations",
    ),
    case(
        "exclusion.lma_clause_not_applicable",
        "  - code: intentional_acts\n",
        "  - code: intentional_acts\n    lma_clause: LMA5564\n",
        "exclusions[2].lma_clause",
        "LMA5564",
    ),
    case(
        "exclusion.audience_mismatch",
        "  - code: intentional_acts\n",
        "  - code: intentional_acts\n  - code: gambling\n",
        "exclusions[3].code",
        "gambling",
    ),
    # services
    case(
        "service.unknown_code",
        "code: incident_response_hotline",
        "code: ir_hotline",
        "services[0].code",
        "ir_hotline",
    ),
    case(
        "service.duplicate",
        "    response_time_minutes: 30\n",
        "    response_time_minutes: 30\n  - code: security_training\n"
        "  - code: security_training  # again\n",
        "services[2].code",
        "# again",
    ),
    case(
        "service.missing_response_time",
        "    response_time_minutes: 30\n",
        "",
        "services[0]",
        "code: incident_response_hotline",
    ),
    # rate plan
    case(
        "rate_plan.basis_mismatch",
        "basis: per_policy",
        "basis: per_person",
        "rate_plan.basis",
        "per_person",
    ),
    case(
        "rate_plan.unknown_factor",
        "factor: claims_history",
        "factor: claim_history",
        "rate_plan.coefficients[1].factor",
        "claim_history",
    ),
    case(
        "rate_plan.duplicate_factor",
        "factor: claims_history",
        "factor: security_score  # 2",
        "rate_plan.coefficients[1].factor",
        "# 2",
    ),
    case(
        "rate_plan.coefficient_range_excludes_one",
        "range: [0.9, 1.5]",
        "range: [1.1, 1.5]",
        "rate_plan.coefficients[1].range",
        "[1.1, 1.5]",
    ),
    case(
        "rate_plan.bound_excludes_one",
        "product_bound: [0.6, 1.6]",
        "product_bound: [1.1, 1.6]",
        "rate_plan.product_bound",
        "product_bound",
    ),
    case(
        "rate_plan.guide_value_outside_range",
        "{level: one, value: 1.2}",
        "{level: one, value: 1.7}",
        "rate_plan.coefficients[1].levels[1].value",
        "value: 1.7",
    ),
    case(
        "rate_plan.guide_kind_mismatch",
        CLAIMS_LEVELS,
        "      points:\n        - {at: 0, value: 1.0}\n        - {at: 3, value: 1.4}\n",
        "rate_plan.coefficients[1]",
        "factor: claims_history",
    ),
    case(
        "rate_plan.score_curve_domain",
        "{at: 100, value: 0.7}",
        "{at: 90, value: 0.7}",
        "rate_plan.coefficients[0].points",
        "points:",
    ),
    case(
        "rate_plan.coefficient_not_monotone",
        "{at: 100, value: 0.7}",
        "{at: 100, value: 1.2}",
        "rate_plan.coefficients[0].points[2].value",
        "{at: 100, value: 1.2}",
    ),
    case(
        "rate_plan.coefficient_not_monotone",
        "      points:\n        - {at: 0, value: 1.3}\n        - {at: 60, value: 1.0}\n"
        "        - {at: 100, value: 0.7}\n",
        "      steps:\n        - {from: 0, value: 1.0}\n        - {from: 60, value: 1.1}\n",
        "rate_plan.coefficients[0].steps[1].value",
        "{from: 60, value: 1.1}",
    ),
    case(
        "rate_plan.score_curve_domain",
        "      points:\n        - {at: 0, value: 1.3}\n        - {at: 60, value: 1.0}\n"
        "        - {at: 100, value: 0.7}\n",
        "      steps:\n        - {from: 10, value: 1.3}\n        - {from: 60, value: 1.0}\n",
        "rate_plan.coefficients[0].steps",
        "      steps:",
    ),
    case(
        "rate_plan.curve_points_unordered",
        "      points:\n        - {at: 0, value: 1.3}\n        - {at: 60, value: 1.0}\n"
        "        - {at: 100, value: 0.7}\n",
        "      steps:\n        - {from: 60, value: 1.3}\n        - {from: 0, value: 1.0}\n",
        "rate_plan.coefficients[0].steps[1].from",
        "{from: 0, value: 1.0}",
    ),
    case(
        "schema.exclusive_fields",
        "      points:\n",
        "      steps: [{from: 0, value: 1.0}]\n      points:\n",
        "rate_plan.coefficients[0]",
        "^- factor: security_score",
    ),
    case(
        "rate_plan.band_overlap",
        "{code: R2, from: 20000000",
        "{code: R2, from: 15000000",
        "rate_plan.revenue_bands[1]",
        "from: 15000000",
    ),
    case(
        "rate_plan.band_gap",
        "{code: R2, from: 20000000",
        "{code: R2, from: 25000000",
        "rate_plan.revenue_bands[1].from",
        "from: 25000000",
    ),
    case(
        "rate_plan.duplicate_key",
        "{code: G2, sections: [I]}",
        "{code: G1, sections: [I]}",
        "rate_plan.industry_groups[1].code",
        "{code: G1, sections: [I]}",
    ),
    case(
        "rate_plan.industry_in_two_groups",
        "{code: G2, sections: [I]}",
        "{code: G2, sections: [I, C]}",
        "rate_plan.industry_groups[1].sections[1]",
        "[I, C]",
    ),
    case(
        "rate_plan.industry_not_rated",
        "industry_sections: [C, I]",
        "industry_sections: [C, I, M]",
        "rate_plan.industry_groups",
        "industry_groups:",
    ),
    case(
        "rate_plan.row_unknown_key",
        "industry_group: G2, premium: 12000",
        "industry_group: G3, premium: 12000",
        "rate_plan.base_premiums[7].industry_group",
        "G3",
    ),
    case(
        "rate_plan.row_missing_key",
        "revenue_band: R2, industry_group: G2, premium: 12000",
        "industry_group: G2, premium: 12000",
        "rate_plan.base_premiums[7]",
        "{limit: 2000000, industry_group: G2",
    ),
    case(
        "rate_plan.duplicate_row",
        "industry_group: G2, premium: 12000",
        "industry_group: G1, premium: 12000",
        "rate_plan.base_premiums[7]",
        "premium: 12000",
    ),
    case("rate_plan.table_gap", LAST_ROW, "", "rate_plan.base_premiums", "base_premiums:"),
    case(
        "rate_plan.premium_decreases_with_limit",
        "premium: 12000",
        "premium: 7000",
        "rate_plan.base_premiums[7].premium",
        "premium: 7000",
    ),
]

# Rules checked elsewhere: across versions (test_versions.py) and the builder's safety net below.
ELSEWHERE = {
    "version.duplicate",
    "version.overlapping_effective_dates",
    "version.filed_edited_in_place",
    "product.invalid",
    "schema.invalid",
}


def edited(base_text: str, example: Case) -> str:
    text = base_text
    for find, replace in example.edits:
        assert text.count(find) == 1, f"{find!r} must occur once in the base product"
        text = text.replace(find, replace)
    return text


def line_of(text: str, marker: str) -> int:
    def matches(line: str) -> bool:
        return line.strip() == marker[1:] if marker.startswith("^") else marker in line

    lines = [number for number, line in enumerate(text.splitlines(), 1) if matches(line)]
    assert len(lines) == 1, f"the marker {marker!r} must be on exactly one line"
    return lines[0]


def test_the_base_product_is_valid(base_text: str) -> None:
    assert validate_product(base_text, source="base_product.yaml") == []


@pytest.mark.parametrize("example", CASES, ids=str)
def test_each_rule_reports_file_line_path_and_code(base_text: str, example: Case) -> None:
    text = edited(base_text, example)
    issues = validate_product(text, source="products/base.yaml")
    matching = [issue for issue in issues if issue.code == example.code]
    assert matching, f"expected {example.code}, got {[str(i) for i in issues]}"
    issue = next((i for i in matching if i.path == example.path), matching[0])
    assert issue.path == example.path
    assert issue.file == "products/base.yaml"
    assert issue.line == line_of(text, example.marker)
    assert issue.message.endswith((".", "?", ")"))
    assert "{" not in issue.message
    assert issue.message_zh
    assert "{" not in issue.message_zh
    if example.path:
        assert example.path in issue.message


def test_every_rule_code_has_a_failing_example() -> None:
    covered = {example.code for example in CASES}
    assert set(rule_codes()) - ELSEWHERE == covered


def test_a_file_with_several_problems_reports_all_of_them_in_line_order(base_text: str) -> None:
    text = base_text.replace("code: extortion", "code: ransom").replace(
        "range: [0.9, 1.5]", "range: [1.1, 1.5]"
    )
    issues = validate_product(text, source="p.yaml")
    codes = [issue.code for issue in issues]
    assert "coverage.unknown_code" in codes
    assert "rate_plan.coefficient_range_excludes_one" in codes
    lines = [issue.line or 0 for issue in issues]
    assert lines == sorted(lines)


def test_an_unknown_code_suggests_the_closest_vocabulary_code(base_text: str) -> None:
    text = base_text.replace("code: extortion", "code: extortoin")
    (issue,) = [i for i in validate_product(text, source="p.yaml") if i.path == "coverages[2].code"]
    assert "Did you mean 'extortion'?" in issue.message
    assert "'extortion'" in issue.message_zh


def test_parse_product_raises_a_validation_error_located_at_the_first_issue(
    base_text: str,
) -> None:
    text = base_text.replace("sublimit: 300000", "sublimit: 3000000")
    with pytest.raises(ValidationError) as caught:
        parse_product(text, source="catalogue/x.yaml")
    error = caught.value
    expected_line = line_of(text, "sublimit: 3000000")
    assert error.location == f"catalogue/x.yaml:{expected_line}"
    assert error.field == "coverages[2].sublimit"
    assert error.code == "coverage.sublimit_above_limit"
    assert error.message.startswith(f"catalogue/x.yaml:{expected_line}: coverages[2].sublimit: ")
    issues = error.detail["issues"]
    assert isinstance(issues, list)
    assert issues[0]["code"] == "coverage.sublimit_above_limit"


def test_a_document_that_is_not_a_mapping_is_refused_with_its_type() -> None:
    issues = validate_product("- just\n- a list\n", source="p.yaml")
    assert [(i.code, i.path, i.line) for i in issues] == [("schema.type", "", 1)]


def test_an_alias_bomb_is_refused_as_invalid_yaml() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    issues = validate_product("\n".join(lines) + "\n", source="bomb.yaml")
    assert [issue.code for issue in issues] == ["yaml.invalid"]


def test_the_builder_safety_net_turns_a_missed_invariant_into_a_located_issue(
    base_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the document-level invariant check ever misses a case, the dataclass still refuses it,
    # and the validator reports that refusal at the field instead of crashing.
    monkeypatch.setattr(validation_module, "invariant_breaches", lambda doc: [])
    text = base_text.replace("range: [0.7, 1.3]", "range: [1.3, 0.7]")
    (issue,) = validate_product(text, source="p.yaml")
    assert issue.code == "product.invalid"
    assert issue.line is not None


def test_a_schema_keyword_without_its_own_rule_is_reported_as_schema_invalid() -> None:
    # The product schema uses no such keyword today; the fallback keeps a future one located.
    error = next(Draft202012Validator({"minProperties": 2}).iter_errors({"a": 1}))
    (breach,) = list(schema_module._breaches_of(error))
    assert breach.code == "schema.invalid"
    assert "does not have enough properties" in str(breach.params["detail"])


def test_every_rule_code_is_documented() -> None:
    docs = Path(__file__).parents[3] / "docs" / "products.md"
    text = docs.read_text(encoding="utf-8")
    missing = [code for code in rule_codes() if f"`{code}`" not in text]
    assert missing == []
