"""``liubu personal-claims``: anti-fraud resident claims (反诈险理赔) — a bulk file from the
insurer (``import``, as ``liubu policies import`` issues the book), one claim entered by insurer
staff (``file``), and reading them back (``show``, ``list``). The CLI acts as the platform
operator, so it names the insurer (``--insurer`` code)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liubu.cli.context import console, rich_console, state
from liubu.core import shanghai_today
from liubu.errors import ValidationError

if TYPE_CHECKING:
    from liubu.claims import StoredClaim

personal_claims_app = typer.Typer(
    rich_markup_mode=None,
    help="Anti-fraud resident claims: bulk import, file one, show, list.",
    no_args_is_help=True,
)
out = console()
Insurer = Annotated[str, typer.Option(help="The insurer's organisation code (e.g. yangben-pc).")]
Lang = Annotated[str, typer.Option(help="Language of reasons and worksheet: zh or en.")]


@personal_claims_app.command("import")
def import_claims(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: receipt_number, resident_id, loss_amount, loss_date, police_report_date, "
            "notified_on[, recovered_amount, cause, external_ref]"
        ),
    ],
    insurer: Insurer,
    errors: Annotated[
        Path | None, typer.Option(help="Error file; default FILE.errors.csv.")
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Lines per transaction.")] = 10_000,
) -> None:
    """Assess and store a bulk claims file: streaming, idempotent, resumable after a crash."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from liubu.claims import import_antifraud_claims
    from liubu.core import PersonalDataCipher

    platform = state(ctx).platform(upgrade_schema=True)
    error_path = errors or file.with_name(file.name + ".errors.csv")
    with Progress(
        TextColumn("assessing claims"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} lines"),
        TimeRemainingColumn(),
        console=rich_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("claims", total=1)
        summary = import_antifraud_claims(
            platform.uow,
            file,
            cipher=PersonalDataCipher(platform.settings.personal_data_key),
            error_path=error_path,
            today=shanghai_today(),
            insurer=insurer,
            chunk_size=chunk_size,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if summary.already_done:
        out.print("this file was imported before: nothing stored")
    out.print(
        f"stored {summary.stored:,} new claims · accepted {summary.accepted:,} · refused "
        f"{summary.refused:,} · payable ¥{summary.payable:,} · rejected lines "
        f"{summary.rejected:,} (see {summary.error_file})"
        + (" · resumed after an interruption" if summary.resumed else "")
    )
    for code, count in sorted(summary.rejected_by_code.items()):
        out.print(f"  {code}: {count:,}")


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"The {option} {text!r} is not a date (YYYY-MM-DD).", field=option, value=text[:40]
        ) from None


def _yuan(text: str, option: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            f"The {option} {text!r} is not an amount.", field=option, value=text[:40]
        ) from None


@personal_claims_app.command("file")
def file_claim(
    ctx: typer.Context,
    insurer: Insurer,
    receipt: Annotated[str, typer.Option(help="Police case receipt number (报案回执编号).")],
    resident_id: Annotated[
        str, typer.Option(help="The resident's ID number (never stored in clear).")
    ],
    loss_amount: Annotated[str, typer.Option(help="Amount lost, CNY.")],
    loss_date: Annotated[str, typer.Option(help="Date of the loss, YYYY-MM-DD.")],
    police_report_date: Annotated[str, typer.Option(help="Date reported to the police.")],
    notified_on: Annotated[
        str | None, typer.Option(help="Date the insurer was told; default today.")
    ] = None,
    recovered: Annotated[str, typer.Option(help="Amount recovered, CNY.")] = "0",
    cause: Annotated[str | None, typer.Option(help="Cause, an exclusion code.")] = None,
    lang: Lang = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """File one claim taken by the insurer's staff (hotline or counter); prints the decision."""
    from liubu.claims import AntifraudClaim, file_antifraud_claim, parse_receipt_number
    from liubu.core import PersonalDataCipher

    platform = state(ctx).platform(upgrade_schema=True)
    claim = AntifraudClaim(
        receipt=parse_receipt_number(receipt),
        loss_amount=_yuan(loss_amount, "loss-amount"),
        loss_date=_day(loss_date, "loss-date"),
        police_report_date=_day(police_report_date, "police-report-date"),
        notified_on=_day(notified_on, "notified-on") if notified_on else shanghai_today(),
        recovered_amount=_yuan(recovered, "recovered"),
        cause=cause,
    )
    stored = file_antifraud_claim(
        platform.uow(),
        resident_id=resident_id,
        claim=claim,
        cipher=PersonalDataCipher(platform.settings.personal_data_key),
        insurer=insurer,
    )
    _print(stored, lang=lang, as_json=as_json)


@personal_claims_app.command("show")
def show_claim(
    ctx: typer.Context,
    receipt: Annotated[str, typer.Argument(help="Police case receipt number.")],
    lang: Lang = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A claim by its receipt number, with its worksheet."""
    from liubu.claims import antifraud_claims
    from liubu.errors import NotFoundError

    found = antifraud_claims(state(ctx).platform().uow(), receipt_number=receipt, limit=1)
    if not found:
        raise NotFoundError(f"No anti-fraud claim with receipt number {receipt[:40]!r}.")
    _print(found[0], lang=lang, as_json=as_json)


def _print(stored: StoredClaim, *, lang: str, as_json: bool) -> None:
    if lang not in ("zh", "en"):
        raise ValidationError("Choose the language zh or en.", field="lang", value=lang[:8])
    document = stored.shown(lang)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(
        f"{document['receipt_number']} · {document['resident_id']} · {document['decision']} · "
        f"payable ¥{document['payable']}"
        + (f" from {document['payable_from']}" if document["payable_from"] else "")
    )
    for item in (*document["reasons"], *document["notes"]):
        out.print(f"  {item['code']}: {item['text']}")
    for step in document["worksheet"]:
        out.print(f"  {step['title']}: {step['value']}")
