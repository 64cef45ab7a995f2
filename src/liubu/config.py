"""Settings, read from the environment with the prefix ``LIUBU_``.

Nothing here runs at import: :func:`load_settings` is called by the composition root
(:mod:`liubu.bootstrap`), the app factory or the CLI callback.

Secrets: the signing secret (sessions, JWTs, the audit chain's HMAC) and the personal-data
encryption key. In development and test they are generated on first run into
``<data_dir>/secrets.json`` (mode 0600); with ``LIUBU_ENV=production`` a missing or known
default secret is refused.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import PositiveInt, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from liubu.errors import ConfigurationError

# Values that must never guard a production deployment.
_KNOWN_DEFAULTS = frozenset({"", "changeme", "change-me", "secret", "dev", "development", "liubu"})
_MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Every setting liubu reads. Field names map to ``LIUBU_<NAME>`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="LIUBU_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    data_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    access_token_minutes: int = 15
    # Web sessions and the login throttle (docs/security.md). A session ends after the idle
    # time without a request and at its absolute age however active.
    session_max_age_seconds: int = 8 * 3600
    session_idle_seconds: int = 30 * 60
    login_max_failures: int = 5  # per (account, address) before the first wait
    login_window_seconds: int = 15 * 60  # failures older than this are forgotten
    login_address_max_failures: int = 20  # per address across accounts (password spraying)
    login_account_alarm_failures: int = 20  # per account across addresses: tighten failed ones
    login_first_delay_seconds: int = 30  # the first wait; each further failure doubles it
    # Reverse proxies in front of liubu that append to X-Forwarded-For. 0: the header is ignored
    # and the client address is the connection's; n: the n-th address from the right is used.
    trusted_proxies: int = 0
    default_language: Literal["zh_CN", "en"] = "zh_CN"
    # Scanning (保前诊断). Private and loopback targets only for testing, never in production.
    scan_allow_private: bool = False
    scan_dns_server: str | None = None  # "host:port" of the resolver the scanner asks
    scan_verify_web_ports: str = "https:443,http:80"  # where the well-known proof file is read
    scan_deadline_seconds: float = 60.0
    # Background jobs (docs/jobs.md). The embedded default runs one worker thread inside the web
    # process; a deployment with `liubu worker` processes of its own turns that off.
    inprocess_worker: bool = True
    job_lease_seconds: float = 60.0  # a dead worker's job is resumed after at most this long
    job_poll_seconds: float = 1.0  # how often an idle worker looks for work
    # Book simulations run as jobs (docs/portfolio.md): 0 runs the blocks inside the worker's
    # process; W starts a Dask LocalCluster of W processes for each run; a scheduler address
    # ("tcp://host:8786") uses a running Dask cluster instead (its workers must see data_dir).
    portfolio_workers: int = 0
    portfolio_scheduler: str | None = None
    # Notifications (docs/notifications.md): the SMTP server e-mails go through, the webhook
    # timeout, and the site's address for links in e-mails and webhook bodies. Webhooks reach
    # only public addresses; loopback is allowed for tests only, never in production.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "liubu@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 10.0
    webhook_timeout_seconds: float = 10.0
    notify_allow_loopback: bool = False
    public_url: str = "http://127.0.0.1:8000"
    # The regulator's statistics publish no figure behind fewer insureds (docs/statistics.md).
    statistics_min_insureds: PositiveInt = 3
    # Request body caps in bytes (README "Configuration"): a declared Content-Length over the cap
    # is refused (413) before reading, a chunked body is cut off at it.
    max_body_bytes: int = 1 << 20  # JSON and urlencoded forms
    max_document_bytes: int = 4 << 20  # product documents and risk models (YAML text)
    max_upload_bytes: int = 65 << 20  # multipart uploads (experience files are up to 64 MiB)
    max_import_bytes: int = 256 << 20  # the bulk personal-policy CSV
    # /docs and /openapi.json: served unless production, where they are off unless set true.
    api_docs: bool | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def serves_api_docs(self) -> bool:
        return self.api_docs if self.api_docs is not None else not self.production

    @property
    def resolved_database_url(self) -> str:
        """The database URL; by default an SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'liubu.db').as_posix()}"

    @property
    def signing_secret(self) -> bytes:
        assert self.secret_key is not None, "load_settings() fills the secret"
        return self.secret_key.get_secret_value().encode()

    @property
    def personal_data_key(self) -> bytes:
        assert self.data_key is not None, "load_settings() fills the key"
        return base64.urlsafe_b64decode(self.data_key.get_secret_value())


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (and ``overrides``), filling or refusing secrets."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if settings.env == "production":
        _refuse_weak_secrets(settings)
        if settings.scan_allow_private:
            raise ConfigurationError(
                "LIUBU_SCAN_ALLOW_PRIVATE is for testing; it is refused when LIUBU_ENV=production."
            )
        if settings.notify_allow_loopback:
            raise ConfigurationError(
                "LIUBU_NOTIFY_ALLOW_LOOPBACK is for testing; it is refused when "
                "LIUBU_ENV=production."
            )
        return settings
    missing = settings.secret_key is None or settings.data_key is None
    if missing:
        stored = _development_secrets(settings.data_dir)
        settings = settings.model_copy(
            update={
                "secret_key": settings.secret_key or SecretStr(stored["secret_key"]),
                "data_key": settings.data_key or SecretStr(stored["data_key"]),
            }
        )
    return settings


def _refuse_weak_secrets(settings: Settings) -> None:
    for name in ("secret_key", "data_key"):
        value = getattr(settings, name)
        text = value.get_secret_value() if value is not None else ""
        if text.strip().lower() in _KNOWN_DEFAULTS or len(text) < _MIN_SECRET_LENGTH:
            raise ConfigurationError(
                f"LIUBU_{name.upper()} must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters when LIUBU_ENV=production."
            )
    try:
        if len(settings.personal_data_key) != 32:
            raise ValueError
    except ValueError as exc:
        raise ConfigurationError(
            "LIUBU_DATA_KEY must be 32 bytes encoded as URL-safe base64, e.g. from "
            "`python -c 'import os, base64; "
            "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`."
        ) from exc


def _development_secrets(data_dir: Path) -> dict[str, str]:
    """Load, or create once, the development secrets file under ``data_dir``."""
    path = data_dir / "secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return stored
    data_dir.mkdir(parents=True, exist_ok=True)
    stored = {
        "secret_key": secrets.token_urlsafe(48),
        "data_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return _development_secrets(data_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(stored, handle)
    return stored
