"""Proof of control: DNS TXT token, the well-known file, and refusals."""

from __future__ import annotations

import pytest

from liubu.assessment.scan import verify_control
from liubu.errors import PermissionDeniedError, ValidationError
from tests.integration.scan.conftest import TOKEN, Site
from tests.integration.scan.dnszone import ZoneServer


def test_a_txt_record_at_the_liubu_label_proves_control(zone: ZoneServer) -> None:
    proof = verify_control("good.test", TOKEN, dns_server=zone.address, timeout=2.0)
    assert (proof.verified, proof.method, proof.where) == (True, "dns_txt", "_liubu.good.test")


def test_the_well_known_file_over_https_proves_control_of_an_address(good_site: Site) -> None:
    port = good_site.ports["https"]
    proof = verify_control(
        "127.0.0.1", TOKEN, web_ports=(("https", port),), allow_private=True, timeout=2.0
    )
    assert proof.verified
    assert proof.where == f"https://127.0.0.1:{port}/.well-known/liubu-verification.txt"


def test_a_wrong_token_proves_nothing_and_says_where_it_looked(
    zone: ZoneServer, good_site: Site
) -> None:
    proof = verify_control(
        "good.test",
        "x" * 20,
        dns_server=zone.address,
        allow_private=True,
        timeout=2.0,
        web_ports=(("http", good_site.ports["http"]),),
    )
    assert not proof.verified
    assert proof.method is None
    assert any("_liubu.good.test: token not found" in line for line in proof.attempts)
    assert any(line.endswith("token not found in the file") for line in proof.attempts)


def test_verifying_a_private_address_is_refused_without_allow_private() -> None:
    with pytest.raises(PermissionDeniedError):
        verify_control("127.0.0.1", TOKEN, web_ports=(("http", 9),), timeout=1.0)


def test_a_malformed_token_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        verify_control("good.test", "short")
    assert refused.value.field == "token"
