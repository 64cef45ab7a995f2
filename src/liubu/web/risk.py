"""The actuary's risk page: upload or edit a model, see the table and the exceedance curve."""

from __future__ import annotations

import json
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from liubu.accounts import Principal
from liubu.errors import ValidationError
from liubu.risk import MAX_REQUEST_YEARS, quantify_text
from liubu.web import i18n
from liubu.web.charts import exceedance_option
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)
MAX_MODEL_BYTES = 256 * 1024


def example_model() -> str:
    return resources.files("liubu.web").joinpath("data/example_model.yaml").read_text("utf-8")


@router.get("/risk", response_class=HTMLResponse)
def risk_page(request: Request, principal: WebPrincipal) -> Response:
    page, nav = require_page(principal, "risk")
    return render(
        request,
        "risk.html",
        principal=principal,
        nav=nav,
        page=page,
        model_text=example_model(),
        max_years=MAX_REQUEST_YEARS,
    )


@router.post("/risk/run", response_class=HTMLResponse)
async def risk_run(
    request: Request,
    principal: WebPrincipal,
    _csrf: CsrfChecked,
    model_text: Annotated[str, Form()] = "",
    engine: Annotated[str, Form()] = "auto",
    years: Annotated[int, Form()] = 100_000,
    seed: Annotated[int, Form()] = 20_240_601,
    model_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    require_page(principal, "risk")
    i18n.current_language.set(language_of(request))
    text = model_text
    try:
        if model_file is not None and model_file.filename:
            raw = await model_file.read(MAX_MODEL_BYTES + 1)
            if len(raw) > MAX_MODEL_BYTES:
                raise ValidationError(i18n.gettext("The model file is larger than 256 KB."))
            text = raw.decode("utf-8")
        if not 1_000 <= years <= MAX_REQUEST_YEARS:
            raise ValidationError(
                i18n.gettext("Simulated years must be between 1,000 and 2,000,000."),
                field="years",
            )
        # CPU-bound: off the event loop so other requests keep flowing.
        result = await run_in_threadpool(quantify_text, text, engine=engine, years=years, seed=seed)
        summary = result.to_dict()
    except (ValidationError, UnicodeDecodeError) as error:
        message = refusal(request, error) if isinstance(error, ValidationError) else str(error)
        location = error.location if isinstance(error, ValidationError) else None
        return _answer(
            request,
            principal,
            "risk_error.html",
            model_text=text,
            status=422,
            message=message,
            location=location,
        )
    option = exceedance_option(summary["exceedance"], lang=language_of(request))
    return _answer(
        request,
        principal,
        "risk_result.html",
        model_text=text,
        status=200,
        summary=summary,
        chart=json.dumps(option, ensure_ascii=False),
    )


def _answer(
    request: Request,
    principal: Principal,
    partial: str,
    *,
    model_text: str,
    status: int,
    **context: Any,
) -> Response:
    """HTMX gets the fragment (always 2xx: HTMX swaps nothing else); a plain form post, as
    without JavaScript, gets the whole page with the fragment in place and the honest status."""
    if request.headers.get("HX-Request"):
        return render(request, partial, **context)
    page, nav = require_page(principal, "risk")
    return render(
        request,
        "risk.html",
        principal=principal,
        nav=nav,
        page=page,
        model_text=model_text,
        max_years=MAX_REQUEST_YEARS,
        result_partial=partial,
        status_code=status,
        **context,
    )
