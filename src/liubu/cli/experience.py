"""``liubu experience``: import an insurer's claims experience, and show a rate indication of a
product from it (advice for actuaries: shown, never applied to the product)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liubu.cli.context import console, state
from liubu.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from liubu.experience import FrequencyFit

experience_app = typer.Typer(
    rich_markup_mode=None,
    help="Claims experience (理赔经验): import it, and see a rate indication from it.",
    no_args_is_help=True,
)
out = console()


InsurerOption = Annotated[
    str | None,
    typer.Option(
        "--insurer",
        "--tenant",
        help="The insurer's organisation code (e.g. shifan-pc); default: the product's insurer.",
    ),
]


def _insurer(platform: Any, code: str | None, product: str | None) -> Any:
    """The CLI acts as an actuary of the insurer named by code, or of the product's owner."""
    from liubu import products
    from liubu.accounts import OrgKind, Role, acting_in

    with platform.uow() as uow:
        if code is not None:
            organisation = uow.organisations.find_by_code(code)
            if organisation is None or organisation.kind != OrgKind.INSURER:
                raise NotFoundError(f"No insurer with the code {code!r} (see `liubu orgs list`).")
        elif product is not None:
            record = products.find_product(uow, product)
            organisation = uow.organisations.get(record.tenant_id)
            if organisation.kind != OrgKind.INSURER:
                raise ValidationError(
                    f"The product {product} is not owned by an insurer; name one with --insurer.",
                    field="insurer",
                )
        else:
            raise ValidationError(
                "Name the insurer whose experience this is: --insurer CODE (or --product).",
                field="insurer",
            )
    return acting_in(organisation.id, OrgKind.INSURER, Role.ACTUARY, name="cli")


@experience_app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Claims-experience CSV (docs/experience.md).")],
    insurer: InsurerOption = None,
    product: Annotated[
        str | None,
        typer.Option(help="Tag the rows with this product, insurer/code@version (optional)."),
    ] = None,
) -> None:
    """Store a claims-experience file, all or nothing; rows already stored are not stored again."""
    from liubu.experience import import_experience, read_experience_csv

    data = read_experience_csv(file, name=file.name)  # a bad file stops here: nothing stored
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    platform = state(ctx).platform(upgrade_schema=True)
    principal = _insurer(platform, insurer, product)
    summary = import_experience(
        platform.uow(principal), data, product_ref=product, file_sha256=digest
    )
    out.print(
        f"{summary.rows:,} rows read from {file.name}: {summary.stored:,} stored, "
        f"{summary.already_present:,} already present"
    )


@experience_app.command("indicate")
def indicate(
    ctx: typer.Context,
    product: Annotated[str, typer.Option(help="The product, insurer/code@version.")],
    insurer: InsurerOption = None,
    factor: Annotated[
        list[str] | None,
        typer.Option(help="Experience factor to use; repeat for more (default: all mapped)."),
    ] = None,
    tagged: Annotated[
        bool,
        typer.Option(
            "--tagged/--all-rows",
            help=(
                "Use only rows tagged with PRODUCT (default: the rows tagged with it, claims fed "
                "from the claims store included, and the rows imported with no product tag)."
            ),
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The rate indication of a product from the stored experience: shown, never applied."""
    from rich.table import Table

    from liubu.cli.underwriting import _product
    from liubu.experience import ADVICE, indication_document
    from liubu.experience import indicate as indication

    spec = _product(ctx, product)
    platform = state(ctx).platform(upgrade_schema=True)
    principal = _insurer(platform, insurer, product if insurer is None else None)
    with platform.uow(principal) as uow:
        report = indication(
            uow, spec, product_ref=product if tagged else None, factors=factor or ()
        )
    document = indication_document(report)
    rows = document["table"]
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table = Table(
        "factor",
        "level",
        "filed",
        "indicated",
        "credibility",
        "filed range",
        "flag",
        title=f"Rate indication for {report.product_id} ({report.source})",
    )
    for row in rows:
        table.add_row(
            f"{row['factor']} → {row['coefficient']}",
            row["level"] + (f" (merged into {row['merged_into']})" if row["merged_into"] else ""),
            row["filed"] or "—",
            row["indicated"],
            f"{row['credibility']:.2f}",
            f"[{row['filed_range'][0]}, {row['filed_range'][1]}]",
            "OUTSIDE filed range" if row["outside_filed_range"] else "",
        )
    out.print(table)
    out.print(_dispersion_line(report.frequency))
    if report.needs_new_filing:
        out.print("Some suggestions lie outside their filed range.")
    out.print(ADVICE.en)


def _dispersion_line(fit: FrequencyFit) -> str:
    """The frequency GLM's dispersion φ̂ and what it did to the intervals."""
    if fit.pearson_dispersion is None or not fit.dispersion_estimated:
        return (
            f"Claim frequency: Poisson intervals (φ = 1); the dispersion was not estimated "
            f"({fit.df_resid:.0f} residual degrees of freedom)."
        )
    said = (
        f"Claim frequency: dispersion φ̂ = {fit.pearson_dispersion:.2f} (Pearson χ² "
        f"{fit.pearson_chi2:.1f} on {fit.df_resid:.0f} df)"
    )
    if fit.dispersion > 1:
        return f"{said}: intervals widened by √φ̂ = {fit.dispersion**0.5:.2f}."
    return f"{said}, not above 1: Poisson intervals (φ = 1)."
