"""The forms that change a claim on the web: the notice, reserves, payments (one idempotency key
per rendered form, so a double submit pays once), approvals, close and reopen, dispatch and the
vendor's answer, the timeline and evidence. Each parses the form, calls one use case and
redirects; a refusal comes back as a message on the page it was sent from. Another party's
claim stays a 404 (the page of a record one may not see does not exist)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from liubu import claims
from liubu.errors import LiubuError, NotFoundError, ValidationError
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
SHANGHAI = ZoneInfo("Asia/Shanghai")
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]


def _back(claim_id: str) -> RedirectResponse:
    return RedirectResponse(f"/claims/{quote(claim_id, safe='')}", status_code=303)


@contextmanager
def _refusals(request: Request) -> Iterator[None]:
    """A refusal becomes a message on the next page; a record the caller may not see stays 404."""
    try:
        yield
    except NotFoundError:
        raise
    except LiubuError as error:
        flash(request, refusal(request, error), kind="error")


def _(message: str) -> str:
    """Marks a message for the catalogues; :func:`_done` translates it for the request."""
    return message


def _done(request: Request, message: str) -> None:
    i18n.current_language.set(language_of(request))
    flash(request, i18n.gettext(message))


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.strip().replace(",", ""))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(
            "Give the amount in CNY, e.g. 12500.00.", field="amount", value=value[:32]
        ) from error


def _local(value: str, field: str) -> datetime:
    """A ``datetime-local`` field, read as China time."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError as error:
        raise ValidationError("Give the date and time.", field=field, value=value[:32]) from error


@router.post("/steps/rescue/notify")
def notify(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    incident_type: Annotated[str, Form(max_length=64)],
    occurred_on: Annotated[str, Form(max_length=32)],
    discovered_at: Annotated[str, Form(max_length=32)],
    description: Long,
    contact_name: Annotated[str, Form(max_length=64)],
    contact_phone: Annotated[str, Form(max_length=32)],
    affected_assets: Long = "",
    policy_id: Short = "",
    policy_number: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """The insured's notice (its policy chosen from its own), or the insurer's staff entering a
    call to the 24/7 hotline (the policy by the number the caller gives)."""
    require_page(principal, "rescue", step=True)
    with _refusals(request):
        if policy_number.strip():
            policy_id = claims.policy_for_hotline(platform.uow(principal), policy_number).id
        try:
            occurred = date.fromisoformat(occurred_on)
        except ValueError as error:
            raise ValidationError(
                "Give the date of occurrence.", field="occurred_on", value=occurred_on[:32]
            ) from error
        assets = tuple(a.strip() for a in affected_assets.replace(",", "\n").splitlines())
        with platform.uow(principal) as uow:
            result = claims.notify(
                uow,
                claims.Notice(
                    policy_id=policy_id,
                    incident_type=incident_type,
                    occurred_on=occurred,
                    discovered_at=_local(discovered_at, "discovered_at"),
                    description=description,
                    contact=claims.Contact(contact_name, contact_phone),
                    affected_assets=tuple(a for a in assets if a),
                ),
            )
        _done(
            request,
            _("This incident was reported already: here is its claim.")
            if result.duplicate
            else _("Your notice is received: the claim is open."),
        )
        return _back(result.claim.id)
    return RedirectResponse("/steps/rescue", status_code=303)


def _claim_action(
    request: Request, claim_id: str, done: str, action: Callable[[], object]
) -> Response:
    """Run ``action``; say ``done`` (or the message the action returns instead) or the refusal."""
    with _refusals(request):
        said = action()
        _done(request, said if isinstance(said, str) else done)
    return _back(claim_id)


@router.post("/claims/{claim_id}/reserve")
def set_reserve(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    coverage: Annotated[str, Form(max_length=64)],
    amount: Annotated[str, Form(max_length=32)],
    reason: Long,
) -> Response:
    def act() -> str | None:
        outcome = claims.set_reserve(
            platform.uow(principal),
            claim_id,
            coverage=coverage,
            amount=_amount(amount),
            reason=reason,
        )
        if outcome.approval is not None:
            return _("Above your authority: the reserve waits for approval.")
        return None

    return _claim_action(request, claim_id, _("The reserve is set."), act)


@router.post("/claims/{claim_id}/pay")
def pay(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    coverage: Annotated[str, Form(max_length=64)],
    amount: Annotated[str, Form(max_length=32)],
    payee_name: Annotated[str, Form(max_length=100)],
    payee_account: Annotated[str, Form(max_length=34)],
    idempotency_key: Annotated[str, Form(max_length=100)],
) -> Response:
    def act() -> str | None:
        outcome = claims.pay(
            platform.uow(principal),
            claim_id,
            coverage=coverage,
            amount=_amount(amount),
            payee=claims.Payee(payee_name, payee_account),
            idempotency_key=idempotency_key,
        )
        if outcome.repeated:
            return _("This payment was made already: it is not paid twice.")
        if outcome.approval is not None:
            return _("Above your authority: the payment waits for approval.")
        return None

    return _claim_action(request, claim_id, _("The payment is recorded."), act)


@router.post("/claims/{claim_id}/payment-run")
def payment_run(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("Approved payments are sent."),
        lambda: claims.run_payments(platform.uow(principal)),
    )


@router.post("/claims/{claim_id}/approvals/{approval_id}")
def decide(
    request: Request,
    claim_id: str,
    approval_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    decision: Annotated[str, Form(max_length=16)],
    reason: Long,
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The decision is recorded."),
        lambda: claims.decide_approval(
            platform.uow(principal), approval_id, approve=decision == "approve", reason=reason
        ),
    )


@router.post("/claims/{claim_id}/close")
def close(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    reason: Long,
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The claim is closed."),
        lambda: claims.close(platform.uow(principal), claim_id, reason=reason),
    )


@router.post("/claims/{claim_id}/reopen")
def reopen(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    reason: Long,
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The claim is reopened."),
        lambda: claims.reopen(platform.uow(principal), claim_id, reason=reason),
    )


@router.post("/claims/{claim_id}/dispatch")
def dispatch(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    vendor_id: Annotated[str, Form(max_length=64)],
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The incident-response vendor is dispatched."),
        lambda: claims.dispatch(platform.uow(principal), claim_id, vendor_tenant_id=vendor_id),
    )


@router.post("/claims/{claim_id}/dispatches/{dispatch_id}/answer")
def answer(
    request: Request,
    claim_id: str,
    dispatch_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    decision: Annotated[str, Form(max_length=16)],
) -> Response:
    accept = decision == "accept"
    with _refusals(request):
        claims.answer_dispatch(platform.uow(principal), dispatch_id, accept=accept)
        if not accept:  # the incident is no longer the vendor's to see
            _done(request, _("You declined the dispatch."))
            return RedirectResponse("/steps/rescue", status_code=303)
        _done(request, _("You accepted the dispatch."))
    return _back(claim_id)


@router.post("/claims/{claim_id}/dispatches/{dispatch_id}/costs")
def approve_costs(
    request: Request,
    claim_id: str,
    dispatch_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    amount: Annotated[str, Form(max_length=32)],
    note: Long,
) -> Response:
    """Pre-approve more of a dispatched vendor's costs (within the incident-response sublimit)."""
    return _claim_action(
        request,
        claim_id,
        _("The vendor's costs are pre-approved."),
        lambda: claims.approve_vendor_costs(
            platform.uow(principal), dispatch_id, amount=_amount(amount), note=note
        ),
    )


@router.post("/claims/{claim_id}/timeline")
def log_timeline(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    phase: Annotated[str, Form(max_length=32)],
    note: Long,
    at: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The timeline entry is added."),
        lambda: claims.log_timeline(
            platform.uow(principal),
            claim_id,
            phase=phase,
            note=note,
            at=_local(at, "at") if at else None,
        ),
    )


@router.post("/claims/{claim_id}/evidence")
async def upload_evidence(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    file: Annotated[UploadFile, File()],
) -> Response:
    content = await file.read(claims.MAX_EVIDENCE_BYTES + 1)
    return _claim_action(
        request,
        claim_id,
        _("The evidence is kept under its SHA-256."),
        lambda: claims.upload_evidence(
            platform.uow(principal),
            claim_id,
            filename=file.filename or "evidence",
            content_type=file.content_type or "",
            content=content,
        ),
    )


@router.get("/claims/evidence/{evidence_id}")
def download_evidence(evidence_id: str, principal: WebPrincipal, platform: PlatformDep) -> Response:
    """The evidence as uploaded, checked against its SHA-256 before it is handed out."""
    evidence, content = claims.download_evidence(platform.uow(principal), evidence_id)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(evidence.filename)}",
            "X-Content-SHA256": evidence.sha256,
        },
    )
