"""The application factory. ``create_app()`` builds the platform unless one is given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from liubu import __version__
from liubu.api.problems import install_problem_handlers
from liubu.api.routes import (
    accounts,
    assessment,
    audit,
    auth,
    diagnosis,
    enterprises,
    experience,
    groups,
    personal,
    products,
    risk,
    statistics,
    system,
    underwriting,
)
from liubu.bootstrap import Platform, bootstrap
from liubu.config import Settings
from liubu.errors import LiubuError
from liubu.web import diagnosis as web_diagnosis
from liubu.web import experience as web_experience
from liubu.web import groups as web_groups
from liubu.web import products as web_products
from liubu.web import questionnaire as web_questionnaire
from liubu.web import risk as web_risk
from liubu.web import routes as web_routes
from liubu.web import statistics as web_statistics
from liubu.web import treatment as web_treatment
from liubu.web import underwriting as web_underwriting
from liubu.web.errors import html_error, wants_html

SWAGGER_UI = "vendor/swagger-ui-5.35.0"
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> FastAPI:
    """Build the app. The platform (engine, sessions) is made here, not at import."""
    platform = platform or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Before the server accepts requests (uvicorn binds after start-up), so no client pays
        # for parsing the products and tables; a failure here stops the start-up, loudly.
        platform.warm_up()
        # The embedded default: jobs (scans, imports) run in a worker thread of this process.
        if platform.settings.inprocess_worker:
            platform.start_worker()
        yield
        platform.dispose()

    app = FastAPI(
        title="liubu (六步) cyber insurance platform",
        version=__version__,
        description="Pre-bind diagnosis to post-incident compensation. Errors are RFC 9457 "
        "problem+json with a stable `reason` code.",
        lifespan=lifespan,
        docs_url=None,  # served below from our own static files: no CDN on closed networks
        redoc_url=None,
    )
    app.state.platform = platform
    app.state.default_language = platform.settings.default_language
    install_problem_handlers(app)
    _install_html_errors(app)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            if request.url.path.startswith("/docs") and name == "Content-Security-Policy":
                continue  # Swagger UI loads its own assets
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=platform.settings.signing_secret.decode(),
        session_cookie="liubu_session",
        max_age=platform.settings.session_max_age_seconds,
        same_site="lax",
        https_only=platform.settings.env == "production",
    )
    static = str(resources.files("liubu.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"/static/{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"/static/{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url=f"/static/{SWAGGER_UI}/favicon-32x32.png",
            swagger_ui_parameters={"defaultModelsExpandDepth": 0},
        )

    for router in (
        system.router,
        auth.router,
        accounts.router,
        enterprises.router,
        audit.router,
        risk.router,
        products.router,
        assessment.router,
        diagnosis.router,
        underwriting.router,
        groups.router,
        experience.router,
        personal.router,
        statistics.router,
    ):
        app.include_router(router)
    for page_router in (
        web_risk.router,
        web_products.router,
        web_diagnosis.router,
        web_questionnaire.router,
        web_treatment.router,
        web_underwriting.router,
        web_statistics.router,
        web_groups.router,
        web_experience.router,
    ):
        app.include_router(page_router)
    # Web pages last: its area pages match /{slug} for the slugs in navigation.yaml.
    app.include_router(web_routes.router)
    return app


def _install_html_errors(app: FastAPI) -> None:
    api_handler = app.exception_handlers[LiubuError]

    async def handler(request: Request, error: Exception) -> Response:
        if isinstance(error, LiubuError) and wants_html(request):
            return html_error(request, error)
        return await api_handler(request, error)  # type: ignore[no-any-return, misc]

    app.add_exception_handler(LiubuError, handler)
