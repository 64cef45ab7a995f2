"""Supply-chain contagion (``liubu.portfolio.simulate_contagion``) against a straightforward
per-trial Python loop (draw the starts and the open edges, then a breadth-first search) on the
same graph and probabilities.

Run: ``.venv/bin/python -m benchmarks contagion``. Sizes from the environment:
``CONTAGION_SUPPLIERS`` (default 50: direct suppliers, each with two suppliers of its own, so
three times as many members), ``CONTAGION_TRIALS`` (default 200,000), ``CONTAGION_LOOP_TRIALS``
(default 5,000: the loop is timed on fewer trials and compared per trial). Prints trials per
second of each and the ratio, cold (first call) and warm.
"""

from __future__ import annotations

import os
import time
from collections import deque

import numpy as np

from liubu.portfolio import (
    ChainEdge,
    ChainMember,
    MemberRole,
    OwnerExposure,
    SupplyChain,
    contagion_parameters,
    simulate_contagion,
)

SUPPLIERS = int(os.environ.get("CONTAGION_SUPPLIERS", "50"))
TRIALS = int(os.environ.get("CONTAGION_TRIALS", "200000"))
LOOP_TRIALS = int(os.environ.get("CONTAGION_LOOP_TRIALS", "5000"))
ACCESS = ("remote_access", "software_supply", "network_connection", "data_processing", "none")


def synthetic_chain(n: int, seed: int = 16) -> SupplyChain:
    """An owner, ``n`` direct suppliers and two suppliers of each, scores 20–95 (seeded)."""
    rng = np.random.default_rng(seed)
    members = [ChainMember("owner", "owner", MemberRole.OWNER, 70)]
    edges = []
    for i in range(n):
        direct = f"s{i}"
        members.append(ChainMember(direct, direct, MemberRole.SUPPLIER, float(rng.uniform(20, 95))))
        edges.append(ChainEdge(direct, "owner", ACCESS[int(rng.integers(len(ACCESS)))]))
        for j in range(2):
            below = f"s{i}.{j}"
            score = float(rng.uniform(20, 95))
            members.append(ChainMember(below, below, MemberRole.SUPPLIER, score))
            edges.append(ChainEdge(below, direct, ACCESS[int(rng.integers(len(ACCESS)))]))
    return SupplyChain(tuple(members), tuple(edges), OwnerExposure(500_000_000))


def loop(chain: SupplyChain, trials: int, seed: int) -> float:
    """The owner's compromise probability, one trial at a time."""
    params = contagion_parameters()
    rng = np.random.default_rng(seed)
    index = {m.id: i for i, m in enumerate(chain.members)}
    p0 = [
        0.0 if m.role is MemberRole.OWNER else params.initial_probability(m.score)
        for m in chain.members
    ]
    out: list[list[tuple[int, float]]] = [[] for _ in chain.members]
    for e in chain.edges:
        score = chain.members[index[e.source]].score
        out[index[e.source]].append((index[e.target], params.edge_probability(e.access, score)))
    owner = index["owner"]
    hits = 0
    for _ in range(trials):
        seen = [rng.random() < p for p in p0]
        queue = deque(i for i, s in enumerate(seen) if s)
        while queue:
            node = queue.popleft()
            for target, p in out[node]:
                if not seen[target] and rng.random() < p:
                    seen[target] = True
                    queue.append(target)
        hits += seen[owner]
    return hits / trials


def main() -> None:
    chain = synthetic_chain(SUPPLIERS)
    print(f"{len(chain.members)} members, {len(chain.edges)} edges")
    for label in ("cold", "warm"):
        start = time.perf_counter()
        result = simulate_contagion(chain, trials=TRIALS, seed=1)
        vectorised = time.perf_counter() - start
        print(
            f"vectorised ({label}): {TRIALS:,} trials in {vectorised:.3f} s = "
            f"{TRIALS / vectorised:,.0f} trials/s; owner {result.owner_probability:.4f}"
        )
    start = time.perf_counter()
    owner = loop(chain, LOOP_TRIALS, seed=1)
    looped = time.perf_counter() - start
    print(
        f"per-trial loop: {LOOP_TRIALS:,} trials in {looped:.3f} s = "
        f"{LOOP_TRIALS / looped:,.0f} trials/s; owner {owner:.4f}"
    )
    print(f"ratio (per trial): {(TRIALS / vectorised) / (LOOP_TRIALS / looped):,.0f}×")


if __name__ == "__main__":
    main()
