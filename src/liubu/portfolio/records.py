"""The book and the event catalogue as typed, frozen records (组合与事件目录).

A :class:`Book` holds :class:`BookPolicy` records: who is insured (industry GB/T 4754, region
GB/T 2260), the exposure figure events scale with (annual revenue, CNY), the policy's terms (the
risk engine's :class:`~liubu.risk.Terms`, applied by the same code as pricing) and what the insured
relies on (:class:`Reliance`: a :class:`Dependency` with the hours of outage it tolerates and the
share of revenue at stake). A :class:`Catalogue` holds the dependencies known to the model and the
:class:`EventFamily` records that strike them. Files fill these records (``loader``), and so
does the store from an insurer's bound policies (``book``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from liubu.core import Industry, Region
from liubu.errors import ValidationError
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.vocabulary import FAMILY_KINDS, cloud_providers, dependency_kinds, struck_kinds
from liubu.risk import Severity, Terms

HOURS_PER_YEAR = 8760.0


def _bad(message: str, code: PortfolioCode, field_name: str, value: object) -> ValidationError:
    return ValidationError(message, code=code, field=field_name, value=repr(value))


def _share(field_name: str, value: float) -> float:
    if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise _bad(
            f"{field_name} must be a share between 0 and 1; got {value!r}.",
            PortfolioCode.BAD_FIELD,
            field_name,
            value,
        )
    return float(value)


def _non_negative(field_name: str, value: float, code: PortfolioCode) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0.0:
        raise _bad(f"{field_name} must be a number ≥ 0; got {value!r}.", code, field_name, value)
    if not math.isfinite(value):
        raise _bad(f"{field_name} must be finite; got {value!r}.", code, field_name, value)
    return float(value)


@dataclass(frozen=True, slots=True)
class Dependency:
    """Something insureds rely on: a cloud provider and region, a software product (CPE), a
    managed-service or security provider, a CDN, DNS, payment or e-mail provider."""

    id: str
    kind: str
    provider: str
    region: str | None = None
    cpe: str | None = None

    def __post_init__(self) -> None:
        if not self.id or not isinstance(self.id, str):
            raise _bad("A dependency needs an id.", PortfolioCode.MISSING_FIELD, "id", self.id)
        kinds = [k.code for k in dependency_kinds()]
        if self.kind not in kinds:
            raise _bad(
                f"Dependency kind {self.kind!r} is not one of {', '.join(kinds)}.",
                PortfolioCode.DEPENDENCY_KIND,
                "kind",
                self.kind,
            )
        if self.kind == "cloud":
            providers = [p.code for p in cloud_providers()]
            if self.provider not in providers:
                raise _bad(
                    f"Cloud provider {self.provider!r} is not one of {', '.join(providers)}.",
                    PortfolioCode.DEPENDENCY_KIND,
                    "provider",
                    self.provider,
                )
        if self.kind == "software" and not (self.cpe or "").startswith("cpe:2.3:"):
            raise _bad(
                f"A software dependency names its product by a CPE 2.3 name ('cpe:2.3:…'); "
                f"got {self.cpe!r}.",
                PortfolioCode.BAD_FIELD,
                "cpe",
                self.cpe,
            )


@dataclass(frozen=True, slots=True)
class Reliance:
    """How critical a dependency is to one insured: the hours of outage it tolerates before
    revenue is lost, and the share of revenue at stake while it is down."""

    dependency: str
    tolerance_hours: float = 0.0
    revenue_share: float = 1.0

    def __post_init__(self) -> None:
        _non_negative("tolerance_hours", self.tolerance_hours, PortfolioCode.BAD_FIELD)
        _share("revenue_share", self.revenue_share)


@dataclass(frozen=True)
class BookPolicy:
    """One policy of the book with the facts the events need."""

    id: str
    industry: Industry
    region: Region
    revenue: float
    terms: Terms
    reliances: tuple[Reliance, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.terms, Terms):
            raise _bad(
                f"Policy {self.id!r} has no terms: a policy in the book needs its retention, "
                "limits and coverages.",
                PortfolioCode.NO_TERMS,
                "terms",
                self.terms,
            )
        _non_negative("revenue", self.revenue, PortfolioCode.BAD_FIELD)
        seen = [r.dependency for r in self.reliances]
        if len(set(seen)) != len(seen):
            raise _bad(
                f"Policy {self.id!r} names a dependency twice.",
                PortfolioCode.DUPLICATE_ID,
                "dependencies",
                seen,
            )


@dataclass(frozen=True)
class Book:
    """The policies simulated together, with the dependencies they name."""

    policies: tuple[BookPolicy, ...]

    def __post_init__(self) -> None:
        if not self.policies:
            raise _bad("The book has no policies.", PortfolioCode.EMPTY_BOOK, "policies", ())
        ids = [p.id for p in self.policies]
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise _bad(f"Policy {twice!r} appears twice.", PortfolioCode.DUPLICATE_ID, "id", twice)


@dataclass(frozen=True, slots=True)
class Basis:
    """Where a parameter comes from: a source, or an assumption (with a note either way)."""

    source: str | None = None
    assumption: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.assumption == bool(self.source):
            raise _bad(
                "A parameter's basis is either a source or an assumption, not both or neither.",
                PortfolioCode.BAD_FIELD,
                "basis",
                self.source,
            )


@dataclass(frozen=True)
class EventFamily:
    """A family of events (事件族): its kind, annual rate and what one event does.

    - ``provider_outage`` / ``dns_cdn_outage``: each event takes the target down for a duration
      drawn from ``outage_hours``, the same for every insured relying on it (the accumulation);
      each loses (duration − tolerance)⁺ hours of the revenue share at stake.
    - ``mass_exploitation`` / ``msp_ransomware``: each event hits each exposed insured with
      probability ``share_hit``; a hit loses ``loss_share`` × revenue (CNY, coverage
      ``coverage``) and, if ``outage_hours`` is given, its own outage.
    - ``attritional``: independent losses per policy, ``rate`` a year for each policy (the
      single-risk engine's independent part), no target.
    """

    name: str
    kind: str
    rate: float
    target: str | None = None
    share_hit: float = 1.0
    outage_hours: Severity | None = None
    loss_share: Severity | None = None
    coverage: str = "incident_response"
    basis: Mapping[str, Basis] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in FAMILY_KINDS:
            raise _bad(
                f"Event family kind {self.kind!r} is not one of {', '.join(FAMILY_KINDS)}.",
                PortfolioCode.FAMILY_KIND,
                "kind",
                self.kind,
            )
        _non_negative("rate", self.rate, PortfolioCode.NEGATIVE_RATE)
        _share("share_hit", self.share_hit)
        if (self.target is None) != (self.kind == "attritional"):
            raise _bad(
                f"Family {self.name!r}: an attritional family has no target; every other kind "
                "names the dependency it strikes.",
                PortfolioCode.MISSING_FIELD,
                "target",
                self.target,
            )
        if self.outage_hours is None and self.loss_share is None:
            raise _bad(
                f"Family {self.name!r} needs outage_hours, loss_share or both.",
                PortfolioCode.MISSING_FIELD,
                "outage_hours",
                None,
            )
        object.__setattr__(self, "basis", MappingProxyType(dict(self.basis)))

    @property
    def struck_kinds(self) -> tuple[str, ...]:
        return struck_kinds(self.kind)


@dataclass(frozen=True)
class Catalogue:
    """The dependencies the model knows and the event families that strike them."""

    dependencies: tuple[Dependency, ...]
    families: tuple[EventFamily, ...]

    def __post_init__(self) -> None:
        ids = [d.id for d in self.dependencies]
        if len(set(ids)) != len(ids):
            twice = next(i for i in ids if ids.count(i) > 1)
            raise _bad(
                f"Dependency {twice!r} is declared twice.", PortfolioCode.DUPLICATE_ID, "id", twice
            )
        names = [f.name for f in self.families]
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise _bad(
                f"Family {twice!r} appears twice.", PortfolioCode.DUPLICATE_ID, "name", twice
            )
        known = {d.id: d for d in self.dependencies}
        for family in self.families:
            if family.target is None:
                continue
            target = known.get(family.target)
            if target is None:
                raise _bad(
                    f"Family {family.name!r} strikes dependency {family.target!r}, which is not "
                    "declared among the catalogue's dependencies.",
                    PortfolioCode.UNKNOWN_DEPENDENCY,
                    "target",
                    family.target,
                )
            if target.kind not in family.struck_kinds:
                raise _bad(
                    f"Family {family.name!r} ({family.kind}) cannot strike {target.id!r} of kind "
                    f"{target.kind}; it strikes {', '.join(family.struck_kinds)}.",
                    PortfolioCode.TARGET_KIND,
                    "target",
                    family.target,
                )

    def dependency(self, dependency_id: str) -> Dependency | None:
        return next((d for d in self.dependencies if d.id == dependency_id), None)

    def check_book(self, book: Book) -> None:
        """Refuse a book naming a dependency the catalogue does not declare."""
        known = {d.id for d in self.dependencies}
        for policy in book.policies:
            for reliance in policy.reliances:
                if reliance.dependency not in known:
                    raise _bad(
                        f"Policy {policy.id!r} relies on {reliance.dependency!r}, which the "
                        "catalogue does not declare.",
                        PortfolioCode.UNKNOWN_DEPENDENCY,
                        "dependencies",
                        reliance.dependency,
                    )
