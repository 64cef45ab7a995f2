"""``liubu products``: validate, load, list, show and compare product versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from liubu.cli.context import console, state
from liubu.errors import LiubuError

products_app = typer.Typer(
    rich_markup_mode=None,
    help="Standard products (条款与费率): validate, load, list, show, compare.",
    no_args_is_help=True,
)
out = console()
err = console(stderr=True)


def _product_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            files.append(path)
        else:
            raise LiubuError(f"No product file or folder at {path}.")
    return files


@products_app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Product YAML files or folders.")],
) -> None:
    """Check product files; print each problem as file:line: field: rule: message."""
    from liubu.products import validate_product

    problems = 0
    files = _product_files(paths)
    for path in files:
        for issue in validate_product(path.read_text("utf-8"), source=str(path)):
            problems += 1
            err.print(
                f"{issue.file}:{issue.line}: {issue.path}: {issue.code}: {issue.message}",
                highlight=False,
                markup=False,
            )
    if problems:
        raise LiubuError(f"{problems} problem(s) in {len(files)} file(s).")
    out.print(f"{len(files)} product file(s) valid")


@products_app.command("load")
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Product YAML files or folders.")],
) -> None:
    """Store product versions (platform operation); identical versions are left as they are."""
    from liubu import products

    sources = [(str(p), p.read_text("utf-8")) for p in _product_files(paths)]
    loaded = products.load_products(state(ctx).platform(upgrade_schema=True).uow(), sources)
    changed = sum(flag for _record, flag in loaded)
    out.print(
        f"{len(loaded)} product version(s): {changed} stored or changed, "
        f"{len(loaded) - changed} unchanged"
    )


@products_app.command("list")
def list_products(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List product versions: id, name, type, insurer, status, filing number."""
    from rich.table import Table

    with state(ctx).platform().uow() as uow:
        records = uow.products.list()
        rows = [
            {
                "id": r.product_ref,
                "name": {"zh": r.name_zh, "en": r.name_en},
                "type": r.product_type,
                "insurer": r.insurer,
                "status": r.status,
                "filing_number": r.filing_number,
                "effective_from": r.effective_from.isoformat() if r.effective_from else None,
            }
            for r in records
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "type", "insurer", "status", "filing number")
    for row in rows:
        name = row["name"]
        assert isinstance(name, dict)
        table.add_row(
            str(row["id"]),
            name["zh"],
            str(row["type"]),
            str(row["insurer"]),
            str(row["status"]),
            str(row["filing_number"] or "—"),
        )
    out.print(table)


@products_app.command("show")
def show(
    ctx: typer.Context,
    product: Annotated[str, typer.Argument(help="insurer/code@version or record id.")],
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
) -> None:
    """Print a product's plain-language summary and its YAML."""
    from liubu import products
    from liubu.products import check_lang, load_vocabulary, parse_product, summarise

    with state(ctx).platform().uow() as uow:
        record = products.find_product(uow, product)
    spec = parse_product(record.document, source=record.product_ref)
    summary = summarise(spec, load_vocabulary())
    chosen = check_lang(lang)
    out.print(f"[bold]{summary.name.in_(chosen)}[/bold]  {record.product_ref}  ({record.status})")
    for part in (summary.covered, summary.not_covered, summary.pay_first):
        out.print(part.in_(chosen), highlight=False)
    out.print()
    out.print(record.document, markup=False, highlight=False)


@products_app.command("compare")
def compare(
    ctx: typer.Context,
    products: Annotated[list[str], typer.Argument(help="Two or more insurer/code@version ids.")],
    lang: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compare products side by side in one vocabulary; rows that differ are marked."""
    from liubu.products import compare_products, render_comparison_text

    with state(ctx).platform().uow() as uow:
        comparison = compare_products(uow, products, lang=lang)
    if as_json:
        typer.echo(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(render_comparison_text(comparison, lang))
