"""保前诊断 on the web: the enterprise declares and verifies assets, starts a scan, watches its
progress and reads (and disputes) its findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import assessment
from liubu.accounts import Enterprise, Principal
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from liubu.errors import LiubuError
from liubu.requests import PlatformDep
from liubu.store.uow import SqlUnitOfWork
from liubu.web import i18n
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.report import render_report_html, render_report_pdf, report_context
from liubu.web.security import CsrfChecked, WebPrincipal

T = TypeVar("T")

router = APIRouter(include_in_schema=False)


def reads_as_insurer(principal: Principal, enterprise: Enterprise) -> bool:
    """Whether ``principal`` reads ``enterprise``'s assessment as the insurer it asked for a
    quote (the store lets it read, never change): the pages then show no forms."""
    return not principal.is_platform and enterprise.tenant_id != principal.tenant_id


def enterprises_to_diagnose(uow: SqlUnitOfWork) -> list[Enterprise]:
    """The caller's own enterprises, then (for an insurer's underwriting staff) the
    applicants that asked its insurer for a quote."""
    own = list(uow.enterprises.list())
    ids = {e.id for e in own}
    return own + [e for e in uow.enterprises.applicants() if e.id not in ids]


def _back(enterprise_id: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/diagnosis/{enterprise_id}{anchor}", status_code=303)


@router.get("/steps/diagnosis", response_class=HTMLResponse)
def choose_enterprise(request: Request, principal: WebPrincipal, platform: PlatformDep) -> Response:
    page, nav = require_page(principal, "diagnosis", step=True)
    with platform.uow(principal) as uow:
        enterprises = enterprises_to_diagnose(uow)
    if len(enterprises) == 1:
        return _back(enterprises[0].id)
    return render(
        request,
        "diagnosis_choose.html",
        principal=principal,
        nav=nav,
        page=page,
        enterprises=enterprises,
        applicants={e.id for e in enterprises if reads_as_insurer(principal, e)},
    )


@router.get("/diagnosis/{enterprise_id}", response_class=HTMLResponse)
def diagnosis_page(
    request: Request, enterprise_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    page, nav = require_page(principal, "diagnosis", step=True)
    with platform.uow(principal) as uow:
        enterprise = uow.enterprises.readable(enterprise_id)
        assets = list(uow.assessment.assets(enterprise.id))
        scans = list(uow.assessment.scans(enterprise.id))
        findings = assessment.current_findings(uow, enterprise.id)
        summary = assessment.assessment_summary(uow, enterprise.id)
        dependencies = assessment.dependencies_of(uow, [enterprise.id]).get(enterprise.id, ())
    assessment.note_applicant_read(platform.uow(principal), enterprise.id, part="diagnosis")
    read_only = reads_as_insurer(principal, enterprise)
    zh = language_of(request).startswith("zh")
    running = next(
        (s for s in reversed(scans) if s.status in (ScanState.QUEUED, ScanState.RUNNING)), None
    )
    return render(
        request,
        "diagnosis.html",
        principal=principal,
        nav=nav,
        page=page,
        enterprise=enterprise,
        assets=assets,
        instructions={a.id: assessment.proof_instructions(a) for a in assets},
        trusted={a.id: assessment.trusted_ca_of(a) for a in assets},
        read_only=read_only,
        # An insurer waives in its own book only (the waiver's rule), never an applicant's.
        may_waive=assessment.may_waive(principal) and not read_only,
        now=datetime.now(UTC),
        max_reason=assessment.MAX_WAIVER_REASON,
        latest=scans[-1] if scans else None,
        running=running,
        findings=findings,
        summary=summary,
        lang=language_of(request),
        dependencies=dependencies,
        declared=[d for d in dependencies if d.source == "declared"],
        kind_names={k.code: k.zh if zh else k.en for k in assessment.dependency_kinds()},
        cloud_names={c.code: c.zh if zh else c.en for c in assessment.cloud_providers()},
        blank_rows=3,
        max_dependencies=assessment.MAX_DEPENDENCIES,
    )


@router.post("/diagnosis/{enterprise_id}/dependencies")
async def declare_dependencies(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    """依赖申报: the form's rows (a row without a kind is dropped) replace those declared."""
    form = await request.form(max_files=0, max_fields=assessment.MAX_DEPENDENCIES * 8 + 20)
    columns = ("kind", "provider", "region", "cpe", "tolerance_hours", "revenue_share")
    values = {c: [str(v) for v in form.getlist(c)] for c in columns}
    count = max((len(v) for v in values.values()), default=0)
    rows = [
        {c: values[c][i] if i < len(values[c]) else "" for c in columns}
        for i in range(count)
        if i < len(values["kind"]) and values["kind"][i].strip()
    ]

    def declare(uow: SqlUnitOfWork) -> object:
        return assessment.declare_dependencies(
            uow, enterprise_id, assessment.parse_declarations(rows)
        )

    if _act(request, platform, principal, declare, where="dependencies") is not None:
        flash(request, i18n.gettext("Dependencies saved."))
    return _back(enterprise_id, "#dependencies")


@router.get("/diagnosis/{enterprise_id}/report.pdf")
def report_pdf(
    request: Request, enterprise_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    require_page(principal, "diagnosis", step=True)
    context = report_context(platform, principal, enterprise_id, lang=language_of(request))
    return Response(
        render_report_pdf(context),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="liubu-report-{enterprise_id}.pdf"'},
    )


@router.get("/diagnosis/{enterprise_id}/report", response_class=HTMLResponse)
def report_html(
    request: Request, enterprise_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    require_page(principal, "diagnosis", step=True)
    context = report_context(platform, principal, enterprise_id, lang=language_of(request))
    return HTMLResponse(render_report_html(context))


@router.post("/diagnosis/{enterprise_id}/assets")
def declare(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    name: Annotated[str, Form()] = "",
) -> Response:
    _act(
        request,
        platform,
        principal,
        lambda uow: assessment.declare_asset(uow, enterprise_id, name),
        where="declare",
    )
    return _back(enterprise_id, "#assets")


@router.post("/diagnosis/{enterprise_id}/assets/{asset_id}/verify")
def verify(
    request: Request,
    enterprise_id: str,
    asset_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    if _act(
        request,
        platform,
        principal,
        lambda uow: assessment.verify_asset(uow, asset_id, platform.scan_policy()),
        where=f"verify-{asset_id}",
    ):
        flash(request, i18n.gettext("Control verified: this asset can now be scanned."))
    return _back(enterprise_id, "#assets")


@router.post("/diagnosis/{enterprise_id}/scans")
def start_scan(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    record = _act(
        request, platform, principal, lambda uow: assessment.request_scan(uow, enterprise_id)
    )
    if record is not None:
        platform.run_scan_later(record.id, tenant_id=record.tenant_id)
    return _back(enterprise_id, "#scan")


@router.get("/diagnosis/{enterprise_id}/scans/{scan_id}/progress", response_class=HTMLResponse)
def scan_progress(
    request: Request,
    enterprise_id: str,
    scan_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
) -> Response:
    require_page(principal, "diagnosis", step=True)
    with platform.uow(principal) as uow:
        record = uow.assessment.scan(scan_id)
    response = render(request, "diagnosis_progress.html", scan=record, enterprise_id=enterprise_id)
    if record.status in (ScanState.FINISHED, ScanState.FAILED):
        response.headers["HX-Refresh"] = "true"  # show the findings
    return response


@router.post("/diagnosis/{enterprise_id}/findings/{finding_id}/dispute")
def dispute(
    request: Request,
    enterprise_id: str,
    finding_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    kind: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
) -> Response:
    def act(uow: SqlUnitOfWork) -> Scan | None:
        return assessment.dispute_and_rescan(
            uow, finding_id, kind=kind, note=note, evidence=evidence or None
        ).rescan

    rescan = _act(request, platform, principal, act)
    if rescan is not None:  # a claimed fix is checked by scanning again
        platform.run_scan_later(rescan.id, tenant_id=rescan.tenant_id)
    return _back(enterprise_id, "#findings")


@router.post("/diagnosis/{enterprise_id}/findings/{finding_id}/waive")
def waive(
    request: Request,
    enterprise_id: str,
    finding_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    reason: Annotated[str, Form(max_length=2 * assessment.MAX_WAIVER_REASON)] = "",
) -> Response:
    """An insurer's underwriter waives a finding with a reason (豁免)."""
    if _act(
        request,
        platform,
        principal,
        lambda uow: assessment.waive_finding(uow, finding_id, reason=reason),
        where=f"finding-{finding_id}",
    ):
        flash(request, i18n.gettext("Finding waived: it costs no point in the score."))
    return _back(enterprise_id, f"#finding-{finding_id}")


@router.post("/diagnosis/{enterprise_id}/assets/{asset_id}/trusted-ca")
async def trust_ca(
    request: Request,
    enterprise_id: str,
    asset_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Trust a private CA (a PEM file of CA certificates) for this asset's TLS chains only."""
    content = await file.read(assessment.MAX_CA_BUNDLE_BYTES + 1)
    if _act(
        request,
        platform,
        principal,
        lambda uow: assessment.trust_ca(uow, asset_id, content),
        where=f"asset-{asset_id}",
    ):
        flash(request, i18n.gettext("Private CA trusted for this asset: the next scan uses it."))
    return _back(enterprise_id, "#assets")


@router.post("/diagnosis/{enterprise_id}/assets/{asset_id}/trusted-ca/remove")
def untrust_ca(
    request: Request,
    enterprise_id: str,
    asset_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    _act(
        request,
        platform,
        principal,
        lambda uow: assessment.untrust_ca(uow, asset_id),
        where=f"asset-{asset_id}",
    )
    return _back(enterprise_id, "#assets")


def _act(
    request: Request,
    platform: Platform,
    principal: Principal,
    action: Callable[[SqlUnitOfWork], T],
    *,
    where: str | None = None,
) -> T | None:
    """Run a use case (it commits itself); a refusal becomes a message on the page (beside the
    form ``where`` names), not an error page."""
    i18n.current_language.set(language_of(request))
    try:
        result = action(platform.uow(principal))
    except LiubuError as error:
        # Access control (no specific rule code) is an error page; a refusal with a rule of its
        # own (an unverified or private target, a bad dispute) is a message beside the form.
        if error.status in (401, 403, 404) and error.code == str(error.reason):
            raise
        flash(request, refusal(request, error), kind="error", where=where)
        return None
    return result
