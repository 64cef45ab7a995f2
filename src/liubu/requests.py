"""What every HTTP entry point (the API and the web pages) takes from the running app: the
platform, the sign-in and session limits from its settings, and the client's address. Shared by
``liubu.api`` and ``liubu.web``, which do not import each other; ``liubu.app`` mounts both."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from liubu.accounts import SessionLimits, SignInLimits, address_key
from liubu.bootstrap import Platform


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def sign_in_limits(platform: Platform) -> SignInLimits:
    """Failed sign-ins allowed per user and the window they count in (``LIUBU_LOGIN_*``)."""
    settings = platform.settings
    return SignInLimits(
        window=timedelta(seconds=settings.login_window_seconds),
        pair_free_failures=settings.login_max_failures,
        address_free_failures=settings.login_address_max_failures,
        account_alarm_failures=settings.login_account_alarm_failures,
        first_delay=timedelta(seconds=settings.login_first_delay_seconds),
    )


def session_limits(platform: Platform) -> SessionLimits:
    """Idle and absolute web-session timeouts (``LIUBU_SESSION_*``)."""
    settings = platform.settings
    return SessionLimits(
        idle=timedelta(seconds=settings.session_idle_seconds),
        absolute=timedelta(seconds=settings.session_max_age_seconds),
    )


def client_address(request: Request, platform: Platform) -> str:
    """The caller's address for the login throttle: the connection's peer (ASGI scope), or, only
    when ``LIUBU_TRUSTED_PROXIES`` says proxies append to X-Forwarded-For, the address the
    outermost trusted proxy saw. A client-sent header is never believed otherwise."""
    peer = request.client.host if request.client else None
    hops = platform.settings.trusted_proxies
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.headers.get("x-forwarded-for", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            peer = forwarded[-hops]
    return address_key(peer)
