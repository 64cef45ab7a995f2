"""The supply-chain graph as typed, frozen records (供应链图): members (one chain owner, its
suppliers, each with a security score), directed edges from a member to the party it can reach
with the access that carries a compromise (the vocabulary of
:class:`liubu.underwriting.SupplierAccess`) and the owner's exposure; built from a scheme
(:func:`scheme_chain`) or read from a file (``contagion_files``). See ``contagion`` for the
simulation."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from liubu.errors import ValidationError
from liubu.portfolio.reasons import PortfolioCode
from liubu.underwriting import LinkView, SupplierAccess

MAX_MEMBERS = 2_000
MAX_EDGES = 20_000


class MemberRole(StrEnum):
    OWNER = "owner"  # 链主
    SUPPLIER = "supplier"  # 供应商


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
    view: Mapping[str, Any],
    worksheet: Mapping[str, Any],
    owner_revenue: float,
    links: Iterable[LinkView] = (),
) -> tuple[SupplyChain, dict[str, Decimal]]:
    """The graph of a supply-chain scheme from its view (``underwriting.scheme_view``: each
    accepted member's access) and its worksheet (the quote's or the bound master policy's: each
    priced member's score and premium), with each member's premium by record id. ``links``: the
    supplier-of-supplier links the owner declared (``underwriting.scheme_links``), each an edge
    from the supplier that reaches the owner through another to that other, with the access it
    has; a link with an end that is not priced is left out."""
    access = {m["enterprise_id"]: m["access"] for m in view["members"] if m["enterprise_id"]}
    lines = [line for line in worksheet.get("members", []) if line["enterprise_id"] in access]
    priced = {line["enterprise_id"] for line in lines}
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
        declared=[
            ChainEdge(link.source, link.target, link.access)
            for link in links
            if link.source in priced and link.target in priced
        ],
    )
    return chain, {line["enterprise_id"]: Decimal(str(line["premium"])) for line in lines}
