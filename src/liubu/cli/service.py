"""``liubu service``: 保中服务 — bundled services as scheduled tasks with SLAs (run as the platform
operator; providers and insurers use the web or the API)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from liubu.cli.context import console, state

service_app = typer.Typer(
    rich_markup_mode=None,
    help="In-term service (保中服务): bundled services as tasks with SLAs, and the provider panel.",
    no_args_is_help=True,
)
panel_app = typer.Typer(
    rich_markup_mode=None, help="An insurer's panel of security providers.", no_args_is_help=True
)
service_app.add_typer(panel_app, name="panel")
out = console()

On = Annotated[
    str | None, typer.Option("--on", help="The day (YYYY-MM-DD); today in Beijing by default.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD).", param_hint="--on"
        ) from error


@service_app.command("schedule")
def service_schedule(ctx: typer.Context, on: On = None, as_json: AsJson = False) -> None:
    """Create the missing tasks of every policy in force (idempotent), cancel those of policies
    no longer in force, and queue the scans of rescans due."""
    from liubu.monitoring import run_due_rescans, schedule_services

    platform, day = state(ctx).platform(), _day(on)
    result = schedule_services(platform.uow(), day).as_dict()
    result["rescans_queued"] = len(run_due_rescans(platform.uow(), day))
    if as_json:
        typer.echo(json.dumps(result))
        return
    out.print(", ".join(f"{k} {v}" for k, v in result.items()), highlight=False)


@service_app.command("list")
def service_list(
    ctx: typer.Context,
    enterprise: Annotated[str | None, typer.Option(help="Only this enterprise's (id).")] = None,
    status: Annotated[str | None, typer.Option(help="Only tasks in this status.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only tasks past an SLA.")] = False,
    on: On = None,
    as_json: AsJson = False,
) -> None:
    """Scheduled tasks by due date, with missed SLAs flagged."""
    from liubu.monitoring import list_breaches, list_services

    uow, day = state(ctx).platform().uow(), _day(on)
    if overdue:
        views = list_breaches(uow, on=day)
    else:
        views = list_services(uow, enterprise_id=enterprise, status=status, on=day)
    if as_json:
        typer.echo(json.dumps([v.as_dict() for v in views], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("id", "due", "policy", "service", "status", "provider", "SLA")
    for view in views:
        t = view.task
        table.add_row(
            t.id,
            t.due_on.isoformat(),
            t.policy_number,
            f"{t.service_code} #{t.sequence}",
            t.status,
            "UNASSIGNED" if view.unassigned else (t.provider_id or "scanner"),
            f"missed: {view.breach}" if view.breach else "",
        )
    out.print(table)
    out.print(f"{len(views)} task(s)")


def _print(task: object) -> None:
    out.print(f"{task.id}: {task.status}", highlight=False)  # type: ignore[attr-defined]


@service_app.command("accept")
def service_accept(ctx: typer.Context, task_id: Annotated[str, typer.Argument()]) -> None:
    """Accept a task (for its provider)."""
    from liubu.monitoring import accept_service

    _print(accept_service(state(ctx).platform().uow(), task_id))


@service_app.command("report")
def service_report(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Option("--text", help="What was done (at most 4,000 characters).")],
    scan: Annotated[str | None, typer.Option(help="A scan of the enterprise as evidence.")] = None,
) -> None:
    """Report the work done on an accepted (or returned) task."""
    from liubu.monitoring import report_service

    _print(report_service(state(ctx).platform().uow(), task_id, report=text, scan_id=scan))


@service_app.command("complete")
def service_complete(ctx: typer.Context, task_id: Annotated[str, typer.Argument()]) -> None:
    """Mark a reported task done."""
    from liubu.monitoring import complete_service

    _print(complete_service(state(ctx).platform().uow(), task_id))


@service_app.command("reject")
def service_reject(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument()],
    reason: Annotated[
        str,
        typer.Option(
            help="evidence_missing, evidence_insufficient, scope_incomplete or wrong_asset."
        ),
    ],
) -> None:
    """Send a report back to the provider (for the insurer)."""
    from liubu.monitoring import reject_report

    _print(reject_report(state(ctx).platform().uow(), task_id, reason=reason))


@panel_app.command("add")
def panel_add(
    ctx: typer.Context,
    insurer: Annotated[str, typer.Argument(help="The insurer's organisation id.")],
    provider: Annotated[str, typer.Argument(help="The security provider's organisation id.")],
    service: Annotated[str, typer.Argument(help="A service code of the products' vocabulary.")],
) -> None:
    """Put a provider on an insurer's panel for a service (after those already on it)."""
    from liubu.monitoring import add_to_panel

    entry = add_to_panel(state(ctx).platform().uow(), provider, service, insurer_id=insurer)
    out.print(f"{entry.service_code}: {entry.provider_id} (#{entry.rank})", highlight=False)


@panel_app.command("remove")
def panel_remove(
    ctx: typer.Context,
    insurer: Annotated[str, typer.Argument(help="The insurer's organisation id.")],
    provider: Annotated[str, typer.Argument(help="The security provider's organisation id.")],
    service: Annotated[str, typer.Argument(help="A service code.")],
) -> None:
    """Take a provider off an insurer's panel for a service."""
    from liubu.monitoring import remove_from_panel

    remove_from_panel(state(ctx).platform().uow(), provider, service, insurer_id=insurer)
    out.print("removed")


@panel_app.command("list")
def panel_list(
    ctx: typer.Context,
    insurer: Annotated[str, typer.Argument(help="The insurer's organisation id.")],
    as_json: AsJson = False,
) -> None:
    """An insurer's panel, by service and order."""
    from liubu.monitoring import list_panel

    entries = list_panel(state(ctx).platform().uow(), insurer_id=insurer)
    rows = [{"service": e.service_code, "provider": e.provider_id, "rank": e.rank} for e in entries]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        out.print(f"{row['service']}: {row['provider']} (#{row['rank']})", highlight=False)
