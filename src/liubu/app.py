"""The app assembly: ``create_app()`` builds the platform unless one is given, then mounts the API
(``liubu.api``) and the web pages (``liubu.web``), which know nothing of each other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.middleware.sessions import SessionMiddleware

from liubu import __version__
from liubu.api import BodyLimits, HttpGuard, install_api
from liubu.bootstrap import Platform, bootstrap
from liubu.config import Settings
from liubu.web import install_pages, server_error_page, wants_html

SWAGGER_UI = "vendor/swagger-ui-5.35.0"


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
            platform.schedule_recurring()  # escalation, service scheduling, notification retries
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
        # Off in production unless LIUBU_API_DOCS=true (README "Configuration").
        openapi_url="/openapi.json" if platform.settings.serves_api_docs else None,
    )
    app.state.platform = platform
    app.state.default_language = platform.settings.default_language

    app.add_middleware(
        SessionMiddleware,
        secret_key=platform.settings.signing_secret.decode(),
        session_cookie="liubu_session",
        max_age=platform.settings.session_max_age_seconds,
        same_site="lax",
        https_only=platform.settings.env == "production",
    )

    if platform.settings.serves_api_docs:

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{app.title} — API",
                swagger_js_url=f"/static/{SWAGGER_UI}/swagger-ui-bundle.js",
                swagger_css_url=f"/static/{SWAGGER_UI}/swagger-ui.css",
                swagger_favicon_url=f"/static/{SWAGGER_UI}/favicon-32x32.png",
                swagger_ui_parameters={"defaultModelsExpandDepth": 0, "docExpansion": "none"},
            )

    _install_guard(app, platform.settings)
    install_api(app)
    # Pages last: their area pages match /{slug} for the slugs in navigation.yaml, and their
    # error handler answers a browser with a page and everyone else with the API's problem.
    install_pages(app)
    return app


def _install_guard(app: FastAPI, settings: Settings) -> None:
    """Outermost (added last of the middlewares): request ids, security headers (HSTS in
    production), body caps and the last-resort 500 on every response."""
    app.add_middleware(
        HttpGuard,
        limits=BodyLimits(
            body=settings.max_body_bytes,
            document=settings.max_document_bytes,
            upload=settings.max_upload_bytes,
            personal_import=settings.max_import_bytes,
        ),
        hsts=settings.production,
        html_error=server_error_page,
        wants_html=wants_html,
    )
