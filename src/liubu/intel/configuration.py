"""NVD applicability statements: CPE criteria with version ranges, nodes and configurations.

An NVD CVE lists *configurations*; each holds *nodes* joined by the configuration's operator
(OR when absent); each node holds CPE criteria joined by the node's operator; either level may be
negated. A criterion is true for an asset when one of the asset's CPE names falls under it
(:func:`~liubu.intel.cpe.cpe_matches`) and, if the criterion carries
``versionStart…``/``versionEnd…`` bounds, its version lies in that range.

A CVE applies to an asset when some configuration is true *and* the asset's names that satisfied
it include at least one under a criterion flagged ``vulnerable`` (the others — "running on
Windows" — only describe the platform). Those names are what
:meth:`Configuration.vulnerable_matches` returns. Names satisfying criteria inside a negated node
or configuration are never vulnerable.

With ``assume_platforms=True`` non-vulnerable criteria count as satisfied: use it when a scan saw
the application but could not see the platform under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from liubu.errors import ValidationError
from liubu.intel.cpe import ANY, NA, Cpe, cpe_matches, is_pattern, unescape_value
from liubu.intel.reasons import IntelCode
from liubu.intel.version import version_key

Operator = Literal["AND", "OR"]
OPERATORS: tuple[Operator, ...] = ("AND", "OR")


@dataclass(frozen=True, slots=True)
class CpeCriterion:
    """One ``cpeMatch`` entry: a criteria name, the vulnerable flag and optional version bounds."""

    criteria: Cpe
    vulnerable: bool
    version_start_including: str | None = None
    version_start_excluding: str | None = None
    version_end_including: str | None = None
    version_end_excluding: str | None = None
    match_criteria_id: str | None = None

    def __post_init__(self) -> None:
        if self.version_start_including is not None and self.version_start_excluding is not None:
            raise _range_error("versionStartIncluding and versionStartExcluding", self)
        if self.version_end_including is not None and self.version_end_excluding is not None:
            raise _range_error("versionEndIncluding and versionEndExcluding", self)
        for bound in self.bounds:
            if bound is not None:
                version_key(bound)  # raises a ValidationError for an unorderable bound

    @property
    def bounds(self) -> tuple[str | None, str | None, str | None, str | None]:
        return (
            self.version_start_including,
            self.version_start_excluding,
            self.version_end_including,
            self.version_end_excluding,
        )

    @property
    def has_range(self) -> bool:
        return any(bound is not None for bound in self.bounds)

    def matches(self, target: Cpe) -> bool:
        """Whether the asset name ``target`` satisfies this criterion."""
        if not cpe_matches(target, self.criteria):
            return False
        if not self.has_range:
            return True
        if target.version in (ANY, NA):
            return False  # an unknown version cannot be placed inside a range
        key = version_key(unescape_value(target.version))
        start_in, start_ex, end_in, end_ex = self.bounds
        return not (
            (start_in is not None and key < version_key(start_in))
            or (start_ex is not None and key <= version_key(start_ex))
            or (end_in is not None and key > version_key(end_in))
            or (end_ex is not None and key >= version_key(end_ex))
        )


def _range_error(what: str, criterion: CpeCriterion) -> ValidationError:
    return ValidationError(
        f"The CPE criterion {criterion.criteria} gives both {what}; at most one bound per end "
        "is allowed.",
        code=IntelCode.BAD_RANGE,
        field="cpeMatch",
        value=str(criterion.criteria),
    )


def parse_operator(text: str, *, where: str = "node") -> Operator:
    """``text`` as an operator; raise unless it is AND or OR."""
    if text == "AND":
        return "AND"
    if text == "OR":
        return "OR"
    raise ValidationError(
        f"The {where} operator {text!r} must be AND or OR.",
        code=IntelCode.BAD_OPERATOR,
        field="operator",
        value=text,
    )


@dataclass(frozen=True, slots=True)
class ConfigNode:
    """A node: criteria joined by ``operator``, inverted when ``negate``."""

    operator: Operator
    criteria: tuple[CpeCriterion, ...]
    negate: bool = False
    # Criteria positions by (vendor, product), so that an asset name is only compared with the
    # criteria that can match it (NVD lists ~1,300 Windows builds in one node); positions of
    # criteria whose vendor or product is a pattern are checked against every name.
    _by_key: dict[tuple[str, str], tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _anywhere: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _platforms: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parse_operator(self.operator, where="node")
        by_key: dict[tuple[str, str], list[int]] = {}
        anywhere: list[int] = []
        for position, criterion in enumerate(self.criteria):
            vendor, product = criterion.criteria.key
            if vendor == ANY or product == ANY or is_pattern(vendor) or is_pattern(product):
                anywhere.append(position)
            else:
                by_key.setdefault((vendor, product), []).append(position)
        object.__setattr__(self, "_by_key", {key: tuple(p) for key, p in by_key.items()})
        object.__setattr__(self, "_anywhere", tuple(anywhere))
        platforms = frozenset(p for p, c in enumerate(self.criteria) if not c.vulnerable)
        object.__setattr__(self, "_platforms", platforms)

    def evaluate(self, cpes: Sequence[Cpe], *, assume_platforms: bool = False) -> list[Cpe] | None:
        """``None`` when the node is false; else the asset names it found vulnerable."""
        matched: dict[int, list[Cpe]] = {}
        for cpe in cpes:
            for position in (*self._by_key.get(cpe.key, ()), *self._anywhere):
                if self.criteria[position].matches(cpe):
                    matched.setdefault(position, []).append(cpe)
        satisfied = matched.keys() | self._platforms if assume_platforms else matched.keys()
        # AND: every criterion satisfied; OR: at least one.
        needed = len(self.criteria) if self.operator == "AND" else 1
        truth = len(satisfied) >= needed
        if truth == self.negate:
            return None
        if self.negate:
            return []
        return [
            cpe
            for position in sorted(matched)
            if self.criteria[position].vulnerable
            for cpe in matched[position]
        ]


@dataclass(frozen=True, slots=True)
class Configuration:
    """One applicability statement of a CVE: nodes joined by ``operator`` (OR by default)."""

    nodes: tuple[ConfigNode, ...]
    operator: Operator = "OR"
    negate: bool = False

    def __post_init__(self) -> None:
        parse_operator(self.operator, where="configuration")

    @property
    def criteria(self) -> tuple[CpeCriterion, ...]:
        return tuple(criterion for node in self.nodes for criterion in node.criteria)

    def vulnerable_keys(self) -> frozenset[tuple[str, str]]:
        """``(vendor, product)`` of every criterion that can make an asset name vulnerable."""
        if self.negate:
            return frozenset()
        return frozenset(
            criterion.criteria.key
            for node in self.nodes
            if not node.negate
            for criterion in node.criteria
            if criterion.vulnerable
        )

    def vulnerable_matches(
        self, cpes: Sequence[Cpe], *, assume_platforms: bool = False
    ) -> tuple[Cpe, ...]:
        """The asset names this configuration finds vulnerable; empty when it does not apply."""
        found: list[Cpe] = []
        truths: list[bool] = []
        for node in self.nodes:
            result = node.evaluate(cpes, assume_platforms=assume_platforms)
            truths.append(result is not None)
            if result is not None:
                found.extend(result)
        truth = all(truths) if self.operator == "AND" else any(truths)
        if self.negate or not truth:
            return ()
        return tuple(dict.fromkeys(found))
