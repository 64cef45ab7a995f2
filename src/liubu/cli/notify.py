"""``liubu notify``: sending the notification deliveries that are due (docs/notifications.md)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from liubu.cli.context import state

notify_app = typer.Typer(
    rich_markup_mode=None,
    help="Notifications (通知): e-mail and webhook deliveries.",
    no_args_is_help=True,
)


@notify_app.command("deliver")
def notify_deliver(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send the e-mail and webhook deliveries due now, once (what the notify.deliver job does;
    run it from cron where no recurring job is scheduled). Prints sent, retrying and dead."""
    report = state(ctx).platform().deliver_notifications()
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    typer.echo(f"sent {report.sent}, retrying {report.retrying}, dead {report.dead}")
