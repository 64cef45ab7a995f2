"""From a product document (the YAML mapping) to a :class:`ProductSpec`.

:func:`build_spec` trusts its input to have passed the JSON Schema (the validator runs it first);
the dataclasses still check their own invariants.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from liubu.products.rate_plan import (
    BasePremiumRow,
    Coefficient,
    CurvePoint,
    FiledRange,
    IndustryGroup,
    Level,
    RatePlan,
    RevenueBand,
    to_decimal,
)
from liubu.products.spec import (
    ClaimsProcess,
    ClaimStep,
    Coverage,
    Eligibility,
    Exclusion,
    Filing,
    GroupArrangement,
    PremiumSharing,
    ProductSpec,
    Retention,
    Service,
    Trigger,
    WaitingPeriod,
)
from liubu.products.text import Text

Doc = Mapping[str, Any]


def _dec(value: Any) -> Decimal:
    return to_decimal(value, field="number")


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _opt_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _opt_text(value: Any) -> Text | None:
    return None if value is None else Text(zh=value["zh"], en=value["en"])


def _texts(values: Any) -> tuple[Text, ...]:
    return tuple(Text(zh=item["zh"], en=item["en"]) for item in values or ())


def _retention(raw: Any) -> Retention | None:
    return None if raw is None else Retention(_dec(raw["amount"]), raw["basis"])


def _coverage(raw: Doc) -> Coverage:
    waiting = raw.get("waiting_period")
    return Coverage(
        code=raw["code"],
        sublimit=_opt_dec(raw.get("sublimit")),
        retention=_retention(raw.get("retention")),
        waiting_period=None
        if waiting is None
        else WaitingPeriod(waiting["hours"], waiting["semantics"]),
        coinsurance=_opt_dec(raw.get("coinsurance")),
        note=_opt_text(raw.get("note")),
    )


def _eligibility(raw: Doc) -> Eligibility:
    revenue = raw.get("revenue")
    age = raw.get("age")
    sections = raw.get("industry_sections")
    score = raw.get("security_score_min")
    return Eligibility(
        insured=raw["insured"],
        industry_sections=None if sections is None else tuple(sections),
        excluded_industry_sections=tuple(raw.get("excluded_industry_sections", ())),
        revenue_min=None if revenue is None else _dec(revenue["min"]),
        revenue_max=None if revenue is None else _opt_dec(revenue.get("max")),
        mlps_level_min=raw.get("mlps_level_min"),
        security_score_min=_opt_dec(score),
        age_min=None if age is None else age["min"],
        age_max=None if age is None else age["max"],
        note=_opt_text(raw.get("note")),
    )


def _claims(raw: Doc) -> ClaimsProcess:
    return ClaimsProcess(
        notice_within_hours=raw["notice_within_hours"],
        steps=tuple(
            ClaimStep(
                Text(zh=step["zh"], en=step["en"]),
                deadline_hours=step.get("deadline_hours"),
                deadline_days=step.get("deadline_days"),
            )
            for step in raw["steps"]
        ),
        documents=_texts(raw["documents"]),
        hotline=raw.get("hotline"),
        settlement_within_days=raw.get("settlement_within_days"),
    )


def _group(raw: Doc | None) -> GroupArrangement | None:
    if raw is None:
        return None
    sharing = raw["premium_sharing"]
    return GroupArrangement(
        policyholder=raw["policyholder"],
        members=raw["members"],
        certificates=raw["certificates"],
        members_min=raw["members_min"],
        members_max=raw.get("members_max"),
        limit_basis=raw["limit_basis"],
        shared_aggregate_limit=_opt_dec(raw.get("shared_aggregate_limit")),
        premium_sharing=PremiumSharing(
            method=sharing["method"],
            sponsor_share=_opt_dec(sharing.get("sponsor_share")),
            floating_factor=sharing.get("floating_factor"),
            note=_opt_text(sharing.get("note")),
        ),
    )


def _range(raw: Any) -> FiledRange:
    return FiledRange(_dec(raw[0]), _dec(raw[1]))


def _coefficient(raw: Doc) -> Coefficient:
    return Coefficient(
        factor=raw["factor"],
        range=_range(raw["range"]),
        points=tuple(CurvePoint(_dec(p["at"]), _dec(p["value"])) for p in raw.get("points", ())),
        steps=tuple(CurvePoint(_dec(p["from"]), _dec(p["value"])) for p in raw.get("steps", ())),
        levels=tuple(
            Level(str(item["level"]), _dec(item["value"]), _opt_text(item.get("name")))
            for item in raw.get("levels", ())
        ),
        note=_opt_text(raw.get("note")),
    )


def _rate_plan(raw: Doc) -> RatePlan:
    return RatePlan(
        basis=raw["basis"],
        revenue_bands=tuple(
            RevenueBand(str(b["code"]), _dec(b["from"]), _opt_dec(b["to"]))
            for b in raw.get("revenue_bands", ())
        ),
        industry_groups=tuple(
            IndustryGroup(str(g["code"]), tuple(g["sections"]), _opt_text(g.get("name")))
            for g in raw.get("industry_groups", ())
        ),
        base_premiums=tuple(
            BasePremiumRow(
                limit=_dec(row["limit"]),
                premium=_dec(row["premium"]),
                revenue_band=row.get("revenue_band"),
                industry_group=row.get("industry_group"),
            )
            for row in raw["base_premiums"]
        ),
        coefficients=tuple(_coefficient(item) for item in raw["coefficients"]),
        product_bound=_range(raw["product_bound"]),
        note=_opt_text(raw.get("note")),
    )


def _filing(raw: Doc | None) -> Filing | None:
    return None if raw is None else Filing(raw.get("number"), _opt_date(raw.get("filed_on")))


def _trigger(raw: Doc) -> Trigger:
    return Trigger(
        basis=raw["basis"],
        retroactive_date=_opt_date(raw.get("retroactive_date")),
        retroactive_period_days=raw.get("retroactive_period_days"),
        extended_reporting_days=raw.get("extended_reporting_days"),
        conditions=_texts(raw.get("conditions")),
    )


def _exclusion(raw: Doc) -> Exclusion:
    return Exclusion(raw["code"], raw.get("lma_clause"), _opt_text(raw.get("note")))


def _service(raw: Doc) -> Service:
    return Service(raw["code"], raw.get("response_time_minutes"), _opt_text(raw.get("description")))


def build_spec(doc: Doc) -> ProductSpec:
    """Build the spec from a schema-valid document (dataclass invariants still apply)."""
    return ProductSpec(
        schema_version=doc["schema_version"],
        insurer=doc["insurer"],
        insurer_name=_opt_text(doc.get("insurer_name")),
        code=doc["code"],
        version=doc["version"],
        name=Text(zh=doc["name"]["zh"], en=doc["name"]["en"]),
        product_type=doc["type"],
        status=doc["status"],
        filing=_filing(doc.get("filing")),
        effective_from=_opt_date(doc.get("effective_from")),
        effective_to=_opt_date(doc.get("effective_to")),
        illustrative=_opt_text(doc.get("illustrative")),
        trigger=_trigger(doc["trigger"]),
        territory=doc["territory"],
        eligibility=_eligibility(doc["eligibility"]),
        limit_options=tuple(_dec(limit) for limit in doc["limit_options"]),
        retention=_retention(doc.get("retention")),
        coverages=tuple(_coverage(item) for item in doc["coverages"]),
        exclusions=tuple(_exclusion(item) for item in doc["exclusions"]),
        services=tuple(_service(item) for item in doc.get("services", ())),
        claims=_claims(doc["claims"]),
        group=_group(doc.get("group")),
        rate_plan=_rate_plan(doc["rate_plan"]),
    )
