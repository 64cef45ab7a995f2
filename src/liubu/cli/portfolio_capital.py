"""``liubu portfolio capital``: refresh an insurer's capital from its simulated book (simulate the
book here, compute each policy's Euler TVaR contribution and stand-alone capital, store them for
the technical premium), and show what is stored. Thin: read the files, call
:func:`liubu.portfolio.refresh_book_capital` or :func:`liubu.portfolio.stored_book_capital`,
print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liubu.cli.context import console, state
from liubu.errors import NotFoundError

if TYPE_CHECKING:
    from liubu.portfolio import StoredBookCapital

capital_app = typer.Typer(
    rich_markup_mode=None,
    help="Capital from the simulated book (组合资本) for the technical premium's risk load.",
    no_args_is_help=True,
)
out = console()
TOP = 10

InsurerOption = Annotated[
    str, typer.Option("--insurer", help="The insurer's organisation code (e.g. shifan-pc).")
]


def _actuary(platform: Any, code: str) -> Any:
    """The CLI acts as an actuary of the insurer named by code."""
    from liubu.accounts import OrgKind, Role, acting_in

    with platform.uow() as uow:
        organisation = uow.organisations.find_by_code(code)
    if organisation is None or organisation.kind != OrgKind.INSURER:
        raise NotFoundError(f"No insurer with the code {code!r} (see `liubu orgs list`).")
    return acting_in(organisation.id, OrgKind.INSURER, Role.ACTUARY, name="cli")


@capital_app.command("refresh")
def refresh(
    ctx: typer.Context,
    insurer: InsurerOption,
    book: Annotated[
        Path, typer.Option(help="The insurer's book: YAML or CSV, policy ids = policy numbers.")
    ],
    catalogue: Annotated[Path, typer.Option(help="Event catalogue YAML.")],
    years: Annotated[int, typer.Option(help="Simulated years.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 20_261_207,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Simulate BOOK under CATALOGUE in this process and store each policy's capital (replacing
    the insurer's previous run); quotes price their risk load on it from now on."""
    from liubu import portfolio

    events = portfolio.load_catalogue(catalogue)
    policies = portfolio.load_book(book, catalogue=events)
    platform = state(ctx).platform(upgrade_schema=True)
    principal = _actuary(platform, insurer)
    stored = portfolio.refresh_book_capital(
        platform.uow(principal), principal.tenant_id, policies, events, years=years, seed=seed
    )
    _show(stored, as_json)


@capital_app.command("show")
def show(
    ctx: typer.Context,
    insurer: InsurerOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The insurer's stored book capital: the run, the book's and each industry's ratio, and the
    policies that tie up the most capital."""
    from liubu import portfolio

    platform = state(ctx).platform()
    principal = _actuary(platform, insurer)
    stored = portfolio.stored_book_capital(platform.uow(principal), principal.tenant_id)
    if stored is None:
        if as_json:
            typer.echo("null")
            return
        out.print(
            f"No book capital is stored for {insurer}: quotes use the assumed book of its loads "
            "(run `liubu portfolio capital refresh`)."
        )
        return
    _show(stored, as_json)


def _document(stored: StoredBookCapital) -> dict[str, Any]:
    return {
        "run_id": stored.run_id,
        "computed_at": stored.computed_at.isoformat(),
        "return_period": stored.return_period,
        "years": stored.years,
        "seed": stored.seed,
        "book_policies": stored.book_policies,
        "rows": [
            {
                "segment": r.segment,
                "key": r.key,
                "policies": r.policies,
                "mean": str(r.mean),
                "capital": str(r.capital),
                "stand_alone": str(r.stand_alone),
                "ratio": None if r.ratio is None else str(r.ratio),
            }
            for r in stored.rows
        ],
    }


def _show(stored: StoredBookCapital, as_json: bool) -> None:
    from rich.table import Table

    if as_json:
        typer.echo(json.dumps(_document(stored), ensure_ascii=False, indent=2))
        return
    out.print(
        f"run {stored.run_id} · {stored.computed_at:%Y-%m-%d %H:%M} UTC · "
        f"{stored.book_policies:,} policies · {stored.years:,} years (seed {stored.seed}) · "
        f"TVaR 1-in-{stored.return_period}"
    )
    table = Table(title="capital ratio r = Σ(e − m) / Σ s")
    for column in ("segment", "policies", "Σ(e − m)", "Σ s", "r"):
        table.add_column(column, justify="left" if column == "segment" else "right")
    policies = sorted(
        (r for r in stored.rows if r.segment == "policy"), key=lambda r: (-r.capital, r.key)
    )
    segments = [r for r in stored.rows if r.segment != "policy"]
    segments.sort(key=lambda r: (r.segment != "book", r.key))
    for r in [*segments, *policies[:TOP]]:
        table.add_row(
            r.segment if r.segment == "book" else f"{r.segment} {r.key}",
            f"{r.policies:,}",
            f"¥{r.capital:,.0f}",
            f"¥{r.stand_alone:,.0f}",
            "—" if r.ratio is None else f"{r.ratio:.4f}",
        )
    out.print(table)
