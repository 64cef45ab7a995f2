"""Sessions, throttling and the password policy through a real server on 127.0.0.1, driven by a
real HTTP client. Distinct client addresses are real: the loopback network is 127.0.0.0/8, and
each client binds its own source address, which the server reads from the connection."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.browser import running_server
from tests.integration.helpers import PASSWORD, Tenant, make_tenant

NEW_PASSWORD = "a quite different phrase"


@pytest.fixture
def base(sqlite_platform: Platform) -> Iterator[str]:
    with running_server(sqlite_platform) as url:
        yield url


def _client(base: str, address: str = "127.0.0.1") -> httpx.Client:
    return httpx.Client(
        base_url=base,
        transport=httpx.HTTPTransport(local_address=address),
        follow_redirects=False,
        timeout=30,
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _web_sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    token = _csrf(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def _opens_home(base: str, cookies: httpx.Cookies, address: str = "127.0.0.1") -> bool:
    with _client(base, address) as fresh:
        fresh.cookies = cookies
        return fresh.get("/").status_code == 200


def _token(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/auth/token", data={"username": username, "password": password})


def _user(platform: Platform, name: str = "Insurer A", role: Role = Role.UNDERWRITER) -> Tenant:
    return make_tenant(platform, OrgKind.INSURER, name, role)


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_site(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as browser:
        assert _web_sign_in(browser, tenant.username).status_code == 303
        home = browser.get("/")
        assert home.status_code == 200
        saved = httpx.Cookies(browser.cookies)
        assert set(saved.keys()) >= {"liubu_sid"}
        assert _opens_home(base, saved)
        out = browser.post("/logout", data={"csrf_token": _csrf(home.text)})
        assert out.headers["location"] == "/login"
    assert not _opens_home(base, saved)


def test_the_session_cookie_is_an_opaque_http_only_token(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as browser:
        response = _web_sign_in(browser, tenant.username)
    header = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "sid" in v)
    token = header.split(";")[0].split("=", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert "httponly" in header.lower()
    assert "samesite=lax" in header.lower()
    assert tenant.principal.user_id not in header


def test_a_form_without_its_csrf_token_is_still_refused_when_signed_in(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as browser:
        _web_sign_in(browser, tenant.username)
        home = browser.get("/")
        refused = browser.post("/logout", data={}, headers={"accept": "text/html"})
        assert refused.status_code == 403
        forged = browser.post("/logout", data={"csrf_token": "0" * 64})
        assert forged.status_code == 403
        assert browser.get("/").status_code == 200  # still signed in
        with _client(base) as other:  # another session's token is refused too
            _web_sign_in(other, tenant.username)
            assert other.post("/logout", data={"csrf_token": _csrf(home.text)}).status_code == 403


def test_a_password_change_signs_out_the_other_sessions_and_keeps_this_one(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as laptop, _client(base) as phone:
        _web_sign_in(laptop, tenant.username)
        _web_sign_in(phone, tenant.username)
        jwt = _token(phone, tenant.username).json()["access_token"]
        form = laptop.get("/account/password")
        assert form.status_code == 200
        changed = laptop.post(
            "/account/password",
            data={
                "csrf_token": _csrf(form.text),
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert changed.status_code == 303, changed.text
        assert laptop.get("/").status_code == 200
        assert phone.get("/").headers["location"].startswith("/login")
        me = phone.get("/api/me", headers={"Authorization": f"Bearer {jwt}"})
        assert me.status_code == 401
        assert _token(phone, tenant.username, NEW_PASSWORD).status_code == 200


def test_the_password_form_refuses_a_common_password_in_the_page_language(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as browser:
        _web_sign_in(browser, tenant.username)
        form = browser.get("/account/password")
        refused = browser.post(
            "/account/password",
            data={
                "csrf_token": _csrf(form.text),
                "current_password": PASSWORD,
                "new_password": "qwerty123456",
                "confirm_password": "qwerty123456",
            },
        )
        assert refused.status_code == 422
        assert "常用或已泄露密码" in refused.text
        assert _token(browser, tenant.username).status_code == 200  # unchanged


def test_the_api_changes_a_password_only_with_the_current_one(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as client:
        headers = {
            "Authorization": f"Bearer {_token(client, tenant.username).json()['access_token']}"
        }
        wrong = client.post(
            "/api/me/password",
            json={"current_password": "not it at all", "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert wrong.status_code == 422
        assert wrong.json()["field"] == "current_password"
        done = client.post(
            "/api/me/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert done.status_code == 204
        assert client.get("/api/me", headers=headers).status_code == 401  # this token ended too
        assert _token(client, tenant.username, NEW_PASSWORD).status_code == 200


def test_an_admin_revokes_a_users_sessions_through_the_api(
    sqlite_platform: Platform, base: str
) -> None:
    admin = _user(sqlite_platform, "Insurer A", Role.ADMIN)
    with _client(base) as admin_client, _client(base) as browser:
        headers = {
            "Authorization": f"Bearer {_token(admin_client, admin.username).json()['access_token']}"
        }
        created = admin_client.post(
            "/api/users",
            json={"username": "uw-zhang", "password": PASSWORD, "roles": ["underwriter"]},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        _web_sign_in(browser, "uw-zhang")
        assert browser.get("/").status_code == 200
        revoked = admin_client.post(
            f"/api/users/{created.json()['id']}/sessions/revoke", json={}, headers=headers
        )
        assert revoked.status_code == 200
        assert revoked.json()["web_sessions_ended"] == 1
        assert browser.get("/").status_code == 303


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "password.too_short"),
        ("qwerty123456", "password.common"),
        ("uw-wang-password", "password.contains_username"),
    ],
)
def test_a_weak_password_is_refused_at_user_creation_with_a_located_422(
    sqlite_platform: Platform, base: str, password: str, code: str
) -> None:
    admin = _user(sqlite_platform, "Insurer A", Role.ADMIN)
    with _client(base) as client:
        headers = {
            "Authorization": f"Bearer {_token(client, admin.username).json()['access_token']}"
        }
        body = {"username": "uw-wang", "password": password, "roles": ["underwriter"]}
        refused = client.post("/api/users", json=body, headers=headers)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert (refused.json()["code"], refused.json()["field"]) == (code, "password")
        body["password"] = "tide-lamp-owl"  # 13 characters, uncommon
        assert client.post("/api/users", json=body, headers=headers).status_code == 201


def test_an_attacker_failing_elsewhere_cannot_stop_the_user_signing_in(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    # Four attacker addresses, each until refused: 20 failures put the account under attack.
    for host in ("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"):
        with _client(base, host) as attacker:
            statuses = [
                _token(attacker, tenant.username, "guess guess guess").status_code for _ in range(6)
            ]
            assert statuses == [401] * 5 + [429]
            assert _token(attacker, tenant.username).status_code == 429  # even the right one
    with _client(base, "127.0.0.2") as user:
        assert _token(user, tenant.username).status_code == 200
        assert _web_sign_in(user, tenant.username).status_code == 303
        assert user.get("/").status_code == 200


def test_spraying_many_usernames_from_one_address_is_throttled(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    budget = sqlite_platform.settings.login_address_max_failures
    with _client(base, "127.0.0.21") as sprayer:
        for n in range(budget):
            assert _token(sprayer, f"staff-{n}", "Summer2026!!").status_code == 401
        refused = _token(sprayer, "staff-next", "Summer2026!!")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 0
        assert refused.json()["reason"] == "rate_limited"
        page = _web_sign_in(sprayer, tenant.username)
        assert page.status_code == 429
        assert "登录失败次数过多" in page.text
        assert int(page.headers["retry-after"]) > 0
    with _client(base, "127.0.0.22") as user:
        assert _token(user, tenant.username).status_code == 200


def test_unknown_and_known_usernames_get_the_same_replies(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)

    def replies(username: str, host: str) -> list[tuple[int, str, str, bool]]:
        with _client(base, host) as client:
            seen = []
            for _ in range(6):
                response = _token(client, username, "not the password")
                body = response.json()
                waits = "retry-after" in response.headers
                seen.append((response.status_code, body["detail"], body["code"], waits))
            return seen

    known, unknown = replies(tenant.username, "127.0.0.31"), replies("no-such-user", "127.0.0.32")
    assert known == unknown
    assert [reply[0] for reply in known] == [401] * 5 + [429]


def test_the_sign_in_and_password_errors_speak_the_chosen_language(
    sqlite_platform: Platform, base: str
) -> None:
    tenant = _user(sqlite_platform)
    with _client(base) as browser:
        browser.get("/lang/en")
        wrong = _web_sign_in(browser, tenant.username, "not the password")
        assert wrong.status_code == 401
        assert "The username or password is wrong." in wrong.text
        _web_sign_in(browser, tenant.username)
        form = browser.get("/account/password")
        short = browser.post(
            "/account/password",
            data={
                "csrf_token": _csrf(form.text),
                "current_password": PASSWORD,
                "new_password": "qwerty123456",
                "confirm_password": "qwerty123456",
            },
        )
        assert "on the list of common or breached passwords" in short.text
