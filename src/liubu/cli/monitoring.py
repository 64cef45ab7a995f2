"""``liubu monitor`` and ``liubu alerts``: the watch list, recording observations, alerts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from liubu.cli.context import console, state

monitor_app = typer.Typer(
    rich_markup_mode=None,
    help="In-term monitoring (保中监控): the watch list of insured assets, observations.",
    no_args_is_help=True,
)
alerts_app = typer.Typer(
    rich_markup_mode=None, help="Alerts raised on insured assets.", no_args_is_help=True
)
feeds_app = typer.Typer(
    rich_markup_mode=None,
    help="Feeds pulled on a schedule (KEV, EPSS, blocklists, TAXII collections).",
    no_args_is_help=True,
)
monitor_app.add_typer(feeds_app, name="feeds")
out = console()
err = console(stderr=True)


@feeds_app.command("add")
def feeds_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The feed's name (lower-case, e.g. cisa-kev).")],
    url: Annotated[str, typer.Option(help="The file's URL, or the TAXII API root's.")],
    format: Annotated[
        str, typer.Option(help="The file's format (as monitor ingest); ignored for TAXII.")
    ] = "auto",
    collection: Annotated[
        str | None, typer.Option(help="A TAXII 2.1 collection id under the API root.")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            help="The TAXII server's user; its password is read from "
            "LIUBU_FEED_PASSWORD_<NAME> when the feed is pulled."
        ),
    ] = None,
    every_hours: Annotated[
        float, typer.Option("--every-hours", help="Pull every this many hours.")
    ] = 24.0,
) -> None:
    """Store a feed and schedule its pulls (a worker runs them)."""
    from datetime import timedelta

    from liubu.monitoring import add_feed

    platform = state(ctx).platform()
    feed = add_feed(
        platform.uow(),
        name,
        url=url,
        format=format,
        collection=collection,
        user=user,
        every=timedelta(hours=every_hours),
    )
    scheduled = platform.schedule_feed(feed)
    due = f"{scheduled.next_run_at:%Y-%m-%d %H:%M} UTC"
    out.print(f"feed {feed.name} ({feed.kind}) added; first pull due {due}", highlight=False)


@feeds_app.command("list")
def feeds_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The feeds, their cursors and their last pulls."""
    from liubu.monitoring import list_feeds

    feeds = list_feeds(state(ctx).platform().uow())
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in feeds], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("name", "kind", "format", "every (h)", "last pulled", "url")
    for feed in feeds:
        pulled = f"{feed.last_pulled_at:%Y-%m-%d %H:%M}" if feed.last_pulled_at else "-"
        every = f"{feed.interval_seconds / 3600:g}"
        table.add_row(feed.name, feed.kind, feed.format, every, pulled, feed.url)
    out.print(table)


@feeds_app.command("pull")
def feeds_pull(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The feed's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Pull the feed now, from its stored cursor (as its scheduled job does)."""
    import os

    from liubu.monitoring import pull_feed

    variable = "LIUBU_FEED_PASSWORD_" + name.upper().replace("-", "_").replace(".", "_")
    password = os.environ.get(variable)
    result = pull_feed(state(ctx).platform().uow(), name, password=password).as_dict()
    if as_json:
        typer.echo(json.dumps(result))
        return
    out.print(", ".join(f"{k} {v}" for k, v in result.items()), highlight=False)


@monitor_app.command("watchlist")
def monitor_watchlist(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every asset of every enterprise holding a policy in force today."""
    from liubu.monitoring import watchlist

    assets = watchlist(state(ctx).platform().uow())
    if as_json:
        typer.echo(json.dumps([a.as_dict() for a in assets], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("enterprise", "policy", "kind", "asset")
    for asset in assets:
        table.add_row(asset.enterprise_name, asset.policy_number, str(asset.kind), asset.value)
    out.print(table)
    out.print(f"{len(assets)} watched asset(s)")


@monitor_app.command("record")
def monitor_record(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help="Observations, one JSON object a line.", exists=True, dir_okay=False),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Record observations (docs/monitoring-alerts.md gives the line format); recording the
    same file again changes nothing."""
    from liubu.monitoring import bounded_lines
    from liubu.monitoring import read_observation_lines as read_lines

    with path.open(encoding="utf-8") as lines:
        totals = _record(ctx, read_lines(bounded_lines(lines)))
    _print_totals(totals, as_json)


@monitor_app.command("ingest")
def monitor_ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Event or feed files (gzip allowed).", exists=True, dir_okay=False),
    ],
    format: Annotated[
        str,
        typer.Option(
            help="auto, suricata, ocsf, zeek, stix, feodo, kev, nvd, cve5 or epss "
            "(auto tells the format by its shape)."
        ),
    ] = "auto",
    provider: Annotated[
        str | None, typer.Option(help="The security provider (organisation code) that sent them.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read security events or feeds (docs/monitoring.md) and match them against the watch
    list: prints what was read, matched, alerted and rejected. Ingesting a file again raises
    no second alert."""
    from liubu.assessment import IndexCache
    from liubu.monitoring import ReadCounts, ingest_events, read_events

    platform, intel = state(ctx).platform(), IndexCache()
    counts = ReadCounts()
    totals: dict[str, int] = {}
    for path in paths:

        def refused(item: Any, where: str = path.name) -> None:
            err.print(f"{where}:{item.line}: {item.reason}", highlight=False, markup=False)

        report = ingest_events(
            platform.uow(),
            read_events(path, format, provider, counts=counts),
            intel=intel,
            on_rejected=refused,
        ).as_dict()
        for name, count in report.items():
            if isinstance(count, int):
                totals[name] = totals.get(name, 0) + count
    totals["records"], totals["skipped"] = counts.records, counts.skipped
    _print_totals(totals, as_json)


def _record(ctx: typer.Context, items: Iterator[Any], where: str = "line ") -> dict[str, int]:
    """Record observations in batches against a watch list indexed once; print each refused
    line and count it."""
    from liubu.monitoring import ingest_events

    def refused(item: Any) -> None:
        err.print(f"{where}{item.line}: {item.reason}", highlight=False, markup=False)

    report = ingest_events(state(ctx).platform().uow(), items, on_rejected=refused).as_dict()
    return {name: count for name, count in report.items() if isinstance(count, int)}


def _print_totals(totals: dict[str, int], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(totals))
        return
    out.print(", ".join(f"{name} {count:,}" for name, count in totals.items()), highlight=False)


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    enterprise: Annotated[str | None, typer.Option(help="Only this enterprise's (id).")] = None,
    status: Annotated[str | None, typer.Option(help="Only alerts in this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Alerts, most recently seen first."""
    from liubu.monitoring import list_alerts

    found = list_alerts(state(ctx).platform().uow(), enterprise_id=enterprise, status=status)
    if as_json:
        typer.echo(json.dumps([_alert_json(a) for a in found], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("last seen", "severity", "policy", "asset", "indicator", "rule", "count")
    for alert in found:
        table.add_row(
            f"{alert.last_seen:%Y-%m-%d %H:%M}",
            alert.severity,
            alert.policy_number,
            alert.asset_value,
            alert.indicator,
            alert.rule,
            str(alert.count),
        )
    out.print(table)
    out.print(f"{len(found)} alert(s)")


def _alert_json(alert: Any) -> dict[str, Any]:
    return {
        "id": alert.id,
        "enterprise_id": alert.enterprise_id,
        "policy_number": alert.policy_number,
        "asset_kind": alert.asset_kind,
        "asset": alert.asset_value,
        "indicator_kind": alert.indicator_kind,
        "indicator": alert.indicator,
        "match": alert.match_kind,
        "severity": alert.severity,
        "source": alert.source,
        "rule": alert.rule,
        "evidence": alert.evidence,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
        "count": alert.count,
        "status": alert.status,
    }


# --- the lifecycle (the CLI acts as the platform's administrator) --------------------------

AlertId = Annotated[str, typer.Argument(help="The alert's id (liubu alerts list --json).")]
Note = Annotated[
    str | None, typer.Option(help="What was done, or why (the evidence for a reported fix).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _act(ctx: typer.Context, alert_id: str, action: str, *, as_json: bool, **extra: Any) -> None:
    from liubu.monitoring import get_alert, transition

    platform = state(ctx).platform()
    current = get_alert(platform.uow(), alert_id)
    alert = transition(platform.uow(), alert_id, action, expected_version=current.version, **extra)
    _print_alert(alert, as_json)


def _print_alert(alert: Any, as_json: bool, **more: Any) -> None:
    if as_json:
        document = {**_alert_json(alert), **_lifecycle_json(alert), **more}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    extra = "".join(f", {name} {value}" for name, value in more.items())
    out.print(f"alert {alert.id}: {alert.status} (version {alert.version}){extra}", highlight=False)


def _lifecycle_json(alert: Any) -> dict[str, Any]:
    due = {name: getattr(alert, name) for name in ("acknowledge_due", "fix_due", "escalated_at")}
    return {
        **{name: value.isoformat() if value else None for name, value in due.items()},
        "version": alert.version,
        "escalation_level": alert.escalation_level,
        "assigned_provider_id": alert.assigned_provider_id,
        "resolution": alert.resolution,
        "history": alert.history,
    }


@alerts_app.command("ack")
def alerts_ack(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Acknowledge an open alert."""
    _act(ctx, alert_id, "acknowledge", as_json=as_json, note=note)


@alerts_app.command("remediate")
def alerts_remediate(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Start the remediation of an acknowledged alert."""
    _act(ctx, alert_id, "remediate", as_json=as_json, note=note)


@alerts_app.command("fixed")
def alerts_fixed(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Report the fix with evidence (--note, required) for the insurer or a rescan to verify."""
    _act(ctx, alert_id, "report_fix", as_json=as_json, note=note)


@alerts_app.command("accept")
def alerts_accept(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Accept the reported evidence: the alert is fixed."""
    _act(ctx, alert_id, "accept", as_json=as_json, note=note)


@alerts_app.command("reject")
def alerts_reject(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Reject the reported evidence: the alert goes back to remediation."""
    _act(ctx, alert_id, "reject", as_json=as_json, note=note)


@alerts_app.command("close")
def alerts_close(
    ctx: typer.Context, alert_id: AlertId, note: Note = None, as_json: AsJson = False
) -> None:
    """Close a fixed alert."""
    _act(ctx, alert_id, "close", as_json=as_json, note=note)


@alerts_app.command("false-positive")
def alerts_false_positive(
    ctx: typer.Context,
    alert_id: AlertId,
    reason: Annotated[
        str,
        typer.Option(
            help="not_insured_asset, benign_activity, indicator_wrong, not_affected or duplicate."
        ),
    ],
    note: Note = None,
    as_json: AsJson = False,
) -> None:
    """Mark an alert a false positive (it counts against its rule's precision)."""
    _act(ctx, alert_id, "false_positive", as_json=as_json, reason=reason, note=note)


@alerts_app.command("verify")
def alerts_verify(ctx: typer.Context, alert_id: AlertId, as_json: AsJson = False) -> None:
    """Rescan the alert's asset: fixed only if the rescan no longer shows the indicator."""
    from liubu.monitoring import get_alert, verify_fix

    platform = state(ctx).platform()
    current = get_alert(platform.uow(), alert_id)
    verified = verify_fix(
        platform.uow,
        alert_id,
        expected_version=current.version,
        policy=platform.scan_policy(),
        intel=platform.index_cache,
    )
    _print_alert(verified.alert, as_json, fixed=verified.fixed)


@alerts_app.command("escalate")
def alerts_escalate(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Escalate alerts past their service-level due times (what the recurring job runs)."""
    from liubu.monitoring import escalate_overdue

    result = escalate_overdue(state(ctx).platform().uow())
    totals = {"overdue": result.overdue, "escalated": result.escalated}
    _print_totals(totals, as_json)


@alerts_app.command("precision")
def alerts_precision(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Each rule's alerts, false positives and precision, the least precise first."""
    from liubu.monitoring import rule_precision

    rows = rule_precision(state(ctx).platform().uow())
    if as_json:
        document = [
            {
                "source": r.source,
                "rule": r.rule,
                "alerts": r.alerts,
                "false_positives": r.false_positives,
                "precision": r.precision,
            }
            for r in rows
        ]
        typer.echo(json.dumps(document, indent=2))
        return
    from rich.table import Table

    table = Table("source", "rule", "alerts", "false positives", "precision")
    for r in rows:
        table.add_row(r.source, r.rule, str(r.alerts), str(r.false_positives), f"{r.precision:.0%}")
    out.print(table)
