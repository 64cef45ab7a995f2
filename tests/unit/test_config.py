"""Settings: secrets generated once in development, refused when weak in production."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from liubu.config import load_settings
from liubu.errors import ConfigurationError


def test_development_generates_secrets_once_into_the_data_directory(tmp_path: Path) -> None:
    first = load_settings(env="development", data_dir=tmp_path)
    second = load_settings(env="development", data_dir=tmp_path)
    assert first.signing_secret == second.signing_secret
    assert len(first.personal_data_key) == 32
    mode = stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode)
    assert mode == 0o600


def test_the_default_database_is_sqlite_under_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/liubu.db"


@pytest.mark.parametrize("secret", [None, "changeme", "short"])
def test_production_refuses_missing_default_or_short_secrets(
    tmp_path: Path, secret: str | None
) -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(ConfigurationError, match="LIUBU_SECRET_KEY"):
        load_settings(env="production", data_dir=tmp_path, secret_key=secret, data_key=key)
    assert not (tmp_path / "secrets.json").exists()


def test_production_accepts_strong_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIUBU_ENV", "production")
    monkeypatch.setenv("LIUBU_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("LIUBU_DATA_KEY", base64.urlsafe_b64encode(b"d" * 32).decode())
    settings = load_settings(data_dir=tmp_path)
    assert settings.personal_data_key == b"d" * 32
