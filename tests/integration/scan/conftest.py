"""Real loopback servers for the scanner: a DNS zone (dnslib), TLS and HTTP servers with and
without the weaknesses, RDP-like, Redis-like, Telnet-like and MySQL-like listeners."""

from __future__ import annotations

import base64
import datetime as dt
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.scan import pki
from tests.integration.scan.dnszone import ZoneServer, txt
from tests.integration.scan.servers import (
    Listener,
    Page,
    banner_handler,
    http_handler,
    rdp_handler,
    redis_handler,
    server_context,
    tls_handler,
)

TOKEN = "a1B2c3D4e5F6g7H8i9J0"
GOOD_HEADERS = (
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
# A MySQL 5.7 initial handshake packet head: length 0x4a, sequence 0, protocol 10, version.
MYSQL_GREETING = b"\x4a\x00\x00\x00\x0a5.7.33-0ubuntu0.18.04.1\x00\x08\x00\x00\x00"
ZONE = f"""
bad.test.              60 IN A     127.0.0.1
bad.test.              60 IN TXT   "v=spf1 ip4:192.0.2.1 +all"
_dmarc.bad.test.       60 IN TXT   "v=DMARC1; p=none; rua=mailto:dmarc@bad.test"
good.test.             60 IN A     127.0.0.1
good.test.             60 IN MX    10 mail.good.test.
good.test.             60 IN NS    ns1.good.test.
good.test.             60 IN CAA   0 issue "letsencrypt.org"
good.test.             60 IN TXT   "v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all"
_spf.good.test.        60 IN TXT   "v=spf1 ip4:198.51.100.0/24 -all"
_dmarc.good.test.      60 IN TXT   "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"
_liubu.good.test.      60 IN TXT   "liubu-verification={TOKEN}"
nomail.test.           60 IN A     127.0.0.1
soft.test.             60 IN TXT   "v=spf1 ?all"
eleven.test.           60 IN TXT   "v=spf1 a mx include:_s1.eleven.test -all"
_s1.eleven.test.       60 IN TXT   "v=spf1 include:_s2.eleven.test include:_s3.eleven.test a mx"
_s2.eleven.test.       60 IN TXT   "v=spf1 exists:%{{i}}.x.eleven.test a -all"
_s3.eleven.test.       60 IN TXT   "v=spf1 include:_s4.eleven.test -all"
_s4.eleven.test.       60 IN TXT   "v=spf1 mx -all"
ten.test.              60 IN TXT   "v=spf1 a mx include:_s1.ten.test -all"
_s1.ten.test.          60 IN TXT   "v=spf1 include:_s2.ten.test include:_s3.ten.test a mx"
_s2.ten.test.          60 IN TXT   "v=spf1 exists:%{{i}}.x.ten.test a -all"
_s3.ten.test.          60 IN TXT   "v=spf1 include:_s4.ten.test -all"
_s4.ten.test.          60 IN TXT   "v=spf1 ip4:203.0.113.0/24 -all"
public.test.           60 IN A     127.0.0.1
"""


def dkim_record(bits: int) -> str:
    """A DKIM key record for an RSA public key of ``bits`` (any odd modulus will do for DNS)."""
    if bits >= 1024:
        public = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    else:
        public = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) | 0xF1).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()


@pytest.fixture(scope="package")
def zone() -> Iterator[ZoneServer]:
    extra = [
        txt("sel1._domainkey.good.test", dkim_record(2048)),
        txt("weak._domainkey.good.test", dkim_record(512)),
    ]
    server = ZoneServer(ZONE, extra)
    yield server
    server.stop()


@dataclass(frozen=True)
class Certificates:
    ca: pki.Issued
    good: pki.Issued
    expiring: pki.Issued
    stranger: pki.Issued
    legacy: pki.Issued


@pytest.fixture(scope="package")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    directory: Path = tmp_path_factory.mktemp("pki")
    ca = pki.certificate_authority(directory)
    other_ca = pki.certificate_authority(directory, "an unknown CA", stem="other-ca")
    return Certificates(
        ca=ca,
        good=pki.issue(directory, ca, ["good.test", "127.0.0.1"]),
        expiring=pki.issue(directory, ca, ["bad.test"], days=10, stem="expiring"),
        stranger=pki.issue(directory, other_ca, ["bad.test"], stem="stranger"),
        legacy=pki.self_signed(directory, "expired.test", key_bits=1024),
    )


@dataclass(frozen=True)
class Site:
    """Listeners of one test site, by role."""

    ports: dict[str, int]

    @property
    def services(self) -> dict[int, str]:
        kinds = {
            "https": "https",
            "http": "http",
            "rdp": "rdp",
            "redis": "redis",
            "telnet": "telnet",
            "mysql": "mysql",
        }
        return {port: kinds[role.split("_")[0]] for role, port in self.ports.items()}


def _start(listeners: dict[str, Listener]) -> Site:
    return Site({role: listener.port for role, listener in listeners.items()})


@pytest.fixture(scope="package")
def bad_site(certificates: Certificates) -> Iterator[Site]:
    legacy = server_context(
        certificates.legacy.cert_file, certificates.legacy.key_file, minimum=ssl.TLSVersion.TLSv1
    )
    weak_page = Page(headers=(("Server", "Apache/2.4.49 (Unix) OpenSSL/1.0.2k"),))
    plain_page = Page(headers=(("Server", "nginx/1.18.0"), ("X-Powered-By", "PHP/7.4.3")))
    listeners = {
        "https": Listener(tls_handler(legacy, http_handler({}, weak_page))),
        "https_stranger": Listener(
            tls_handler(
                server_context(certificates.stranger.cert_file, certificates.stranger.key_file),
                http_handler({}, Page(headers=GOOD_HEADERS)),
            )
        ),
        "https_expiring": Listener(
            tls_handler(
                server_context(certificates.expiring.cert_file, certificates.expiring.key_file),
                http_handler({}, Page(headers=GOOD_HEADERS)),
            )
        ),
        "http": Listener(http_handler({}, plain_page)),
        "rdp": Listener(rdp_handler),
        "redis": Listener(redis_handler(b"+PONG\r\n")),
        "redis_auth": Listener(redis_handler(b"-NOAUTH Authentication required.\r\n")),
        "telnet": Listener(banner_handler(b"\xff\xfd\x18\xff\xfd\x20Ubuntu 18.04\r\nlogin: ")),
        "mysql": Listener(banner_handler(MYSQL_GREETING)),
    }
    yield _start(listeners)
    for listener in listeners.values():
        listener.stop()


@pytest.fixture(scope="package")
def good_site(certificates: Certificates) -> Iterator[Site]:
    context = server_context(certificates.good.cert_file, certificates.good.key_file)
    well_known = {"/.well-known/liubu-verification.txt": Page(body=TOKEN.encode() + b"\n")}
    listeners = {
        "https": Listener(
            tls_handler(context, http_handler(well_known, Page(headers=GOOD_HEADERS)))
        ),
        "http": Listener(
            http_handler(
                well_known,
                Page(status=301, headers=(("Location", "https://good.test/"),), body=b""),
            )
        ),
    }
    yield _start(listeners)
    for listener in listeners.values():
        listener.stop()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
