"""Web forms: CSRF tokens are required, sign-in rotates the session, redirects stay on site."""

from __future__ import annotations

import re

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.web.i18n import translations
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_a_form_without_its_csrf_token_is_refused(api: Api, platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    api.client.get("/login")
    response = api.client.post(
        "/login",
        data={"username": tenant.username, "password": PASSWORD},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "表单已过期" in response.text
    assert api.client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_csrf_token_from_another_session_is_refused(api: Api, platform: Platform) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    foreign = _csrf(api.client.get("/login").text)
    api.client.cookies.clear()
    api.client.get("/login")
    response = api.client.post(
        "/login",
        data={"username": tenant.username, "password": PASSWORD, "csrf_token": foreign},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_sign_in_with_the_token_works_and_an_offsite_next_is_ignored(
    api: Api, platform: Platform
) -> None:
    tenant = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER)
    token = _csrf(api.client.get("/login").text)
    response = api.client.post(
        "/login",
        data={
            "username": tenant.username,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = api.client.get("/")
    assert tenant.username in home.text
    assert _csrf(home.text) != token  # a fresh session after sign-in: no fixation
    logout = api.client.post(
        "/logout", data={"csrf_token": _csrf(home.text)}, follow_redirects=False
    )
    assert logout.headers["location"] == "/login"
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_pages_carry_security_headers(api: Api) -> None:
    headers = api.client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def _signed_in(api: Api, platform: Platform, kind: OrgKind, role: Role) -> str:
    tenant = make_tenant(platform, kind, "Insurer A", role)
    token = _csrf(api.client.get("/login").text)
    api.client.post(
        "/login", data={"username": tenant.username, "password": PASSWORD, "csrf_token": token}
    )
    return _csrf(api.client.get("/").text)


def test_the_risk_form_works_without_javascript(api: Api, platform: Platform) -> None:
    csrf = _signed_in(api, platform, OrgKind.INSURER, Role.ACTUARY)
    model = (
        "scenarios:\n  - name: x\n    frequency: {poisson: 0.5}\n    components:\n"
        "      - {coverage: forensics, severity: {lognormal: {mu: 12, sigma: 1}}}\n"
    )
    page = api.client.post("/risk/run", data={"csrf_token": csrf, "model_text": model})
    assert page.status_code == 200
    assert 'data-testid="risk-mean"' in page.text
    assert "<html" in page.text  # the whole page, not a fragment
    broken = api.client.post(
        "/risk/run", data={"csrf_token": csrf, "model_text": model.replace("0.5", "-0.5")}
    )
    assert broken.status_code == 422
    assert 'data-testid="risk-error"' in broken.text
    fragment = api.client.post(
        "/risk/run", data={"csrf_token": csrf, "model_text": model}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text


def test_the_risk_page_is_refused_to_roles_outside_risk(api: Api, platform: Platform) -> None:
    csrf = _signed_in(api, platform, OrgKind.INSURER, Role.CLAIMS_ADJUSTER)
    assert api.client.get("/risk").status_code == 403
    assert api.client.post("/risk/run", data={"csrf_token": csrf}).status_code == 403


def test_a_message_made_before_the_redirect_is_in_the_readers_language(
    api: Api, platform: Platform
) -> None:
    """The handler makes its message before any render: the pages' router sets the language
    first (a handler of its own no longer has to)."""
    csrf = _signed_in(api, platform, OrgKind.INSURER, Role.UNDERWRITER)
    api.client.get("/lang/en?next=/")
    new = "a-longer-pass-phrase-2026"
    changed = api.client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
        },
    )
    assert changed.status_code == 200, changed.text
    assert "Your password was changed. Other sessions were signed out." in changed.text
    api.client.get("/lang/zh_CN?next=/")
    again = api.client.post(
        "/account/password",
        data={
            "csrf_token": _csrf(api.client.get("/account/password").text),
            "current_password": new,
            "new_password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert again.status_code == 200, again.text
    assert "Your password was changed" not in again.text
    zh = i18n_zh("Your password was changed. Other sessions were signed out.")
    assert zh in again.text


def i18n_zh(message: str) -> str:
    translated = translations("zh_CN").gettext(message)
    assert translated != message
    return translated
