"""The scan refuses unverified targets and non-public addresses before sending any probe."""

from __future__ import annotations

import pytest

from liubu.assessment.scan import scan
from liubu.errors import PermissionDeniedError
from tests.integration.scan.dnszone import ZoneServer
from tests.integration.scan.servers import Listener, hold_open


def test_an_unverified_target_is_refused_and_never_contacted() -> None:
    listener = Listener(hold_open)
    try:
        with pytest.raises(PermissionDeniedError) as refused:
            scan(
                ["127.0.0.1"],
                verified=lambda host: host == "127.0.0.2",
                ports=[listener.port],
                allow_private=True,
            )
    finally:
        listener.stop()
    assert refused.value.code == "scan.unverified_target"
    assert "127.0.0.1" in refused.value.message
    assert listener.accepted_at == []


def test_a_loopback_address_is_refused_without_allow_private() -> None:
    listener = Listener(hold_open)
    try:
        with pytest.raises(PermissionDeniedError) as refused:
            scan(["127.0.0.1"], verified={"127.0.0.1"}, ports=[listener.port])
    finally:
        listener.stop()
    assert refused.value.code == "scan.private_address"
    assert "allow_private" in refused.value.message
    assert listener.accepted_at == []


def test_a_name_resolving_to_loopback_is_refused_without_allow_private(zone: ZoneServer) -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        scan(["public.test"], verified={"public.test"}, ports=[], dns_server=zone.address)
    assert refused.value.code == "scan.private_address"
    assert refused.value.detail["addresses"] == ["127.0.0.1"]
