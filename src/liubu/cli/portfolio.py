"""``liubu portfolio run``: simulate a book from files under an event catalogue, print AAL ± s.e.,
PML, TVaR and the top contributions (or JSON), optionally write Open Results Data files. Thin:
read the files, call :func:`liubu.portfolio.run_book`, print.

``liubu portfolio scenario``: a deterministic scenario's loss to a book (a named scenario from a
library file, or an outage of one dependency for some hours), by policy, industry and region.

``liubu portfolio contagion``: supply-chain contagion over a scheme's graph (as its chain owner) or
a graph file, with each supplier's share of the owner's loss.

``liubu portfolio capital refresh|show``: an insurer's capital from its simulated book, for the
technical premium (``portfolio_capital``)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liubu.cli.context import ProgressBar, console, state
from liubu.cli.portfolio_capital import capital_app
from liubu.errors import ValidationError

if TYPE_CHECKING:
    from decimal import Decimal

    from liubu.portfolio import BookResult, ContagionResult, InsurerBook, ScenarioResult

portfolio_app = typer.Typer(
    rich_markup_mode=None,
    help="The book as a whole (组合累积): accumulation, PML, TVaR and contributions.",
    no_args_is_help=True,
)
portfolio_app.add_typer(capital_app, name="capital")
out = console()
TOP = 5


@portfolio_app.command("run")
def run(
    ctx: typer.Context,
    book: Annotated[
        Path | None, typer.Option(help="Book: YAML, or CSV (see docs/portfolio.md).")
    ] = None,
    catalogue: Annotated[Path | None, typer.Option(help="Event catalogue YAML.")] = None,
    insurer: Annotated[
        str | None,
        typer.Option(
            help="Simulate this insurer's book from the platform (its organisation code): its "
            "policies in force and its imported book, under --catalogue or the demo catalogue."
        ),
    ] = None,
    years: Annotated[int, typer.Option(help="Simulated years.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 20_261_207,
    workers: Annotated[
        int | None,
        typer.Option(help="Dask LocalCluster workers (0: this process; default one per core)."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    block_years: Annotated[
        int, typer.Option(help="Years per Dask task (a multiple of 1,000).")
    ] = 10_000,
    ylt_dir: Annotated[
        Path | None,
        typer.Option(help="Keep the Parquet year-loss table here (shared with the workers)."),
    ] = None,
    ord_dir: Annotated[
        Path | None, typer.Option("--ord", help="Write ORD files (ELT, PLT, EPT, ALT) here.")
    ] = None,
    ord_policy_events: Annotated[
        bool,
        typer.Option(
            "--ord-policy-events",
            help="With --ord, also each policy's ELT and PLT (a row per policy hit).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Simulate BOOK under CATALOGUE (both, or neither for the demo book and catalogue), or the
    book of --insurer CODE from the platform."""
    from liubu import portfolio

    if workers is not None and scheduler is not None:
        raise ValidationError("Give --workers or --scheduler, not both.", field="workers")
    if insurer is not None and book is not None:
        raise ValidationError("Give --insurer or --book, not both.", field="book")
    if insurer is not None:
        events = (
            portfolio.load_catalogue(catalogue)
            if catalogue is not None
            else portfolio.demo_catalogue()
        )
        built = _insurer_book(ctx, insurer, events)
        _report_unmatched(built)
        if built.book is None:
            raise ValidationError(
                f"The insurer {insurer} has no policy in force and no imported book.",
                field="insurer",
            )
        policies, title = built.book, f"{insurer} book"
    elif (book is None) != (catalogue is None):
        raise ValidationError(
            "Give both --book and --catalogue, or neither for the demo.", field="book"
        )
    elif book is None or catalogue is None:
        events, policies, title = portfolio.demo_catalogue(), portfolio.demo_book(), "demo book"
    else:
        events = portfolio.load_catalogue(catalogue)
        policies = portfolio.load_book(book, catalogue=events)
        title = book.name
    with tempfile.TemporaryDirectory(prefix="liubu-ylt-") as scratch:
        directory = str(ylt_dir) if ylt_dir is not None else scratch
        if ylt_dir is not None:
            ylt_dir.mkdir(parents=True, exist_ok=True)
        with ProgressBar("simulating years", enabled=True) as report:
            result = portfolio.run_book(
                policies,
                events,
                years=years,
                seed=seed,
                workers=workers,
                scheduler=scheduler,
                block_years=block_years,
                ylt_dir=directory,
                progress=report,
            )
        written = (
            portfolio.write_ord(result, policies, ord_dir, policy_events=ord_policy_events)
            if ord_dir is not None
            else ()
        )
    if as_json:
        document = _document(result)
        document["ord_files"] = [str(p) for p in written]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    _print(result, title)
    if written:
        out.print(f"ORD files written to {ord_dir}: {', '.join(p.name for p in written)}")


def _acting_for(platform: Any, code: str) -> tuple[Any, str]:
    """The CLI acts as an actuary of the insurer named by code, as ``liubu experience`` does."""
    from liubu.accounts import OrgKind, Role, acting_in
    from liubu.errors import NotFoundError

    with platform.uow() as uow:
        organisation = uow.organisations.find_by_code(code)
    if organisation is None or organisation.kind != OrgKind.INSURER:
        raise NotFoundError(f"No insurer with the code {code!r} (see `liubu orgs list`).")
    return acting_in(organisation.id, OrgKind.INSURER, Role.ACTUARY, name="cli"), organisation.id


def _insurer_book(ctx: typer.Context, code: str, events: Any) -> InsurerBook:
    from liubu import portfolio

    platform = state(ctx).platform()
    principal, tenant = _acting_for(platform, code)
    return portfolio.insurer_book(platform.uow(principal), tenant, events)


def _report_unmatched(built: InsurerBook) -> None:
    err = console(stderr=True)
    err.print(
        f"{built.from_store:,} policies from the platform, {built.imported:,} imported"
        + (f"; {len(built.skipped)} skipped" if built.skipped else "")
        + (
            f"; {len(built.unmatched)} dependencies not in the catalogue" if built.unmatched else ""
        ),
        highlight=False,
    )
    for s in built.skipped[:TOP]:
        err.print(f"  skipped {s.policy}: {s.message} ({s.reason})", highlight=False, markup=False)
    for u in built.unmatched[:TOP]:
        what = u.cpe or u.region or ""
        err.print(
            f"  not in the catalogue: {u.policy} {u.kind or ''} {u.provider} {what} ({u.source})",
            highlight=False,
            markup=False,
        )


book_app = typer.Typer(
    rich_markup_mode=None,
    help="An insurer's existing book imported from a file (存量业务导入).",
    no_args_is_help=True,
)
portfolio_app.add_typer(book_app, name="book")


@book_app.command("import")
def book_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The book, CSV (see docs/portfolio.md).")],
    insurer: Annotated[str, typer.Option(help="The insurer's organisation code.")],
    catalogue: Annotated[
        Path | None, typer.Option(help="Check dependencies against this catalogue (default: demo).")
    ] = None,
) -> None:
    """Store FILE as the insurer's existing book, replacing its previous import; a bad row
    stores nothing and is named by line and column."""
    from liubu import portfolio

    events = (
        portfolio.load_catalogue(catalogue) if catalogue is not None else portfolio.demo_catalogue()
    )
    if not file.is_file():
        raise ValidationError(f"{file} is not a file.", field="file", location=str(file))
    with file.open("rb") as handle:
        content = handle.read(portfolio.MAX_IMPORT_BYTES + 1)
    platform = state(ctx).platform(upgrade_schema=True)
    principal, tenant = _acting_for(platform, insurer)
    record = portfolio.import_book(
        platform.uow(principal), tenant, content, filename=file.name, catalogue=events
    )
    out.print(f"{record.rows:,} policies imported from {record.filename} for {insurer}")


@book_app.command("show")
def book_show(
    ctx: typer.Context,
    insurer: Annotated[str, typer.Option(help="The insurer's organisation code.")],
    catalogue: Annotated[Path | None, typer.Option(help="Event catalogue YAML.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The insurer's book: policies from the platform and imported, dependencies not in the
    catalogue, policies skipped and why."""
    from liubu import portfolio

    events = (
        portfolio.load_catalogue(catalogue) if catalogue is not None else portfolio.demo_catalogue()
    )
    platform = state(ctx).platform()
    principal, tenant = _acting_for(platform, insurer)
    built = portfolio.insurer_book(platform.uow(principal), tenant, events)
    stored = portfolio.book_import(platform.uow(principal), tenant)
    if as_json:
        document = built.to_dict()
        document["import"] = None if stored is None else stored.summary()
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if stored is not None:
        out.print(
            f"imported: {stored.filename} ({stored.rows:,} rows, {stored.imported_at:%Y-%m-%d})"
        )
    _report_unmatched(built)


def _document(result: BookResult) -> dict[str, Any]:
    from liubu.portfolio import TAIL_RETURN_PERIODS

    def parts(by: str, limit: int | None = None) -> list[dict[str, Any]]:
        rows = result.contributions_by(by)[:limit]
        return [
            {
                "key": c.key,
                "aal": c.aal,
                "tvar": {str(t): v for t, v in zip(TAIL_RETURN_PERIODS, c.tvar, strict=False)},
            }
            for c in rows
        ]

    return {
        "settings": {
            "years": result.years,
            "seed": result.seed,
            "block_years": result.block_years,
            "seed_years": result.seed_years,
            "policies": result.policies,
        },
        "events": result.events,
        "aal": result.aal,
        "aal_standard_error": result.aal_standard_error,
        "sd": result.sd,
        "ground_up_aal": result.ground_up_aal,
        "pml": [{"return_period": r.return_period, "aep": r.aep, "oep": r.oep} for r in result.pml],
        "curve": [
            {"return_period": r.return_period, "aep": r.aep, "oep": r.oep} for r in result.curve
        ],
        "tvar": [
            {
                "return_period": t.return_period,
                "level": t.level,
                "var": t.var,
                "tvar": t.tvar,
                "oep_tvar": t.oep_tvar,
            }
            for t in result.tails
        ],
        "contributions": {
            "family": parts("family"),
            "dependency": parts("dependency"),
            "industry": parts("industry"),
            "region": parts("region"),
            "policy": parts("policy", 20),
        },
    }


def _money(value: float) -> str:
    return f"¥{value:,.0f}"


def _print(result: BookResult, title: str) -> None:
    from rich.table import Table

    head = Table(title=f"{title} — {result.policies:,} policies, {result.years:,} years")
    head.add_column("measure")
    head.add_column("annual insured loss", justify="right")
    head.add_row("AAL ± s.e.", f"{_money(result.aal)} ± {_money(result.aal_standard_error)}")
    head.add_row("sd", _money(result.sd))
    head.add_row("ground-up AAL", _money(result.ground_up_aal))
    for tail in result.tails:
        head.add_row(f"TVaR {tail.level:.1%}", _money(tail.tvar))
    out.print(head)
    pml = Table(title="PML")
    for column in ("1 in N years", "aggregate (AEP)", "largest event (OEP)"):
        pml.add_column(column, justify="right")
    for row in result.pml:
        pml.add_row(str(row.return_period), _money(row.aep), _money(row.oep))
    out.print(pml)
    last = result.tails[-1] if result.tails else None
    for by in ("dependency", "family", "industry", "region", "policy"):
        table = Table(title=f"top contributions by {by}")
        table.add_column(by)
        table.add_column("AAL", justify="right")
        if last is not None:
            table.add_column(f"TVaR {last.level:.1%} (Euler)", justify="right")
            table.add_column("share", justify="right")
        names = _names(by)
        for c in result.contributions_by(by)[:TOP]:
            cells = [names.get(c.key, c.key), _money(c.aal)]
            if last is not None:
                share = c.tvar[-1] / last.tvar if last.tvar else 0.0
                cells += [_money(c.tvar[-1]), f"{share:.1%}"]
            table.add_row(*cells)
        out.print(table)


def _names(by: str) -> dict[str, str]:
    """Industry sections and provinces by their names beside their codes."""
    from liubu.core import industry_sections, provinces

    if by == "industry":
        return {s.code: f"{s.code} {s.zh} ({s.en})" for s in industry_sections()}
    if by == "region":
        return {p.region_code: f"{p.region_code} {p.zh} ({p.en})" for p in provinces()}
    return {}


@portfolio_app.command("scenario")
def scenario(
    book: Annotated[
        Path | None, typer.Option(help="Book: YAML, or CSV (see docs/portfolio.md).")
    ] = None,
    catalogue: Annotated[
        Path | None, typer.Option(help="Event catalogue YAML (declares the dependencies).")
    ] = None,
    scenario_file: Annotated[
        Path | None, typer.Option(help="A library of named scenarios (YAML).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Run only this scenario of the library.")] = None,
    target: Annotated[
        str | None, typer.Option(help="An outage of this dependency (with --hours).")
    ] = None,
    hours: Annotated[float | None, typer.Option(help="Hours the target is down.")] = None,
    top: Annotated[int, typer.Option(help="Policies listed per scenario (1-1000).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (every policy hit).")] = False,
) -> None:
    """The loss to BOOK of a deterministic scenario: --scenario-file [--name], or --target with
    --hours. Without --book and --catalogue: the demo book and catalogue; with neither a file nor
    a target: the demo scenario library (demo only)."""
    from liubu import portfolio

    if (book is None) != (catalogue is None):
        raise ValidationError(
            "Give both --book and --catalogue, or neither for the demo.", field="book"
        )
    if scenario_file is not None and target is not None:
        raise ValidationError("Give --scenario-file or --target, not both.", field="target")
    if (target is None) != (hours is None):
        raise ValidationError("An outage needs both --target and --hours.", field="hours")
    if name is not None and target is not None:
        raise ValidationError("--name picks from a scenario library, not --target.", field="name")
    if not 1 <= top <= 1000:
        raise ValidationError("--top must be from 1 to 1000.", field="top", value=top)
    if book is None or catalogue is None:
        events, policies = portfolio.demo_catalogue(), portfolio.demo_book()
    else:
        events = portfolio.load_catalogue(catalogue)
        policies = portfolio.load_book(book, catalogue=events)
    if target is not None and hours is not None:
        scenarios: tuple[portfolio.Scenario, ...] = (
            portfolio.Scenario(
                name=f"{target[:80]}_down_{hours:g}h", kind="outage", target=target, hours=hours
            ),
        )
    elif scenario_file is not None:
        scenarios = portfolio.load_scenarios(scenario_file, catalogue=events)
    elif book is None:
        scenarios = portfolio.demo_scenarios()
    else:
        raise ValidationError(
            "Give --scenario-file or --target and --hours for a book of your own.",
            field="scenario_file",
        )
    if name is not None:
        scenarios = (portfolio.scenario_named(scenarios, name),)
    results = [portfolio.run_scenario(policies, events, s) for s in scenarios]
    if as_json:
        document = {"scenarios": [r.to_dict() for r in results]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for result in results:
        _print_scenario(result, top)


def _print_scenario(result: ScenarioResult, top: int) -> None:
    from rich.table import Table

    s = result.scenario
    out.print(
        f"{s.title('zh')} / {s.title('en')} — {result.exposed} of {result.policies} policies "
        f"rely on {s.target}; {result.struck} struck, {result.hit} with a loss, {result.paid} "
        f"paid · ground-up {_money(result.ground_up)} · insured {_money(result.insured)}"
    )
    table = Table(title=f"{s.name}: largest insured losses")
    for column in ("policy", "industry", "region", "hours lost", "ground-up", "insured"):
        table.add_column(column, justify="left" if column == "policy" else "right")
    for p in result.by_policy[:top]:
        table.add_row(
            p.policy,
            p.industry,
            p.region,
            f"{p.lost_hours:g}",
            _money(p.ground_up),
            _money(p.insured),
        )
    out.print(table)
    for by, rows in (("industry", result.by_industry), ("region", result.by_region)):
        names = _names(by)
        group = Table(title=f"{s.name}: by {by}")
        for column in (by, "policies", "ground-up", "insured"):
            group.add_column(column, justify="left" if column == by else "right")
        for g in rows[:top]:
            group.add_row(
                names.get(g.key, g.key), str(g.policies), _money(g.ground_up), _money(g.insured)
            )
        out.print(group)


@portfolio_app.command("contagion")
def contagion(
    ctx: typer.Context,
    scheme: Annotated[
        str | None, typer.Option(help="A supply-chain scheme's id (acting as its chain owner).")
    ] = None,
    graph: Annotated[
        Path | None, typer.Option(help="A graph file: YAML, or CSV (see docs/portfolio.md).")
    ] = None,
    trials: Annotated[int, typer.Option(help="Simulated years.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 20_261_207,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Propagate compromises from each supplier to the chain owner and onwards; print the owner's
    probability and loss and the most critical suppliers (give --scheme or --graph)."""
    from liubu import portfolio

    if (scheme is None) == (graph is None):
        raise ValidationError("Give --scheme or --graph (one of them).", field="scheme")
    premiums: dict[str, Decimal] = {}
    if graph is not None:
        chain = portfolio.load_chain(graph)
    elif scheme is not None:
        platform = state(ctx).platform()
        with platform.uow() as uow:
            owner = uow.groups.scheme(scheme).sponsor_enterprise_id
            principal = _sponsor(uow, owner)
        chain, premiums = portfolio.scheme_graph(platform.uow(principal), scheme)
    result = portfolio.simulate_contagion(chain, trials=trials, seed=seed)
    allocation = portfolio.allocate_by_contribution(result, premiums) if premiums else ()
    if as_json:
        document = result.to_dict()
        document["premium_by_contribution"] = [
            {
                "id": a.id,
                "name": a.name,
                "premium": str(a.premium),
                "contribution_share": a.contribution_share,
                "by_contribution": str(a.by_contribution),
            }
            for a in allocation
        ]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    _print_contagion(result, allocation)


def _sponsor(uow: Any, enterprise_id: str) -> Any:
    """The CLI acts for the chain owner's own tenant, as ``liubu group`` does."""
    from liubu.accounts import OrgKind, acting_in

    enterprise = uow.enterprises.get(enterprise_id)
    return acting_in(enterprise.tenant_id, OrgKind.ENTERPRISE, name="cli")


def _print_contagion(result: ContagionResult, allocation: Any) -> None:
    from rich.table import Table

    out.print(
        f"{result.trials:,} years · owner compromised through the chain in "
        f"{result.owner_probability:.2%} of years · expected loss "
        f"{_money(result.expected_loss)} ± {_money(result.expected_loss_standard_error)} · "
        f"1-in-100 {_money(result.loss_quantiles[100])}"
    )
    table = Table(title="most critical suppliers")
    for column in ("supplier", "compromised", "reaches owner", "share of loss", "expected loss"):
        table.add_column(column, justify="left" if column == "supplier" else "right")
    for c in result.critical(TOP * 2):
        table.add_row(
            c.name,
            f"{c.probability:.2%}",
            f"{c.origin_probability:.2%}",
            f"{c.share:.1%}",
            _money(c.expected_loss),
        )
    out.print(table)
    if allocation:
        shares = Table(title="premium shares by contribution (shown only; not charged)")
        for column in ("member", "premium today", "by contribution"):
            shares.add_column(column, justify="left" if column == "member" else "right")
        for a in allocation:
            shares.add_row(a.name, f"¥{a.premium:,.2f}", f"¥{a.by_contribution:,.2f}")
        out.print(shares)


runs_app = typer.Typer(
    rich_markup_mode=None,
    help="Simulations of an insurer's book as durable jobs (run by `liubu worker` or the server).",
    no_args_is_help=True,
)
portfolio_app.add_typer(runs_app, name="runs")


def _insurer(platform: Any, code: str) -> Any:
    """The CLI acts as the insurer's actuary, as ``liubu experience`` does."""
    from liubu.accounts import OrgKind, Role, acting_in
    from liubu.errors import NotFoundError

    with platform.uow() as uow:
        organisation = uow.organisations.find_by_code(code)
    if organisation is None or organisation.kind != OrgKind.INSURER:
        raise NotFoundError(f"No insurer with the code {code!r} (see `liubu orgs list`).")
    return acting_in(organisation.id, OrgKind.INSURER, Role.ACTUARY, name="cli")


def _upload(path: Path | None, field: str) -> tuple[str, bytes] | None:
    if path is None:
        return None
    try:
        return path.name, path.read_bytes()
    except OSError as error:
        raise ValidationError(
            f"The {field} file {path} cannot be read: {error}.", field=field
        ) from None


@runs_app.command("queue")
def runs_queue(
    ctx: typer.Context,
    insurer: Annotated[str, typer.Option(help="The insurer's code (its book, its run).")],
    book: Annotated[
        Path | None, typer.Option(help="Book: YAML, or CSV (without: the insurer's own book).")
    ] = None,
    catalogue: Annotated[Path | None, typer.Option(help="Event catalogue YAML.")] = None,
    years: Annotated[int, typer.Option(help="Simulated years (at most 1,000,000).")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 20_261_207,
    block_years: Annotated[
        int, typer.Option(help="Years per block (a multiple of 1,000).")
    ] = 10_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Queue a simulation of BOOK under CATALOGUE for the insurer (both files, or neither for
    the insurer's own book); a worker runs it."""
    platform = state(ctx).platform()
    run = platform.queue_portfolio_run(
        _insurer(platform, insurer),
        source="files" if book is not None else "store",
        years=years,
        seed=seed,
        block_years=block_years,
        book=_upload(book, "book"),
        catalogue=_upload(catalogue, "catalogue"),
    )
    if as_json:
        typer.echo(json.dumps(run.to_dict(), ensure_ascii=False, indent=2))
        return
    out.print(f"queued run {run.id} ({run.years:,} years, seed {run.seed}); `liubu worker` runs it")


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    insurer: Annotated[
        str | None, typer.Option(help="The insurer's code (without: every insurer's runs).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The runs, newest first, with their status and progress."""
    from rich.table import Table

    from liubu import portfolio

    platform = state(ctx).platform()
    principal = _insurer(platform, insurer) if insurer is not None else None
    found = portfolio.list_runs(
        platform.uow(principal) if principal else platform.uow(), limit=limit
    )
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in found], ensure_ascii=False, indent=2))
        return
    table = Table(title="simulation runs")
    for column in ("id", "created", "source", "years", "status", "progress", "AAL"):
        table.add_column(column, justify="right" if column in ("years", "AAL") else "left")
    for r in found:
        table.add_row(
            r.id,
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            str(r.source),
            f"{r.years:,}",
            str(r.state),
            f"{r.progress:.0%}",
            _money(r.summary.aal) if r.summary else "",
        )
    out.print(table)


@runs_app.command("show")
def runs_show(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="The run's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One run: its settings, status and, once done, the summary and where its ORD files are."""
    from liubu import portfolio

    platform = state(ctx).platform()
    run = portfolio.get_run(platform.uow(), run_id)
    if as_json:
        document = run.to_dict()
        document["ord_files"] = [str(p) for p in platform.portfolio_ord_files(run)]
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(
        f"run {run.id}: {run.source} · {run.years:,} years · seed {run.seed} · {run.state} "
        f"({run.progress:.0%}, attempt {run.attempts})"
    )
    if run.error:
        out.print(f"last error: {run.error}")
    if run.summary is None:
        return
    s = run.summary
    out.print(f"AAL {_money(s.aal)} ± {_money(s.aal_standard_error)} · sd {_money(s.sd)}")
    for p in s.pml:
        out.print(f"1-in-{p.return_period}: AEP {_money(p.aep)} · OEP {_money(p.oep)}")
    for t in s.tails:
        out.print(f"TVaR {t.level:.1%}: {_money(t.tvar)}")
    for c in s.contributions_by("dependency")[:TOP]:
        out.print(f"  {c.key}: AAL {_money(c.aal)} · TVaR share {_money(c.tvar[-1])}")
    files = platform.portfolio_ord_files(run)
    if files:
        out.print(f"ORD files: {files[0].parent}")
