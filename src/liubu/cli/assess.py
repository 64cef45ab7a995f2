"""``liubu intel`` and ``liubu assess``: vulnerability feeds, assets, scans and reports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liubu.cli.context import console, rich_console, state
from liubu.errors import ValidationError

if TYPE_CHECKING:
    from rich.progress import Progress

intel_app = typer.Typer(
    rich_markup_mode=None,
    help="Vulnerability intelligence: NVD, CVE 5, CISA KEV, FIRST EPSS, Debian security tracker.",
    no_args_is_help=True,
)
assess_app = typer.Typer(
    rich_markup_mode=None,
    help="Pre-bind diagnosis (保前诊断): assets, scans, reports.",
    no_args_is_help=True,
)
assets_app = typer.Typer(
    rich_markup_mode=None, help="Declared assets and proof of control.", no_args_is_help=True
)
assess_app.add_typer(assets_app, name="assets")
out = console()
err = console(stderr=True)


@intel_app.command("load")
def intel_load(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Feed files or folders (any format).")],
) -> None:
    """Load feed files; each is detected, checked whole, then kept. Loading again is a no-op."""
    from rich.table import Table

    from liubu.assessment import load_intel_files

    report = load_intel_files(state(ctx).platform(upgrade_schema=True).uow(), paths)
    table = Table("feed", "records")
    for kind, count in sorted(report.records.items()):
        table.add_row(kind, f"{count:,}")
    out.print(table)
    out.print(
        f"{report.stored} file(s) stored, {report.unchanged} already loaded"
        + (f", {len(report.skipped)} skipped (not a feed)" if report.skipped else "")
    )
    for skipped in report.skipped:
        err.print(f"skipped, not a feed: {skipped}", highlight=False, markup=False)


@assets_app.command("add")
def assets_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Host name, domain or IP address.")],
    enterprise: Annotated[str, typer.Option(help="Enterprise record id.")],
) -> None:
    """Declare an asset and print where to publish its verification token."""
    from liubu import assessment

    asset = assessment.declare_asset(state(ctx).platform().uow(), enterprise, name)
    out.print(f"asset {asset.id} declared: {asset.name}")
    for method, where in assessment.proof_instructions(asset).as_dict().items():
        out.print(f"  prove control by {method}: {where}", highlight=False)


@assets_app.command("verify")
def assets_verify(ctx: typer.Context, asset_id: Annotated[str, typer.Argument()]) -> None:
    """Check that the asset publishes its token (DNS TXT or the well-known file)."""
    from liubu import assessment

    platform = state(ctx).platform()
    asset = assessment.verify_asset(platform.uow(), asset_id, platform.scan_policy())
    out.print(f"{asset.name} verified by {asset.verified_by}")


@assess_app.command("scan")
def assess_scan(
    ctx: typer.Context,
    targets: Annotated[list[str], typer.Argument(help="Verified assets to scan.")],
    dns_server: Annotated[str | None, typer.Option(help="Resolver HOST:PORT.")] = None,
    ports: Annotated[str | None, typer.Option(help="Ports, e.g. 22,80,443,3389.")] = None,
    services: Annotated[
        str | None, typer.Option(help="Services on non-standard ports, e.g. 8081:http,13389:rdp.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow private/loopback targets (testing only).")
    ] = False,
    ca_bundle: Annotated[
        Path | None,
        typer.Option(
            "--ca-bundle",
            exists=True,
            dir_okay=False,
            readable=True,
            help="PEM file of CA certificates trusted for chain validation instead of the "
            "system store (an enterprise's private CA).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scan verified assets of one enterprise: score, grade, factors and findings."""
    import dataclasses

    from liubu import assessment

    platform = state(ctx).platform(upgrade_schema=True)
    if allow_private and platform.settings.env == "production":
        raise ValidationError("--allow-private is refused when LIUBU_ENV=production.")
    policy = platform.scan_policy()
    if dns_server:
        host, _, port = dns_server.rpartition(":")
        policy = dataclasses.replace(policy, dns_server=(host, int(port)))
    if ports:
        policy = dataclasses.replace(policy, ports=tuple(int(p) for p in ports.split(",")))
    if services:
        mapping = {
            int(port): name
            for port, _, name in (item.partition(":") for item in services.split(","))
        }
        policy = dataclasses.replace(policy, services=mapping)
    if allow_private:
        policy = dataclasses.replace(policy, allow_private=True)
    if ca_bundle is not None:
        policy = dataclasses.replace(policy, ca_bundle=str(ca_bundle.resolve()))
    with platform.uow() as uow:  # the request joins the transaction that found the enterprise
        enterprise_id = assessment.enterprise_of_targets(uow, targets)
        record = assessment.request_scan(uow, enterprise_id, only=targets)
    with _bar(as_json) as bar:
        finished = assessment.run_scan(
            lambda: platform.uow(),
            record.id,
            policy=policy,
            index_cache=platform.index_cache,
            on_progress=bar,
        )
    if finished.status != "finished":
        raise ValidationError(f"The scan failed: {finished.error}")
    with platform.uow() as uow:
        summary = assessment.assessment_summary(uow, enterprise_id)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_summary(summary)


@assess_app.command("waive")
def assess_waive(
    ctx: typer.Context,
    finding_id: Annotated[str, typer.Argument(help="The finding's id (see assess scan --json).")],
    reason: Annotated[str, typer.Option(help="Why the insurer accepts it for this asset.")],
) -> None:
    """Waive a finding for its asset (insurer): it costs no point and is shown as waived."""
    from liubu import assessment

    finding = assessment.waive_finding(state(ctx).platform().uow(), finding_id, reason=reason)
    out.print(f"{finding.code} on {finding.asset} waived", highlight=False)


class _bar:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        from rich.progress import BarColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("scanning"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} probes"),
            console=rich_console(stderr=True),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("scan", total=None)
        return self.update

    def update(self, done: int, total: int) -> None:
        assert self.progress is not None
        self.progress.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.table import Table

    score = summary.get("score") or {}
    out.print(
        f"[bold]security score {score.get('value', '—')}  grade {score.get('grade', '—')}[/bold]"
    )
    factors = Table("factor", "points", "of")
    for factor in score.get("factors", []):
        factors.add_row(str(factor["factor"]), str(factor["points"]), str(factor["max_points"]))
    out.print(factors)
    findings = Table("severity", "code", "asset", "evidence")
    for finding in summary["findings"]:
        findings.add_row(
            finding["severity"],
            finding["code"],
            finding["asset"],
            str(finding["evidence"].get("observed", ""))[:80],
        )
    out.print(findings)


@assess_app.command("report")
def assess_report(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="Enterprise record id.")],
    pdf: Annotated[Path | None, typer.Option(help="Write the bilingual PDF here.")] = None,
    html: Annotated[Path | None, typer.Option(help="Write the HTML here.")] = None,
    lang: Annotated[str, typer.Option(help="The loss chart's language: zh or en.")] = "zh",
) -> None:
    """The bilingual pre-bind report: score, factors, findings, loss curve, treatment plan."""
    from liubu.accounts import SYSTEM
    from liubu.web.report import render_report_html, render_report_pdf, report_context

    if pdf is None and html is None:
        raise ValidationError("Say where to write the report: --pdf FILE and/or --html FILE.")
    if lang not in ("zh", "en"):
        raise ValidationError(f"--lang takes zh or en, not {lang!r}.")
    chart_lang = "zh_CN" if lang == "zh" else "en"
    context = report_context(state(ctx).platform(), SYSTEM, enterprise, lang=chart_lang)
    if html is not None:
        html.write_text(render_report_html(context), encoding="utf-8")
        out.print(f"HTML report written to {html}")
    if pdf is not None:
        pdf.write_bytes(render_report_pdf(context))
        out.print(f"PDF report written to {pdf}")


@assess_app.command("answer")
def assess_answer(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="Enterprise record id.")],
    answers: Annotated[Path, typer.Argument(help="YAML: question id → answer.")],
) -> None:
    """Record the questionnaire answers (a new version; earlier versions are kept)."""
    import yaml

    from liubu import assessment

    data = yaml.safe_load(answers.read_text("utf-8")) if answers.is_file() else None
    if not isinstance(data, dict):
        raise ValidationError(
            f"{answers} must be a YAML mapping of question id to answer.", location=str(answers)
        )
    record = assessment.record_answers(state(ctx).platform().uow(), enterprise, data)
    out.print(f"answers saved as version {record.number}")


@assess_app.command("questions")
def assess_questions(
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
) -> None:
    """List the questionnaire: ids, questions and the answers each takes."""
    from rich.table import Table

    from liubu.assessment import load_questionnaire

    table = Table("id", "question", "answers")
    for question in load_questionnaire().questions:
        choices = "/".join(o.value for o in question.options) or "number"
        table.add_row(question.id, question.text.zh if lang == "zh" else question.text.en, choices)
    out.print(table)


_PLAN_HEADERS = {
    "en": (
        "#",
        "fix",
        "worth it?",
        "new score",
        "Δ expected loss",
        "Δ premium",
        "net saving a year",
    ),
    "zh": ("#", "整改措施", "是否值得", "整改后评分", "预期损失变化", "保费变化", "每年净节省"),
}


def _yuan(amount: str | None) -> str:
    if amount is None:
        return "—"
    value = Decimal(amount)
    return f"{'−' if value < 0 else ''}¥{abs(value):,.0f}"


@assess_app.command("plan")
def assess_plan(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="Enterprise record id.")],
    product: Annotated[str | None, typer.Option(help="insurer/code@version")] = None,
    limit: Annotated[str | None, typer.Option(help="Policy limit (CNY).")] = None,
    lang: Annotated[str, typer.Option(help="zh or en.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """保前治疗: the fixes worth doing first, then those that cost more than they save, each by
    net saving; fixes with no modelled effect on expected loss last, unranked. The headline names
    only fixes worth doing and adds up their rows."""
    from rich.markup import escape
    from rich.table import Table

    from liubu import products, underwriting
    from liubu.products import parse_product

    if lang not in _PLAN_HEADERS:
        raise ValidationError(f"--lang takes zh or en, not {lang!r}.")
    with state(ctx).platform().uow() as uow:
        spec = None
        if product:
            record = products.find_product(uow, product)
            spec = parse_product(record.document, source=record.product_ref)
        chosen = Decimal(limit) if limit else (spec.limit_options[0] if spec else Decimal(10**6))
        plan = underwriting.treatment_plan(uow, enterprise, product=spec, limit=chosen).to_dict()
    if as_json:
        typer.echo(json.dumps(plan, ensure_ascii=False, indent=2))
        return
    headline = plan["headline"]
    out.print(f"[bold]{escape(headline['text'][lang])}[/bold]")
    for note in headline["notes"]:
        out.print(escape(note[lang]))
    table = Table(*_PLAN_HEADERS[lang])
    for fix in plan["fixes"]:
        table.add_row(
            "—" if fix["rank"] is None else str(fix["rank"]),
            escape((fix["title"] or {}).get(lang, fix["fix_id"])),
            fix["status_label"][lang],
            f"{fix['score']} {fix['grade']}",
            _yuan(fix["eal_change"]),
            _yuan(fix["premium_change"]),
            _yuan(fix["net_saving_yuan"]),
        )
    out.print(table)


@assess_app.command("dependencies")
def assess_dependencies(
    ctx: typer.Context,
    enterprise: Annotated[str, typer.Argument(help="Enterprise record id.")],
    declare: Annotated[
        Path | None,
        typer.Option(
            help="YAML list of dependencies (kind, provider, region, cpe, tolerance_hours, "
            "revenue_share) replacing those declared."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what the enterprise relies on (declared, from scans, from the platform), or replace
    its declared dependencies with --declare FILE (依赖申报)."""
    import yaml

    from liubu import assessment

    platform = state(ctx).platform()
    if declare is not None:
        if not declare.is_file() or declare.stat().st_size > 256 * 1024:
            raise ValidationError(
                f"{declare} must be a YAML file of at most 256 KiB.", location=str(declare)
            )
        data = yaml.safe_load(declare.read_text("utf-8"))
        rows = assessment.parse_declarations(data if data is not None else [])
        found = assessment.declare_dependencies(platform.uow(), enterprise, rows)
    else:
        found = assessment.enterprise_dependencies(platform.uow(), enterprise)
    if as_json:
        typer.echo(json.dumps([d.to_dict() for d in found], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("source", "kind", "provider", "region / CPE", "tolerated h", "revenue share")
    for d in found:
        table.add_row(
            str(d.source),
            d.kind,
            d.provider,
            d.region or d.cpe or "",
            f"{d.tolerance_hours:g}",
            f"{d.revenue_share:.0%}",
        )
    out.print(table)
