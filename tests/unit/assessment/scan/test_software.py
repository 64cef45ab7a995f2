"""Banners → CPE 2.3 names, checked against the brief's examples and NVD's own CPE names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from liubu.assessment.scan import cpe_name, identify
from liubu.assessment.scan.software import cpe_component, software_rules

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[5] / "shared" / "data"))
NVD_CPES = SHARED / "nvd_api2_nvd-go" / "responses" / "cpes-2023.json"


@pytest.mark.parametrize(
    ("source", "banner", "cpes"),
    [
        ("http", "Apache/2.4.49", ["cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"]),
        (
            "http",
            "Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f",
            [
                "cpe:2.3:a:apache:http_server:2.4.41:*:*:*:*:*:*:*",
                "cpe:2.3:a:openssl:openssl:1.1.1f:*:*:*:*:*:*:*",
            ],
        ),
        (
            "http",
            "nginx/1.18.0",
            [
                "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*",
                "cpe:2.3:a:nginx:nginx:1.18.0:*:*:*:*:*:*:*",
            ],
        ),
        (
            "http",
            "Microsoft-IIS/10.0",
            ["cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*"],
        ),
        ("http", "Apache-Coyote/1.1", []),  # Tomcat's connector, not Apache httpd
        ("http", "nginx", []),  # no version: nothing to match CVEs against
        (
            "ssh",
            "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5\r\n",
            ["cpe:2.3:a:openbsd:openssh:8.2:p1:*:*:*:*:*:*"],
        ),
        (
            "ftp",
            "220 ProFTPD 1.3.5a Server (Debian)",
            ["cpe:2.3:a:proftpd:proftpd:1.3.5:a:*:*:*:*:*:*"],
        ),
        ("ftp", "220 (vsFTPd 3.0.3)\r\n", ["cpe:2.3:a:beasts:vsftpd:3.0.3:*:*:*:*:*:*:*"]),
        (
            "mysql",
            "\x6e\x00\x00\x00\x0a5.5.5-10.5.8-MariaDB-1:10.5.8+maria~focal\x00",
            ["cpe:2.3:a:mariadb:mariadb:10.5.8:*:*:*:*:*:*:*"],
        ),
        (
            "mysql",
            "\x4a\x00\x00\x00\x0a8.0.36\x00",
            ["cpe:2.3:a:oracle:mysql:8.0.36:*:*:*:*:*:*:*"],
        ),
        ("memcached", "VERSION 1.6.9\r\n", ["cpe:2.3:a:memcached:memcached:1.6.9:*:*:*:*:*:*:*"]),
    ],
)
def test_banners_map_to_cpe_names(source: str, banner: str, cpes: list[str]) -> None:
    assert [cpe for cpe, _ in identify(source, banner)] == cpes


@pytest.fixture(scope="module")
def nvd_cpe_names() -> set[str]:
    """CPE names in a real NVD CPE API 2.0 response (10,000 dictionary entries, with the names
    that deprecate them)."""
    products = json.loads(NVD_CPES.read_text(encoding="utf-8"))["products"]
    names = {product["cpe"]["cpeName"] for product in products}
    for product in products:
        names |= {item["cpeName"] for item in product["cpe"].get("deprecatedBy", [])}
    return names


def test_rule_vendors_and_products_are_spelled_as_the_nvd_dictionary_spells_them(
    nvd_cpe_names: set[str],
) -> None:
    in_nvd = {":".join(name.split(":")[3:5]) for name in nvd_cpe_names}
    ours = {f"{v}:{p}" for rule in software_rules() for v, p in rule.products}
    # The sample holds these seven of ours; the others (nginx, MariaDB, ...) are outside it.
    assert ours & in_nvd == {
        "apache:http_server",
        "lighttpd:lighttpd",
        "microsoft:internet_information_services",
        "openbsd:openssh",
        "openssl:openssl",
        "oracle:mysql",
        "php:php",
    }


@pytest.mark.parametrize(
    ("source", "banner"),
    [("http", "Apache/1.3.29 (Unix)"), ("http", "lighttpd/1.4.15"), ("http", "Apache/2.0.28")],
)
def test_versioned_names_equal_the_nvd_dictionary_entries(
    nvd_cpe_names: set[str], source: str, banner: str
) -> None:
    ((cpe, _),) = identify(source, banner)
    assert cpe in nvd_cpe_names


def test_cpe_formatted_strings_quote_special_characters() -> None:
    # NISTIR 7695 §6.2.2.2: alphanumerics, "_", "-" and "." stand; others get a backslash.
    assert cpe_component("1.0(2)") == "1.0\\(2\\)"
    assert cpe_component("Beta_1-2.3") == "beta_1-2.3"
    assert cpe_component("*") == "*"
    assert cpe_name("a", "b", "1+2") == "cpe:2.3:a:a:b:1\\+2:*:*:*:*:*:*:*"
    assert len(cpe_name("a", "b", "1").split(":")) == 13
