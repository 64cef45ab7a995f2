"""`liubu users revoke-sessions` and `liubu users set-password`, run as an operator runs them."""

from __future__ import annotations

from pathlib import Path

from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from tests.e2e.cli import run_cli

NEW_PASSWORD = "operator chose this one"


def _epoch(data_dir: Path, username: str) -> int:
    platform = bootstrap(load_settings(env="development", data_dir=data_dir))
    try:
        with platform.uow() as uow:
            user = uow.users.find_by_username(username)
            assert user is not None
            return user.session_epoch
    finally:
        platform.dispose()


def test_an_operator_revokes_sessions_and_sets_a_password_from_the_command_line(
    tmp_path: Path,
) -> None:
    run_cli("demo", data_dir=tmp_path, check=True)
    before = _epoch(tmp_path, "underwriter")
    revoked = run_cli("users", "revoke-sessions", "underwriter", data_dir=tmp_path, check=True)
    assert "underwriter" in revoked.stdout
    assert _epoch(tmp_path, "underwriter") == before + 1
    weak = run_cli(
        "users",
        "set-password",
        "underwriter",
        data_dir=tmp_path,
        extra={"LIUBU_NEW_USER_PASSWORD": "12345678"},
    )
    assert weak.returncode != 0
    assert weak.stderr.startswith("error: The password must have at least 12 characters")
    run_cli(
        "users",
        "set-password",
        "underwriter",
        data_dir=tmp_path,
        extra={"LIUBU_NEW_USER_PASSWORD": NEW_PASSWORD},
        check=True,
    )
    assert _epoch(tmp_path, "underwriter") == before + 2
    missing = run_cli("users", "revoke-sessions", "nobody-here", data_dir=tmp_path)
    assert missing.returncode != 0
    assert missing.stderr.strip().count("\n") == 0
