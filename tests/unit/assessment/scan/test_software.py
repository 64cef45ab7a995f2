"""Banners → CPE 2.3 names, checked against the brief's examples and NVD's own CPE names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from liubu.assessment.scan import DebianPackage, cpe_name, debian_package, identify
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
    assert [found.cpe for found in identify(source, banner)] == cpes


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
    (found,) = identify(source, banner)
    assert found.cpe in nvd_cpe_names


def test_cpe_formatted_strings_quote_special_characters() -> None:
    # NISTIR 7695 §6.2.2.2: alphanumerics, "_", "-" and "." stand; others get a backslash.
    assert cpe_component("1.0(2)") == "1.0\\(2\\)"
    assert cpe_component("Beta_1-2.3") == "beta_1-2.3"
    assert cpe_component("*") == "*"
    assert cpe_name("a", "b", "1+2") == "cpe:2.3:a:a:b:1\\+2:*:*:*:*:*:*:*"
    assert len(cpe_name("a", "b", "1").split(":")) == 13


@pytest.mark.parametrize(
    ("source", "banner", "distribution"),
    [
        # Debian 12's OpenSSH package, revision 2+deb12u10 (upstream 9.2p1).
        ("ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n", "Debian-2+deb12u10"),
        ("ssh", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n", "Ubuntu-3ubuntu0.6"),
        ("ssh", "SSH-2.0-OpenSSH_7.4\r\n", None),  # upstream build, or a distro that hides it
        ("http", "Apache/2.4.57 (Debian)", "Debian"),
        ("http", "PHP/7.4.3-4ubuntu2.19", "4ubuntu2.19"),
        ("http", "nginx/1.18.0", None),
        ("mysql", "\x4a\x00\x00\x00\x0a5.7.33-0ubuntu0.18.04.1\x00", "5.7.33-0ubuntu0.18.04.1"),
        ("ftp", "220 ProFTPD 1.3.5a Server (Debian)", "Debian"),
    ],
)
def test_a_banner_keeps_the_distribution_package_it_names(
    source: str, banner: str, distribution: str | None
) -> None:
    assert {found.distribution for found in identify(source, banner)} == {distribution}


def test_the_debian_revision_does_not_change_the_upstream_cpe() -> None:
    (found,) = identify("ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
    assert found.cpe == "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*"


def test_redis_info_server_names_the_version() -> None:
    info = "$120\r\n# Server\r\nredis_version:7.2.4\r\nredis_git_sha1:00000000\r\n"
    assert [found.cpe for found in identify("redis", info)] == [
        "cpe:2.3:a:redis:redis:7.2.4:*:*:*:*:*:*:*"
    ]


@pytest.mark.parametrize(
    ("banner", "expected"),
    [
        # bookworm's package as `dpkg-query -W openssh-server` reports it: epoch 1, never shown
        # in the banner.
        (
            "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
            DebianPackage("openssh", "bookworm", "1:9.2p1-2+deb12u10"),
        ),
        (
            "SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2",
            DebianPackage("openssh", "buster", "1:7.9p1-10+deb10u2"),
        ),
        ("SSH-2.0-OpenSSH_9.2p1 Debian-2", None),  # no release marker: any release could ship it
        ("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6", None),  # not Debian's package
        ("SSH-2.0-OpenSSH_9.2p1 Raspbian-2+deb12u3", None),  # Raspbian's build, not Debian's
    ],
)
def test_a_debian_banner_names_the_source_package_release_and_version(
    banner: str, expected: DebianPackage | None
) -> None:
    (found,) = identify("ssh", banner)
    assert found.distribution is not None
    _, _, _, vendor, product, version, update, *_ = found.cpe.split(":")
    assert debian_package(vendor, product, version, update, found.distribution) == expected
