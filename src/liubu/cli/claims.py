"""``liubu claims``: notices, reserves, payments, close/reopen, incident response, from the
command line. Thin: resolve the claim and the acting party, call a use case of
:mod:`liubu.claims`, print (``--json`` for machines).

The CLI acts inside the tenant the work belongs to: the claim's insurer as a claims adjuster
(a notice from the CLI is the insurer's hotline entry), or — for the incident-response commands
given ``--vendor`` — the dispatched security provider as its analyst.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from liubu.cli.context import console, state
from liubu.errors import NotFoundError, ValidationError

claims_app = typer.Typer(
    rich_markup_mode=None,
    help="Claims (理赔): notify, list, show, reserve, pay, close, reopen, dispatch, timeline, "
    "evidence, appeal, appeals, reassess-appeal, decide-appeal.",
    no_args_is_help=True,
)
out = console()
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Vendor = Annotated[
    str | None, typer.Option("--vendor", help="Act as this security provider (its id).")
]


def _emit(document: Any, as_json: bool, line: str) -> None:
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        out.print(line)


def _adjuster(tenant_id: str) -> Any:
    from liubu.accounts import OrgKind, Role, acting_in

    return acting_in(tenant_id, OrgKind.INSURER, Role.CLAIMS_ADJUSTER, name="cli")


def _vendor(vendor_id: str) -> Any:
    from liubu.accounts import OrgKind, Role, acting_in

    return acting_in(vendor_id, OrgKind.SECURITY_PROVIDER, Role.SECURITY_ANALYST, name="cli")


def _claim(platform: Any, reference: str) -> Any:
    """A claim by number or id (a number held by two insurers must be given by id)."""
    with platform.uow() as uow:
        found = list(uow.claims.find_by_number(reference))
        if not found:
            return uow.claims.claim(reference)
    if len(found) > 1:
        raise ValidationError(
            f"Several insurers have a claim {reference}; give its id.",
            field="claim",
            value=reference,
        )
    return found[0]


def _insurer_uow(ctx: typer.Context, reference: str) -> tuple[Any, Any]:
    platform = state(ctx).platform()
    claim = _claim(platform, reference)
    return platform.uow(_adjuster(claim.tenant_id)), claim


@claims_app.command("notify")
def notify(
    ctx: typer.Context,
    policy: Annotated[str, typer.Option(help="Policy number or id.")],
    incident: Annotated[str, typer.Option(help="Incident type (e.g. ransomware).")],
    occurred: Annotated[str, typer.Option(help="Date of the loss, YYYY-MM-DD.")],
    discovered: Annotated[str, typer.Option(help="When it was discovered, ISO 8601 with offset.")],
    description: Annotated[str, typer.Option(help="What happened.")],
    contact_name: Annotated[str, typer.Option(help="Who to call back.")],
    contact_phone: Annotated[str, typer.Option(help="Their phone number.")],
    asset: Annotated[list[str] | None, typer.Option(help="An affected asset; repeat.")] = None,
    as_json: AsJson = False,
) -> None:
    """A hotline notice of loss (报案), entered for the policy's insurer."""
    from liubu import claims

    platform = state(ctx).platform()
    with platform.uow() as uow:
        found = [p for p in uow.underwriting.policies() if policy in (p.number, p.id)]
    if not found:
        raise NotFoundError(f"No policy {policy!r} (see `liubu policies list`).")
    try:
        notice = claims.Notice(
            policy_id=found[0].id,
            incident_type=incident,
            occurred_on=date.fromisoformat(occurred),
            discovered_at=datetime.fromisoformat(discovered),
            description=description,
            contact=claims.Contact(contact_name, contact_phone),
            affected_assets=tuple(asset or ()),
        )
    except ValueError as error:
        raise ValidationError(f"Bad date or time: {error}.", field="occurred/discovered") from error
    if notice.discovered_at.tzinfo is None:
        raise ValidationError("Give --discovered with its UTC offset.", field="discovered")
    result = claims.notify(platform.uow(_adjuster(found[0].tenant_id)), notice)
    document = _document(platform, result.claim)
    document["duplicate"] = result.duplicate
    what = "already reported as" if result.duplicate else "opened"
    flags = f" flags: {', '.join(document['flags'])}" if document["flags"] else ""
    _emit(document, as_json, f"claim {result.claim.number} {what} ({result.claim.id}){flags}")


def _document(platform: Any, claim: Any) -> dict[str, Any]:
    from liubu import claims

    view = claims.claim_view(platform.uow(_adjuster(claim.tenant_id)), claim.id)
    return claims.claim_document(view)


@claims_app.command("list")
def list_claims(
    ctx: typer.Context,
    claim_state: Annotated[str, typer.Option("--state", help="open, closed or all.")] = "open",
    as_json: AsJson = False,
) -> None:
    """The claims queue, soonest incident-response deadline first, with SLA status."""
    from liubu import claims

    platform = state(ctx).platform()
    now = datetime.now().astimezone()
    found = claims.queue(platform.uow(), state=None if claim_state == "all" else claim_state)
    rows: list[dict[str, Any]] = [
        {
            "id": c.id,
            "number": c.number,
            "policy_number": c.policy_number,
            "incident_type": c.incident_type,
            "state": str(c.state),
            "flags": [str(f) for f in c.flags],
            "sla": c.sla(now),
        }
        for c in found
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        ir = row["sla"]["ir_contact"]
        clock = "BREACHED" if ir["breached"] else f"{ir['remaining_seconds'] // 60} min left"
        out.print(f"{row['number']}  {row['incident_type']}  {row['state']}  IR contact: {clock}")


@claims_app.command("show")
def show(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    as_json: AsJson = False,
) -> None:
    """A claim: facts, flags, SLA clocks, reserves, payments and totals."""
    platform = state(ctx).platform()
    document = _document(platform, _claim(platform, claim))
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(f"{document['number']} {document['incident_type']} {document['state']}")
    for line in document["reserves"]:
        out.print(f"  {line['coverage']}: reserve {line['reserve']}, paid {line['paid']}")
    totals = document["totals"]
    out.print(
        f"  paid {totals['paid']} + outstanding {totals['outstanding']} − recovered "
        f"{totals['recovered']} = incurred {totals['incurred']}"
    )


@claims_app.command("reserve")
def reserve(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    coverage: Annotated[str, typer.Option(help="The coverage line.")],
    amount: Annotated[Decimal, typer.Option(help="The new outstanding reserve, CNY.")],
    reason: Annotated[str, typer.Option(help="Why.")],
    as_json: AsJson = False,
) -> None:
    """Set a line's case reserve (above your authority: an approval request)."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    outcome = claims.set_reserve(uow, found.id, coverage=coverage, amount=amount, reason=reason)
    document = {
        "coverage": outcome.line.coverage,
        "reserve": str(outcome.line.reserve),
        "approval_id": None if outcome.approval is None else outcome.approval.id,
    }
    line = (
        f"{coverage}: reserve {outcome.line.reserve}"
        if outcome.approval is None
        else f"{coverage}: {amount} is above your authority; approval {outcome.approval.id}"
    )
    _emit(document, as_json, line)


@claims_app.command("pay")
def pay(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    coverage: Annotated[str, typer.Option(help="The coverage line paid from.")],
    amount: Annotated[Decimal, typer.Option(help="CNY.")],
    payee_name: Annotated[str, typer.Option(help="Who is paid.")],
    payee_account: Annotated[str, typer.Option(help="Their bank account.")],
    key: Annotated[str, typer.Option(help="Idempotency key: the same key pays once.")],
    as_json: AsJson = False,
) -> None:
    """Pay against a line's reserve, exactly once per --key."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    outcome = claims.pay(
        uow,
        found.id,
        coverage=coverage,
        amount=amount,
        payee=claims.Payee(payee_name, payee_account),
        idempotency_key=key,
    )
    document = {**claims.payment_document(outcome.payment), "repeated": outcome.repeated}
    what = "already made" if outcome.repeated else str(outcome.payment.state)
    _emit(document, as_json, f"payment {outcome.payment.id} of {outcome.payment.amount}: {what}")


@claims_app.command("close")
def close(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    reason: Annotated[str, typer.Option(help="Why.")],
) -> None:
    """Close a claim (what is still reserved is released)."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    out.print(f"claim {claims.close(uow, found.id, reason=reason).number} closed")


@claims_app.command("reopen")
def reopen(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    reason: Annotated[str, typer.Option(help="Why.")],
) -> None:
    """Reopen a closed claim."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    out.print(f"claim {claims.reopen(uow, found.id, reason=reason).number} reopened")


@claims_app.command("dispatch")
def dispatch(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    vendor: Annotated[str, typer.Option("--vendor", help="The security provider's id.")],
    add_to_panel: Annotated[
        bool, typer.Option(help="Put the vendor on the insurer's panel first.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Dispatch an incident-response vendor of the insurer's panel (保后救援)."""
    from liubu import claims

    platform = state(ctx).platform()
    found = _claim(platform, claim)
    principal = _adjuster(found.tenant_id)
    if add_to_panel:
        claims.add_to_panel(platform.uow(principal), vendor)
    sent = claims.dispatch(platform.uow(principal), found.id, vendor_tenant_id=vendor)
    document = {"id": sent.id, "vendor_id": vendor, "state": str(sent.state)}
    _emit(document, as_json, f"dispatch {sent.id} offered to {vendor}")


@claims_app.command("answer")
def answer(
    ctx: typer.Context,
    dispatch_id: Annotated[str, typer.Argument(help="The dispatch id.")],
    vendor: Annotated[str, typer.Option("--vendor", help="The dispatched provider's id.")],
    accept: Annotated[bool, typer.Option("--accept/--decline")] = True,
) -> None:
    """The dispatched vendor accepts or declines."""
    from liubu import claims

    answered = claims.answer_dispatch(
        state(ctx).platform().uow(_vendor(vendor)), dispatch_id, accept=accept
    )
    out.print(f"dispatch {answered.id} {answered.state}")


def _incident_party(ctx: typer.Context, claim: str, vendor: str | None) -> tuple[Any, Any, Any]:
    """The platform, the claim (by number or id) and who acts on its incident response: the
    named vendor's analyst, else an adjuster of the claim's insurer."""
    platform = state(ctx).platform()
    found = _claim(platform, claim)
    return platform, found, _vendor(vendor) if vendor else _adjuster(found.tenant_id)


@claims_app.command("timeline")
def timeline(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    phase: Annotated[str | None, typer.Option(help="Add an entry in this phase.")] = None,
    note: Annotated[str | None, typer.Option(help="What was done.")] = None,
    vendor: Vendor = None,
    as_json: AsJson = False,
) -> None:
    """Show the incident-response timeline, or add an entry (--phase and --note)."""
    from liubu import claims

    platform, found, principal = _incident_party(ctx, claim, vendor)
    if phase is not None:
        claims.log_timeline(platform.uow(principal), found.id, phase=phase, note=note or "")
    view = claims.incident_view(platform.uow(principal), found.id)
    entries = [
        {"phase": str(e.phase), "at": e.at.isoformat(), "actor": e.actor_tenant_id, "note": e.note}
        for e in view.timeline
    ]
    if as_json:
        typer.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        out.print(f"{entry['at']}  {entry['phase']}  {entry['note']}")


@claims_app.command("evidence")
def evidence(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    file: Annotated[Path | None, typer.Argument(help="A file to upload.")] = None,
    vendor: Vendor = None,
    as_json: AsJson = False,
) -> None:
    """List a claim's evidence, or upload FILE (kept under its SHA-256, never changed)."""
    from liubu import claims

    platform, found, principal = _incident_party(ctx, claim, vendor)
    if file is not None:
        if not file.is_file() or file.stat().st_size > claims.MAX_EVIDENCE_BYTES:
            raise ValidationError(f"{file} is not a readable file of at most 10 MiB.", field="file")
        claims.upload_evidence(
            platform.uow(principal),
            found.id,
            filename=file.name,
            content_type="application/octet-stream",
            content=file.read_bytes(),
        )
    kept = [
        {"id": e.id, "filename": e.filename, "size": e.size, "sha256": e.sha256}
        for e in claims.incident_view(platform.uow(principal), found.id).evidence
    ]
    if as_json:
        typer.echo(json.dumps(kept, ensure_ascii=False, indent=2))
        return
    for item in kept:
        out.print(f"{item['sha256']}  {item['size']:>9}  {item['filename']}")


@claims_app.command("experience")
def experience(
    ctx: typer.Context,
    product: Annotated[str, typer.Option(help="insurer/code@version")],
    as_json: AsJson = False,
) -> None:
    """Rebuild the product's claims-fed experience rows for its insurer (what the rate
    indication reads)."""
    from liubu import claims, products

    platform = state(ctx).platform()
    with platform.uow() as uow:
        insurer = products.find_product(uow, product).tenant_id
    summary = claims.experience_from_claims(platform.uow(_actuary(insurer)), product)
    document = {
        "product": summary.product_ref,
        "policies": summary.policies,
        "claims": summary.claims,
        "incurred_loss": str(summary.incurred_loss),
        "exposure_years": str(summary.exposure_years),
    }
    line = (
        f"{summary.policies} policy-periods, {summary.claims} claims, incurred "
        f"{summary.incurred_loss} CNY"
    )
    _emit(document, as_json, line)


def _actuary(tenant_id: str) -> Any:
    from liubu.accounts import OrgKind, Role, acting_in

    return acting_in(tenant_id, OrgKind.INSURER, Role.ACTUARY, name="cli")


@claims_app.command("coverage")
def coverage(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    as_json: AsJson = False,
) -> None:
    """The coverage position (承保意见): coverages that respond, exclusions, trigger."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    position = claims.coverage_of(uow, found.id)
    document = position.to_dict()
    _emit(document, as_json, f"{found.number}: {position.position}")


@claims_app.command("assess")
def assess(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    losses: Annotated[
        Path, typer.Argument(help="JSON: items, business_interruption, rulings (docs/claims.md).")
    ],
    as_json: AsJson = False,
) -> None:
    """Assess a claim (定损) from a JSON file of itemised losses: the adjustment worksheet."""
    from liubu import claims

    items, interruptions, rulings = _losses(losses)
    uow, found = _insurer_uow(ctx, claim)
    sheet = claims.assess_claim(
        uow, found.id, items=items, business_interruption=interruptions, rulings=rulings or None
    )
    line = f"{found.number}: claimed {sheet.claimed.amount}, payable {sheet.payable.amount}"
    _emit(sheet.to_dict(), as_json, line)


def _losses(losses: Path) -> tuple[list[Any], list[Any], dict[str, tuple[str, str]]]:
    """The items, business interruption and rulings of a losses JSON file (docs/claims.md)."""
    from liubu import claims
    from liubu.core import Money

    try:
        data = json.loads(losses.read_text(encoding="utf-8"))
        items = [
            claims.LossItem(
                coverage=str(i["coverage"]),
                kind=claims.LossKind(i["kind"]),
                description=str(i["description"]),
                amount=Money(str(i["amount"])),
                documents=tuple(i.get("documents", ())),
                count=i.get("count"),
                sanctions_screened=bool(i.get("sanctions_screened", False)),
                sanctions_hit=bool(i.get("sanctions_hit", False)),
            )
            for i in data.get("items", [])
        ]
        interruptions = [
            claims.BusinessInterruption(
                outage_hours=Decimal(str(b["outage_hours"])),
                hourly_gross_profit=Money(str(b["hourly_gross_profit"])),
                coverage=str(b.get("coverage", "business_interruption")),
            )
            for b in data.get("business_interruption", [])
        ]
        rulings = {str(k): (str(v[0]), str(v[1])) for k, v in data.get("rulings", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValidationError(f"{losses}: not a losses file ({error}).", field="losses") from error
    return items, interruptions, rulings


def _insured(tenant_id: str) -> Any:
    from liubu.accounts import OrgKind, Role, acting_in

    return acting_in(tenant_id, OrgKind.ENTERPRISE, Role.ENTERPRISE_USER, name="cli")


def _manager(tenant_id: str) -> Any:
    from liubu.accounts import OrgKind, Role, acting_in

    return acting_in(tenant_id, OrgKind.INSURER, Role.ADMIN, name="cli")


def _appeal_line(appeal: dict[str, Any]) -> str:
    payable = appeal["original_payable"]
    if appeal["new_payable"] is not None:
        payable += f" → {appeal['new_payable']}"
    outcome = f" {appeal['outcome']}" if appeal["outcome"] else ""
    return f"appeal {appeal['id']}: {appeal['state']}{outcome}, payable {payable}"


@claims_app.command("appeal")
def appeal(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    lines: Annotated[
        list[str],
        typer.Option("--lines", help="A disputed worksheet step (code or code:coverage); repeat."),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (at most 4,000 characters).")],
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="Evidence id on the claim; repeat.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Appeal the statement of loss (申诉) as the insured, within the days it shows."""
    from liubu import claims

    platform = state(ctx).platform()
    found = _claim(platform, claim)
    steps = [step for given in lines for step in given.split(",") if step.strip()]
    lodged = claims.lodge_appeal(
        platform.uow(_insured(found.client_tenant_id)),
        found.id,
        lines=steps,
        reasons=reason,
        evidence_ids=evidence or (),
    )
    document = claims.appeal_payload(lodged)
    _emit(document, as_json, _appeal_line(document))


@claims_app.command("appeals")
def appeals(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    as_json: AsJson = False,
) -> None:
    """The appeals of a claim, oldest first."""
    from liubu import claims

    uow, found = _insurer_uow(ctx, claim)
    rows = [claims.appeal_payload(a) for a in claims.appeals_of(uow, found.id)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        out.print(_appeal_line(row))
    if not rows:
        out.print(f"{found.number}: no appeals")


@claims_app.command("reassess-appeal")
def reassess_appeal(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    appeal_id: Annotated[str, typer.Argument(help="The appeal's id.")],
    losses: Annotated[Path, typer.Argument(help="JSON, as for assess: the corrected inputs.")],
    as_json: AsJson = False,
) -> None:
    """Re-assess a claim under appeal (not by whoever made the assessment under appeal)."""
    from liubu import claims

    items, interruptions, rulings = _losses(losses)
    uow, found = _insurer_uow(ctx, claim)
    done = claims.reassess_appeal(
        uow,
        found.id,
        appeal_id,
        items=items,
        business_interruption=interruptions,
        rulings=rulings or None,
    )
    document = claims.appeal_payload(done)
    _emit(document, as_json, _appeal_line(document))


@claims_app.command("decide-appeal")
def decide_appeal(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number or id.")],
    appeal_id: Annotated[str, typer.Argument(help="The appeal's id.")],
    outcome: Annotated[str, typer.Option(help="upheld, partly_upheld or dismissed.")],
    reason: Annotated[str, typer.Option("--reason", help="The written reasons.")],
    as_json: AsJson = False,
) -> None:
    """Decide a re-assessed appeal as the claims manager; a changed payable moves reserves."""
    from liubu import claims

    if outcome not in {str(o) for o in claims.AppealOutcome}:
        raise typer.BadParameter("upheld, partly_upheld or dismissed", param_hint="--outcome")
    platform = state(ctx).platform()
    found = _claim(platform, claim)
    decision = claims.decide_appeal(
        platform.uow(_manager(found.tenant_id)),
        found.id,
        appeal_id,
        outcome=outcome,
        reasons=reason,
    )
    document = claims.appeal_payload(decision.appeal)
    _emit(document, as_json, _appeal_line(document))
