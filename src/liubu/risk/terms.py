"""Policy terms and the order in which they apply.

Per event, for each component (coverage category) c:

1. ground-up loss X_c (business interruption: outage hours H × loss per hour r);
2. waiting period on business interruption, in hours: *time deductible* (时间免赔) pays
   r·(H − w)⁺; *qualifying period* (等待期/触发期) pays r·H in full once H > w, else nothing;
3. coinsurance and sublimit: the coverage's recoverable amount Z_c = min((1 − c_c)·Y_c, L_c),
   where c_c is the share the insured keeps and L_c the most the coverage pays per event;
4. one retention R per event across all coverages: insured event loss I = (Σ_c Z_c − R)⁺,
   shared among coverages in proportion to Z_c.

Per year: insured annual loss = min(Σ events I, annual aggregate limit), shared pro rata among
events' coverages and scenarios. Retained loss = ground-up − insured.

Applying coinsurance and sublimits before the one retention makes the insured event loss a
function of the sum Σ Z_c, which is what lets the Fourier engine stay exact for independent
components (their sum is a convolution on the grid).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from liubu.risk import _checks
from liubu.risk.reasons import RiskCode
from liubu.risk.vocabulary import BUSINESS_INTERRUPTION, coverage_codes

WAITING_PERIOD_TYPES = ("time_deductible", "qualifying")


@dataclass(frozen=True, slots=True)
class CoverageTerms:
    """Terms of one coverage: sublimit, coinsurance (insured's share) and BI waiting period."""

    sublimit: float = math.inf
    coinsurance: float = 0.0
    waiting_period_hours: float = 0.0
    waiting_period_type: str = "time_deductible"
    covered: bool = True

    def __post_init__(self) -> None:
        _checks.limit("coverage.sublimit", self.sublimit)
        _checks.probability("coverage.coinsurance", self.coinsurance, below_one=True)
        _checks.non_negative("coverage.waiting_period_hours", self.waiting_period_hours)
        _checks.one_of(
            "coverage.waiting_period_type", self.waiting_period_type, WAITING_PERIOD_TYPES
        )
        if not isinstance(self.covered, bool):
            raise _checks.invalid(
                f"Parameter coverage.covered must be true or false; got {self.covered!r}.",
                code=RiskCode.NOT_A_BOOLEAN,
                field="coverage.covered",
                value=self.covered,
            )

    @property
    def share(self) -> float:
        """The insurer's share of covered loss: 1 − coinsurance (0 when not covered)."""
        return 1.0 - self.coinsurance if self.covered else 0.0


DEFAULT_COVERAGE_TERMS = CoverageTerms()


@dataclass(frozen=True)
class Terms:
    """Per-event retention, per-coverage terms, annual aggregate limit (all CNY)."""

    retention: float = 0.0
    aggregate_limit: float = math.inf
    coverages: Mapping[str, CoverageTerms] = field(default_factory=dict)

    def __post_init__(self) -> None:
        retention = _checks.non_negative("terms.retention", self.retention)
        _checks.limit("terms.aggregate_limit", self.aggregate_limit)
        insurable = coverage_codes(insurable_only=True)
        for code, cover in self.coverages.items():
            _checks.one_of("terms.coverages", code, insurable)
            if cover.sublimit < retention:
                raise _checks.invalid(
                    f"The sublimit of {code} ({cover.sublimit!r}) is below the per-event "
                    f"retention ({retention!r}); such a coverage could never pay on its own.",
                    code=RiskCode.SUBLIMIT_BELOW_RETENTION,
                    field=f"terms.coverages.{code}.sublimit",
                    value=cover.sublimit,
                )
            if cover.waiting_period_hours > 0 and code != BUSINESS_INTERRUPTION:
                raise _checks.invalid(
                    f"A waiting period applies only to business_interruption; got "
                    f"{cover.waiting_period_hours!r} hours on {code}.",
                    code=RiskCode.WAITING_PERIOD_NOT_BI,
                    field=f"terms.coverages.{code}.waiting_period_hours",
                    value=cover.waiting_period_hours,
                )
        object.__setattr__(self, "coverages", MappingProxyType(dict(self.coverages)))

    def for_coverage(self, code: str) -> CoverageTerms:
        return self.coverages.get(code, DEFAULT_COVERAGE_TERMS)

    @property
    def is_ground_up(self) -> bool:
        """True when the terms change nothing (insured loss = ground-up loss)."""
        return (
            self.retention == 0
            and math.isinf(self.aggregate_limit)
            and all(c == DEFAULT_COVERAGE_TERMS for c in self.coverages.values())
        )
