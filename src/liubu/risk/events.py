"""Events: a scenario is a frequency and loss components, one per coverage category.

Business interruption may be given as outage hours × loss per hour, so that a waiting period acts
in hours; every other component is a loss in CNY. The components of one event are independent,
comonotone, or joined by a Gaussian copula with one correlation between every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from liubu.risk import _checks
from liubu.risk.frequency import Frequency
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import Severity
from liubu.risk.vocabulary import BUSINESS_INTERRUPTION, coverage_codes

DEPENDENCE_KINDS = ("independent", "gaussian", "comonotone")


@dataclass(frozen=True, slots=True)
class Component:
    """One loss component of an event, in one coverage category.

    Either ``severity`` (CNY per event) or, for business interruption, ``outage_hours`` (a severity
    in hours) with ``loss_per_hour`` (CNY per hour).
    """

    coverage: str
    severity: Severity | None = None
    outage_hours: Severity | None = None
    loss_per_hour: float | None = None

    def __post_init__(self) -> None:
        _checks.one_of("component.coverage", self.coverage, coverage_codes())
        by_hours = self.outage_hours is not None or self.loss_per_hour is not None
        if by_hours and self.coverage != BUSINESS_INTERRUPTION:
            raise _checks.invalid(
                f"Only business_interruption may be given in outage hours; got coverage "
                f"{self.coverage!r} with outage_hours.",
                code=RiskCode.HOURS_NOT_BI,
                field="component.outage_hours",
                value=self.coverage,
            )
        if by_hours == (self.severity is not None) or (
            by_hours and (self.outage_hours is None or self.loss_per_hour is None)
        ):
            raise _checks.invalid(
                f"Component {self.coverage!r} needs either a severity, or outage_hours together "
                "with loss_per_hour; not both and not neither.",
                code=RiskCode.COMPONENT_FORM,
                field="component.severity",
                value=self.coverage,
            )
        if self.loss_per_hour is not None:
            _checks.positive("component.loss_per_hour", self.loss_per_hour)

    @property
    def by_hours(self) -> bool:
        return self.outage_hours is not None

    @property
    def base(self) -> Severity:
        """The variable actually drawn: outage hours for BI-by-hours, else the loss itself."""
        base = self.outage_hours if self.outage_hours is not None else self.severity
        assert base is not None
        return base

    @property
    def rate(self) -> float:
        """CNY per unit of :attr:`base` (loss per hour, or 1)."""
        return float(self.loss_per_hour) if self.loss_per_hour is not None else 1.0

    @property
    def ground_up(self) -> Severity:
        """The component's ground-up loss in CNY."""
        return self.base if self.rate == 1.0 else self.base.scaled(self.rate)

    def scaled(self, factor: float) -> Component:
        """Loss scaled by ``factor``; for BI-by-hours the loss per hour is scaled, not the hours."""
        factor = _checks.positive("severity modifier", factor)
        if self.outage_hours is not None and self.loss_per_hour is not None:
            return Component(
                self.coverage,
                outage_hours=self.outage_hours,
                loss_per_hour=self.loss_per_hour * factor,
            )
        return Component(self.coverage, severity=self.base.scaled(factor))


@dataclass(frozen=True, slots=True)
class Dependence:
    """Dependence between the components of one event."""

    kind: str = "independent"
    correlation: float = 0.0

    def __post_init__(self) -> None:
        _checks.one_of("dependence.kind", self.kind, DEPENDENCE_KINDS)
        rho = _checks.real("dependence.correlation", self.correlation)
        if self.kind == "gaussian" and not 0.0 <= rho < 1.0:
            raise _checks.invalid(
                f"Parameter dependence.correlation must be in [0, 1); got {rho!r}.",
                code=RiskCode.BAD_CORRELATION,
                field="dependence.correlation",
                value=rho,
            )

    @property
    def is_independent(self) -> bool:
        return self.kind == "independent" or (self.kind == "gaussian" and self.correlation == 0)


@dataclass(frozen=True, slots=True)
class Modifier:
    """Multipliers a security score or a control applies to a scenario (1 = no change)."""

    frequency: float = 1.0
    severity: float = 1.0

    def __post_init__(self) -> None:
        _checks.non_negative("modifier.frequency", self.frequency)
        _checks.positive("modifier.severity", self.severity)

    def then(self, other: Modifier) -> Modifier:
        """Both modifiers applied (they multiply)."""
        return Modifier(self.frequency * other.frequency, self.severity * other.severity)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A kind of cyber event: how often it happens and what each occurrence costs."""

    name: str
    frequency: Frequency
    components: tuple[Component, ...]
    dependence: Dependence = Dependence()
    source: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise _checks.invalid(
                f"A scenario needs a non-empty name; got {self.name!r}.",
                code=RiskCode.NO_NAME,
                field="scenario.name",
                value=self.name,
            )
        object.__setattr__(self, "components", tuple(self.components))
        if not self.components:
            raise _checks.invalid(
                f"Scenario {self.name!r} needs at least one loss component.",
                code=RiskCode.NO_COMPONENTS,
                field="scenario.components",
                value=self.name,
            )
        codes = [c.coverage for c in self.components]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise _checks.invalid(
                f"Scenario {self.name!r} lists coverage {repeated[0]!r} twice; give one component "
                "per coverage category.",
                code=RiskCode.DUPLICATE_COVERAGE,
                field="scenario.components",
                value=repeated[0],
            )

    @property
    def independent_components(self) -> bool:
        return len(self.components) == 1 or self.dependence.is_independent

    def modified(self, modifier: Modifier) -> Scenario:
        """The scenario with its frequency and every component's severity scaled."""
        components = self.components
        if modifier.severity != 1.0:
            components = tuple(c.scaled(modifier.severity) for c in self.components)
        return Scenario(
            self.name,
            self.frequency.scaled(modifier.frequency),
            components,
            self.dependence,
            self.source,
        )
