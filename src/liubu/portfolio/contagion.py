"""Supply-chain contagion (供应链传导，数字孪生): a compromise travelling from supplier to chain
owner and onwards, by Monte Carlo bond percolation on the supply-chain graph.

A :class:`SupplyChain` holds the members (one chain owner, suppliers; each with a security score)
and the directed edges from a member to the party it can reach, with the access that carries a
compromise (the vocabulary of :class:`liubu.underwriting.SupplierAccess`). Each edge is open in a
trial with its probability: the access type's base rate × a multiplier from the source member's
score (``data/contagion.yaml``), capped at 1, unless the graph gives the edge's own probability.
Each member except the owner starts compromised in a trial with its own annual probability (from
its score, or given). A trial's compromised members are those reachable from the starting ones
along open edges; a cycle is allowed (each member is visited once).

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

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path as FilePath
from typing import Any

import numpy as np
import numpy.typing as npt

from liubu.datafiles import packaged_text
from liubu.errors import ValidationError
from liubu.portfolio.reasons import PortfolioCode
from liubu.risk import Located, Severity, parse_located_yaml, read_severity
from liubu.underwriting import SupplierAccess

FloatArray = npt.NDArray[np.float64]
Path = tuple[str | int, ...]

#: Trials per seeded chunk: changing it changes every trial, so it is fixed.
CHUNK_TRIALS = 1_000
HOURS_PER_YEAR = 8760.0
MAX_MEMBERS = 2_000
MAX_EDGES = 20_000
MAX_TRIALS = 2_000_000
_MAX_BYTES = 8 * 1024 * 1024
_DRAW_ROWS = 500
#: Members + edges × trials held as booleans in one block at most (about 64 MB): a larger
#: ``block_trials`` is split (the numbers do not depend on it).
_BLOCK_CELLS = 64_000_000
#: Points of the owner's loss exceedance curve (probabilities 1, 1/2 … down to 1/N).
EXCEEDANCE_POINTS = 60


class MemberRole(StrEnum):
    OWNER = "owner"  # 链主
    SUPPLIER = "supplier"  # 供应商


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
# records


def _bad(
    message: str, field_name: str, value: object, code: PortfolioCode = PortfolioCode.BAD_FIELD
) -> ValidationError:
    return ValidationError(message, code=code, field=field_name, value=repr(value))


def _probability(field_name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise _bad(
            f"{field_name} must be a probability between 0 and 1; got {value!r}.",
            field_name,
            value,
            PortfolioCode.BAD_PROBABILITY,
        )
    return float(value)


def member_role(value: object) -> MemberRole:
    """``owner`` or ``supplier``, or a :class:`ValidationError` at ``role``."""
    if value not in tuple(MemberRole):
        raise _bad(f"A member's role is owner or supplier; got {value!r}.", "role", value)
    return MemberRole(str(value))


@dataclass(frozen=True, slots=True)
class ChainMember:
    """A member of the chain: its id, name, role and security score (0–100); ``probability``
    overrides its own annual probability of being compromised (the score's otherwise)."""

    id: str
    name: str
    role: MemberRole
    score: float
    probability: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise _bad("A member's name is at most 200 characters.", "name", self.name)
        if not self.id or not isinstance(self.id, str) or len(self.id) > 200:
            raise _bad(
                "A member needs an id (at most 200 characters).",
                "id",
                self.id,
                PortfolioCode.MISSING_FIELD,
            )
        object.__setattr__(self, "role", member_role(self.role))
        s = self.score
        if isinstance(s, bool) or not isinstance(s, int | float) or not 0.0 <= s <= 100.0:
            raise _bad(f"A security score is from 0 to 100; got {s!r}.", "score", s)
        object.__setattr__(self, "score", float(s))
        object.__setattr__(self, "probability", _probability("probability", self.probability))


@dataclass(frozen=True, slots=True)
class ChainEdge:
    """``source`` can reach ``target`` with ``access``; ``probability`` overrides the computed
    probability that a compromise of the source crosses to the target in a year."""

    source: str
    target: str
    access: str
    probability: float | None = None

    def __post_init__(self) -> None:
        if self.access not in tuple(SupplierAccess):
            raise _bad(
                f"Access {self.access!r} is not one of {', '.join(SupplierAccess)}.",
                "access",
                self.access,
            )
        object.__setattr__(self, "probability", _probability("probability", self.probability))


@dataclass(frozen=True, slots=True)
class OwnerExposure:
    """What the owner loses while a compromise keeps it down: its annual revenue (CNY), the share
    at stake and the hours it tolerates (defaults: ``data/contagion.yaml``)."""

    revenue: float
    revenue_share: float | None = None
    tolerance_hours: float | None = None

    def __post_init__(self) -> None:
        r = self.revenue
        if (
            isinstance(r, bool)
            or not isinstance(r, int | float)
            or not (math.isfinite(r) and r >= 0)
        ):
            raise _bad(f"The owner's revenue must be a number ≥ 0; got {r!r}.", "revenue", r)
        _probability("revenue_share", self.revenue_share)
        t = self.tolerance_hours
        if t is not None and (
            isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t < 1e6
        ):
            raise _bad(f"Tolerance hours must be a number ≥ 0; got {t!r}.", "tolerance_hours", t)


@dataclass(frozen=True)
class SupplyChain:
    """The graph: members (exactly one owner; ids unique), edges between known members and the
    owner's exposure. Cycles are allowed."""

    members: tuple[ChainMember, ...]
    edges: tuple[ChainEdge, ...]
    exposure: OwnerExposure
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.members or len(self.members) > MAX_MEMBERS:
            raise _bad(
                f"A chain has 1 to {MAX_MEMBERS} members; got {len(self.members)}.",
                "members",
                len(self.members),
            )
        if len(self.edges) > MAX_EDGES:
            raise _bad(
                f"A chain has at most {MAX_EDGES} edges; got {len(self.edges)}.",
                "edges",
                len(self.edges),
            )
        index: dict[str, int] = {}
        for i, m in enumerate(self.members):
            if m.id in index:
                raise _bad(
                    f"Member {m.id!r} appears twice.",
                    f"members[{i}].id",
                    m.id,
                    PortfolioCode.DUPLICATE_ID,
                )
            index[m.id] = i
        owners = [m for m in self.members if m.role is MemberRole.OWNER]
        if len(owners) != 1:
            raise _bad(
                f"A chain has exactly one owner; got {len(owners)}.",
                "members",
                len(owners),
                PortfolioCode.CHAIN_OWNER,
            )
        for i, e in enumerate(self.edges):
            for end in ("source", "target"):
                if getattr(e, end) not in index:
                    raise _bad(
                        f"Edge {e.source!r} → {e.target!r} names {getattr(e, end)!r}, "
                        "which is not a member.",
                        f"edges[{i}].{end}",
                        getattr(e, end),
                        PortfolioCode.UNKNOWN_MEMBER,
                    )
        object.__setattr__(self, "_index", index)

    @property
    def owner(self) -> ChainMember:
        return next(m for m in self.members if m.role is MemberRole.OWNER)

    def index(self, member_id: str) -> int:
        return self._index[member_id]


# ---------------------------------------------------------------------------------------------
# loaders

_TOP_KEYS = ("owner", "members", "edges")
_OWNER_KEYS = ("revenue", "revenue_share", "tolerance_hours")
_MEMBER_KEYS = ("id", "name", "role", "score", "probability")
_EDGE_KEYS = ("from", "to", "access", "probability")
#: Columns of a graph CSV: one row per member; ``reaches`` lists ``target:access[:probability]``
#: joined by ``;``; ``revenue``, ``revenue_share``, ``tolerance_hours`` on the owner's row.
CHAIN_CSV_COLUMNS = (
    "id",
    "name",
    "role",
    "score",
    "probability",
    "reaches",
    "revenue",
    "revenue_share",
    "tolerance_hours",
)


def _codes() -> tuple[PortfolioCode, PortfolioCode, PortfolioCode]:
    return (PortfolioCode.BAD_FIELD, PortfolioCode.UNKNOWN_FIELD, PortfolioCode.MISSING_FIELD)


def load_chain(text_or_path: str | FilePath, *, source_name: str = "chain.yaml") -> SupplyChain:
    """Read a supply-chain graph from YAML (``owner: {revenue, revenue_share, tolerance_hours}``,
    ``members: [{id, name, role, score, probability}]``, ``edges: [{from, to, access,
    probability}]``) or CSV (:data:`CHAIN_CSV_COLUMNS`). Errors name the file, the line or row
    and the field: an edge to an unknown member, a probability outside [0, 1], a second owner."""
    if isinstance(text_or_path, FilePath):
        name = str(text_or_path)
        try:
            if text_or_path.stat().st_size > _MAX_BYTES:
                raise ValidationError(
                    f"The file {name} is larger than {_MAX_BYTES} bytes.",
                    code=PortfolioCode.BAD_FILE,
                    location=name,
                )
            text = text_or_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationError(
                f"The file {name} cannot be read: {error}.",
                code=PortfolioCode.BAD_FILE,
                location=name,
            ) from None
    else:
        text, name = text_or_path, source_name
    if name.lower().endswith(".csv"):
        return _chain_csv(text, name)
    return _chain_yaml(text, name)


def _chain_yaml(text: str, name: str) -> SupplyChain:
    src = parse_located_yaml(text, name)
    top = src.mapping(src.data, (), _TOP_KEYS, ("owner", "members"), codes=_codes(), noun="field")
    o = src.mapping(
        top["owner"], ("owner",), _OWNER_KEYS, ("revenue",), codes=_codes(), noun="field"
    )
    with src.at(("owner",)):
        exposure = OwnerExposure(o["revenue"], o.get("revenue_share"), o.get("tolerance_hours"))
    members: list[ChainMember] = []
    for i, row in enumerate(_list(src, top["members"], ("members",))):
        at: Path = ("members", i)
        m = src.mapping(
            row, at, _MEMBER_KEYS, ("id", "role", "score"), codes=_codes(), noun="field"
        )
        if str(m["id"]) in {x.id for x in members}:
            raise src.fail(
                f"Member {m['id']!r} appears twice.",
                code=PortfolioCode.DUPLICATE_ID,
                path=(*at, "id"),
                value=m["id"],
            )
        with src.at(at):
            members.append(
                ChainMember(
                    str(m["id"]),
                    str(m.get("name") or m["id"]),
                    member_role(m["role"]),
                    m["score"],
                    m.get("probability"),
                )
            )
    known = {m.id for m in members}
    edges = []
    for i, row in enumerate(_list(src, top.get("edges") or [], ("edges",))):
        at = ("edges", i)
        e = src.mapping(row, at, _EDGE_KEYS, ("from", "to", "access"), codes=_codes(), noun="field")
        for key in ("from", "to"):
            if str(e[key]) not in known:
                raise src.fail(
                    f"The edge names {e[key]!r}, which is not a member of the chain.",
                    code=PortfolioCode.UNKNOWN_MEMBER,
                    path=(*at, key),
                    value=e[key],
                )
        with src.at(at):
            edges.append(
                ChainEdge(str(e["from"]), str(e["to"]), str(e["access"]), e.get("probability"))
            )
    with src.at(()):
        return SupplyChain(tuple(members), tuple(edges), exposure)


def _list(src: Located, data: Any, path: Path) -> list[Any]:
    if not isinstance(data, list):
        raise src.fail(
            f"Expected a list; got {data!r}.", code=PortfolioCode.BAD_FIELD, path=path, value=data
        )
    return data


def _chain_csv(text: str, name: str) -> SupplyChain:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in ("id", "role", "score", "reaches") if c not in header]
    if missing:
        raise ValidationError(
            f"The CSV lacks the column {missing[0]!r} ({name}:1).",
            code=PortfolioCode.MISSING_FIELD,
            field=missing[0],
            location=f"{name}:1",
        )
    rows: list[tuple[str, dict[str, str]]] = [
        (f"{name}:{reader.line_num}", dict(row)) for row in reader
    ]
    members, exposure = [], None
    for where, row in rows:
        with _row(where, "id"):
            role = (row.get("role") or "").strip()
            members.append(
                ChainMember(
                    (row.get("id") or "").strip(),
                    (row.get("name") or "").strip() or (row.get("id") or "").strip(),
                    member_role(role),
                    _float(row, "score"),
                    _float(row, "probability", optional=True),
                )
            )
            if role == MemberRole.OWNER and exposure is None:
                exposure = OwnerExposure(
                    _float(row, "revenue"),
                    _float(row, "revenue_share", optional=True),
                    _float(row, "tolerance_hours", optional=True),
                )
    known = {m.id for m in members}
    edges = []
    for where, row in rows:
        for part in (row.get("reaches") or "").split(";"):
            if not part.strip():
                continue
            with _row(where, "reaches"):
                pieces = [p.strip() for p in part.split(":")]
                if len(pieces) not in (2, 3):
                    raise _bad(
                        f"A reach is written target:access[:probability]; got {part!r}.",
                        "reaches",
                        part,
                    )
                if pieces[0] not in known:
                    raise _bad(
                        f"{pieces[0]!r} is not a member of the chain.",
                        "reaches",
                        pieces[0],
                        PortfolioCode.UNKNOWN_MEMBER,
                    )
                probability = _number(pieces[2], "reaches") if len(pieces) == 3 else None
                edges.append(
                    ChainEdge((row.get("id") or "").strip(), pieces[0], pieces[1], probability)
                )
    if exposure is None:
        raise ValidationError(
            f"The chain has no owner row ({name}).",
            code=PortfolioCode.CHAIN_OWNER,
            field="role",
            location=name,
        )
    try:
        return SupplyChain(tuple(members), tuple(edges), exposure)
    except ValidationError as error:
        raise ValidationError(
            f"{error.message} ({name})", code=error.code, field=error.field, location=name
        ) from None


class _row:
    """Re-raise a record's error with the CSV row and column."""

    def __init__(self, where: str, column: str) -> None:
        self.where, self.column = where, column

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, _tb: object) -> None:
        if isinstance(error, ValidationError) and error.location is None:
            column = error.field if error.field in CHAIN_CSV_COLUMNS else self.column
            raise ValidationError(
                f"{error.message} ({self.where}, column {column})",
                code=error.code,
                field=column,
                value=error.value,
                location=self.where,
            ) from None


def _number(text: str, column: str) -> float:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        raise _bad(f"The column {column!r} must be a number; got {text!r}.", column, text) from None


def _float(row: Mapping[str, str], column: str, *, optional: bool = False) -> Any:
    text = (row.get(column) or "").strip()
    if not text:
        if optional:
            return None
        raise _bad(f"The column {column!r} is empty.", column, text, PortfolioCode.MISSING_FIELD)
    return _number(text, column)


@dataclass(frozen=True, slots=True)
class SchemeMember:
    """An accepted member of a supply-chain scheme as the scheme's page knows it: its record id,
    name, the access it has to the owner and its priced security score."""

    enterprise_id: str
    name: str
    access: str
    score: float


def chain_from_scheme(
    *,
    owner_id: str,
    owner_name: str,
    owner_revenue: float,
    members: Iterable[SchemeMember],
    declared: Iterable[ChainEdge] = (),
    owner_score: float = 50.0,
) -> SupplyChain:
    """The graph of a supply-chain scheme: the chain owner, each accepted member with an edge to
    the owner by the access it has, and any further edges declared (a supplier's own suppliers,
    as :class:`ChainEdge` between members already named)."""
    rows = [ChainMember(owner_id, owner_name, MemberRole.OWNER, owner_score)]
    edges = []
    for m in members:
        rows.append(ChainMember(m.enterprise_id, m.name, MemberRole.SUPPLIER, m.score))
        edges.append(ChainEdge(m.enterprise_id, owner_id, m.access))
    return SupplyChain(tuple(rows), (*edges, *declared), OwnerExposure(owner_revenue))


def scheme_chain(
    view: Mapping[str, Any], worksheet: Mapping[str, Any], owner_revenue: float
) -> tuple[SupplyChain, dict[str, Decimal]]:
    """The graph of a supply-chain scheme from its view (``underwriting.scheme_view``: each
    accepted member's access) and its worksheet (the quote's or the bound master policy's: each
    priced member's score and premium), with each member's premium by record id."""
    access = {m["enterprise_id"]: m["access"] for m in view["members"] if m["enterprise_id"]}
    lines = [line for line in worksheet.get("members", []) if line["enterprise_id"] in access]
    chain = chain_from_scheme(
        owner_id=str(view["sponsor_enterprise_id"]),
        owner_name=str(view["name"]),
        owner_revenue=owner_revenue,
        members=[
            SchemeMember(
                line["enterprise_id"], line["name"], access[line["enterprise_id"]], line["score"]
            )
            for line in lines
        ],
    )
    return chain, {line["enterprise_id"]: Decimal(str(line["premium"])) for line in lines}


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
