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
