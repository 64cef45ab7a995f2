"""``liubu reserve``: IBNR of a loss-development triangle by chain ladder, Mack or
Bornhuetter–Ferguson (准备金评估) — from a CSV file, or a product's claims in the claims store.

Bad input (a file, an amount) is one located line on stderr and exit 1; misuse of the command
(no triangle and no product, both, an unknown method) prints the usage and exits 2.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liubu.cli.context import console
from liubu.errors import LiubuError, ValidationError

if TYPE_CHECKING:
    from liubu.claims import ReserveResult

out = console()
err = console(stderr=True)


class Method(StrEnum):
    chainladder = "chainladder"
    mack = "mack"
    bf = "bf"


class Basis(StrEnum):
    paid = "paid"
    incurred = "incurred"


def reserve(
    ctx: typer.Context,
    triangle: Annotated[
        Path | None,
        typer.Argument(
            help="Triangle CSV, long format: origin,development,value (months; cumulative).",
            dir_okay=False,
        ),
    ] = None,
    method: Annotated[Method, typer.Option(help="Reserving method.")] = Method.chainladder,
    apriori: Annotated[
        str | None, typer.Option(help="BF: the a-priori loss ratio, e.g. 0.65.")
    ] = None,
    premium: Annotated[
        Path | None,
        typer.Option(help="BF: CSV of origin,premium (the exposure).", dir_okay=False),
    ] = None,
    product: Annotated[
        str | None,
        typer.Option(help="Reserve a product's claims from the claims store (insurer/code@ver)."),
    ] = None,
    basis: Annotated[
        Basis,
        typer.Option(help="paid, or incurred (whose cumulative amounts may fall)."),
    ] = Basis.paid,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print total ibnr and mack_se, and per origin JSON."),
    ] = False,
) -> None:
    """IBNR and its Mack standard error from a triangle CSV, or (--product) the claims store."""
    if (triangle is None) == (product is None):
        raise typer.BadParameter(
            "give a TRIANGLE.csv, or --product with --basis for the claims store (not both)"
        )
    try:
        if product is not None:
            result = _from_store(ctx, product, method, apriori, premium, basis)
        else:
            assert triangle is not None
            result = _from_file(triangle, method, apriori, premium, basis)
    except LiubuError as error:
        err.print(f"error: {error.message}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result.summary(), ensure_ascii=False, indent=2))
        return
    _print(result, triangle.name if triangle is not None else str(product))


def _from_file(
    triangle: Path, method: Method, apriori: str | None, premium: Path | None, basis: Basis
) -> ReserveResult:
    from liubu.claims import read_premium_csv, read_triangle_csv
    from liubu.claims import reserve as run

    cells = read_triangle_csv(
        triangle, name=triangle.name, allow_decreasing=basis is Basis.incurred
    )
    premiums = read_premium_csv(premium, name=premium.name) if premium is not None else None
    return run(cells, str(method), apriori=_ratio(apriori), premium=premiums)


def _ratio(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip()[:32])
    except InvalidOperation:
        raise ValidationError(
            f"--apriori {text[:32]!r} is not a number; give a loss ratio such as 0.65.",
            field="apriori",
            value=text[:32],
        ) from None


def _from_store(
    ctx: typer.Context,
    product: str,
    method: Method,
    apriori: str | None,
    premium: Path | None,
    basis: Basis,
) -> ReserveResult:
    """The product's claims from the store (paid, or paid + case reserve), by accident year,
    acting as an actuary of the product's insurer."""
    from liubu.claims import read_premium_csv, reserve_product
    from liubu.cli.context import state
    from liubu.cli.experience import _insurer

    platform = state(ctx).platform()
    actuary = _insurer(platform, None, product)
    premiums = read_premium_csv(premium, name=premium.name) if premium is not None else None
    with platform.uow(actuary) as uow:
        return reserve_product(
            actuary,
            uow.claim_development,
            product_ref=product,
            basis=str(basis),  # type: ignore[arg-type]
            method=str(method),
            apriori=_ratio(apriori),
            premium=premiums,
        )


def _print(result: ReserveResult, name: str) -> None:
    from rich.table import Table

    mack = result.mack_se is not None
    table = Table(title=f"{name}: {result.method} ({result.engine})")
    for column in ("origin", "latest", "ultimate", "IBNR", *(("Mack s.e.",) if mack else ())):
        table.add_column(column, justify="left" if column == "origin" else "right")
    for row in result.origins:
        cells = [row.origin, f"{row.latest:,}", f"{row.ultimate:,}", f"{row.ibnr:,}"]
        table.add_row(*cells, *((f"{row.mack_se:,}",) if row.mack_se is not None else ()))
    totals = ["total", f"{result.latest:,}", f"{result.ultimate:,}", f"{result.ibnr:,}"]
    table.add_row(*totals, *((f"{result.mack_se:,}",) if result.mack_se is not None else ()))
    out.print(table)
    factors = Table("development", "age-to-age", "age-to-ultimate", title="Development factors")
    for factor in result.factors:
        factors.add_row(
            f"{factor.from_months}–{factor.to_months}",
            str(factor.age_to_age),
            str(factor.age_to_ultimate),
        )
    out.print(factors)
    out.print(f"{result.settings}.")
