"""Use cases of the product registry: submit, file, withdraw, list, read, compare.

Those that write own their transaction (``with uow: …; uow.commit()``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

from liubu.accounts import OrgKind, Principal, Role, add_organisation, new_id, require
from liubu.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    Reason,
    ValidationError,
)
from liubu.products.comparison import Comparison, compare
from liubu.products.reasons import ProductsCode
from liubu.products.registry import DRAFT, FILED, WITHDRAWN, ProductRecord, ProductsUnitOfWork
from liubu.products.spec import ProductSpec
from liubu.products.validation import parse_product
from liubu.products.versions import check_versions
from liubu.products.writer import dump_product, fingerprint

PRODUCT_AUTHORS = (Role.ADMIN, Role.UNDERWRITER, Role.ACTUARY)
_AUTHOR_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)


def _now() -> datetime:
    return datetime.now(UTC)


def _spec_of(record: ProductRecord) -> ProductSpec:
    return parse_product(record.document, source=f"{record.product_ref}.yaml")


def _require_owner(uow: ProductsUnitOfWork, record: ProductRecord) -> None:
    if not uow.principal.is_platform and record.tenant_id != uow.principal.tenant_id:
        # Filed products are public, but only their insurer may change them; say "not found"
        # rather than reveal which tenant owns what.
        raise NotFoundError(f"No product of yours with id {record.id!r}.")


def _check_insurer(uow: ProductsUnitOfWork, spec: ProductSpec, tenant_id: str) -> None:
    organisation = uow.organisations.get(tenant_id)
    if organisation.code != spec.insurer:
        raise ValidationError(
            f"The product names insurer {spec.insurer!r} but your organisation's insurer code is "
            f"{organisation.code!r}; a product can only be submitted by its insurer.",
            code=ProductsCode.PRODUCT_INSURER_MISMATCH,
            field="insurer",
            value=spec.insurer,
        )


def submit_product(
    uow: ProductsUnitOfWork,
    text: str,
    *,
    source: str,
    tenant_id: str | None = None,
    allow_filed: bool = False,
) -> tuple[ProductRecord, bool]:
    """Store a product version from its YAML; returns ``(record, changed)``.

    A new version is stored as given if ``allow_filed`` (loading a catalogue), otherwise it must
    be a draft. Re-submitting an identical version changes nothing; a changed draft is replaced;
    a changed filed or withdrawn version is refused: file a new version instead.
    """
    with uow:
        submitted = _submit(uow, text, source=source, tenant_id=tenant_id, allow_filed=allow_filed)
        uow.commit()
        return submitted


def _submit(
    uow: ProductsUnitOfWork,
    text: str,
    *,
    source: str,
    tenant_id: str | None,
    allow_filed: bool,
) -> tuple[ProductRecord, bool]:
    require(uow.principal, *PRODUCT_AUTHORS, kinds=_AUTHOR_KINDS)
    spec = parse_product(text, source=source)
    owner = tenant_id if tenant_id and uow.principal.is_platform else uow.principal.tenant_id
    _check_insurer(uow, spec, owner)
    if spec.status != DRAFT and not allow_filed:
        raise ValidationError(
            f"A new product version must be submitted as a draft (status: draft), not "
            f"{spec.status!r}; file it afterwards.",
            code=ProductsCode.PRODUCT_NOT_DRAFT,
            field="status",
            value=spec.status,
        )
    stored = uow.products.find_by_ref(spec.product_id)
    if stored is not None:
        return _resubmit(uow, stored, spec), stored.fingerprint != fingerprint(spec)
    if spec.status != DRAFT:
        _check_overlaps(uow, spec)
    record = _record(spec, owner)
    uow.products.add(record)
    return record, True


def _resubmit(uow: ProductsUnitOfWork, stored: ProductRecord, spec: ProductSpec) -> ProductRecord:
    _require_owner(uow, stored)
    if stored.fingerprint == fingerprint(spec):
        return stored
    if stored.status != DRAFT:
        raise ConflictError(
            f"{stored.product_ref} is {stored.status} and cannot be edited in place; submit the "
            f"change as version {stored.product_version + 1}.",
            reason=Reason.CONFLICT,
            code=ProductsCode.PRODUCT_FILED_IMMUTABLE,
        )
    fresh = _record(spec, stored.tenant_id)
    for name in (
        "product_type",
        "name_zh",
        "name_en",
        "status",
        "filing_number",
        "effective_from",
        "effective_to",
        "document",
        "fingerprint",
    ):
        setattr(stored, name, getattr(fresh, name))
    stored.updated_at = _now()
    return stored


def _record(spec: ProductSpec, tenant_id: str) -> ProductRecord:
    now = _now()
    return ProductRecord(
        id=new_id(),
        tenant_id=tenant_id,
        product_ref=spec.product_id,
        insurer=spec.insurer,
        code=spec.code,
        product_version=spec.version,
        product_type=spec.product_type,
        name_zh=spec.name.zh,
        name_en=spec.name.en,
        status=spec.status,
        filing_number=spec.filing.number if spec.filing else None,
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        document=dump_product(spec),
        fingerprint=fingerprint(spec),
        created_at=now,
        updated_at=now,
        filed_at=now if spec.status == FILED else None,
        withdrawn_at=now if spec.status == WITHDRAWN else None,
    )


def _check_overlaps(uow: ProductsUnitOfWork, spec: ProductSpec) -> None:
    others = [
        _spec_of(r)
        for r in uow.products.series(spec.insurer, spec.code)
        if r.status == FILED and r.product_ref != spec.product_id
    ]
    issues = check_versions([*others, spec])
    if issues:
        first = issues[0]
        raise ConflictError(first.message, code=first.code, reason=Reason.CONFLICT)


def file_product(uow: ProductsUnitOfWork, record_id: str) -> ProductRecord:
    """draft → filed: needs a filing number (备案号) and no overlap with other filed versions."""
    with uow:
        require(uow.principal, *PRODUCT_AUTHORS, kinds=_AUTHOR_KINDS)
        record = uow.products.get(record_id)
        _require_owner(uow, record)
        if record.status != DRAFT:
            raise ConflictError(
                f"{record.product_ref} is already {record.status}.",
                code=ProductsCode.PRODUCT_NOT_DRAFT,
            )
        spec = dataclasses.replace(_spec_of(record), status=FILED)
        filed_text = dump_product(spec)
        spec = parse_product(filed_text, source=f"{record.product_ref}.yaml")  # filed rules apply
        _check_overlaps(uow, spec)
        record.status, record.document, record.fingerprint = FILED, filed_text, fingerprint(spec)
        record.filed_at = record.updated_at = _now()
        uow.commit()
        return record


def withdraw_product(uow: ProductsUnitOfWork, record_id: str) -> ProductRecord:
    """filed → withdrawn: no new policies; existing policies keep their wording."""
    with uow:
        require(uow.principal, *PRODUCT_AUTHORS, kinds=_AUTHOR_KINDS)
        record = uow.products.get(record_id)
        _require_owner(uow, record)
        if record.status != FILED:
            raise ConflictError(
                f"Only a filed product can be withdrawn; {record.product_ref} is {record.status}.",
                code=ProductsCode.PRODUCT_NOT_FILED,
            )
        spec = dataclasses.replace(_spec_of(record), status=WITHDRAWN)
        record.status, record.document = WITHDRAWN, dump_product(spec)
        record.fingerprint = fingerprint(spec)
        record.withdrawn_at = record.updated_at = _now()
        uow.commit()
        return record


def find_product(uow: ProductsUnitOfWork, reference: str) -> ProductRecord:
    """By record id or by ``insurer/code@version``, among the products visible to the caller."""
    if "/" in reference:
        found = uow.products.find_by_ref(reference)
        if found is None:
            raise NotFoundError(f"No product {reference!r} is visible to you.")
        return uow.products.get(found.id)
    return uow.products.get(reference)


def find_spec(uow: ProductsUnitOfWork, reference: str) -> ProductSpec:
    """The parsed product behind :func:`find_product`."""
    return _spec_of(find_product(uow, reference))


def compare_products(
    uow: ProductsUnitOfWork, references: Sequence[str], *, lang: str
) -> Comparison:
    if len(references) < 2:
        raise ValidationError("Choose at least two products to compare.", field="ids")
    specs = [_spec_of(find_product(uow, ref)) for ref in references]
    return compare(specs, lang=lang)


def load_products(
    uow: ProductsUnitOfWork, sources: Sequence[tuple[str, str]]
) -> list[tuple[ProductRecord, bool]]:
    """Platform operation: store product files as they are (drafts or filed), each under the
    insurer organisation its ``insurer`` code names, created if missing. Idempotent, and all or
    nothing: one transaction for every file."""
    with uow:
        loaded = _load(uow, sources)
        uow.commit()
        return loaded


def _load(
    uow: ProductsUnitOfWork, sources: Sequence[tuple[str, str]]
) -> list[tuple[ProductRecord, bool]]:
    require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM])
    loaded = []
    for source, text in sources:
        spec = parse_product(text, source=source)
        organisation = uow.organisations.find_by_code(spec.insurer)
        if organisation is None:
            name = spec.insurer_name
            label = f"{name.zh} {name.en}" if name is not None else spec.insurer
            organisation = add_organisation(
                uow, kind=OrgKind.INSURER, name=label, code=spec.insurer
            )
            uow.flush()
        loaded.append(
            _submit(uow, text, source=source, tenant_id=organisation.id, allow_filed=True)
        )
        uow.flush()
    return loaded


ISSUERS = (Role.UNDERWRITER, Role.ADMIN)


def require_issuer(principal: Principal, product_tenant_id: str) -> None:
    """Only the insurer that filed the product (its underwriters or administrators), or the
    platform operator, issues policies under it."""
    require(principal, *ISSUERS, kinds=(OrgKind.INSURER, OrgKind.PLATFORM))
    if not principal.is_platform and principal.tenant_id != product_tenant_id:
        raise PermissionDeniedError(
            "Only the insurer that filed this product may issue policies under it."
        )
