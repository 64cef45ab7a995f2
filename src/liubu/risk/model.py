"""A risk model: scenarios, the policy terms they are insured under, and dependence between them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from liubu.risk import _checks
from liubu.risk.events import Modifier, Scenario
from liubu.risk.layers import ComponentLayer
from liubu.risk.reasons import RiskCode
from liubu.risk.terms import Terms
from liubu.risk.vocabulary import BUSINESS_INTERRUPTION


@dataclass(frozen=True)
class Model:
    """What the engines quantify.

    ``scenario_correlation`` joins the scenarios' annual event counts by a Gaussian copula with
    that correlation between every pair; only the Monte Carlo engine can honour it.
    """

    scenarios: tuple[Scenario, ...]
    terms: Terms = field(default_factory=Terms)
    scenario_correlation: float = 0.0
    name: str = "model"

    def __post_init__(self) -> None:
        object.__setattr__(self, "scenarios", tuple(self.scenarios))
        if not self.scenarios:
            raise _checks.invalid(
                "A model needs at least one scenario.",
                code=RiskCode.NO_SCENARIOS,
                field="scenarios",
                value=0,
            )
        names = [s.name for s in self.scenarios]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise _checks.invalid(
                f"Scenario names must be unique; {repeated[0]!r} appears twice.",
                code=RiskCode.DUPLICATE_SCENARIO,
                field="scenarios.name",
                value=repeated[0],
            )
        rho = _checks.real("scenario_correlation", self.scenario_correlation)
        if not 0.0 <= rho < 1.0:
            raise _checks.invalid(
                f"Parameter scenario_correlation must be in [0, 1); got {rho!r}.",
                code=RiskCode.BAD_CORRELATION,
                field="scenario_correlation",
                value=rho,
            )
        self._check_waiting_period()

    def _check_waiting_period(self) -> None:
        bi = self.terms.for_coverage(BUSINESS_INTERRUPTION)
        if bi.waiting_period_hours == 0:
            return
        for scenario in self.scenarios:
            for component in scenario.components:
                if component.coverage == BUSINESS_INTERRUPTION and not component.by_hours:
                    raise _checks.invalid(
                        f"The business_interruption waiting period ({bi.waiting_period_hours!r} "
                        f"hours) needs outage hours, but scenario {scenario.name!r} gives "
                        "business_interruption as a loss in CNY; give outage_hours and "
                        "loss_per_hour.",
                        code=RiskCode.WAITING_PERIOD_NEEDS_HOURS,
                        field=f"scenarios.{scenario.name}.business_interruption",
                        value=bi.waiting_period_hours,
                    )

    def layers(self, scenario: Scenario) -> tuple[ComponentLayer, ...]:
        """The scenario's components, each with the terms of its coverage."""
        return tuple(
            ComponentLayer(c, self.terms.for_coverage(c.coverage)) for c in scenario.components
        )

    @property
    def coverages(self) -> tuple[str, ...]:
        """Coverage categories used by any scenario, in order of first appearance."""
        seen: dict[str, None] = {}
        for scenario in self.scenarios:
            for component in scenario.components:
                seen.setdefault(component.coverage, None)
        return tuple(seen)

    def fft_obstacles(self) -> tuple[str, ...]:
        """Why the Fourier engine cannot be exact for this model (empty when it can)."""
        reasons = []
        if self.scenario_correlation > 0:
            reasons.append("scenarios are correlated (scenario_correlation > 0)")
        for scenario in self.scenarios:
            if not scenario.independent_components:
                reasons.append(
                    f"scenario {scenario.name!r} has dependent components "
                    f"({scenario.dependence.kind})"
                )
        return tuple(reasons)

    @property
    def ground_up_mean(self) -> float:
        """Expected annual ground-up loss: Σ E[N]·Σ E[X_c] (closed form)."""
        return math.fsum(
            s.frequency.mean * math.fsum(c.ground_up.mean for c in s.components)
            for s in self.scenarios
        )

    def modified(self, modifiers: Mapping[str, Modifier]) -> Model:
        """The model with each named scenario's frequency and severity scaled."""
        unknown = sorted(set(modifiers) - {s.name for s in self.scenarios})
        if unknown:
            raise _checks.invalid(
                f"Modifier names scenario {unknown[0]!r}, which the model does not have.",
                code=RiskCode.UNKNOWN_SCENARIO,
                field="modifiers",
                value=unknown[0],
            )
        scenarios = tuple(
            s.modified(modifiers[s.name]) if s.name in modifiers else s for s in self.scenarios
        )
        return Model(scenarios, self.terms, self.scenario_correlation, self.name)
