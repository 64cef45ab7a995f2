"""A scheme's declared supplier-of-supplier links carry contagion supplier → supplier → owner.

Closed form: the chain owner O, supplier B with access to O, supplier A that reaches O through B
(the declared link A → B) and also directly with its own invited access. Only A starts
compromised (probability 1; B's own probability 0). The owner is compromised when A's own edge is
open or both the link and B's edge are: P(O) = 1 − (1 − q)(1 − p₁p₂), with q = P(A → O open),
p₁ = P(A → B open), p₂ = P(B → O open), each the access's base rate × the source's score
multiplier (``contagion.yaml``). B is compromised with probability p₁, and A is the only origin of
every compromise of O, so it carries the whole of O's loss. Each estimate within four standard
errors √(P(1 − P)/N) of its closed form.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime
from typing import Any

from liubu import portfolio
from liubu.portfolio import SupplyChain, contagion_parameters, scheme_chain, simulate_contagion
from liubu.underwriting import LinkView

TRIALS = 200_000
OWNER, A, B = "owner-record", "supplier-a", "supplier-b"


def _scheme(a_access: str = "none", b_access: str = "remote_access") -> tuple[Any, Any]:
    view = {
        "sponsor_enterprise_id": OWNER,
        "name": "示例供应链",
        "members": [
            {"enterprise_id": B, "access": b_access},
            {"enterprise_id": A, "access": a_access},
            {"enterprise_id": None, "access": "remote_access"},  # an invitation: not in the graph
        ],
    }
    worksheet = {
        "members": [
            {"enterprise_id": B, "name": "B 运维服务商", "score": 50.0, "premium": "3000.00"},
            {"enterprise_id": A, "name": "A 外包开发商", "score": 50.0, "premium": "1000.00"},
        ]
    }
    return view, worksheet


def _link(source: str, target: str, access: str) -> LinkView:
    return LinkView("link", source, source, target, target, access, datetime.now(UTC))


def _only_a_starts(chain: SupplyChain) -> SupplyChain:
    members = tuple(
        dataclasses.replace(m, probability={A: 1.0, B: 0.0}[m.id]) if m.id in (A, B) else m
        for m in chain.members
    )
    return dataclasses.replace(chain, members=members)


def _within(estimate: float, exact: float, n: int = TRIALS) -> None:
    bound = 4 * math.sqrt(exact * (1 - exact) / n)
    assert abs(estimate - exact) <= bound, (estimate, exact, bound)


def test_a_link_carries_a_compromise_supplier_to_supplier_to_owner() -> None:
    view, worksheet = _scheme()
    link = _link(A, B, "network_connection")
    chain, premiums = scheme_chain(view, worksheet, 100_000_000.0, [link])
    assert {(e.source, e.target, e.access) for e in chain.edges} == {
        (B, OWNER, "remote_access"),
        (A, OWNER, "none"),
        (A, B, "network_connection"),
    }
    assert set(premiums) == {A, B}

    params = contagion_parameters()
    q = params.edge_probability("none", 50.0)
    p1 = params.edge_probability("network_connection", 50.0)
    p2 = params.edge_probability("remote_access", 50.0)
    assert (q, p1, p2) == (0.02, 0.3, 0.6)  # base rates at a middling score (multiplier 1)
    exact = 1 - (1 - q) * (1 - p1 * p2)

    result = simulate_contagion(_only_a_starts(chain), trials=TRIALS, seed=7)
    _within(result.owner_probability, exact)
    _within(result.probabilities[chain.index(B)], p1)
    (a_share,) = [c.share for c in result.contributions if c.id == A]
    assert a_share == 1.0  # A is the only origin of every compromise that reached the owner

    # without the link, only A's own edge reaches the owner
    alone, _premiums = scheme_chain(view, worksheet, 100_000_000.0)
    without = simulate_contagion(_only_a_starts(alone), trials=TRIALS, seed=7)
    _within(without.owner_probability, q)
    assert without.probabilities[alone.index(B)] == 0.0


def test_a_link_whose_end_is_not_priced_is_left_out() -> None:
    view, worksheet = _scheme()
    chain, _premiums = scheme_chain(
        view, worksheet, 1.0, [_link(A, "left-the-scheme", "remote_access")]
    )
    assert len(chain.edges) == 2
    assert portfolio.SupplyChain is SupplyChain
