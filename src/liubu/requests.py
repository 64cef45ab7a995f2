"""What every HTTP entry point (the API and the web pages) takes from the running app: the
platform, and the sign-in limits from its settings. Shared by ``liubu.api`` and ``liubu.web``,
which do not import each other; ``liubu.app`` mounts both."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from liubu.accounts import SignInLimits
from liubu.bootstrap import Platform


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def sign_in_limits(platform: Platform) -> SignInLimits:
    """Failed sign-ins allowed per user and the window they count in (``LIUBU_LOGIN_*``)."""
    settings = platform.settings
    return SignInLimits(
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_window_seconds),
    )
