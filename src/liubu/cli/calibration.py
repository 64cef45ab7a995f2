"""``liubu calibration report``: the scenario library's prices for a grid of SMEs beside the
market figures they should meet (docs/calibration.md)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from liubu.cli.context import console
from liubu.errors import ValidationError

calibration_app = typer.Typer(
    rich_markup_mode=None,
    help="Calibration (校准): the library's prices against market figures.",
    no_args_is_help=True,
)
out = console()


@calibration_app.command("report")
def report(
    product: Annotated[
        str | None, typer.Option(help="Product reference (default: the grid's SME product).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Claim frequency, mean insured claim, expected loss, technical and filed premium and rate
    adequacy for revenue ¥5m/30m/200m/2bn × three industries × three postures."""
    from rich.table import Table

    from liubu.products import load_reference_catalogue
    from liubu.underwriting import calibration_benchmarks, calibration_report

    wanted = product or calibration_benchmarks().product
    specs = {s.product_id: s for s in load_reference_catalogue()}
    if wanted not in specs:
        raise ValidationError(
            f"No product {wanted!r} in the reference catalogue; choose one of {sorted(specs)}.",
            field="product",
            value=wanted,
        )
    result = calibration_report(specs[wanted])
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(
        "revenue",
        "industry",
        "posture",
        "claims/yr",
        "mean claim",
        "E\\[loss]",  # escaped: rich would read [loss] as a style
        "% limit",
        "technical",
        "filed",
        "adequacy",
        "quote",
        "within",
        title=f"{result.product}, limit ¥{result.limit:,}",
    )
    for row in result.rows:
        missed = [k for k, v in row.checks.items() if v is False]
        table.add_row(
            f"¥{row.revenue:,.0f}",
            row.industry,
            f"{row.posture} ({row.score:g})",
            f"{row.claim_frequency:.2%}",
            "—" if row.mean_insured_claim is None else f"¥{row.mean_insured_claim:,.0f}",
            f"¥{row.expected_loss:,.0f}",
            f"{row.loss_share_of_limit:.2%}",
            "—" if row.technical_premium is None else f"¥{row.technical_premium:,.2f}",
            "—" if row.filed_premium is None else f"¥{row.filed_premium:,.2f}",
            "—" if row.rate_adequacy is None else str(row.rate_adequacy),
            row.quote,
            ("yes" if not missed else "no: " + ", ".join(missed)) if row.sme else "(not SME)",
        )
    out.print(table)
    b = result.benchmarks
    out.print(
        f"Market: claims {b.claim_frequency.low:.0%}–{b.claim_frequency.high:.0%} a year; "
        f"expected loss {b.loss_share_of_limit.low:.1%}–{b.loss_share_of_limit.high:.1%} of the "
        f"limit; adequacy {b.rate_adequacy.low}–{b.rate_adequacy.high} (average posture). "
        f"Pilots: {b.pilot_rate_on_line:.2%} rate on line, ¥{b.pilot_sum_insured:,.0f} sum "
        f"insured and ¥{b.pilot_premium:,.0f} premium per enterprise policy."
    )
    out.print("Every SME within range: " + ("yes" if result.all_within() else "no"))
