"""What an insured depends on (依赖申报): cloud provider and region, software products by CPE,
managed-service or security providers, CDN, DNS, payment and e-mail providers, each with how
critical it is (hours of outage tolerated, share of revenue at stake).

Three sources, each row saying which (:class:`DependencySource`):

- **declared** by the insured in the diagnosis (保前诊断): stored, one row per dependency, every
  change audited; the insured replaces its whole list at once (:func:`declare_dependencies`);
- **scan**: each software product its latest finished scan identified (a CPE 2.3 name, taken at
  the product level: ``cpe:2.3:part:vendor:product:*:…``) is a ``software`` dependency with the
  default criticality :data:`SCAN_TOLERANCE_HOURS` / :data:`SCAN_REVENUE_SHARE`;
- **platform**: each security provider serving the enterprise on the platform (a remediation
  task or a scheduled in-term service assigned to it) is an ``msp`` dependency, named by the
  provider's organisation name, with :data:`PLATFORM_TOLERANCE_HOURS` /
  :data:`PLATFORM_REVENUE_SHARE`.

The scan and platform rows are derived when read, from the records they come from, so they are
never stale; a declared row for the same dependency (same kind and provider, or same CPE
product) takes precedence, with the insured's own criticality. The defaults are assumptions
(not fitted to losses): a product seen on an Internet-facing host supports part of the business
for a working day; a managed-service provider reaches more of it.

Who reads an enterprise's dependencies (the store scopes it): the insured, an insurer that
quoted or insures it, a security provider serving it, the platform. Only the insured (or the
platform) changes them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.records import AssessmentUnitOfWork
from liubu.datafiles import packaged_yaml
from liubu.errors import PermissionDeniedError, ValidationError
from liubu.intel import parse_any_cpe

#: At most this many dependencies an insured declares (and at most this many of each derived
#: source are read).
MAX_DEPENDENCIES = 50
MAX_PROVIDER = 120
MAX_REGION = 64
MAX_CPE = 255
MAX_TOLERANCE_HOURS = 8760.0  # a year
#: Default criticality of a software product a scan found (an assumption, see the module doc).
SCAN_TOLERANCE_HOURS = 8.0
SCAN_REVENUE_SHARE = 0.2
#: Default criticality of the security provider serving the enterprise (an assumption).
PLATFORM_TOLERANCE_HOURS = 4.0
PLATFORM_REVENUE_SHARE = 0.5

_REGION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EDITORS = (Role.ADMIN, Role.ENTERPRISE_USER)


class DependencySource(StrEnum):
    DECLARED = "declared"  # the insured said so in the diagnosis
    SCAN = "scan"  # its latest scan identified the software
    PLATFORM = "platform"  # the platform's records: the security provider serving it


@dataclass(frozen=True, slots=True)
class Term:
    """A code with its Chinese and English names."""

    code: str
    zh: str
    en: str


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = packaged_yaml("liubu.assessment", "data", "dependencies.yaml")
    return data


def dependency_kinds() -> tuple[Term, ...]:
    """The kinds of dependency (cloud, software, msp, cdn, dns, payment, email)."""
    return tuple(Term(str(r["code"]), str(r["zh"]), str(r["en"])) for r in _table()["kinds"])


def cloud_providers() -> tuple[Term, ...]:
    """The cloud providers a ``cloud`` dependency may name."""
    rows = _table()["providers"]["cloud"]
    return tuple(Term(str(r["code"]), str(r["zh"]), str(r["en"])) for r in rows)


def _bad(message: str, field_name: str, value: object, code: AssessmentCode) -> ValidationError:
    return ValidationError(message, code=code, field=field_name, value=repr(value)[:200])


def product_cpe(name: str) -> str:
    """The product-level CPE 2.3 name of ``name`` (version and later attributes ``*``).

    >>> product_cpe("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*")
    'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*'
    """
    cpe = parse_any_cpe(name)
    return f"cpe:2.3:{cpe.part}:{cpe.vendor}:{cpe.product}:*:*:*:*:*:*:*:*"


@dataclass(frozen=True, slots=True)
class InsuredDependency:
    """One dependency of an insured, from one source, with its criticality."""

    kind: str
    provider: str
    region: str | None = None
    cpe: str | None = None
    tolerance_hours: float = 0.0
    revenue_share: float = 1.0
    source: str = DependencySource.DECLARED

    def __post_init__(self) -> None:
        where = "dependency"
        kinds = [k.code for k in dependency_kinds()]
        if self.kind not in kinds:
            raise _bad(
                f"The kind {self.kind!r} is not one of {', '.join(kinds)}.",
                f"{where}.kind",
                self.kind,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        if not isinstance(self.provider, str) or not 0 < len(self.provider) <= MAX_PROVIDER:
            raise _bad(
                f"The provider is named in 1 to {MAX_PROVIDER} characters.",
                f"{where}.provider",
                self.provider,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        if self.kind == "cloud":
            providers = [p.code for p in cloud_providers()]
            if self.provider not in providers:
                raise _bad(
                    f"The cloud provider {self.provider!r} is not one of {', '.join(providers)}.",
                    f"{where}.provider",
                    self.provider,
                    AssessmentCode.DEPENDENCY_BAD_FIELD,
                )
        if self.region is not None and not (
            0 < len(self.region) <= MAX_REGION and _REGION.match(self.region)
        ):
            raise _bad(
                f"A cloud region is 1 to {MAX_REGION} lower-case letters, digits and hyphens "
                f"(cn-hangzhou); got {self.region!r}.",
                f"{where}.region",
                self.region,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        if self.region is not None and self.kind != "cloud":
            raise _bad(
                "Only a cloud dependency names a region.",
                f"{where}.region",
                self.region,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        if self.kind == "software":
            if self.cpe is None or len(self.cpe) > MAX_CPE:
                raise _bad(
                    "A software dependency names its product by a CPE 2.3 name ('cpe:2.3:…').",
                    f"{where}.cpe",
                    self.cpe,
                    AssessmentCode.DEPENDENCY_BAD_FIELD,
                )
            try:
                object.__setattr__(self, "cpe", product_cpe(self.cpe))
            except ValidationError:
                raise _bad(
                    f"{self.cpe!r} is not a CPE 2.3 name ('cpe:2.3:a:vendor:product:…').",
                    f"{where}.cpe",
                    self.cpe,
                    AssessmentCode.DEPENDENCY_BAD_FIELD,
                ) from None
        elif self.cpe is not None:
            raise _bad(
                "Only a software dependency names a CPE.",
                f"{where}.cpe",
                self.cpe,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        hours = self.tolerance_hours
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int | float)
            or not math.isfinite(hours)
            or not 0 <= hours <= MAX_TOLERANCE_HOURS
        ):
            raise _bad(
                f"Hours of outage tolerated are between 0 and {MAX_TOLERANCE_HOURS:g}.",
                f"{where}.tolerance_hours",
                hours,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        share = self.revenue_share
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not math.isfinite(share)
            or not 0 <= share <= 1
        ):
            raise _bad(
                "The share of revenue at stake is between 0 and 1.",
                f"{where}.revenue_share",
                share,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )
        object.__setattr__(self, "tolerance_hours", float(hours))
        object.__setattr__(self, "revenue_share", float(share))

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """What makes two rows the same dependency: kind, provider, region, CPE product."""
        if self.kind == "software":
            return (self.kind, "", None, self.cpe)
        return (self.kind, self.provider.casefold(), self.region, None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "provider": self.provider,
            "region": self.region,
            "cpe": self.cpe,
            "tolerance_hours": self.tolerance_hours,
            "revenue_share": self.revenue_share,
            "source": str(self.source),
        }


@dataclass(eq=False)
class DeclaredDependency:
    """A dependency the insured declared (stored, audited); ``position`` keeps its order."""

    id: str
    tenant_id: str
    enterprise_id: str
    position: int
    kind: str
    provider: str
    region: str | None
    cpe: str | None
    tolerance_hours: Decimal
    revenue_share: Decimal
    declared_at: datetime
    declared_by: str
    version: int = 1

    def as_dependency(self) -> InsuredDependency:
        return InsuredDependency(
            self.kind,
            self.provider,
            self.region,
            self.cpe,
            float(self.tolerance_hours),
            float(self.revenue_share),
            DependencySource.DECLARED,
        )


@dataclass(frozen=True)
class DependencySources:
    """What an enterprise's dependencies are derived from: its declared rows, the CPE names its
    latest finished scan identified, the names of the security providers serving it."""

    declared: tuple[DeclaredDependency, ...] = ()
    software: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()


class DependencyRepository(Protocol):
    """Dependencies, scoped to the caller (see the module's documentation)."""

    def tenant_of(self, enterprise_id: str) -> str:
        """The insured's tenant; NotFoundError when the caller may not read its dependencies."""
        ...

    def sources(self, enterprise_ids: Collection[str]) -> Mapping[str, DependencySources]:
        """The sources of each of ``enterprise_ids`` the caller may read."""
        ...

    def add(self, item: DeclaredDependency) -> None: ...
    def delete(self, item: DeclaredDependency) -> None: ...


class DependencyUnitOfWork(AssessmentUnitOfWork, Protocol):
    @property
    def dependencies(self) -> DependencyRepository: ...


def parse_declarations(rows: object) -> tuple[InsuredDependency, ...]:
    """Declared rows from a form, an API body or a file (a list of mappings with ``kind``,
    ``provider``, ``region``, ``cpe``, ``tolerance_hours``, ``revenue_share``); errors located as
    ``dependencies[i].field``. Empty strings are absent values."""
    if not isinstance(rows, list | tuple):
        raise _bad(
            "Dependencies are a list.", "dependencies", rows, AssessmentCode.DEPENDENCY_BAD_FIELD
        )
    if len(rows) > MAX_DEPENDENCIES:
        raise _bad(
            f"At most {MAX_DEPENDENCIES} dependencies; got {len(rows)}.",
            "dependencies",
            len(rows),
            AssessmentCode.DEPENDENCY_TOO_MANY,
        )
    parsed: list[InsuredDependency] = []
    for i, row in enumerate(rows):
        where = f"dependencies[{i}]"
        if not isinstance(row, Mapping):
            raise _bad(
                "Each dependency is a mapping.", where, row, AssessmentCode.DEPENDENCY_BAD_FIELD
            )
        unknown = set(row) - {
            "kind",
            "provider",
            "region",
            "cpe",
            "tolerance_hours",
            "revenue_share",
            "source",
        }
        if unknown:
            name = sorted(map(str, unknown))[0]
            raise _bad(
                f"Unknown field {name!r}.",
                f"{where}.{name}",
                name,
                AssessmentCode.DEPENDENCY_BAD_FIELD,
            )

        def text(key: str, row: Mapping[str, Any] = row) -> str | None:
            value = row.get(key)
            if value is None:
                return None
            value = str(value).strip()
            return value or None

        def number(key: str, default: float, row: Mapping[str, Any] = row, at: str = where) -> Any:
            value = row.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                return default
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    raise _bad(
                        f"{key} must be a number; got {value[:40]!r}.",
                        f"{at}.{key}",
                        value,
                        AssessmentCode.DEPENDENCY_BAD_FIELD,
                    ) from None
            return value

        provider = text("provider") or ""
        if text("kind") == "software" and not provider and text("cpe"):
            try:
                provider = parse_any_cpe(str(text("cpe"))).vendor
            except ValidationError:
                provider = "?"
        try:
            dependency = InsuredDependency(
                kind=text("kind") or "",
                provider=provider,
                region=text("region"),
                cpe=text("cpe"),
                tolerance_hours=number("tolerance_hours", 0.0),
                revenue_share=number("revenue_share", 1.0),
            )
        except ValidationError as error:
            name = (error.field or "dependency").split(".")[-1]
            raise ValidationError(
                error.message,
                code=error.code,
                field=f"{where}.{name}",
                value=error.detail.get("value"),
            ) from None
        if any(d.key == dependency.key for d in parsed):
            raise _bad(
                "This dependency is declared twice.",
                where,
                dependency.provider,
                AssessmentCode.DEPENDENCY_DUPLICATE,
            )
        parsed.append(dependency)
    return tuple(parsed)


def derive_dependencies(sources: DependencySources) -> tuple[InsuredDependency, ...]:
    """The enterprise's dependencies from its three sources (rules in the module doc): the
    declared ones in their order, then the scan's software, then the platform's providers, each
    dependency once (a declared row wins). Pure."""
    rows = [d.as_dependency() for d in sorted(sources.declared, key=lambda d: d.position)]
    seen = {d.key for d in rows}
    derived: list[InsuredDependency] = []
    for name in sources.software:
        try:
            cpe = parse_any_cpe(name)
            row = InsuredDependency(
                "software",
                (cpe.vendor or "?")[:MAX_PROVIDER],
                cpe=name,
                tolerance_hours=SCAN_TOLERANCE_HOURS,
                revenue_share=SCAN_REVENUE_SHARE,
                source=DependencySource.SCAN,
            )
        except ValidationError:
            continue  # a name the scanner wrote that is not a product: not a dependency
        if row.key not in seen and sum(d.source == DependencySource.SCAN for d in derived) < (
            MAX_DEPENDENCIES
        ):
            seen.add(row.key)
            derived.append(row)
    for provider in sources.providers:
        name = provider.strip()[:MAX_PROVIDER]
        if not name:
            continue
        row = InsuredDependency(
            "msp",
            name,
            tolerance_hours=PLATFORM_TOLERANCE_HOURS,
            revenue_share=PLATFORM_REVENUE_SHARE,
            source=DependencySource.PLATFORM,
        )
        if row.key not in seen:
            seen.add(row.key)
            derived.append(row)
    return (*rows, *derived)


def _now() -> datetime:
    return datetime.now(UTC)


def _check_id(enterprise_id: str) -> None:
    if not isinstance(enterprise_id, str) or not 0 < len(enterprise_id) <= 64:
        raise ValidationError("An enterprise id has 1 to 64 characters.", field="enterprise")


def enterprise_dependencies(
    uow: DependencyUnitOfWork, enterprise_id: str
) -> tuple[InsuredDependency, ...]:
    """The enterprise's dependencies from all three sources; NotFoundError when the caller may
    not read them."""
    _check_id(enterprise_id)
    with uow:
        uow.dependencies.tenant_of(enterprise_id)
        found = uow.dependencies.sources([enterprise_id])
    return derive_dependencies(found.get(enterprise_id, DependencySources()))


def dependencies_of(
    uow: DependencyUnitOfWork, enterprise_ids: Collection[str]
) -> dict[str, tuple[InsuredDependency, ...]]:
    """The dependencies of each of ``enterprise_ids`` the caller may read (others are absent),
    in the caller's transaction when one is open."""
    with uow:
        found = uow.dependencies.sources(sorted(set(enterprise_ids)))
    return {eid: derive_dependencies(s) for eid, s in found.items()}


def declare_dependencies(
    uow: DependencyUnitOfWork, enterprise_id: str, rows: Iterable[InsuredDependency]
) -> tuple[InsuredDependency, ...]:
    """The insured replaces its declared dependencies with ``rows`` (from
    :func:`parse_declarations`): unchanged rows stay, changed ones are updated, the others
    deleted or added — every change audited. Returns all its dependencies after."""
    _check_id(enterprise_id)
    wanted = tuple(rows)
    if len(wanted) > MAX_DEPENDENCIES:
        raise _bad(
            f"At most {MAX_DEPENDENCIES} dependencies; got {len(wanted)}.",
            "dependencies",
            len(wanted),
            AssessmentCode.DEPENDENCY_TOO_MANY,
        )
    if len({d.key for d in wanted}) != len(wanted):
        raise _bad(
            "A dependency is declared twice.",
            "dependencies",
            len(wanted),
            AssessmentCode.DEPENDENCY_DUPLICATE,
        )
    with uow:
        require(uow.principal, *_EDITORS, kinds=[OrgKind.ENTERPRISE, OrgKind.PLATFORM])
        tenant = uow.dependencies.tenant_of(enterprise_id)
        if not uow.principal.is_platform and tenant != uow.principal.tenant_id:
            raise PermissionDeniedError("Only the insured declares its dependencies.")
        current = uow.dependencies.sources([enterprise_id]).get(enterprise_id, DependencySources())
        existing = {d.as_dependency().key: d for d in current.declared}
        now, actor = _now(), uow.principal.user_id
        for position, dependency in enumerate(wanted):
            record = existing.pop(dependency.key, None)
            tolerance = Decimal(str(dependency.tolerance_hours)).quantize(Decimal("0.01"))
            share = Decimal(str(dependency.revenue_share)).quantize(Decimal("0.0001"))
            if record is None:
                uow.dependencies.add(
                    DeclaredDependency(
                        id=new_id(),
                        tenant_id=tenant,
                        enterprise_id=enterprise_id,
                        position=position,
                        kind=dependency.kind,
                        provider=dependency.provider,
                        region=dependency.region,
                        cpe=dependency.cpe,
                        tolerance_hours=tolerance,
                        revenue_share=share,
                        declared_at=now,
                        declared_by=actor,
                    )
                )
                continue
            if (record.position, record.provider, record.tolerance_hours, record.revenue_share) != (
                position,
                dependency.provider,
                tolerance,
                share,
            ):
                record.position, record.provider = position, dependency.provider
                record.tolerance_hours, record.revenue_share = tolerance, share
                record.declared_at, record.declared_by = now, actor
        for record in existing.values():
            uow.dependencies.delete(record)
        uow.flush()
        after = uow.dependencies.sources([enterprise_id]).get(enterprise_id, DependencySources())
        uow.commit()
    return derive_dependencies(after)
