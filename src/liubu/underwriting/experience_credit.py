"""Claims experience in the technical premium (经验费率信度): the credibility blend of the scenario
library's claim frequency and the insurer's own experience of the applicant's segment.

The model of an option is compound Poisson, so its insured-claim frequency (claims a year with an
insured loss) is read from the engine's distribution of the annual insured loss S:

    prior frequency       λ₀ = −ln P(S = 0)                   (as in the calibration report)

The insurer's experience of the segment — its stored claims-experience rows with the applicant's
GB/T 4754 section, tagged with the product quoted or with no product — is N claims over E
policy-years (:class:`SegmentExperience`, read through
:meth:`liubu.underwriting.records.UnderwritingRepository.segment_experience`). With Poisson claim
counts given the segment's true frequency Λ, and Λ varying between segments of the same prior with
mean λ₀ and coefficient of variation cv (a gamma prior), Bühlmann's credibility is

    credibility           Z  = E / (E + k),   k = 1 / (λ₀ · cv²)   (Z = 0 when E < the minimum)
    credible frequency    λ  = Z · N / E + (1 − Z) · λ₀
    multiplier            m  = λ / λ₀

(k is the expected process variance over the variance of hypothetical means: λ₀ / (λ₀ cv)²;
Bühlmann & Gisler, *A Course in Credibility Theory*, 2005, §2.5, Poisson–gamma; under that prior λ
is the exact posterior mean.) cv and the minimum exposure are assumptions in
``data/experience_credit.yaml``. Every scenario's frequency is multiplied by m
(``Scenario.modified(Modifier(frequency=m))``) and the option is priced once more through the same
path: the severities, the terms and the loads are the library's, only the frequency learns from
the experience. With no experience, or Z = 0, the price is the library's unchanged.

The credibility runs in Decimal at 50 significant digits from λ₀'s shortest float representation;
m enters the engine as a float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

from liubu.errors import ValidationError
from liubu.risk import Modifier, Result, Scenario
from liubu.underwriting._data import load_data
from liubu.underwriting.reasons import UnderwritingCode

PRECISION = 50


@dataclass(frozen=True, slots=True)
class SegmentExperience:
    """The insurer's claims experience of one segment, in aggregate: ``claims`` N over
    ``exposure_years`` E policy-years from ``rows`` policy-period rows of ``product_ref`` (and
    untagged rows) with GB/T 4754 section ``industry_section``; ``source`` says where it was
    read. No row, policy or loss amount is kept: this is what a quote stores and shows."""

    product_ref: str
    industry_section: str
    exposure_years: Decimal
    claims: int
    rows: int
    source: str = "claims_experience"

    def __post_init__(self) -> None:
        exposure = self.exposure_years
        if not isinstance(exposure, Decimal) or not exposure.is_finite() or exposure < 0:
            raise _bad("exposure_years", exposure, "a finite number of policy-years, at least 0")
        for name in ("claims", "rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _bad(name, value, "a whole number, at least 0")
        if self.rows == 0 and (exposure > 0 or self.claims > 0):
            raise _bad("rows", self.rows, "at least 1 when there is exposure or a claim")

    @property
    def frequency(self) -> Decimal | None:
        """N / E, the segment's observed claim frequency (None without exposure)."""
        if self.exposure_years == 0:
            return None
        with localcontext() as context:
            context.prec = PRECISION
            return Decimal(self.claims) / self.exposure_years

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_ref": self.product_ref,
            "industry_section": self.industry_section,
            "exposure_years": str(self.exposure_years),
            "claims": self.claims,
            "rows": self.rows,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentExperience:
        return cls(
            product_ref=str(data["product_ref"]),
            industry_section=str(data["industry_section"]),
            exposure_years=Decimal(str(data["exposure_years"])),
            claims=int(data["claims"]),
            rows=int(data["rows"]),
            source=str(data.get("source", "claims_experience")),
        )


def _bad(name: str, value: object, wanted: str) -> ValidationError:
    return ValidationError(
        f"The segment experience's {name} is {value!r}; it must be {wanted}.",
        code=UnderwritingCode.BAD_EXPERIENCE,
        field=f"experience.{name}",
        value=repr(value),
    )


@dataclass(frozen=True, slots=True)
class CredibilitySettings:
    """cv of true frequencies between segments, and the exposure below which no credit."""

    cv: Decimal
    min_exposure_years: Decimal
    assumption: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "cv": str(self.cv),
            "min_exposure_years": str(self.min_exposure_years),
            "assumption": self.assumption,
        }


@cache
def credibility_settings() -> CredibilitySettings:
    """The settings of ``data/experience_credit.yaml``, checked."""
    data = load_data("experience_credit.yaml")
    cv = data.decimal(("cv",), low=Decimal(0), high=Decimal(10))
    if cv == 0:
        raise data.fail("The entry cv must be above 0 (0 gives experience no weight).", ("cv",))
    minimum = data.decimal(("min_exposure_years",), low=Decimal(0), high=Decimal(1_000_000))
    return CredibilitySettings(cv, minimum, bool(data.get(("assumption",))))


def prior_frequency(result: Result) -> float:
    """λ₀ = −ln P(S = 0): the yearly rate of claims with an insured loss (module doc)."""
    no_claim = 1.0 - result.exceedance_probability(0.0)
    return -math.log(no_claim) if no_claim > 0 else math.inf


@dataclass(frozen=True, slots=True)
class ExperienceCredit:
    """Every figure of the blend (module doc). ``applied`` is False when the price is the
    library's unchanged: no credibility (Z = 0: exposure under the minimum, or no prior
    frequency to scale) — ``reason`` says which."""

    experience: SegmentExperience
    settings: CredibilitySettings
    prior_frequency: Decimal | None  # None when every year has an insured loss (λ₀ = ∞)
    k: Decimal | None
    credibility: Decimal
    credible_frequency: Decimal | None
    multiplier: Decimal
    reason: str | None = None

    @property
    def applied(self) -> bool:
        return self.reason is None and self.multiplier != 1

    @property
    def experience_frequency(self) -> Decimal | None:
        return self.experience.frequency

    def scaled(self, scenarios: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        """Every scenario with its frequency multiplied by m."""
        modifier = Modifier(frequency=float(self.multiplier))
        return tuple(s.modified(modifier) for s in scenarios)

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "experience": self.experience.to_dict(),
            "settings": self.settings.to_dict(),
            "prior_frequency": text(self.prior_frequency),
            "experience_frequency": text(self.experience_frequency),
            "k": text(self.k),
            "credibility": str(self.credibility),
            "credible_frequency": text(self.credible_frequency),
            "multiplier": str(self.multiplier),
            "applied": self.applied,
            "reason": self.reason,
        }


def experience_credit(
    prior: float, experience: SegmentExperience, settings: CredibilitySettings | None = None
) -> ExperienceCredit:
    """The blend of ``prior`` λ₀ and ``experience`` (module doc)."""
    settings = settings or credibility_settings()
    exposure, claims = experience.exposure_years, Decimal(experience.claims)
    if not math.isfinite(prior) or prior <= 0:
        # Nothing to scale (no insured loss possible) or no year without one: the library's.
        none = Decimal(0) if prior <= 0 else None
        return ExperienceCredit(
            experience, settings, none, None, Decimal(0), none, Decimal(1), "no_prior_frequency"
        )
    with localcontext() as context:
        context.prec = PRECISION
        lam0 = Decimal(repr(float(prior)))
        k = 1 / (lam0 * settings.cv * settings.cv)
        if exposure < settings.min_exposure_years or exposure == 0:
            return ExperienceCredit(
                experience, settings, lam0, k, Decimal(0), lam0, Decimal(1), "below_minimum"
            )
        z = exposure / (exposure + k)
        credible = z * (claims / exposure) + (1 - z) * lam0
        multiplier = credible / lam0
    return ExperienceCredit(experience, settings, lam0, k, z, credible, multiplier)
