"""The SSH algorithm audit on small real servers that send an identification line and a
KEXINIT: weak key exchange, ciphers, MACs and host keys, Terrapin without strict key exchange,
end-of-life OpenSSH; a modern server raises nothing; the scanner sends only its own line."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest

from liubu.assessment.scan import ScanResult, scan
from tests.integration.scan.servers import Listener, ssh_server

# What OpenSSH 7.4 (CentOS 7) offered by default, plus the legacy algorithms of old builds.
OLD = {
    "kex": "curve25519-sha256@libssh.org,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
    "host_keys": "ssh-rsa,rsa-sha2-512,ecdsa-sha2-nistp256,ssh-dss",
    "ciphers": "chacha20-poly1305@openssh.com,aes128-ctr,aes256-cbc,3des-cbc",
    "macs": "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha1,hmac-md5",
}
# What OpenSSH 9.6 offers by default (sshd -T), strict key exchange included.
MODERN = {
    "kex": "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
    "ecdh-sha2-nistp256,diffie-hellman-group16-sha512,kex-strict-s-v00@openssh.com",
    "host_keys": "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519",
    "ciphers": "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com",
    "macs": "umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
}
# Debian 12 before 1:9.2p1-2+deb12u2 (the Terrapin fix): ChaCha20 without strict kex.
DEBIAN_BEFORE_FIX = {**MODERN, "kex": "curve25519-sha256,ecdh-sha2-nistp256"}


@pytest.fixture(scope="module")
def audited() -> Iterator[tuple[ScanResult, dict[str, int], dict[str, list[bytes]]]]:
    received: dict[str, list[bytes]] = {"old": [], "modern": [], "debian": []}
    listeners = {
        "old": Listener(ssh_server(b"SSH-2.0-OpenSSH_7.4\r\n", OLD, received["old"])),
        "modern": Listener(ssh_server(b"SSH-2.0-OpenSSH_9.6\r\n", MODERN, received["modern"])),
        "debian": Listener(
            ssh_server(
                b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1\r\n",
                DEBIAN_BEFORE_FIX,
                received["debian"],
            )
        ),
    }
    ports = {role: listener.port for role, listener in listeners.items()}
    result = scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(ports.values()),
        services=dict.fromkeys(ports.values(), "ssh"),
        allow_private=True,
        per_probe_timeout=3.0,
        deadline=20.0,
        host_interval=0.0,
    )[0]
    waited = time.monotonic() + 5.0  # each handler records once the scanner hangs up
    while any(not items for items in received.values()) and time.monotonic() < waited:
        time.sleep(0.05)
    yield result, ports, received
    for listener in listeners.values():
        listener.stop()


def _codes(result: ScanResult, port: int) -> set[str]:
    return {f.code for f in result.findings if f.evidence.port == port}


def test_an_old_server_raises_each_weak_family_terrapin_and_end_of_life(
    audited: tuple[ScanResult, dict[str, int], dict[str, list[bytes]]],
) -> None:
    result, ports, _ = audited
    assert _codes(result, ports["old"]) == {
        "ssh.weak_kex",
        "ssh.weak_cipher",
        "ssh.weak_mac",
        "ssh.weak_host_key",
        "ssh.terrapin",
        "software.end_of_life",
    }
    by_code = {f.code: f for f in result.findings if f.evidence.port == ports["old"]}
    assert "diffie-hellman-group1-sha1" in by_code["ssh.weak_kex"].evidence.observed
    assert "3des-cbc" in by_code["ssh.weak_cipher"].evidence.observed
    assert "hmac-sha1 " not in by_code["ssh.weak_mac"].evidence.observed  # HMAC-SHA1 stands
    assert "umac-64-etm@openssh.com" in by_code["ssh.weak_mac"].evidence.observed
    assert "ssh-dss" in by_code["ssh.weak_host_key"].evidence.observed
    assert "CVE-2023-48795" in by_code["ssh.terrapin"].evidence.observed
    assert "2024-06-30" in by_code["software.end_of_life"].evidence.observed


def test_a_modern_server_with_strict_key_exchange_raises_nothing(
    audited: tuple[ScanResult, dict[str, int], dict[str, list[bytes]]],
) -> None:
    result, ports, _ = audited
    assert _codes(result, ports["modern"]) == set()
    (strict,) = [
        o.value
        for o in result.observations
        if o.port == ports["modern"] and o.name == "ssh_strict_kex"
    ]
    assert strict == "yes"


def test_chacha20_without_strict_kex_is_terrapin_on_a_debian_build_too(
    audited: tuple[ScanResult, dict[str, int], dict[str, list[bytes]]],
) -> None:
    result, ports, _ = audited
    assert _codes(result, ports["debian"]) == {"ssh.terrapin"}
    (software,) = [s for s in result.software if s.evidence.port == ports["debian"]]
    assert software.distribution == "Debian-2+deb12u1"


def test_the_scanner_sends_only_its_identification_line(
    audited: tuple[ScanResult, dict[str, int], dict[str, list[bytes]]],
) -> None:
    _, _, received = audited
    assert set(received) == {"old", "modern", "debian"}
    for items in received.values():
        assert items == [b"SSH-2.0-liubu_scan\r\n"]


def test_a_server_that_never_sends_its_kexinit_leaves_the_audit_inconclusive() -> None:
    def banner_then_silence(sock: socket.socket) -> None:
        sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
        with contextlib.suppress(OSError):
            while sock.recv(4096):  # reads our line, answers nothing, until we hang up
                pass

    listener = Listener(banner_then_silence)
    try:
        result = scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[listener.port],
            services={listener.port: "ssh"},
            allow_private=True,
            per_probe_timeout=1.0,
            deadline=10.0,
            host_interval=0.0,
        )[0]
    finally:
        listener.stop()
    assert [t.stage for t in result.timeouts] == ["KEXINIT"]
    assert result.codes() == {"scan.timeout"}
    assert [s.cpe for s in result.software] == ["cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*"]
