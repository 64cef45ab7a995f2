"""Reserving use cases (准备金评估): who may reserve, and reserving a product's claims through the
claims store's :class:`DevelopmentSource`. Read-only — nothing is stored, so nothing is audited
and no transaction is opened here; a caller that stores a result owns that transaction."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from liubu.accounts import OrgKind, Principal, Role, require
from liubu.claims.reserving import Basis, DevelopmentSource, Triangle, triangle_from_development
from liubu.claims.reserving_methods import ReserveResult, ReservingMethod, reserve

RESERVERS = (Role.ACTUARY, Role.ADMIN)
RESERVER_KINDS = (OrgKind.INSURER,)


def reserve_triangle(
    principal: Principal,
    triangle: Triangle,
    method: ReservingMethod | str = ReservingMethod.CHAINLADDER,
    *,
    apriori: Decimal | None = None,
    premium: Mapping[str, Decimal] | None = None,
) -> ReserveResult:
    """An insurer's actuary (or admin) reserves a triangle they hand in (403 for anyone else)."""
    require(principal, *RESERVERS, kinds=RESERVER_KINDS)
    return reserve(triangle, method, apriori=apriori, premium=premium)


def product_triangle(
    principal: Principal,
    source: DevelopmentSource,
    *,
    product_ref: str | None,
    basis: Basis,
    origin_period: Literal["year", "quarter"] = "year",
) -> Triangle:
    """The cumulative triangle of a product's claims (all the insurer's when ``product_ref`` is
    None) from the store: its development, scoped to the caller's tenant by the store, by
    accident year (12-month development) or quarter (3-month). Incurred may fall along
    development; paid may not. No claim amount at all: a ValidationError coded
    ``RESERVING_NO_CLAIMS`` (the web page shows it as an empty state)."""
    require(principal, *RESERVERS, kinds=RESERVER_KINDS)
    return triangle_from_development(
        source.claim_development(product_ref, basis),
        origin_period=origin_period,
        development_period_months=12 if origin_period == "year" else 3,
        allow_decreasing=basis == "incurred",
    )


def reserve_product(
    principal: Principal,
    source: DevelopmentSource,
    *,
    product_ref: str | None,
    basis: Basis,
    method: ReservingMethod | str = ReservingMethod.CHAINLADDER,
    origin_period: Literal["year", "quarter"] = "year",
    apriori: Decimal | None = None,
    premium: Mapping[str, Decimal] | None = None,
) -> ReserveResult:
    """Reserve a product's claims from the store: :func:`product_triangle`, then a method."""
    triangle = product_triangle(
        principal, source, product_ref=product_ref, basis=basis, origin_period=origin_period
    )
    return reserve(triangle, method, apriori=apriori, premium=premium)
