"""Checking and showing a rule's target: the in-app audience, an e-mail address, a webhook URL
and its signing secret. Every input is bounded; the address and secret are masked for display."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from liubu.accounts import Role
from liubu.errors import PermissionDeniedError, ValidationError
from liubu.notify.reasons import NotifyCode

MAX_ADDRESS = 254  # RFC 5321's path limit
MAX_URL = 500
MIN_SECRET, MAX_SECRET = 16, 128
MAX_USERNAME = 64

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

#: Whether an address (text of an IP) may be called; bootstrap supplies the platform's outbound
#: guard (the scanner's: public addresses only, loopback too when a test allows it).
AddressAllowed = Callable[[str], bool]
#: Host → the addresses it resolves to (the webhook sender connects to a checked one).
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_audience(text: str) -> str:
    """``all``, ``role:<role>`` or ``user:<username>``."""
    value = text.strip()
    kind, _, rest = value.partition(":")
    if value == "all":
        return value
    if kind == "role" and rest in set(Role):
        return value
    if kind == "user" and 0 < len(rest) <= MAX_USERNAME and rest.isprintable() and " " not in rest:
        return value
    known = ", ".join(f"role:{role}" for role in Role)
    raise ValidationError(
        f"An in-app audience is all, role:<role> ({known}) or user:<username>; not {value[:80]!r}.",
        code=NotifyCode.BAD_AUDIENCE,
        field="target",
        value=value[:80],
    )


def check_email(text: str) -> str:
    value = text.strip()
    if len(value) > MAX_ADDRESS or not _EMAIL.match(value) or "\n" in value or "\r" in value:
        raise ValidationError(
            f"{value[:80]!r} is not an e-mail address (name@domain, at most {MAX_ADDRESS} "
            "characters).",
            code=NotifyCode.BAD_EMAIL,
            field="target",
            value=value[:80],
        )
    return value


def mask_email(address: str) -> str:
    """``a***@example.com``: the first character of the local part, the domain whole."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def check_secret(text: str) -> str:
    if not MIN_SECRET <= len(text) <= MAX_SECRET or not text.isprintable() or " " in text:
        raise ValidationError(
            f"A webhook secret has {MIN_SECRET} to {MAX_SECRET} printable characters, no spaces.",
            code=NotifyCode.BAD_SECRET,
            field="secret",
            value=len(text),
        )
    return text


def mask_secret(secret: str) -> str:
    """Only the last four characters, as a hint of which secret is set."""
    return "••••" + secret[-4:]


def check_url(text: str) -> tuple[str, str, int]:
    """An http(s) URL without credentials, bounded: returns (url, host, port)."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or len(value) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or any(c.isspace() for c in value)
    ):
        raise ValidationError(
            f"A webhook address is an http or https URL of at most {MAX_URL} characters, with "
            f"no user name or password in it; not {value[:80]!r}.",
            code=NotifyCode.BAD_URL,
            field="target",
            value=value[:80],
        )
    return value, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def checked_addresses(
    url: str, *, allowed: AddressAllowed, resolve: Resolver = system_resolver
) -> list[str]:
    """The addresses the URL's host resolves to, refused unless every one is allowed (so a
    name that also resolves to an internal address is refused, not tried)."""
    _url, host, port = check_url(url)
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise ValidationError(
            f"The webhook host {host!r} does not resolve.",
            code=NotifyCode.BAD_URL,
            field="target",
            value=host,
        )
    refused = [address for address in addresses if not allowed(address)]
    if refused:
        raise PermissionDeniedError(
            f"The webhook address {host} is or resolves to the non-public address "
            f"{', '.join(refused)} (private, loopback, link-local or reserved); liubu calls only "
            "public addresses.",
            code=NotifyCode.PRIVATE_URL,
            detail={"host": host, "addresses": refused},
        )
    return addresses
