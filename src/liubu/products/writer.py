"""From a :class:`ProductSpec` to its canonical document and YAML text.

Fields left out of a file stay ``None`` in the spec and are left out again, so load → dump → load
is the identity on specs and dump → load → dump the identity on text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from liubu.products.rate_plan import (
    Coefficient,
    RatePlan,
)
from liubu.products.spec import (
    ClaimsProcess,
    Coverage,
    Eligibility,
    Exclusion,
    GroupArrangement,
    ProductSpec,
    Retention,
    Service,
)
from liubu.products.text import Text
from liubu.products.yamlmap import FlowList, FlowMap, ProductDumper

Doc = Mapping[str, Any]


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless the value was left out (None or an empty optional list)."""
    if value is not None and value != ():
        out[key] = value


_FLOW_TEXT_CHARS = 72  # short texts go on one line, {zh: …, en: …}; longer ones in block style


def _text(value: Text | None) -> dict[str, str] | None:
    if value is None:
        return None
    short = len(value.zh) * 2 + len(value.en) <= _FLOW_TEXT_CHARS
    return FlowMap(zh=value.zh, en=value.en) if short else {"zh": value.zh, "en": value.en}


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _retention_doc(value: Retention | None) -> FlowMap | None:
    return None if value is None else FlowMap(amount=value.amount, basis=value.basis)


def _coverage_doc(item: Coverage) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code}
    _put(out, "sublimit", item.sublimit)
    _put(out, "retention", _retention_doc(item.retention))
    if item.waiting_period is not None:
        wp = item.waiting_period
        out["waiting_period"] = FlowMap(hours=wp.hours, semantics=wp.semantics)
    _put(out, "coinsurance", item.coinsurance)
    _put(out, "note", _text(item.note))
    return out


def _eligibility_doc(item: Eligibility) -> dict[str, Any]:
    out: dict[str, Any] = {"insured": item.insured}
    if item.industry_sections is not None:
        out["industry_sections"] = FlowList(item.industry_sections)
    if item.excluded_industry_sections:
        out["excluded_industry_sections"] = FlowList(item.excluded_industry_sections)
    if item.revenue_min is not None:
        out["revenue"] = FlowMap({"min": item.revenue_min, "max": item.revenue_max})
    _put(out, "mlps_level_min", item.mlps_level_min)
    _put(out, "security_score_min", item.security_score_min)
    if item.age_min is not None:
        out["age"] = FlowMap({"min": item.age_min, "max": item.age_max})
    _put(out, "note", _text(item.note))
    return out


def _claims_doc(item: ClaimsProcess) -> dict[str, Any]:
    out: dict[str, Any] = {"notice_within_hours": item.notice_within_hours}
    _put(out, "hotline", item.hotline)
    steps = []
    for step in item.steps:
        entry = FlowMap(zh=step.text.zh, en=step.text.en)
        _put(entry, "deadline_hours", step.deadline_hours)
        _put(entry, "deadline_days", step.deadline_days)
        steps.append(entry)
    out["steps"] = steps
    out["documents"] = [_text(text) for text in item.documents]
    _put(out, "settlement_within_days", item.settlement_within_days)
    return out


def _group_doc(item: GroupArrangement | None) -> dict[str, Any] | None:
    if item is None:
        return None
    out: dict[str, Any] = {
        "policyholder": item.policyholder,
        "members": item.members,
        "certificates": item.certificates,
        "members_min": item.members_min,
    }
    _put(out, "members_max", item.members_max)
    out["limit_basis"] = item.limit_basis
    _put(out, "shared_aggregate_limit", item.shared_aggregate_limit)
    sharing: dict[str, Any] = {"method": item.premium_sharing.method}
    _put(sharing, "sponsor_share", item.premium_sharing.sponsor_share)
    _put(sharing, "floating_factor", item.premium_sharing.floating_factor)
    _put(sharing, "note", _text(item.premium_sharing.note))
    out["premium_sharing"] = sharing
    return out


def _coefficient_doc(item: Coefficient) -> dict[str, Any]:
    out: dict[str, Any] = {"factor": item.factor, "range": FlowList([item.range.lo, item.range.hi])}
    if item.points:
        out["points"] = [FlowMap(at=p.at, value=p.value) for p in item.points]
    if item.steps:
        out["steps"] = [FlowMap({"from": p.at, "value": p.value}) for p in item.steps]
    if item.levels:
        levels = []
        for level in item.levels:
            entry = FlowMap(level=level.level, value=level.value)
            _put(entry, "name", _text(level.name))
            levels.append(entry)
        out["levels"] = levels
    _put(out, "note", _text(item.note))
    return out


def _rate_plan_doc(item: RatePlan) -> dict[str, Any]:
    out: dict[str, Any] = {"basis": item.basis}
    if item.revenue_bands:
        out["revenue_bands"] = [
            FlowMap({"code": b.code, "from": b.lower, "to": b.upper}) for b in item.revenue_bands
        ]
    if item.industry_groups:
        groups = []
        for group in item.industry_groups:
            entry = FlowMap(code=group.code, sections=FlowList(group.sections))
            _put(entry, "name", _text(group.name))
            groups.append(entry)
        out["industry_groups"] = groups
    rows = []
    for row in item.base_premiums:
        entry = FlowMap(limit=row.limit)
        _put(entry, "revenue_band", row.revenue_band)
        _put(entry, "industry_group", row.industry_group)
        entry["premium"] = row.premium
        rows.append(entry)
    out["base_premiums"] = rows
    out["coefficients"] = [_coefficient_doc(c) for c in item.coefficients]
    out["product_bound"] = FlowList([item.product_bound.lo, item.product_bound.hi])
    _put(out, "note", _text(item.note))
    return out


def to_document(spec: ProductSpec) -> dict[str, Any]:
    """The canonical document of ``spec``, in the schema's field order."""
    out: dict[str, Any] = {"schema_version": spec.schema_version, "insurer": spec.insurer}
    _put(out, "insurer_name", _text(spec.insurer_name))
    out.update(code=spec.code, version=spec.version, name=_text(spec.name))
    out.update(type=spec.product_type, status=spec.status)
    if spec.filing is not None:
        filing: dict[str, Any] = {}
        _put(filing, "number", spec.filing.number)
        _put(filing, "filed_on", _iso(spec.filing.filed_on))
        out["filing"] = FlowMap(filing)
    _put(out, "effective_from", _iso(spec.effective_from))
    if spec.effective_from is not None or spec.effective_to is not None:
        out["effective_to"] = _iso(spec.effective_to)
    _put(out, "illustrative", _text(spec.illustrative))
    trigger: dict[str, Any] = {"basis": spec.trigger.basis}
    _put(trigger, "retroactive_date", _iso(spec.trigger.retroactive_date))
    _put(trigger, "retroactive_period_days", spec.trigger.retroactive_period_days)
    _put(trigger, "extended_reporting_days", spec.trigger.extended_reporting_days)
    if spec.trigger.conditions:
        trigger["conditions"] = [_text(text) for text in spec.trigger.conditions]
    out["trigger"] = trigger
    out["territory"] = spec.territory
    out["eligibility"] = _eligibility_doc(spec.eligibility)
    out["limit_options"] = FlowList(spec.limit_options)
    _put(out, "retention", _retention_doc(spec.retention))
    out["coverages"] = [_coverage_doc(item) for item in spec.coverages]
    out["exclusions"] = [_exclusion_doc(item) for item in spec.exclusions]
    if spec.services:
        out["services"] = [_service_doc(item) for item in spec.services]
    out["claims"] = _claims_doc(spec.claims)
    _put(out, "group", _group_doc(spec.group))
    out["rate_plan"] = _rate_plan_doc(spec.rate_plan)
    return out


def _exclusion_doc(item: Exclusion) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code}
    _put(out, "lma_clause", item.lma_clause)
    _put(out, "note", _text(item.note))
    return out


def _service_doc(item: Service) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code}
    _put(out, "response_time_minutes", item.response_time_minutes)
    _put(out, "description", _text(item.description))
    return out


def dump_product(spec: ProductSpec) -> str:
    """The product as canonical YAML text (UTF-8, Chinese kept readable)."""
    return yaml.dump(
        to_document(spec),
        Dumper=ProductDumper,
        allow_unicode=True,
        sort_keys=False,
        width=120,
        default_flow_style=False,
    )


def fingerprint(spec: ProductSpec) -> str:
    """SHA-256 of the canonical YAML: equal for equal specs, so a registry can tell that a
    filed version was edited in place."""
    return hashlib.sha256(dump_product(spec).encode("utf-8")).hexdigest()
