"""The insurer's portfolio page (组合累积): the latest finished simulation of its book — AAL ± s.e.,
the 1-in-100/200/250 losses, TVaR, the AEP and OEP curves, what drives the tail by dependency and
by event family (Euler TVaR share beside AAL share), industries and regions — the runs with their
status and progress, a form to queue a run (the insurer's own book by default, or uploaded
files) and each finished run's ORD files. Thin: the runs are ``liubu.portfolio``'s, queued through
:meth:`liubu.bootstrap.Platform.queue_portfolio_run`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from liubu import portfolio
from liubu.accounts import Principal
from liubu.bootstrap import MAX_PORTFOLIO_UPLOAD, Platform
from liubu.core import industry_sections, provinces
from liubu.errors import LiubuError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.jobs import ACTIVE
from liubu.portfolio import MAX_RUN_YEARS, PortfolioCode, PortfolioRun, RunSummary
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.charts import return_period_option, share_bars_svg
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
#: Runs listed on the page; bars drawn per chart.
LISTED = 20
BARS = 10
#: Seconds between reloads while a run is queued or running (its progress moves on the page).
REFRESH_SECONDS = 5


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    run: str | None = None,
    scenario: str | None = None,
) -> Response:
    require_page(principal, "portfolio")
    return _page(
        request,
        principal,
        platform,
        chosen=run[:64] if run else None,
        scenario=scenario[:100] if scenario else None,
    )


@router.post("/portfolio/runs", response_class=HTMLResponse)
async def queue_run(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
    source: Annotated[str, Form(max_length=16)] = "store",
    years: Annotated[str, Form(max_length=12)] = str(portfolio.DEFAULT_RUN_YEARS),
    seed: Annotated[str, Form(max_length=24)] = str(portfolio.DEFAULT_RUN_SEED),
    book: Annotated[UploadFile | None, File()] = None,
    catalogue: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Queue a run; back to the page (which shows its progress), or the page with the located
    error and nothing queued."""
    require_page(principal, "portfolio")
    i18n.current_language.set(language_of(request))
    form = {"source": source, "years": years, "seed": seed}
    try:
        book_file = await _read(book, "book")
        catalogue_file = await _read(catalogue, "catalogue")
        platform.queue_portfolio_run(
            principal,
            source=source,
            years=_whole(years, "years"),
            seed=_whole(seed, "seed"),
            book=book_file if source == "files" else None,
            catalogue=catalogue_file,
        )
    except PermissionDeniedError:
        raise
    except LiubuError as error:
        return _page(
            request,
            principal,
            platform,
            form=form,
            problem=refusal(request, error),
            status_code=422,
        )
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/portfolio/runs/{run_id}/progress", response_class=HTMLResponse)
def run_progress(
    request: Request, run_id: str, principal: WebPrincipal, platform: PlatformDep
) -> Response:
    """The run's status cell (polled while it runs); once it has ended the page reloads."""
    page, nav = require_page(principal, "portfolio")
    run = portfolio.get_run(platform.uow(principal), run_id[:64])
    response = render(
        request, "portfolio_progress.html", principal=principal, nav=nav, page=page, run=run
    )
    if run.state not in ACTIVE:
        response.headers["HX-Refresh"] = "true"
    return response


@router.get("/portfolio/runs/{run_id}/ord.zip", response_class=FileResponse)
def ord_zip(run_id: str, principal: WebPrincipal, platform: PlatformDep) -> FileResponse:
    require_page(principal, "portfolio")
    run = portfolio.get_run(platform.uow(principal), run_id[:64])
    return FileResponse(
        platform.portfolio_ord_archive(run),
        media_type="application/zip",
        filename=f"liubu-ord-{run.id[:8]}.zip",
    )


async def _read(upload: UploadFile | None, field: str) -> tuple[str, bytes] | None:
    if upload is None or not upload.filename:
        return None
    content = await upload.read(MAX_PORTFOLIO_UPLOAD + 1)
    if len(content) > MAX_PORTFOLIO_UPLOAD:
        raise ValidationError(
            i18n.gettext("The file is larger than %(size)s MiB.")
            % {"size": MAX_PORTFOLIO_UPLOAD >> 20},
            code=PortfolioCode.FILE_TOO_LARGE,
            field=field,
        )
    return upload.filename[:200], content


def _whole(text: str, field: str) -> int:
    try:
        return int(text.strip().replace(",", ""))
    except ValueError:
        raise ValidationError(
            i18n.gettext("%(field)s must be a whole number.") % {"field": field},
            code=PortfolioCode.BAD_RUN,
            field=field,
            value=text[:24],
        ) from None


def _names(zh: bool) -> dict[str, dict[str, str]]:
    return {
        "industry": {s.code: f"{s.code} {s.zh if zh else s.en}" for s in industry_sections()},
        "region": {p.region_code: p.zh if zh else p.en for p in provinces()},
    }


def _shares(summary: RunSummary, by: str) -> list[dict[str, Any]]:
    """Each part's AAL share and Euler TVaR share (at the last tail period), largest first."""
    tail = summary.tails[-1].tvar if summary.tails else 0.0
    return [
        {
            "key": c.key,
            "aal": c.aal,
            "tvar": c.tvar[-1] if c.tvar else 0.0,
            "aal_share": c.aal / summary.aal if summary.aal else 0.0,
            "tvar_share": (c.tvar[-1] / tail) if tail and c.tvar else 0.0,
        }
        for c in summary.contributions_by(by)
    ]


def results_view(summary: RunSummary, *, lang: str) -> dict[str, Any]:
    """What the page draws of a finished run: headline, curve chart, PML table, contribution
    bars (dependency, family) and tables (industry, region)."""
    zh = lang == "zh_CN"
    names = _names(zh)
    series = (
        i18n.gettext("Share of the AAL"),
        i18n.gettext("Share of the TVaR (Euler)"),
    )
    by = {kind: _shares(summary, kind) for kind in ("dependency", "family", "industry", "region")}
    bars = {
        kind: share_bars_svg(
            [(r["key"], r["aal_share"], r["tvar_share"]) for r in by[kind][:BARS]],
            series=series,
            title=title,
        )
        for kind, title in (
            ("dependency", i18n.gettext("What drives the tail: dependencies")),
            ("family", i18n.gettext("What drives the tail: event families")),
        )
        if by[kind]
    }
    curve = [(c.return_period, c.aep, c.oep) for c in summary.curve]
    return {
        "summary": summary,
        "pml": {p.return_period: p for p in summary.pml},
        "tails": {t.return_period: t for t in summary.tails},
        "by": by,
        "names": names,
        "bars": bars,
        "curve": json.dumps(return_period_option(curve, lang=lang), ensure_ascii=False)
        if curve
        else None,
    }


def _page(
    request: Request,
    principal: Principal,
    platform: Platform,
    *,
    chosen: str | None = None,
    scenario: str | None = None,
    form: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    page, nav = require_page(principal, "portfolio")
    lang = language_of(request)
    i18n.current_language.set(lang)
    runs = portfolio.list_runs(platform.uow(principal), limit=LISTED)
    shown: PortfolioRun | None = None
    if chosen is not None:
        shown = next((r for r in runs if r.id == chosen), None)
        if shown is None:
            try:
                shown = portfolio.get_run(platform.uow(principal), chosen)
            except NotFoundError:
                shown = None
    if shown is None or shown.summary is None:
        shown = next((r for r in runs if r.summary is not None), None)
    active = any(r.state in ACTIVE for r in runs)
    scenarios = portfolio.demo_scenarios()
    struck, scenario_problem = None, None
    if scenario is not None:
        try:
            struck = _scenario_view(platform, principal, scenario, lang=lang)
        except LiubuError as error:
            scenario_problem = refusal(request, error)
    return render(
        request,
        "portfolio.html",
        status_code=status_code,
        principal=principal,
        nav=nav,
        page=page,
        runs=runs,
        shown=shown,
        view=results_view(shown.summary, lang=lang) if shown and shown.summary else None,
        form=form
        or {
            "source": "store",
            "years": str(portfolio.DEFAULT_RUN_YEARS),
            "seed": str(portfolio.DEFAULT_RUN_SEED),
        },
        problem=problem,
        refresh=REFRESH_SECONDS if active and problem is None else None,
        max_years=MAX_RUN_YEARS,
        scenarios=[(s.name, s.title(lang)) for s in scenarios],
        scenario=scenario,
        struck=struck,
        scenario_problem=scenario_problem,
        max_upload_mib=MAX_PORTFOLIO_UPLOAD >> 20,
    )


def _scenario_view(
    platform: Platform, principal: Principal, name: str, *, lang: str
) -> dict[str, Any]:
    """A named scenario of the shipped library on the insurer's own book, now (deterministic:
    one fixed event, priced by the simulation's own terms)."""
    result = portfolio.own_book_scenario(
        platform.uow(principal), principal.tenant_id, name, catalogue=portfolio.demo_catalogue()
    )
    names = _names(lang == "zh_CN")
    return {
        "result": result,
        "title": result.scenario.title(lang),
        "policies": result.by_policy[:BARS],
        "industries": [(names["industry"].get(g.key, g.key), g) for g in result.by_industry[:BARS]],
    }
