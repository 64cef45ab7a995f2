"""The insurer's book from the platform (业务组合): its policies in force, with the terms pricing
built and the dependencies its insureds declared, were scanned with or are served by, plus the
existing book it imported from a file (存量业务导入).

:func:`insurer_book` turns each policy in force of the insurer into a :class:`BookPolicy`:

- **id**: the policy number;
- **industry, region, revenue**: the insured as the policy was bound (its submission);
- **terms**: :func:`liubu.underwriting.terms_for_option` of the product version at the policy's
  limit and retention — the very mapping pricing uses, never a second one;
- **reliances**: the insured's dependencies (:func:`liubu.assessment.dependencies_of`: declared,
  from scans, from the platform), each matched to a catalogue dependency by CPE product (vendor
  and product) for software, else by kind, provider (case-insensitive) and region (a catalogue
  entry without a region matches any region of its provider when no entry names the region).
  A dependency no catalogue entry matches is reported in :attr:`InsurerBook.unmatched`, not
  simulated.

Policies that cannot enter the book are listed in :attr:`InsurerBook.skipped` with why (its
product cannot be read, no revenue, terms the engine cannot express). Rows of the imported book
follow the store's policies; a row whose id is already a policy number is skipped; a dependency
of an imported row the catalogue does not declare is reported as unmatched.

Only the insurer itself (or the platform) reads its book: another insurer's policies are never
included, since the insurer's own unit of work reads only its own policies.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, require
from liubu.assessment import DependencyUnitOfWork, InsuredDependency, dependencies_of
from liubu.core import parse_industry, parse_region, shanghai_today
from liubu.errors import PermissionDeniedError, ValidationError
from liubu.intel import parse_any_cpe
from liubu.portfolio.loader import load_book
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Book, BookPolicy, Catalogue, Dependency, Reliance
from liubu.products import ProductsUnitOfWork, find_spec
from liubu.underwriting import Policy, PolicyState, terms_for_option

#: An imported book: at most this many bytes and rows.
MAX_IMPORT_BYTES = 8 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_FILENAME = 200
#: Who may import or read an insurer's book.
BOOK_ROLES = (Role.ADMIN, Role.ACTUARY, Role.UNDERWRITER)
IMPORTED = "portfolio.book_imported"


@dataclass(frozen=True)
class BookImport:
    """An insurer's imported book: the CSV as read (:func:`load_book`'s format)."""

    tenant_id: str
    filename: str
    sha256: str
    rows: int
    content: str
    imported_at: datetime
    imported_by: str

    def summary(self) -> dict[str, Any]:
        """What the insurer is shown of it (not the rows)."""
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "rows": self.rows,
            "imported_at": self.imported_at.isoformat(),
        }


class BookImports(Protocol):
    """One imported book per insurer, the insurer's own."""

    def get(self, tenant_id: str) -> BookImport | None: ...
    def replace(self, item: BookImport) -> None: ...


class PolicyReader(Protocol):
    """The part of underwriting's repository the book reads: the caller's policies."""

    def policies(self) -> Sequence[Policy]: ...


class InsurerBookUnitOfWork(DependencyUnitOfWork, ProductsUnitOfWork, Protocol):
    @property
    def underwriting(self) -> PolicyReader: ...
    @property
    def book_imports(self) -> BookImports: ...


@dataclass(frozen=True, slots=True)
class UnmatchedDependency:
    """A dependency of a policy's insured that no catalogue dependency matches; ``source`` is
    the dependency's (declared, scan, platform) or ``imported`` (then ``provider`` holds the
    dependency id the imported row named, and ``kind`` is None)."""

    policy: str
    source: str
    kind: str | None
    provider: str
    region: str | None = None
    cpe: str | None = None

    @classmethod
    def of(cls, policy: str, dependency: InsuredDependency) -> UnmatchedDependency:
        return cls(
            policy,
            str(dependency.source),
            dependency.kind,
            dependency.provider,
            dependency.region,
            dependency.cpe,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "source": self.source,
            "kind": self.kind,
            "provider": self.provider,
            "region": self.region,
            "cpe": self.cpe,
        }


@dataclass(frozen=True, slots=True)
class SkippedPolicy:
    """A policy left out of the book, and why."""

    policy: str
    reason: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class InsurerBook:
    """The insurer's book (None when it has no policy at all), what could not be matched and
    what was skipped; ``from_store`` and ``imported`` count the policies of each origin."""

    book: Book | None
    unmatched: tuple[UnmatchedDependency, ...]
    skipped: tuple[SkippedPolicy, ...]
    from_store: int
    imported: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "policies": 0 if self.book is None else len(self.book.policies),
            "from_store": self.from_store,
            "imported": self.imported,
            "unmatched": [u.to_dict() for u in self.unmatched],
            "skipped": [s.to_dict() for s in self.skipped],
        }


def _vendor_product(cpe: str | None) -> tuple[str, str] | None:
    if not cpe:
        return None
    try:
        parsed = parse_any_cpe(cpe)
    except ValidationError:
        return None
    return (parsed.vendor, parsed.product)


def match_dependency(catalogue: Catalogue, dependency: InsuredDependency) -> Dependency | None:
    """The catalogue dependency ``dependency`` is (rules in the module doc), or None."""
    if dependency.kind == "software":
        wanted = _vendor_product(dependency.cpe)
        return next(
            (
                d
                for d in catalogue.dependencies
                if d.kind == "software" and wanted and _vendor_product(d.cpe) == wanted
            ),
            None,
        )
    same = [
        d
        for d in catalogue.dependencies
        if d.kind == dependency.kind and d.provider.casefold() == dependency.provider.casefold()
    ]
    exact = next((d for d in same if d.region == dependency.region), None)
    if exact is not None:
        return exact
    return next((d for d in same if d.region is None), None)


def _check_insurer(uow: InsurerBookUnitOfWork, insurer_tenant_id: str) -> None:
    require(uow.principal, *BOOK_ROLES, kinds=[OrgKind.INSURER, OrgKind.PLATFORM])
    if not uow.principal.is_platform and uow.principal.tenant_id != insurer_tenant_id:
        raise PermissionDeniedError("An insurer reads only its own book.")
    organisation = uow.organisations.get(insurer_tenant_id)
    if organisation.kind != OrgKind.INSURER:
        raise ValidationError(
            "Only an insurer has a book.",
            code=PortfolioCode.NOT_AN_INSURER,
            field="insurer",
            value=insurer_tenant_id[:64],
        )


def _store_policy(
    uow: InsurerBookUnitOfWork,
    policy: Policy,
    dependencies: Sequence[InsuredDependency],
    catalogue: Catalogue,
    unmatched: list[UnmatchedDependency],
) -> BookPolicy:
    facts = policy.submission.enterprise
    if facts.revenue is None:
        raise ValidationError(
            "The policy's submission records no revenue.",
            code=PortfolioCode.MISSING_FIELD,
            field="revenue",
        )
    industry = parse_industry(f"{facts.industry_section}{facts.industry_division or ''}")
    region = parse_region(facts.region_code)
    spec = find_spec(uow, policy.product_ref)
    terms = terms_for_option(spec, limit=policy.limit, retention=policy.retention)
    reliances: dict[str, Reliance] = {}
    for dependency in dependencies:
        found = match_dependency(catalogue, dependency)
        if found is None:
            unmatched.append(UnmatchedDependency.of(policy.number, dependency))
            continue
        if found.id not in reliances:  # declared first: the insured's own criticality wins
            reliances[found.id] = Reliance(
                found.id, dependency.tolerance_hours, dependency.revenue_share
            )
    return BookPolicy(
        policy.number, industry, region, float(facts.revenue), terms, tuple(reliances.values())
    )


def insurer_book(
    uow: InsurerBookUnitOfWork,
    insurer_tenant_id: str,
    catalogue: Catalogue,
    *,
    on: date | None = None,
) -> InsurerBook:
    """The insurer's book on ``on`` (today on the Beijing calendar) under ``catalogue``: its
    policies in force from the store and its imported book (see the module doc)."""
    day = on or shanghai_today()
    with uow:
        _check_insurer(uow, insurer_tenant_id)
        policies = [
            p
            for p in uow.underwriting.policies()
            if p.tenant_id == insurer_tenant_id
            and p.status == PolicyState.IN_FORCE
            and p.period_start <= day < p.period_end
        ]
        policies.sort(key=lambda p: p.number)
        deps = dependencies_of(uow, {p.enterprise_id for p in policies})
        stored = uow.book_imports.get(insurer_tenant_id)
        unmatched: list[UnmatchedDependency] = []
        skipped: list[SkippedPolicy] = []
        book: list[BookPolicy] = []
        for policy in policies:
            try:
                book.append(
                    _store_policy(
                        uow, policy, deps.get(policy.enterprise_id, ()), catalogue, unmatched
                    )
                )
            except ValidationError as error:
                skipped.append(SkippedPolicy(policy.number, str(error.code), error.message))
    from_store = len(book)
    imported = 0
    if stored is not None:
        taken = {p.id for p in book}
        rows = load_book(stored.content, source_name=_csv_name(stored.filename)).policies
        known = {d.id for d in catalogue.dependencies}
        for row in rows:
            if row.id in taken:
                skipped.append(
                    SkippedPolicy(
                        row.id,
                        str(PortfolioCode.DUPLICATE_ID),
                        "An imported row has the number of a policy in the store.",
                    )
                )
                continue
            kept = []
            for reliance in row.reliances:
                if reliance.dependency in known:
                    kept.append(reliance)
                    continue
                unmatched.append(UnmatchedDependency(row.id, "imported", None, reliance.dependency))
            book.append(
                BookPolicy(row.id, row.industry, row.region, row.revenue, row.terms, tuple(kept))
            )
            taken.add(row.id)
            imported += 1
    return InsurerBook(
        Book(tuple(book)) if book else None,
        tuple(unmatched),
        tuple(skipped),
        from_store,
        imported,
    )


def _csv_name(filename: str) -> str:
    return filename if filename.lower().endswith(".csv") else f"{filename}.csv"


def _lines(text: str) -> dict[int, int]:
    """The file line each data row (0-based) starts on."""
    reader = csv.reader(io.StringIO(text))
    starts: dict[int, int] = {}
    previous = 1
    for i, _row in enumerate(reader):
        if i > 0:
            starts[i - 1] = previous + 1
        previous = reader.line_num
    return starts


def read_book_import(content: bytes, filename: str, catalogue: Catalogue) -> Book:
    """Check an imported book (CSV, :data:`~liubu.portfolio.CSV_COLUMNS`) against ``catalogue``:
    bounded in size and rows; a bad row is refused with its line and column."""
    name = _csv_name((filename or "book.csv")[-MAX_FILENAME:])
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_IMPORT_BYTES:,} bytes.",
            code=PortfolioCode.IMPORT_TOO_LARGE,
            field="file",
            location=name,
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not UTF-8 text.", code=PortfolioCode.BAD_FILE, field="file", location=name
        ) from None
    if text.count("\n") > MAX_IMPORT_ROWS + 1:
        raise ValidationError(
            f"The file has more than {MAX_IMPORT_ROWS:,} rows.",
            code=PortfolioCode.IMPORT_TOO_LARGE,
            field="file",
            location=name,
        )
    try:
        book = load_book(text, source_name=name)
        lines = _lines(text)
    except csv.Error as error:
        raise ValidationError(
            f"The file is not a readable CSV: {error}.",
            code=PortfolioCode.BAD_FILE,
            field="file",
            location=name,
        ) from None
    known = {d.id for d in catalogue.dependencies}
    for i, policy in enumerate(book.policies):
        for reliance in policy.reliances:
            if reliance.dependency not in known:
                where = f"{name}:{lines.get(i, i + 2)}"
                raise ValidationError(
                    f"Policy {policy.id!r} relies on {reliance.dependency!r}, which the catalogue "
                    f"does not declare ({where}, column dependencies).",
                    code=PortfolioCode.UNKNOWN_DEPENDENCY,
                    field="dependencies",
                    value=reliance.dependency[:120],
                    location=where,
                )
    return book


def import_book(
    uow: InsurerBookUnitOfWork,
    insurer_tenant_id: str,
    content: bytes,
    *,
    filename: str,
    catalogue: Catalogue,
) -> BookImport:
    """Store the insurer's existing book, replacing its previous import, all or nothing; a bad
    file stores nothing (located errors, :func:`read_book_import`). Audited."""
    book = read_book_import(content, filename, catalogue)
    text = content.decode("utf-8-sig")
    with uow:
        _check_insurer(uow, insurer_tenant_id)
        record = BookImport(
            tenant_id=insurer_tenant_id,
            filename=_csv_name((filename or "book.csv")[-MAX_FILENAME:]),
            sha256=hashlib.sha256(content).hexdigest(),
            rows=len(book.policies),
            content=text,
            imported_at=datetime.now(UTC),
            imported_by=uow.principal.user_id,
        )
        uow.book_imports.replace(record)
        uow.audit.record(
            IMPORTED,
            entity_type="book_import",
            entity_id=insurer_tenant_id,
            tenant_id=insurer_tenant_id,
            after={"filename": record.filename, "sha256": record.sha256, "rows": record.rows},
        )
        uow.commit()
    return record


def book_import(uow: InsurerBookUnitOfWork, insurer_tenant_id: str) -> BookImport | None:
    """The insurer's imported book, or None."""
    with uow:
        _check_insurer(uow, insurer_tenant_id)
        return uow.book_imports.get(insurer_tenant_id)
