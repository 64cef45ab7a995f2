"""``liubu quote`` (price a submission file) and ``liubu policies`` (list, show, endorse, cancel,
renew)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liubu.cli.context import console, rich_console, state
from liubu.cli.declarations import Start, TermsRead, Truthful, declared, start_date
from liubu.core import shanghai_today
from liubu.errors import LiubuError, ValidationError

if TYPE_CHECKING:  # the CLI imports pricing only when a command runs
    from liubu.core import Money
    from liubu.underwriting import PricedOption

policies_app = typer.Typer(
    rich_markup_mode=None,
    help="Policies: list, show, endorse, cancel, renew.",
    no_args_is_help=True,
)
out = console()


def quote(
    ctx: typer.Context,
    submission: Annotated[Path, typer.Argument(help="Submission YAML (see docs/pricing.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Price every product of a submission: technical and filed premium, adequacy, referral."""
    from rich.table import Table

    from liubu.risk import Modifier
    from liubu.underwriting import Applicant, priced_product

    data = _submission(submission)
    enterprise, assessment = data["enterprise"], data.get("assessment", {})
    applicant = Applicant(
        industry_section=str(enterprise["industry_section"]),
        revenue=Decimal(str(enterprise["revenue"])),
        score=float(assessment.get("score", 60)),
        grade=str(assessment.get("grade", "C")),
        modifiers={k: Modifier(*v) for k, v in assessment.get("modifiers", {}).items()},
        mlps_level=enterprise.get("mlps_level"),
        claims_count=data.get("claims_count"),
        known_exploited_exposed=bool(assessment.get("known_exploited_exposed", False)),
        cii_operator=bool(enterprise.get("critical_infrastructure", False)),
    )
    options: list[PricedOption] = []
    for reference in data["products"]:
        spec, experience, capital = _product_and_experience(
            ctx, str(reference), applicant.industry_section
        )
        wanted = (data.get("limits") or {}).get(reference)
        limits = [Decimal(str(v)) for v in wanted] if wanted else None
        options += priced_product(
            spec, applicant, limits=limits, experience=experience, book_capital=capital
        )
    if as_json:
        document = {"options": [option.to_dict() for option in options]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table = Table("product", "limit", "technical", "filed", "adequacy", "referral")
    for option in options:
        table.add_row(*_option_cells(option)[:5], str(option.status))
    out.print(table)


def _option_cells(option: PricedOption) -> list[str]:
    """product, limit, technical, filed, adequacy of an option, ready to print."""
    return [
        option.product,
        _yuan(option.limit),
        _yuan(option.technical_premium),
        _yuan(option.filed_premium),
        str(option.rate_adequacy),
    ]


def _submission(path: Path) -> dict[str, Any]:
    import yaml

    if not path.is_file():
        raise ValidationError(f"No submission file at {path}.", field="submission")
    data = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(data, dict) or "enterprise" not in data or not data.get("products"):
        raise ValidationError(
            f"{path}: a submission needs 'enterprise' and 'products'.", location=str(path)
        )
    return data


def _product(ctx: typer.Context, reference: str) -> Any:
    """From the registry when it has the product, else the reference catalogue."""
    return _product_and_experience(ctx, reference, None)[0]


def _product_and_experience(
    ctx: typer.Context, reference: str, industry_section: str | None
) -> tuple[Any, Any, Any]:
    """The product, from the registry when it has it (with, given a section, its insurer's
    claims experience of the section, which the technical premium blends in, and its stored
    book-capital ratio of the section, which the risk load uses, as a quote does), else from the
    reference catalogue (no experience, no book capital)."""
    from sqlalchemy.exc import OperationalError

    from liubu import products
    from liubu.products import load_reference_catalogue, parse_product

    try:
        with state(ctx).platform().uow() as uow:
            record = products.find_product(uow, reference)
            spec = parse_product(record.document, source=record.product_ref)
            if industry_section is None:
                return spec, None, None
            return (
                spec,
                uow.underwriting.segment_experience(spec.product_id, industry_section),
                uow.underwriting.book_capital_ratio(
                    spec.product_id, industry_section=industry_section
                ),
            )
    except (LiubuError, OperationalError):  # not registered, or no database: the catalogue
        pass
    for spec in load_reference_catalogue():
        if spec.product_id == reference:
            return spec, None, None
    raise ValidationError(
        f"No product {reference!r} in the registry or the catalogue.",
        field="products",
        value=reference,
    )


def _yuan(value: Money | Decimal | str | None) -> str:
    if value is None:
        return "—"
    amount = value.amount if hasattr(value, "amount") else Decimal(str(value))
    return f"¥{amount:,.2f}"


@policies_app.command("list")
def list_policies(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Every policy: number, insured, product, period, premium, status."""
    from rich.table import Table

    with state(ctx).platform().uow() as uow:
        rows = [
            {
                "id": p.id,
                "number": p.number,
                "insured": p.submission.enterprise.name,
                "product": p.product_ref,
                "limit": str(p.limit),
                "premium": str(p.annual_premium),
                "start": str(p.period_start),
                "end": str(p.period_end),
                "status": p.status,
            }
            for p in uow.underwriting.policies()
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("number", "insured", "product", "limit", "premium", "period", "status")
    for row in rows:
        table.add_row(
            row["number"],
            row["insured"],
            row["product"],
            _yuan(row["limit"]),
            _yuan(row["premium"]),
            f"{row['start']}–{row['end']}",
            row["status"],
        )
    out.print(table)


def _policy_id(uow: Any, number_or_id: str) -> str:
    for policy in uow.underwriting.policies():
        if number_or_id in (policy.id, policy.number):
            return str(policy.id)
    raise ValidationError(f"No policy {number_or_id!r}.", field="policy")


@policies_app.command("show")
def show(ctx: typer.Context, policy: Annotated[str, typer.Argument(help="Number or id.")]) -> None:
    """A policy and its money events."""
    from rich.table import Table

    with state(ctx).platform().uow() as uow:
        found = uow.underwriting.policy(_policy_id(uow, policy))
        events = uow.underwriting.events(found.id)
    out.print(
        f"[bold]{found.number}[/bold] {found.product_ref} · {found.status} · "
        f"{found.period_start}–{found.period_end} · limit {_yuan(found.limit)} · "
        f"annual premium {_yuan(found.annual_premium)}"
    )
    table = Table("event", "effective", "premium change")
    for event in events:
        table.add_row(event.kind, str(event.effective), _yuan(event.premium_change))
    out.print(table)


@policies_app.command("endorse")
def endorse(
    ctx: typer.Context,
    policy: str,
    limit: Annotated[Decimal, typer.Option(help="New limit (CNY).")],
    effective: Annotated[str, typer.Option(help="YYYY-MM-DD")],
) -> None:
    """Change the limit mid-term; prints the pro-rata premium."""
    from liubu import underwriting

    with state(ctx).platform().uow() as uow:
        event = underwriting.endorse_limit(
            uow, _policy_id(uow, policy), new_limit=limit, effective=date.fromisoformat(effective)
        )
    out.print(f"endorsed: premium change {_yuan(event.premium_change)}")


@policies_app.command("cancel")
def cancel(
    ctx: typer.Context, policy: str, effective: Annotated[str, typer.Option(help="YYYY-MM-DD")]
) -> None:
    """Cancel from a date; prints the refund."""
    from liubu import underwriting

    with state(ctx).platform().uow() as uow:
        event = underwriting.cancel(
            uow, _policy_id(uow, policy), cancelled_on=date.fromisoformat(effective)
        )
    out.print(f"cancelled: refund {_yuan(-event.premium_change)}")


@policies_app.command("renew")
def renew(
    ctx: typer.Context,
    policy: str,
    claims: Annotated[int, typer.Option(help="Claims in the past three years.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Quote the renewal, re-rated with the in-term score and the claims history; shows the
    term's score changes and what they did to the premium."""
    from liubu import underwriting

    with state(ctx).platform().uow() as uow:
        renewal = underwriting.renew(uow, _policy_id(uow, policy), claims_count=claims)
    term = renewal.renewal
    if as_json:
        document = {
            "quote_id": renewal.id,
            "status": renewal.status,
            "renewal": None if term is None else term.to_dict(),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(f"renewal quote {renewal.id}: {renewal.status}")
    if term is None:
        return
    out.print(
        f"score: {term.bind_score} ({term.bind_grade}) at bind → "
        f"{term.renewal_score} ({term.renewal_grade}) at renewal"
    )
    for change in term.changes:
        before = "—" if change.score_before is None else str(change.score_before)
        out.print(
            f"  {change.at:%Y-%m-%d %H:%M} {before} → {change.score_after} "
            f"({change.grade_after})  {change.text.en}"
        )
    out.print(
        f"premium at the bind score {_yuan(term.premium_at_bind_score)}, "
        f"at the renewal score {_yuan(term.premium_at_renewal_score)}: "
        f"the term's score moved it by {_yuan(term.premium_change)}"
    )


quotes_app = typer.Typer(
    rich_markup_mode=None,
    help="Quotes: request, list, decide a referral, bind.",
    no_args_is_help=True,
)


@quotes_app.command("request")
def quotes_request(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="Enterprise record id.")],
    product: Annotated[list[str], typer.Option(help="insurer/code@version; repeat for more.")],
    claims: Annotated[int | None, typer.Option(help="Claims in the past three years.")] = None,
) -> None:
    """Ask for quotes from the enterprise's current assessment (one quote per insurer)."""
    from liubu import underwriting

    with state(ctx).platform().uow() as uow:
        quotes = underwriting.request_quotes(
            uow, enterprise, products_wanted=product, claims_count=claims
        )
    for found in quotes:
        _print_quote(found)


def _print_quote(found: Any) -> None:
    from rich.table import Table

    out.print(
        f"quote [bold]{found.id}[/bold] from {found.insurer}: {found.status} "
        f"(version {found.version}, valid until {found.valid_until:%Y-%m-%d})"
    )
    table = Table("#", "product", "limit", "technical", "filed", "adequacy", "status")
    for index, option in enumerate(found.options):
        table.add_row(str(index), *_option_cells(option), str(option.status))
    out.print(table)


@quotes_app.command("list")
def quotes_list(ctx: typer.Context) -> None:
    """Every quote with its options."""
    with state(ctx).platform().uow() as uow:
        for found in uow.underwriting.quotes():
            _print_quote(found)


@quotes_app.command("decide")
def quotes_decide(
    ctx: typer.Context,
    quote_id: Annotated[str, typer.Argument()],
    reasons: Annotated[str, typer.Option(help="Why.")],
    approve: Annotated[bool, typer.Option("--approve/--decline")] = True,
) -> None:
    """Decide a referred quote (as the platform operator; underwriters use the web or API)."""
    from liubu import underwriting

    with state(ctx).platform().uow() as uow:
        found = underwriting.decide_referral(uow, quote_id, approve=approve, reasons=reasons)
    _print_quote(found)


@quotes_app.command("bind")
def quotes_bind(
    ctx: typer.Context,
    quote_id: Annotated[str, typer.Argument()],
    option: Annotated[int, typer.Option(help="Option number (see quotes list).")],
    truthful: Truthful = False,
    terms_read: TermsRead = False,
    start: Start = None,
) -> None:
    """Bind an offered option once both declarations are made; prints the policy number."""
    from liubu import underwriting

    begin = start_date(start)
    platform = state(ctx).platform()
    with platform.uow() as uow:
        found = uow.underwriting.quote(quote_id)
        policy = underwriting.bind(
            uow,
            quote_id,
            option_index=option,
            expected_version=found.version,
            declarations=declared(truthful, terms_read),
            start=begin,
        )
    platform.queue_service_schedule(tenant_id=policy.tenant_id)  # 保中服务 tasks of its services
    out.print(
        f"bound: policy {policy.number}, {policy.period_start}–{policy.period_end}, "
        f"annual premium {_yuan(policy.annual_premium)}"
    )


@policies_app.command("import")
def import_policies(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="CSV: name, resident_id, mobile, limit[, external_ref]")
    ],
    product: Annotated[str, typer.Option(help="The per-person product, insurer/code@version.")],
    inception: Annotated[
        str | None, typer.Option(help="Cover starts (YYYY-MM-DD); default today.")
    ] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Error file; default FILE.errors.csv.")
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Lines per transaction.")] = 10_000,
) -> None:
    """Issue anti-fraud policies in bulk: streaming, idempotent, resumable after a crash."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from liubu import products
    from liubu.core import PersonalDataCipher
    from liubu.massissue import ImportPlan, run_import
    from liubu.products import parse_product
    from liubu.store.personal import SqlIssueStore

    platform = state(ctx).platform(upgrade_schema=True)
    with platform.uow() as uow:
        record = products.find_product(uow, product)
    spec = parse_product(record.document, source=record.product_ref)
    start = date.fromisoformat(inception) if inception else shanghai_today()
    plan = ImportPlan(spec, start, chunk_size=chunk_size)
    store = SqlIssueStore(
        platform.uow,
        tenant_id=record.tenant_id,
        product_ref=spec.product_id,
        inception=start.isoformat(),
        file_name=file.name,
    )
    error_path = errors or file.with_name(file.name + ".errors.csv")
    with Progress(
        TextColumn("issuing"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} lines"),
        TimeRemainingColumn(),
        console=rich_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=1)
        summary = run_import(
            store,
            file,
            plan=plan,
            cipher=PersonalDataCipher(platform.settings.personal_data_key),
            error_path=error_path,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if summary.already_done:
        out.print("this file was imported before under the same plan: nothing issued")
    out.print(
        f"issued {summary.issued:,} new policies · valid lines {summary.accepted:,} · "
        f"rejected {summary.rejected:,} (see {summary.error_file})"
        + (" · resumed after an interruption" if summary.resumed else "")
    )
    for code, count in sorted(summary.rejected_by_code.items()):
        out.print(f"  {code}: {count:,}")


def stats(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Market statistics for regulators: enterprise and anti-fraud lines, aggregates only."""
    from rich.table import Table

    from liubu.statistics import market_statistics

    platform = state(ctx).platform(upgrade_schema=True)
    with platform.uow() as uow:
        figures = market_statistics(uow, minimum=platform.settings.statistics_min_insureds)
    data = figures.to_dict()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in ("enterprise", "personal"):
        totals = data[line]["totals"]
        if totals["withheld"]:
            out.print(
                f"[bold]{line}[/bold]: fewer than {data['minimum_insureds']} insureds, withheld"
            )
            continue
        out.print(
            f"[bold]{line}[/bold]: {totals['policies']:,} policies · premium "
            f"{_yuan(totals['premium'])} · sum insured {_yuan(totals['sum_insured'])}"
            + (
                ""
                if totals["claims"] is None
                else f" · {totals['claims']:,} claims · paid {_yuan(totals['claims_paid'])}"
            )
        )
        for dimension, rows in data[line]["by"].items():
            table = Table(dimension, "policies", "premium", "sum insured")
            for row in rows:
                table.add_row(
                    f"other ({row['merged']} merged)" if row["merged"] else row["key"],
                    f"{row['policies']:,}",
                    _yuan(row["premium"]),
                    _yuan(row["sum_insured"]),
                )
            out.print(table)
