"""The ``affected`` blocks of CVE JSON 5 records, and the CPE criteria they imply.

CVE JSON 5 describes affected products as ``{vendor, product, cpes[], versions[], defaultStatus}``
where a version entry is ``{status, version, lessThan | lessThanOrEqual, versionType}``. For
matching, liubu turns an entry that names CPEs into NVD-style criteria (one OR node):

* a CPE whose version is ANY takes its versions from the entries with ``status: affected``:
  ``version`` + ``lessThan`` → ``versionStartIncluding`` + ``versionEndExcluding`` (and
  ``lessThanOrEqual`` → ``versionEndIncluding``); a ``version`` of ``0``, ``*``, ``n/a``,
  ``unspecified`` or ``-`` opens the range at the bottom and a ``lessThan`` of ``*`` at the top;
  an entry without an upper bound is one exact version (``*`` = every version);
* with no version entries, ``defaultStatus: affected`` makes every version vulnerable;
* a CPE that already names a version is taken as it stands when anything is marked affected,
  unless that version is the start of an affected range (CISA ADP writes ranges that way): then
  the range applies;
* entries whose ``versionType`` cannot be ordered (``git`` commit hashes) and ``changes`` lists are
  ignored — this is the coarse part, and why NVD's own configurations are preferred when present.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from liubu.intel._data import intel_table
from liubu.intel.configuration import ConfigNode, Configuration, CpeCriterion
from liubu.intel.cpe import ANY, Cpe


@dataclass(frozen=True, slots=True)
class AffectedVersion:
    """One ``versions[]`` entry of an affected product."""

    status: str
    version: str
    less_than: str | None = None
    less_than_or_equal: str | None = None
    version_type: str | None = None


@dataclass(frozen=True, slots=True)
class AffectedProduct:
    """One ``affected[]`` entry; ``provider`` is ``cna:<name>`` or ``adp:<name>``."""

    provider: str
    vendor: str | None
    product: str | None
    cpes: tuple[Cpe, ...]
    versions: tuple[AffectedVersion, ...]
    default_status: str | None = None

    @property
    def any_affected(self) -> bool:
        return self.default_status == "affected" or any(
            version.status == "affected" for version in self.versions
        )


def affected_criteria(product: AffectedProduct) -> tuple[CpeCriterion, ...]:
    """The vulnerable CPE criteria one affected entry implies (see the module docstring)."""
    criteria: list[CpeCriterion] = []
    for cpe in product.cpes:
        ranges = _ranges_starting_at(product, cpe.version)
        if cpe.version != ANY and ranges:
            # CISA's ADP writes a range's start into the CPE (http_server:2.4.0 with 2.4.0 ≤ v ≤
            # 2.4.59): the CPE names the range, not one version.
            any_version = Cpe((*cpe.components[:3], ANY, *cpe.components[4:]))
            criteria.extend(_ranged(any_version, ranges))
        elif cpe.version != ANY:
            if product.any_affected:
                criteria.append(CpeCriterion(criteria=cpe, vulnerable=True))
        elif not product.versions:
            if product.default_status == "affected":
                criteria.append(CpeCriterion(criteria=cpe, vulnerable=True))
        else:
            criteria.extend(_ranged(cpe, product.versions))
    return tuple(dict.fromkeys(criteria))


def _ranges_starting_at(product: AffectedProduct, version: str) -> tuple[AffectedVersion, ...]:
    return tuple(
        entry
        for entry in product.versions
        if entry.status == "affected"
        and entry.version == version
        and (entry.less_than is not None or entry.less_than_or_equal is not None)
    )


def _ranged(cpe: Cpe, versions: tuple[AffectedVersion, ...]) -> Iterator[CpeCriterion]:
    table = intel_table("cve5")
    open_start: list[str] = table["open_start_versions"]
    unordered: list[str] = table["unordered_version_types"]
    for entry in versions:
        if entry.status != "affected" or entry.version_type in unordered:
            continue
        start = None if entry.version in open_start else entry.version
        if entry.less_than is not None or entry.less_than_or_equal is not None:
            yield CpeCriterion(
                criteria=cpe,
                vulnerable=True,
                version_start_including=start,
                version_end_excluding=_open_end(entry.less_than),
                version_end_including=_open_end(entry.less_than_or_equal),
            )
        elif entry.version == ANY:
            yield CpeCriterion(criteria=cpe, vulnerable=True)
        elif start is not None:
            yield CpeCriterion(criteria=cpe.with_version(start), vulnerable=True)


def _open_end(bound: str | None) -> str | None:
    return None if bound in (None, "*", "") else bound


def affected_configurations(products: tuple[AffectedProduct, ...]) -> tuple[Configuration, ...]:
    """One configuration (a single OR node) of all criteria the products imply, or none."""
    criteria = tuple(
        dict.fromkeys(criterion for product in products for criterion in affected_criteria(product))
    )
    if not criteria:
        return ()
    return (Configuration(nodes=(ConfigNode(operator="OR", criteria=criteria),)),)
