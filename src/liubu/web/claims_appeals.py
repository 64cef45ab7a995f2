"""Appeals (申诉) on the web: the insured lodges one against the statement of loss from the claim
page; an adjuster who did not make the assessment re-assesses it through the assessment form's
own inputs and decides it with written reasons; both parties read the decision document (申诉复核
决定书), HTML or PDF, in Chinese or English. Each handler parses the form, calls one use case of
:mod:`liubu.claims` and redirects back to the claim; a refusal comes back as its text in the
reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from liubu import claims
from liubu.accounts import Principal, Role
from liubu.errors import NotFoundError, ValidationError
from liubu.products import Text
from liubu.requests import PlatformDep
from liubu.web.claims_actions import _, _back, _claim_action, _done, _refusals
from liubu.web.claims_assessment import _lang, assessment_inputs
from liubu.web.claims_documents import render_appeal_decision_html, render_appeal_decision_pdf
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_REASONS = 4000  # characters of reasons, as the use case bounds them
MAX_CHOICES = 50  # ticked lines or evidence a form may send (the use case bounds them again)


def _ticked(values: list[Any], field: str) -> list[str]:
    named = [v.strip()[:100] for v in values if isinstance(v, str) and v.strip()]
    if len(named) > MAX_CHOICES:
        raise ValidationError(f"Tick at most {MAX_CHOICES}.", field=field)
    return named


@router.post("/claims/{claim_id}/appeals")
async def lodge(
    request: Request,
    claim_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    """The insured appeals the statement of loss: the ticked lines, its reasons, its evidence."""
    form = await request.form()
    with _refusals(request):
        reasons = form.get("reasons", "")
        if not isinstance(reasons, str) or len(reasons) > MAX_REASONS:
            raise ValidationError(
                f"Give your reasons in at most {MAX_REASONS} characters.", field="reasons"
            )
        claims.lodge_appeal(
            platform.uow(principal),
            claim_id,
            lines=_ticked(form.getlist("lines"), "lines"),
            reasons=reasons,
            evidence_ids=_ticked(form.getlist("evidence_ids"), "evidence_ids"),
        )
        _done(
            request, _("Your appeal is lodged: staff who did not make the assessment re-assess it.")
        )
    return _back(claim_id)


@router.post("/claims/{claim_id}/appeals/{appeal_id}/reassess")
async def reassess(
    request: Request,
    claim_id: str,
    appeal_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    """The re-assessment, from the very inputs of the assessment form."""
    form = await request.form()
    with _refusals(request):
        items, bi, rulings = assessment_inputs(form, platform.uow(principal), claim_id)
        claims.reassess_appeal(
            platform.uow(principal),
            claim_id,
            appeal_id,
            items=items,
            business_interruption=bi,
            rulings=rulings,
        )
        _done(request, _("The appeal is re-assessed: decide it with your reasons."))
    return _back(claim_id)


@router.post("/claims/{claim_id}/appeals/{appeal_id}/decision")
def decide(
    request: Request,
    claim_id: str,
    appeal_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    outcome: Annotated[str, Form(max_length=32)],
    reasons: Annotated[str, Form(max_length=4000)],
) -> Response:
    return _claim_action(
        request,
        claim_id,
        _("The appeal is decided: the decision document is issued."),
        lambda: claims.decide_appeal(
            platform.uow(principal), claim_id, appeal_id, outcome=outcome, reasons=reasons
        ),
    )


@router.get("/claims/{claim_id}/appeals/{appeal_id}/decision.{lang}.{kind}")
def decision_document(
    claim_id: str,
    appeal_id: str,
    lang: str,
    kind: str,
    principal: WebPrincipal,
    platform: PlatformDep,
) -> Response:
    """The appeal decision (申诉复核决定书), HTML or PDF, zh or en — once the appeal is decided."""
    if kind not in ("html", "pdf"):
        raise NotFoundError("Choose html or pdf.")
    chosen = _lang(lang)
    found = claims.appeal_decision_document(platform.uow(principal), claim_id, appeal_id)
    if kind == "pdf":
        return Response(render_appeal_decision_pdf(found, chosen), media_type="application/pdf")
    return HTMLResponse(render_appeal_decision_html(found, chosen))


def appeal_context(
    principal: Principal,
    view: claims.ClaimPage,
    documents: claims.ClaimDocuments | None,
    lang: str,
    coverage_names: dict[str, str],
) -> dict[str, Any]:
    """What the claim page's appeal section shows: the window, the lines one may dispute (by
    their labels), and for the insurer's staff why they may not act on an open appeal."""

    def text(value: Text) -> str:
        return value.in_("zh" if lang == "zh" else "en")

    issued = claims.statement_issued_on(view.claim)
    last_day = None if issued is None else claims.appeal_last_day(issued)
    today = datetime.now(UTC).astimezone(SHANGHAI).date()
    steps: list[dict[str, Any]] = []
    sheet = None if documents is None else documents.worksheet
    if sheet is not None:
        seen: set[str] = set()
        for line in sheet.lines:
            step = claims.worksheet_step(line)
            if step in seen:
                continue
            seen.add(step)
            steps.append(
                {
                    "step": step,
                    "label": text(line.label),
                    "coverage": ""
                    if line.coverage is None
                    else coverage_names.get(line.coverage, line.coverage),
                    "amount": line.rounded,
                }
            )
    open_appeal = next((a for a in view.appeals if a.state is not claims.AppealState.DECIDED), None)
    sheets: dict[str, claims.AdjustmentWorksheet] = {}
    changes: dict[str, list[tuple[str, Any, Any]]] = {}
    for appeal in view.appeals:
        if appeal.reassessment is None:
            continue
        old = claims.AdjustmentWorksheet.from_dict(appeal.original)
        new = sheets[appeal.id] = claims.AdjustmentWorksheet.from_dict(appeal.reassessment)
        codes = dict.fromkeys(c.coverage for c in (*old.coverages, *new.coverages))
        changes[appeal.id] = [
            (coverage_names.get(c, c), old.payable_for(c), new.payable_for(c)) for c in codes
        ]
    decided = [a for a in view.appeals if a.decided_at is not None]
    latest = max(decided, key=lambda a: a.decided_at or a.lodged_at) if decided else None
    return {
        # the statement shown is the one an appeal was decided on: what is left is 12378,
        # arbitration or court (a later assessment issues a new statement, open to appeal)
        "appeal_settled": latest is not None
        and issued is not None
        and latest.decided_at is not None
        and issued <= latest.decided_at.astimezone(SHANGHAI).date(),
        "appeal_issued_on": issued,
        "appeal_changes": changes,
        "reassessed_sheets": sheets,
        "appeal_last_day": last_day,
        "appeal_window_open": last_day is not None and today <= last_day,
        "appeal_days": claims.DEFAULT_APPEAL_DAYS,
        "appeal_steps": steps,
        "step_labels": {s["step"]: s for s in steps},
        "open_appeal": open_appeal,
        "appeal_blocked": _blocked(principal, open_appeal, lang),
    }


def _blocked(principal: Principal, appeal: claims.Appeal | None, lang: str) -> dict[str, str]:
    """Why the signed-in adjuster may not re-assess or decide the open appeal (empty: may)."""
    if appeal is None:
        return {}
    me = principal.user_id
    said: dict[str, str] = {}
    if me == appeal.assessed_by:
        said["reassess"] = claims.message(claims.ClaimsCode.APPEAL_SAME_ADJUSTER, lang)
        said["decide"] = claims.message(claims.ClaimsCode.APPEAL_DECIDER, lang)
    elif appeal.state is claims.AppealState.OPEN:
        said["decide"] = claims.message(claims.ClaimsCode.APPEAL_NOT_REASSESSED, lang)
    elif me != appeal.reassessed_by and Role.ADMIN not in principal.roles:
        said["decide"] = claims.message(claims.ClaimsCode.APPEAL_DECIDER, lang)
    return said


def local_day(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.astimezone(SHANGHAI).date().isoformat()
    return moment.isoformat()
