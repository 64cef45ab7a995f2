"""Pricing quote options (报价方案): technical and filed premium side by side, with the worksheet.

>>> from liubu.products import load_reference_catalogue
>>> spec = next(p for p in load_reference_catalogue() if p.product_id.endswith("comprehensive@1"))
>>> firm = Applicant("C", Decimal(30_000_000), 72.5, "B", mlps_level=2, claims_count=0)
>>> option = price_option(spec, firm, limit=1_000_000)
>>> option.worksheet.step("coefficient:security_score").rounded  # 1 − 0.15 × 12.5 / 20
Decimal('0.9063')
>>> str(option.filed_premium)  # base 13,000 (R2, G1) × 0.9063 × 0.95 (no claims)
'¥11,192.81'
>>> option.technical_premium > option.filed_premium
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from liubu.core import Money
from liubu.products import ProductSpec, Text
from liubu.risk import Modifier
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.experience_credit import (
    ExperienceCredit,
    SegmentExperience,
    experience_credit,
    prior_frequency,
)
from liubu.underwriting.exposure import ProductExposure, exposure_of, for_product
from liubu.underwriting.filed import FiledPrice, filed_price
from liubu.underwriting.labels import coverage_name, joined, note, scenario_name
from liubu.underwriting.loads import Loads, loads_for
from liubu.underwriting.technical import EngineSettings, TechnicalPrice, price_scenarios
from liubu.underwriting.terms import OptionTerms, check_limit, option_terms
from liubu.underwriting.worksheet import (
    Worksheet,
    adequacy_steps,
    capital_note,
    experience_steps,
    filed_steps,
    rate_adequacy,
    technical_steps,
)


@dataclass(frozen=True)
class QuoteOption:
    """One priced option: the product, the limit and retention, both premiums, their ratio and
    the worksheet. ``overrides`` maps each overridden factor to (guided value, value asked);
    ``experience`` is the insurer's claims experience of the segment the technical premium was
    priced with (None: none given)."""

    product: str
    insurer: str
    limit: Money
    retention: Money
    technical_premium: Money | None
    filed_premium: Money
    rate_adequacy: Decimal | None
    worksheet: Worksheet
    overrides: Mapping[str, tuple[Decimal | None, Decimal]] = field(default_factory=dict)
    experience: SegmentExperience | None = None
    book_capital: BookCapitalRatio | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "insurer": self.insurer,
            "limit": str(self.limit.amount),
            "retention": str(self.retention.amount),
            "technical_premium": None
            if self.technical_premium is None
            else str(self.technical_premium.amount),
            "filed_premium": str(self.filed_premium.amount),
            "rate_adequacy": None if self.rate_adequacy is None else str(self.rate_adequacy),
            "overrides": {
                k: [None if g is None else str(g), str(v)] for k, (g, v) in self.overrides.items()
            },
            "worksheet": self.worksheet.to_dict(),
            "experience": None if self.experience is None else self.experience.to_dict(),
            "book_capital": None if self.book_capital is None else self.book_capital.to_dict(),
        }


def price_option(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limit: object,
    retention: object | None = None,
    overrides: Mapping[str, object] | None = None,
    loads: Loads | None = None,
    engine: EngineSettings | None = None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> QuoteOption:
    """Price one option of ``spec`` for ``applicant``: ``limit`` from ``spec.limit_options``,
    ``retention`` from :func:`retention_options` (the product's by default), coefficient
    ``overrides`` by factor, ``loads`` (the insurer's from ``data/loads.yaml`` by default), the
    ``engine`` settings and the insurer's claims ``experience`` of the applicant's segment
    (blended into the technical premium's frequency by credibility:
    :mod:`liubu.underwriting.experience_credit`) and the insurer's stored ``book_capital`` ratio
    (capital from its simulated book when its loads ask for it:
    :mod:`liubu.underwriting.technical`)."""
    exposure = for_product(exposure_of(applicant), spec)
    return _price(
        spec,
        applicant,
        exposure,
        limit,
        retention,
        overrides,
        loads,
        engine,
        experience,
        book_capital,
    )


def price_options(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limits: Sequence[object] | None = None,
    retention: object | None = None,
    overrides: Mapping[str, object] | None = None,
    loads: Loads | None = None,
    engine: EngineSettings | None = None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> tuple[QuoteOption, ...]:
    """Price several options of ``spec`` (every limit option by default) at once.

    The library scenarios with the applicant's modifiers are built once and shared: the options'
    models differ only by their terms. Every limit is checked before any pricing starts.
    """
    chosen = list(spec.limit_options if limits is None else limits)
    for limit in chosen:
        check_limit(spec, limit)
    exposure = for_product(exposure_of(applicant), spec)
    return tuple(
        _price(
            spec,
            applicant,
            exposure,
            limit,
            retention,
            overrides,
            loads,
            engine,
            experience,
            book_capital,
        )
        for limit in chosen
    )


def technical_breakdown(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limit: object,
    retention: object | None = None,
    loads: Loads | None = None,
    engine: EngineSettings | None = None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> dict[str, Any] | None:
    """Why the technical premium of an option is what it is: the expected insured loss split by
    scenario and by coverage, with the premium the same inputs give (``None`` when the option
    has no technical premium). Priced again from the inputs (the ``experience`` the option was
    priced with included): the engine is deterministic."""
    technical = technical_price_of(
        spec,
        applicant,
        limit=limit,
        retention=retention,
        loads=loads,
        engine=engine,
        experience=experience,
        book_capital=book_capital,
    )
    if technical is None:
        return None
    return {"technical_premium": str(technical.premium.amount), **technical.breakdown()}


def technical_price_of(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limit: object,
    retention: object | None = None,
    loads: Loads | None = None,
    engine: EngineSettings | None = None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> TechnicalPrice | None:
    """The technical price of one option alone (no filed premium: for an applicant the rate
    plan does not reach, e.g. in the calibration report); ``None`` when nothing is modelled."""
    exposure = for_product(exposure_of(applicant), spec)
    mapped = option_terms(spec, limit=limit, retention=retention)
    technical, _credit = _technical(
        spec, exposure, mapped, loads, engine or EngineSettings(), experience, book_capital
    )
    return technical


def _technical(
    spec: ProductSpec,
    exposure: ProductExposure,
    mapped: OptionTerms,
    loads: Loads | None,
    engine: EngineSettings,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> tuple[TechnicalPrice | None, ExperienceCredit | None]:
    """The option's technical price (None when nothing of it is modelled) and, with
    ``experience``, the credibility blend it was priced with: the library model is priced, its
    claim frequency λ₀ read, and — when the experience earns credibility — the model with every
    scenario's frequency scaled by m = λ / λ₀ is priced once more (module
    :mod:`liubu.underwriting.experience_credit`)."""
    if not (mapped.modelled and exposure.scenarios):
        return None, None
    chosen = loads or loads_for(spec.insurer)
    library = price_scenarios(
        exposure.scenarios, mapped.terms, chosen, engine, book_ratio=book_capital
    )
    if experience is None:
        return library, None
    credit = experience_credit(prior_frequency(library.result), experience)
    if not credit.applied:
        return library, credit
    scaled = credit.scaled(exposure.scenarios)
    return price_scenarios(scaled, mapped.terms, chosen, engine, book_ratio=book_capital), credit


def _price(
    spec: ProductSpec,
    applicant: Applicant,
    exposure: ProductExposure,
    limit: object,
    retention: object | None,
    overrides: Mapping[str, object] | None,
    loads: Loads | None,
    engine: EngineSettings | None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> QuoteOption:
    mapped = option_terms(spec, limit=limit, retention=retention)
    settings = engine or EngineSettings()
    technical, credit = _technical(
        spec, exposure, mapped, loads, settings, experience, book_capital
    )
    filed = filed_price(
        spec, applicant, limit=mapped.limit, retention=mapped.retention, overrides=overrides
    )
    technical_premium = None if technical is None else technical.premium
    exact, rounded = rate_adequacy(filed.premium, technical_premium)
    worksheet = _worksheet(
        spec, applicant, exposure, mapped, technical, filed, settings, (exact, rounded), credit
    )
    return QuoteOption(
        product=spec.product_id,
        insurer=spec.insurer,
        limit=Money(mapped.limit),
        retention=Money(mapped.retention),
        technical_premium=technical_premium,
        filed_premium=filed.premium,
        rate_adequacy=rounded,
        worksheet=worksheet,
        overrides={
            line.factor: (line.guided, line.requested)
            for line in filed.lines
            if line.source == "override" and line.requested is not None
        },
        experience=experience,
        book_capital=book_capital,
    )


def _worksheet(
    spec: ProductSpec,
    applicant: Applicant,
    exposure: ProductExposure,
    mapped: OptionTerms,
    technical: TechnicalPrice | None,
    filed: FiledPrice,
    settings: EngineSettings,
    adequacy: tuple[Decimal | None, Decimal | None],
    credit: ExperienceCredit | None = None,
) -> Worksheet:
    model: dict[str, Any] = {
        "industry_section": applicant.industry_section,
        "revenue_band": exposure.band,
        "posture": exposure.posture,
        "scenarios": [
            {
                "name": s.name,
                "frequency_mean": s.frequency.mean,
                "components": [c.coverage for c in s.components],
                "modifier": _modifier(exposure.modifiers, s.name),
            }
            for s in exposure.scenarios
        ],
        "scenarios_left_out": {name: list(needs) for name, needs in exposure.left_out.items()},
        "terms": mapped.to_dict(),
        "engine": settings.to_dict(),
        "result": None if technical is None else technical.summary(),
        "experience": None if credit is None else credit.to_dict(),
    }
    return Worksheet(
        product=spec.product_id,
        limit=mapped.limit,
        retention=mapped.retention,
        inputs=_inputs(spec, applicant, mapped),
        model=model,
        technical=technical_steps(technical),
        filed=filed_steps(spec.rate_plan.basis, filed),
        adequacy=adequacy_steps(*adequacy),
        notes=_notes(spec, exposure, mapped, technical, credit),
        experience=() if technical is None else experience_steps(credit),
    )


def _inputs(spec: ProductSpec, applicant: Applicant, mapped: OptionTerms) -> dict[str, Any]:
    plan = spec.rate_plan
    band = plan.revenue_band(applicant.revenue).code if plan.revenue_bands else None
    group = plan.industry_group(applicant.industry_section).code if plan.industry_groups else None
    return {
        **applicant.to_dict(),
        "limit": str(mapped.limit),
        "retention": str(mapped.retention),
        "rate_plan_revenue_band": band,
        "rate_plan_industry_group": group,
    }


def _notes(
    spec: ProductSpec,
    exposure: ProductExposure,
    mapped: OptionTerms,
    technical: TechnicalPrice | None,
    credit: ExperienceCredit | None = None,
) -> tuple[Text, ...]:
    # which capital the risk load carries comes first: it moves the premium most
    notes = [] if technical is None else [capital_note(technical)]
    notes.extend(mapped.notes)
    if credit is not None and credit.reason == "below_minimum":
        settings = credit.settings
        exposure_years = credit.experience.exposure_years
        notes.append(
            note(
                "experience_below_minimum",
                exposure=f"{exposure_years:,.2f}",
                minimum=format(settings.min_exposure_years.normalize(), "f"),
            )
        )
    elif credit is not None and credit.reason == "no_prior_frequency":
        notes.append(note("experience_no_prior"))
    for name, needs in exposure.left_out.items():
        notes.append(
            note(
                "scenario_left_out",
                scenario=scenario_name(name),
                coverages=joined(coverage_name(c) for c in needs),
            )
        )
    if not mapped.modelled:
        notes.append(note("nothing_modelled", product=spec.name))
    elif technical is None:
        notes.append(note("no_scenarios", product=spec.name))
    elif mapped.not_modelled:
        notes.append(
            note("partly_modelled", coverages=joined(coverage_name(c) for c in mapped.not_modelled))
        )
    return tuple(notes)


def _modifier(modifiers: Mapping[str, Modifier], name: str) -> dict[str, float] | None:
    modifier = modifiers.get(name)
    if modifier is None:
        return None
    return {"frequency": modifier.frequency, "severity": modifier.severity}
