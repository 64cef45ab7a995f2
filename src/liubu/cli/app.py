"""The ``liubu`` command. Thin: parse, call a use case, print. Errors: one line, non-zero exit."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from liubu.cli.assess import assess_app, intel_app
from liubu.cli.calibration import calibration_app
from liubu.cli.claims import claims_app
from liubu.cli.context import CliState, console, rich_console, state
from liubu.cli.experience import experience_app
from liubu.cli.groups import group_app
from liubu.cli.identity import identity_app
from liubu.cli.monitoring import alerts_app, monitor_app
from liubu.cli.notify import notify_app
from liubu.cli.personal_claims import personal_claims_app
from liubu.cli.portfolio import portfolio_app
from liubu.cli.products import products_app
from liubu.cli.reserve import reserve
from liubu.cli.risk import risk_app
from liubu.cli.service import service_app
from liubu.cli.underwriting import policies_app, quote, quotes_app, stats
from liubu.errors import LiubuError

app = typer.Typer(
    rich_markup_mode=None,
    name="liubu",
    help="liubu (六步): the cyber insurance platform — from pre-bind diagnosis to compensation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(
    rich_markup_mode=None, help="The database schema (Alembic migrations).", no_args_is_help=True
)
users_app = typer.Typer(rich_markup_mode=None, help="Users and their roles.", no_args_is_help=True)
orgs_app = typer.Typer(rich_markup_mode=None, help="Organisations (tenants).", no_args_is_help=True)
audit_app = typer.Typer(
    rich_markup_mode=None, help="The hash-chained audit log.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(audit_app, name="audit")
app.add_typer(risk_app, name="risk")
app.add_typer(portfolio_app, name="portfolio")
app.add_typer(calibration_app, name="calibration")
app.add_typer(products_app, name="products")
app.add_typer(intel_app, name="intel")
app.add_typer(notify_app, name="notify")
app.add_typer(policies_app, name="policies")
app.add_typer(personal_claims_app, name="personal-claims")
app.add_typer(quotes_app, name="quotes")
app.add_typer(group_app, name="group")
app.add_typer(identity_app, name="identity")
app.add_typer(experience_app, name="experience")
app.add_typer(claims_app, name="claims")
app.add_typer(monitor_app, name="monitor")
app.add_typer(alerts_app, name="alerts")
app.add_typer(service_app, name="service")
app.command("quote")(quote)
app.command("stats")(stats)
app.command("reserve")(reserve)
app.add_typer(assess_app, name="assess")

out = console()
err = console(stderr=True)


@app.callback()
def main_callback(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(help="Database URL; default: LIUBU_DATABASE_URL or SQLite under var/."),
    ] = None,
) -> None:
    ctx.obj = CliState(database_url=database_url)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: str = "head") -> None:
    """Migrate the database to REVISION (default: the newest)."""
    from liubu.store import migrate

    settings = state(ctx).settings()
    migrate.upgrade(settings.resolved_database_url, revision)
    out.print(f"database at revision {revision}: {_safe_url(settings.resolved_database_url)}")


@db_app.command("downgrade")
def db_downgrade(ctx: typer.Context, revision: str) -> None:
    """Migrate the database down to REVISION (e.g. -1)."""
    from liubu.store import migrate

    settings = state(ctx).settings()
    migrate.downgrade(settings.resolved_database_url, revision)
    out.print(f"database at revision {revision}")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes. One Python process computes on one core at a time; on "
            "PostgreSQL run one per core. SQLite allows several too (WAL: readers in parallel, "
            "writers one at a time).",
        ),
    ] = 1,
) -> None:
    """Serve the web app and the API."""
    _serve(state(ctx), host=host, port=port, workers=workers)


def _serve(cli: CliState, *, host: str | None, port: int | None, workers: int = 1) -> None:
    import os

    import uvicorn

    from liubu.app import create_app

    platform = cli.platform(upgrade_schema=True)
    settings = platform.settings
    bind_host, bind_port = host or settings.host, port or settings.port
    out.print(f"liubu is serving on [bold]http://{bind_host}:{bind_port}[/bold]  (API docs: /docs)")
    if workers == 1:
        uvicorn.run(create_app(platform=platform), host=bind_host, port=bind_port, log_level="info")
        return
    # Each worker process builds its own platform from the same settings (the environment, and
    # the database named on the command line); the schema was upgraded once, above.
    platform.dispose()
    if cli.database_url:
        os.environ["LIUBU_DATABASE_URL"] = cli.database_url
    uvicorn.run(
        "liubu.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        log_level="info",
    )


@app.command()
def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run the waiting jobs, then exit (for cron or tests).")
    ] = False,
    poll: Annotated[
        float | None,
        typer.Option(
            help="Seconds between looks for work when idle; default LIUBU_JOB_POLL_SECONDS."
        ),
    ] = None,
) -> None:
    """Run background jobs (scans, bulk imports) apart from the web server."""
    from liubu.cli.worker import run_worker

    run_worker(state(ctx), once=once, poll=poll)


@app.command()
def demo(
    ctx: typer.Context,
    serve_after: Annotated[bool, typer.Option("--serve", help="Serve the app afterwards.")] = False,
    scale: Annotated[
        str,
        typer.Option(
            help="demo, or pilot: add 1,500 enterprise and 2,000,000 anti-fraud "
            "policies (synthetic) to see the dashboard at pilot scale."
        ),
    ] = "demo",
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Migrate, load reference data and demo tenants (one login per role), optionally serve."""
    from rich.table import Table

    from liubu.demo import DEMO_PASSWORD, load_demo

    cli = state(ctx)
    settings = cli.settings()
    if settings.env == "production":
        raise typer.BadParameter("demo data is refused when LIUBU_ENV=production")
    platform = cli.platform(upgrade_schema=True)
    logins = load_demo(platform)
    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
    for column in ("username", "role", "organisation"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, str(login.role), login.organisation)
    out.print(table)
    if scale == "pilot":
        _load_pilot(platform)
    elif scale != "demo":
        raise typer.BadParameter("--scale is demo or pilot")
    if serve_after:
        from liubu.demo import queue_demo_simulation

        if queue_demo_simulation(platform) is not None:
            out.print("Queued a simulation of the demo insurer's book: see /portfolio.")
        _serve(cli, host=host, port=port)


def _load_pilot(platform: Any) -> None:
    from rich.progress import BarColumn, Progress, TextColumn

    from liubu.pilot import load_pilot

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        console=rich_console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(f"pilot {what}", total=total)
            bar.update(tasks[what], completed=done, total=total)

        book = load_pilot(platform, work_dir=platform.settings.data_dir / "pilot", progress=report)
    personal = book.personal
    out.print(
        f"pilot book: {book.enterprise_policies:,} enterprise policies added; "
        f"{personal.issued if personal else 0:,} anti-fraud policies issued "
        f"({personal.accepted if personal else 0:,} in the file)"
    )


@orgs_app.command("list")
def orgs_list(ctx: typer.Context) -> None:
    """List organisations."""
    from rich.table import Table

    with state(ctx).platform().uow() as uow:
        table = Table("id", "kind", "name")
        for organisation in uow.organisations.list():
            table.add_row(organisation.id, str(organisation.kind), organisation.name)
    out.print(table)


@orgs_app.command("create")
def orgs_create(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Option(help="platform, insurer, security_provider, enterprise, regulator")
    ],
    name: Annotated[str, typer.Option(help="Organisation name.")],
) -> None:
    """Create an organisation (tenant)."""
    from liubu import accounts
    from liubu.accounts import OrgKind

    organisation = accounts.create_organisation(
        state(ctx).platform().uow(), kind=OrgKind(kind), name=name
    )
    out.print(organisation.id)


# A new password: prompted twice (or LIUBU_NEW_USER_PASSWORD), checked by the password policy.
NewPassword = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="LIUBU_NEW_USER_PASSWORD",
        help="At least 12 characters, not a common password, not containing the username.",
    ),
]


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Option(help="Sign-in name, unique on the platform.")],
    organisation: Annotated[str, typer.Option("--org", help="Organisation id (see `orgs list`).")],
    role: Annotated[list[str], typer.Option(help="Role; repeat for several.")],
    password: NewPassword,
) -> None:
    """Create a user in an organisation."""
    from liubu import accounts
    from liubu.accounts import Role

    user = accounts.create_user(
        state(ctx).platform().uow(),
        tenant_id=organisation,
        username=username,
        password=password,
        roles=[Role(r) for r in role],
    )
    out.print(f"created user {user.username} ({user.id})")


def _user_id(uow: Any, user: str) -> str:
    """A user named by username or id (the CLI acts as the platform operator)."""
    with uow:
        found = uow.users.find_by_username(user.strip().lower())
        return str(found.id if found is not None else uow.users.get(user).id)


@users_app.command("revoke-sessions")
def users_revoke_sessions(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="Username or user id.")],
    api_tokens: Annotated[
        bool, typer.Option("--api-tokens", help="Also revoke the user's API tokens.")
    ] = False,
) -> None:
    """End every web session and access token of a user (lost device, leaked password)."""
    from liubu import accounts

    platform = state(ctx).platform()
    user_id = _user_id(platform.uow(), user)
    ended = accounts.revoke_sessions(platform.uow(), user_id, api_tokens=api_tokens)
    tokens = " and their API tokens" if api_tokens else ""
    out.print(f"revoked {ended} web session(s), the access tokens{tokens} of {user}")


@users_app.command("set-password")
def users_set_password(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="Username or user id.")],
    password: NewPassword,
) -> None:
    """Set a user's password (e.g. a lost one); their sessions and access tokens end."""
    from liubu import accounts

    platform = state(ctx).platform()
    user_id = _user_id(platform.uow(), user)
    accounts.set_password(platform.uow(), user_id, password)
    out.print(f"password set for {user}; their sessions were signed out")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the audit chain; exit 0 if intact, else 1 naming the first tampered event."""
    report = state(ctx).platform().verify_audit_chain()
    if report.intact:
        out.print(f"audit chain intact: {report.events_checked} events verified")
        return
    for problem in report.problems:
        err.print(f"[red]{problem.kind}[/red] #{problem.seq}: {problem.message}", highlight=False)
    first = report.first
    assert first is not None
    raise LiubuError(f"audit chain broken at event #{first.seq} ({first.kind}): {first.message}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: translate liubu's errors into one line on stderr and an exit code."""
    import os

    # The risk engine's small vector products slow down badly with threaded OpenBLAS when cores
    # are shared; one thread per process is faster here (set before numpy is first imported).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Click raises usage errors and prints them in standalone mode (exit 2), whichever Click it
    # is — typer ≥ 0.29 vendors its own as ``typer._click`` — so only liubu's errors are ours.
    try:
        app(prog_name="liubu", standalone_mode=True)
    except LiubuError as error:
        err.print(f"error: {error.message}", highlight=False, markup=False)
        sys.exit(1 if error.status >= 500 or error.status == 409 else 2)
    except ValueError as error:
        err.print(f"error: {error}", highlight=False, markup=False)
        sys.exit(2)
