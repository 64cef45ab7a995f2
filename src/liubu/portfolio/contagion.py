"""Supply-chain contagion (供应链传导，数字孪生): a compromise travelling from supplier to chain
owner and onwards, by Monte Carlo bond percolation on the supply-chain graph.

A :class:`SupplyChain` (``contagion_records``) holds the members (one chain owner, suppliers; each
with a security score) and the directed edges from a member to the party it can reach, with the
access that carries a compromise (the vocabulary of :class:`liubu.underwriting.SupplierAccess`).
Each edge is open in a trial with its probability: the access type's base rate × a multiplier
from the source member's score (``data/contagion.yaml``), capped at 1, unless the graph gives the
edge's own probability. Each member except the owner starts compromised in a trial with its own
annual probability (from its score, or given). A trial's compromised members are those reachable
from the starting ones along open edges; a cycle is allowed (each member is visited once).

Attribution: in a trial where the owner is compromised, its loss is split equally among the
suppliers that started compromised *and* have a path of open edges to the owner (the origins of
the compromise that reached it). A supplier's contribution is its expected share of the owner's
loss; the contributions add up to the owner's expected loss.

Trials are drawn in chunks of :data:`CHUNK_TRIALS`, chunk c from
``numpy.random.default_rng(SeedSequence([seed, c]))`` — as the book simulation seeds its years —
so the result is identical, bit for bit, for any ``block_trials`` (a block being a run of whole
chunks) and a run of N trials shares its whole chunks with a longer run of the same seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from liubu.datafiles import packaged_text
from liubu.portfolio.contagion_records import ChainEdge, ChainMember, MemberRole, SupplyChain, _bad
from liubu.portfolio.reasons import PortfolioCode
from liubu.risk import Severity, parse_located_yaml, read_severity
from liubu.underwriting import SupplierAccess

FloatArray = npt.NDArray[np.float64]

#: Trials per seeded chunk: changing it changes every trial, so it is fixed.
CHUNK_TRIALS = 1_000
HOURS_PER_YEAR = 8760.0
MAX_TRIALS = 2_000_000
_DRAW_ROWS = 500
#: Members + edges × trials held as booleans in one block at most (about 64 MB): a larger
#: ``block_trials`` is split (the numbers do not depend on it).
_BLOCK_CELLS = 64_000_000
#: Points of the owner's loss exceedance curve (probabilities 1, 1/2 … down to 1/N).
EXCEEDANCE_POINTS = 60


# ---------------------------------------------------------------------------------------------
# parameters (data/contagion.yaml)


@dataclass(frozen=True)
class ContagionParameters:
    """The defaults a graph does not give itself: base rates by access, the score curves and the
    owner's exposure (see ``data/contagion.yaml`` for every number's basis)."""

    access_base_rate: Mapping[str, float]
    edge_score_points: tuple[tuple[float, float], ...]
    initial_points: tuple[tuple[float, float], ...]
    revenue_share: float
    tolerance_hours: float
    outage_hours: Severity

    def edge_probability(self, access: str, source_score: float) -> float:
        """Base rate of ``access`` × the source's score multiplier, capped at 1."""
        return min(
            1.0, self.access_base_rate[access] * _interpolate(self.edge_score_points, source_score)
        )

    def initial_probability(self, score: float) -> float:
        return _interpolate(self.initial_points, score)


def _interpolate(points: Sequence[tuple[float, float]], x: float) -> float:
    xs, ys = zip(*points, strict=True)
    return float(np.interp(x, xs, ys))


@cache
def contagion_parameters() -> ContagionParameters:
    """The shipped parameters (``data/contagion.yaml``)."""
    src = parse_located_yaml(
        packaged_text("liubu.portfolio", "data", "contagion.yaml"), "contagion.yaml"
    )
    data = src.data
    rates = {str(k): float(v["value"]) for k, v in data["access_base_rate"].items()}
    missing = [str(a) for a in SupplierAccess if str(a) not in rates]
    if missing:  # pragma: no cover - the shipped file is held by a test
        raise ValueError(f"contagion.yaml lacks base rates for {missing}")
    owner = data["owner"]
    return ContagionParameters(
        access_base_rate=rates,
        edge_score_points=tuple(
            (float(x), float(y)) for x, y in data["edge_score_multiplier"]["points"]
        ),
        initial_points=tuple(
            (float(x), float(y)) for x, y in data["initial_probability"]["points"]
        ),
        revenue_share=float(owner["revenue_share"]["value"]),
        tolerance_hours=float(owner["tolerance_hours"]["value"]),
        outage_hours=read_severity(
            src, owner["outage_hours"]["severity"], ("owner", "outage_hours", "severity")
        ),
    )


# ---------------------------------------------------------------------------------------------
# simulation


@dataclass(frozen=True, slots=True)
class SupplierContribution:
    """One supplier's part in the owner's loss: ``share`` of the owner's expected loss (its
    ``expected_loss``), ``origin_probability`` the annual probability that a compromise starting
    at it reaches the owner, ``probability`` its own probability of being compromised (from any
    source)."""

    id: str
    name: str
    share: float
    expected_loss: float
    origin_probability: float
    probability: float


@dataclass(frozen=True)
class ContagionResult:
    """What the trials say. ``probabilities`` are each member's compromise probability (in
    member order) with ``standard_errors``; the owner's loss per trial is summarised by its
    expected value (± s.e.), quantiles and its exceedance curve ``[(loss, P(loss > x))]``."""

    trials: int
    seed: int
    members: tuple[ChainMember, ...]
    edges: tuple[ChainEdge, ...]
    edge_probabilities: tuple[float, ...]  # as used: given, or from access and score
    initial_probabilities: tuple[float, ...]
    probabilities: tuple[float, ...]
    standard_errors: tuple[float, ...]
    compromised_mean: float
    compromised_standard_error: float
    owner_probability: float
    expected_loss: float
    expected_loss_standard_error: float
    loss_quantiles: Mapping[int, float]
    exceedance: tuple[tuple[float, float], ...]
    contributions: tuple[SupplierContribution, ...]

    def critical(self, top: int = 10) -> tuple[SupplierContribution, ...]:
        """The suppliers by contribution, largest first (ties by id)."""
        ranked = sorted(
            self.contributions, key=lambda c: (-c.expected_loss, -c.origin_probability, c.id)
        )
        return tuple(ranked[:top])

    def to_dict(self) -> dict[str, Any]:
        return {
            "trials": self.trials,
            "seed": self.seed,
            "chunk_trials": CHUNK_TRIALS,
            "owner": self.members[[m.role for m in self.members].index(MemberRole.OWNER)].id,
            "owner_probability": self.owner_probability,
            "expected_loss": self.expected_loss,
            "expected_loss_standard_error": self.expected_loss_standard_error,
            "loss_quantiles": {str(k): v for k, v in self.loss_quantiles.items()},
            "compromised_mean": self.compromised_mean,
            "compromised_standard_error": self.compromised_standard_error,
            "members": [
                {
                    "id": m.id,
                    "name": m.name,
                    "role": str(m.role),
                    "score": m.score,
                    "initial_probability": p0,
                    "probability": p,
                    "standard_error": se,
                }
                for m, p0, p, se in zip(
                    self.members,
                    self.initial_probabilities,
                    self.probabilities,
                    self.standard_errors,
                    strict=True,
                )
            ],
            "edges": [
                {"from": e.source, "to": e.target, "access": e.access, "probability": p}
                for e, p in zip(self.edges, self.edge_probabilities, strict=True)
            ],
            "contributions": [
                {
                    "id": c.id,
                    "name": c.name,
                    "share": c.share,
                    "expected_loss": c.expected_loss,
                    "origin_probability": c.origin_probability,
                    "probability": c.probability,
                }
                for c in self.critical(len(self.contributions))
            ],
            "exceedance": [list(p) for p in self.exceedance],
        }


#: Return periods of the owner's loss quantiles reported.
LOSS_RETURN_PERIODS = (10, 20, 100, 200)


@dataclass(frozen=True)
class _Chunk:
    loss: FloatArray
    compromised: npt.NDArray[np.int64]  # members compromised per trial
    hits: npt.NDArray[np.int64]  # per member, trials compromised
    origin: npt.NDArray[np.int64]  # per member, trials it was an origin of the owner's compromise
    contribution: FloatArray  # per member, loss attributed


@dataclass(frozen=True)
class _Plan:
    """The graph as index arrays: edges in an order that settles a DAG in one pass (sources in
    topological order forward, targets in reverse topological order backward)."""

    forward: tuple[tuple[int, int, int], ...]  # (edge, source, target)
    backward: tuple[tuple[int, int, int], ...]
    acyclic: bool
    owner: int


def _plan(chain: SupplyChain) -> _Plan:
    n = len(chain.members)
    ends = [(chain.index(e.source), chain.index(e.target)) for e in chain.edges]
    indegree = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for s, t in ends:
        out[s].append(t)
        indegree[t] += 1
    rank = [n] * n  # Kahn's algorithm; members on a cycle keep rank n
    ready = [i for i in range(n) if indegree[i] == 0]
    done = 0
    while ready:
        node = ready.pop()
        rank[node] = done
        done += 1
        for t in out[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    edges = [(e, s, t) for e, (s, t) in enumerate(ends)]
    return _Plan(
        tuple(sorted(edges, key=lambda x: (rank[x[1]], x[0]))),
        tuple(sorted(edges, key=lambda x: (-rank[x[2]], x[0]))),
        done == n,
        chain.index(chain.owner.id),
    )


def _propagate(
    state: npt.NDArray[np.uint8],
    edges: Sequence[tuple[int, int, int]],
    opened: npt.NDArray[np.uint8],
    *,
    reverse: bool,
    acyclic: bool,
) -> None:
    """Close ``state`` (members × packed trials) under ``state[to] |= state[from] & open[e]``
    (from = source, to = target; the other way round when ``reverse``). A DAG settles in one
    pass in the plan's order; a graph with a cycle is swept until nothing changes."""
    while True:
        changed = False
        for e, s, t in edges:
            a, b = (t, s) if reverse else (s, t)
            carried = state[a] & opened[e]
            if acyclic:
                state[b] |= carried
                continue
            new = carried & ~state[b]
            if new.any():
                state[b] |= new
                changed = True
        if not changed:
            return


def _draw(
    p0: FloatArray, pe: FloatArray, outage: Severity, seed: int, chunk: int, size: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], FloatArray]:
    """Chunk ``chunk``'s draws, from its own seed: who starts compromised, which edges are open
    and the outage hours should the owner be hit."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk]))
    return _below(rng, p0, size), _below(rng, pe, size), outage.sample(rng, size)


def _below(rng: np.random.Generator, p: FloatArray, size: int) -> npt.NDArray[np.bool_]:
    """``rng.random((len(p), size)) < p[:, None]``, drawn :data:`_DRAW_ROWS` rows at a time (the
    same stream in the same order, so the same values) to bound the uniforms held at once."""
    out = np.empty((len(p), size), dtype=np.bool_)
    for first in range(0, len(p), _DRAW_ROWS):
        rows = p[first : first + _DRAW_ROWS]
        out[first : first + len(rows)] = rng.random((len(rows), size)) < rows[:, None]
    return out


def _simulate_block(
    plan: _Plan,
    p0: FloatArray,
    pe: FloatArray,
    outage: Severity,
    per_hour: float,
    tolerance: float,
    seed: int,
    sizes: Sequence[tuple[int, int]],
) -> list[_Chunk]:
    """The block's chunks (``(chunk, size)`` in order), drawn chunk by chunk and propagated
    together (trials are independent bits, so grouping does not change them); the sums are
    taken per chunk, so they do not depend on the grouping either."""
    draws = [_draw(p0, pe, outage, seed, c, size) for c, size in sizes]
    start = np.concatenate([d[0] for d in draws], axis=1)
    hours = np.concatenate([d[2] for d in draws])
    total = start.shape[1]
    opened = np.packbits(np.concatenate([d[1] for d in draws], axis=1), axis=1)
    state = np.packbits(start, axis=1)
    _propagate(state, plan.forward, opened, reverse=False, acyclic=plan.acyclic)
    reach = np.zeros_like(state)  # members with a path of open edges to the owner
    reach[plan.owner] = np.packbits(np.ones(total, dtype=bool))
    _propagate(reach, plan.backward, opened, reverse=True, acyclic=plan.acyclic)
    compromised = np.unpackbits(state, axis=1, count=total).view(np.bool_)
    origins = start & np.unpackbits(reach, axis=1, count=total).view(np.bool_)
    loss = np.where(compromised[plan.owner], per_hour * np.maximum(hours - tolerance, 0.0), 0.0)
    k = origins.sum(axis=0)
    weight = np.divide(loss, k, out=np.zeros(total), where=k > 0)
    out, a = [], 0
    for _c, size in sizes:
        b = a + size
        part = compromised[:, a:b]
        mine = origins[:, a:b]
        out.append(
            _Chunk(
                loss[a:b].copy(),
                part.sum(axis=0, dtype=np.int64),
                part.sum(axis=1, dtype=np.int64),
                mine.sum(axis=1, dtype=np.int64),
                mine.astype(np.float64) @ weight[a:b].copy(),
            )
        )
        a = b
    return out


def simulate_contagion(
    chain: SupplyChain,
    *,
    trials: int = 100_000,
    seed: int = 20_261_207,
    block_trials: int = 10 * CHUNK_TRIALS,
    parameters: ContagionParameters | None = None,
) -> ContagionResult:
    """Run ``trials`` one-year trials of the chain (``block_trials``: trials per block of work, a
    multiple of :data:`CHUNK_TRIALS`; the result does not depend on it)."""
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise _bad(
            f"Trials are 1 to {MAX_TRIALS:,}; got {trials!r}.",
            "trials",
            trials,
            PortfolioCode.BAD_RUN,
        )
    if not isinstance(seed, int) or seed < 0:
        raise _bad(
            f"The seed is an integer ≥ 0; got {seed!r}.", "seed", seed, PortfolioCode.BAD_RUN
        )
    if block_trials < CHUNK_TRIALS or block_trials % CHUNK_TRIALS:
        raise _bad(
            f"Block trials are a multiple of {CHUNK_TRIALS}; got {block_trials!r}.",
            "block_trials",
            block_trials,
            PortfolioCode.BAD_RUN,
        )
    params = parameters or contagion_parameters()
    p0 = np.array(
        [
            0.0
            if m.role is MemberRole.OWNER
            else (
                m.probability if m.probability is not None else params.initial_probability(m.score)
            )
            for m in chain.members
        ]
    )
    pe = np.array(
        [
            e.probability
            if e.probability is not None
            else params.edge_probability(e.access, chain.members[chain.index(e.source)].score)
            for e in chain.edges
        ]
    )
    exposure = chain.exposure
    share = exposure.revenue_share if exposure.revenue_share is not None else params.revenue_share
    tolerance = (
        exposure.tolerance_hours if exposure.tolerance_hours is not None else params.tolerance_hours
    )
    per_hour = exposure.revenue / HOURS_PER_YEAR * share
    chunks = math.ceil(trials / CHUNK_TRIALS)
    cells = (len(chain.members) + len(chain.edges)) * CHUNK_TRIALS
    per_block = max(1, min(block_trials // CHUNK_TRIALS, _BLOCK_CELLS // cells))
    plan = _plan(chain)
    results: list[_Chunk] = []
    for first in range(0, chunks, per_block):  # a block: a run of whole chunks
        sizes = [
            (c, min(CHUNK_TRIALS, trials - c * CHUNK_TRIALS))
            for c in range(first, min(chunks, first + per_block))
        ]
        results += _simulate_block(
            plan, p0, pe, params.outage_hours, per_hour, tolerance, seed, sizes
        )
    return _summarise(chain, trials, seed, p0, pe, results)


def _summarise(
    chain: SupplyChain,
    trials: int,
    seed: int,
    p0: FloatArray,
    pe: FloatArray,
    results: list[_Chunk],
) -> ContagionResult:
    loss = np.concatenate([r.loss for r in results])
    count = np.concatenate([r.compromised for r in results]).astype(np.float64)
    hits = np.sum([r.hits for r in results], axis=0)
    origin = np.sum([r.origin for r in results], axis=0)
    contribution = np.zeros(len(chain.members))
    for r in results:  # summed in chunk order
        contribution = contribution + r.contribution
    n = float(trials)
    probabilities = hits / n
    owner = chain.index(chain.owner.id)
    expected = float(loss.mean())
    total = float(contribution.sum())
    ordered = np.sort(loss)
    # inf{x : F_N(x) ≥ 1 − 1/T}: the (N − ⌊N/T⌋)-th smallest, as the book's return periods
    quantiles = {t: float(ordered[trials - trials // t - 1]) for t in LOSS_RETURN_PERIODS}
    contributions = tuple(
        SupplierContribution(
            m.id,
            m.name,
            float(contribution[i] / total) if total > 0 else 0.0,
            float(contribution[i] / n),
            float(origin[i] / n),
            float(probabilities[i]),
        )
        for i, m in enumerate(chain.members)
        if m.role is MemberRole.SUPPLIER
    )
    return ContagionResult(
        trials=trials,
        seed=seed,
        members=chain.members,
        edges=chain.edges,
        edge_probabilities=tuple(float(p) for p in pe),
        initial_probabilities=tuple(float(p) for p in p0),
        probabilities=tuple(float(p) for p in probabilities),
        standard_errors=tuple(float(math.sqrt(p * (1 - p) / n)) for p in probabilities),
        compromised_mean=float(count.mean()),
        compromised_standard_error=float(count.std(ddof=1) / math.sqrt(n)) if trials > 1 else 0.0,
        owner_probability=float(probabilities[owner]),
        expected_loss=expected,
        expected_loss_standard_error=float(loss.std(ddof=1) / math.sqrt(n)) if trials > 1 else 0.0,
        loss_quantiles=quantiles,
        exceedance=_exceedance(ordered),
        contributions=contributions,
    )


def _exceedance(ordered: FloatArray) -> tuple[tuple[float, float], ...]:
    """P(loss > x) at losses spaced on a log scale of probability, from the sorted losses."""
    n = len(ordered)
    positive = ordered[ordered > 0]
    if not len(positive):
        return ()
    points = []
    for q in np.geomspace(len(positive) / n, 1.0 / n, EXCEEDANCE_POINTS):
        k = max(1, round(q * n))  # the k-th largest loss is exceeded by k − 1 trials of n
        x = float(ordered[n - k])
        points.append((x, float(np.count_nonzero(ordered > x) / n)))
    return tuple(dict.fromkeys(points))


# ---------------------------------------------------------------------------------------------
# allocation


@dataclass(frozen=True, slots=True)
class AllocatedShare:
    """A member's premium today (score-floating shares) beside the premium it would pay if the
    same group premium were shared by its contribution to the owner's loss (shown only)."""

    id: str
    name: str
    premium: Decimal
    contribution_share: float
    by_contribution: Decimal


def allocate_by_contribution(
    result: ContagionResult, premiums: Mapping[str, Decimal]
) -> tuple[AllocatedShare, ...]:
    """The group premium (the sum of ``premiums``, by member id) shared by contribution among the
    members that have a premium: each gets premium × its share of their contributions, rounded
    down to the fen with the remaining fen to the largest remainders (ties by id), so the shares
    add up to the group premium exactly. With no contribution at all, every member keeps its
    premium."""
    rows = [c for c in result.contributions if c.id in premiums]
    total = sum(premiums[c.id] for c in rows) if rows else Decimal(0)
    weight = sum(c.expected_loss for c in rows)
    if weight <= 0:
        return tuple(
            AllocatedShare(c.id, c.name, premiums[c.id], 0.0, premiums[c.id]) for c in rows
        )
    fen = Decimal("0.01")
    parts = [Decimal(repr(c.expected_loss)) for c in rows]
    whole = sum(parts)
    exact = [total * part / whole for part in parts]
    floors = [x.quantize(fen, rounding=ROUND_FLOOR) for x in exact]
    left = int(((total - sum(floors)) / fen).to_integral_value())  # fewer than len(rows)
    order = sorted(range(len(rows)), key=lambda i: (-(exact[i] - floors[i]), rows[i].id))
    for i in order[: max(0, left)]:
        floors[i] += fen
    return tuple(
        AllocatedShare(c.id, c.name, premiums[c.id], c.expected_loss / weight, floors[i])
        for i, c in enumerate(rows)
    )
