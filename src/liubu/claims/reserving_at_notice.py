"""The case reserve opened at notice (立案准备金), per coverage line, from the risk engine.

For an incident type with a scenario in the engine's library, each coverage line the incident can
trigger *and* the policy's product carries gets the engine's expected insured loss of **one
event** of that scenario under the policy's bound terms::

    reserve(line) = E[insured loss on the line's engine category | exactly one event]

computed exactly, not by dividing an annual figure by a frequency: the scenario (with the
applicant's industry, size band and security modifiers, as priced) is given a Bernoulli(1)
frequency — one event with certainty — and quantified under the option's engine terms (per-event
retention, sublimits, coinsurance, BI waiting period, aggregate limit: see
``liubu.underwriting.option_terms``); the Euler allocation of the mean by coverage category
(``Result.contribution("coverage:<category>")``) splits it by line and sums to the whole. Each
category's amount goes to the product coverage that carries its terms (``terms_from``), or to the
first triggered coverage of that category; its siblings folded into that category, the lines
outside the model, and every line of an incident type with no scenario (e.g. ``system_failure``)
open at zero, marked to be set by the adjuster.
Amounts are rounded half-up to the fen once, here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from liubu.claims.records import ReserveSource
from liubu.claims.vocabulary import incident_type
from liubu.core import Money
from liubu.products import ProductSpec
from liubu.risk import Bernoulli, Model, enterprise_model
from liubu.underwriting import EngineSettings, Policy, option_terms


@dataclass(frozen=True, slots=True)
class OpeningReserve:
    coverage: str
    amount: Decimal
    source: ReserveSource


def triggered_coverages(spec: ProductSpec, incident: str) -> tuple[str, ...]:
    """The coverages of the product an incident of this type can trigger, in product order."""
    wanted = set(incident_type(incident).coverages)
    return tuple(c.code for c in spec.coverages if c.code in wanted)


def opening_reserves(
    spec: ProductSpec, policy: Policy, incident: str, *, engine: EngineSettings | None = None
) -> tuple[OpeningReserve, ...]:
    """The reserve lines a notice opens (formula in the module docstring)."""
    lines = triggered_coverages(spec, incident)
    by_line = dict.fromkeys(lines, Decimal(0))
    modelled: set[str] = set()
    scenario_name = incident_type(incident).scenario
    scenario = None
    if scenario_name is not None and lines:
        applicant = policy.submission.applicant()
        model = enterprise_model(applicant.industry_section, applicant.revenue, applicant.modifiers)
        scenario = next((s for s in model.scenarios if s.name == scenario_name), None)
    if scenario is not None:
        mapped = option_terms(spec, limit=policy.limit, retention=policy.retention)
        one_event = dataclasses.replace(scenario, frequency=Bernoulli(1.0))
        result = (engine or EngineSettings()).run(Model((one_event,), mapped.terms))
        for category in result.coverages:
            members = [
                m for m in mapped.coverages if m.category == category and m.coverage in by_line
            ]
            if not members:
                continue
            carrier = next((m for m in members if m.coverage == m.terms_from), members[0])
            share = Money.from_float(float(result.contribution(f"coverage:{category}")))
            by_line[carrier.coverage] = share.round_fen().amount
            modelled.add(carrier.coverage)
    return tuple(
        OpeningReserve(
            code,
            amount,
            ReserveSource.ENGINE if code in modelled else ReserveSource.ADJUSTER,
        )
        for code, amount in by_line.items()
    )
