"""``liubu identity``: the platform operator verifies enterprises and decides credit-code claims."""

from __future__ import annotations

from typing import Annotated

import typer

from liubu.cli.context import console, state

identity_app = typer.Typer(
    rich_markup_mode=None,
    help="Ownership of credit codes: verification and claims (统一社会信用代码争议).",
    no_args_is_help=True,
)
out = console()


@identity_app.command("verify")
def verify(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="The enterprise record id.")],
) -> None:
    """Record that the holder's organisation controls the enterprise (licence seen)."""
    from liubu import accounts

    platform = state(ctx).platform()
    record = accounts.verify_enterprise(platform.uow(accounts.SYSTEM), enterprise)
    out.print(f"{record.name} ({record.uscc}) verified at {record.verified_at:%Y-%m-%d %H:%M}")


@identity_app.command("claims")
def claims(ctx: typer.Context) -> None:
    """List every claim, newest first."""
    from rich.table import Table

    from liubu import accounts

    platform = state(ctx).platform()
    table = Table("claim", "credit code", "claimant", "state", "claimant's evidence")
    for claim in accounts.list_claims(platform.uow(accounts.SYSTEM)):
        table.add_row(
            claim.id, claim.uscc, claim.claimant_name, claim.state, claim.claimant_evidence
        )
    out.print(table)


@identity_app.command("decide")
def decide(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim id.")],
    uphold: Annotated[
        bool, typer.Option("--uphold/--reject", help="Uphold: the holder releases the code.")
    ],
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Uphold or reject a claim."""
    from liubu import accounts

    platform = state(ctx).platform()
    decided = accounts.decide_claim(platform.uow(accounts.SYSTEM), claim, uphold=uphold, note=note)
    out.print(f"claim {decided.id} on {decided.uscc}: {decided.state}")
