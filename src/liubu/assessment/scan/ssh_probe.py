"""The SSH probe: the server's identification line (banner), then its key-exchange offer
(SSH_MSG_KEXINIT, RFC 4253 §7.1) audited against ``data/ssh_algorithms.yaml``.

Harmless: the scanner sends only its own identification line, as every client does first, reads
the server's KEXINIT and hangs up before any key exchange; nothing is authenticated.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.net import PortClosed, ProbeTimedOut, receive, send_all
from liubu.assessment.scan.services import judge_reply
from liubu.assessment.scan.settings import ServiceSpec

_FILE = "ssh_algorithms.yaml"
IDENTIFICATION = b"SSH-2.0-liubu_scan\r\n"
_KEXINIT = 20
_LISTS = (
    "kex",
    "host_keys",
    "ciphers_client_to_server",
    "ciphers_server_to_client",
    "macs_client_to_server",
    "macs_server_to_client",
    "compression_client_to_server",
    "compression_server_to_client",
    "languages_client_to_server",
    "languages_server_to_client",
)
_MAX_PACKET = 35000  # RFC 4253 §6.1: implementations must accept packets up to 35000 bytes


@dataclass(frozen=True)
class KexInit:
    """The name-lists of one SSH_MSG_KEXINIT (the server → client directions are audited)."""

    lists: dict[str, tuple[str, ...]]

    @property
    def kex(self) -> tuple[str, ...]:
        return self.lists["kex"]

    @property
    def host_keys(self) -> tuple[str, ...]:
        return self.lists["host_keys"]

    @property
    def ciphers(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                self.lists["ciphers_client_to_server"] + self.lists["ciphers_server_to_client"]
            )
        )

    @property
    def macs(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(self.lists["macs_client_to_server"] + self.lists["macs_server_to_client"])
        )


def _after_identification(data: bytes) -> tuple[bytes, bytes] | None:
    """(the identification line, what follows it); lines before ``SSH-`` are allowed
    (RFC 4253 §4.2); None until the whole line has arrived."""
    match = re.search(rb"(?:^|\r?\n)(SSH-[^\r\n]*)\r?\n", data)
    if match is None:
        return None
    return match.group(1), data[match.end() :]


def _packet_complete(rest: bytes) -> bool:
    if len(rest) < 4:
        return False
    length = int.from_bytes(rest[:4], "big")
    return length > _MAX_PACKET or len(rest) >= 4 + length


def parse_kexinit(packet: bytes) -> KexInit | None:
    """The KEXINIT in one unencrypted binary packet (RFC 4253 §6); None if it is not one."""
    if len(packet) < 6:
        return None
    length, padding = struct.unpack_from(">IB", packet)
    payload = packet[5 : 4 + length - padding]
    if not payload or payload[0] != _KEXINIT:
        return None
    at, lists = 17, {}  # message number, 16-byte cookie
    for name in _LISTS:
        if at + 4 > len(payload):
            return None
        size = struct.unpack_from(">I", payload, at)[0]
        raw = payload[at + 4 : at + 4 + size]
        if len(raw) != size:
            return None
        lists[name] = tuple(item for item in raw.decode("ascii", "replace").split(",") if item)
        at += 4 + size
    return KexInit(lists)


def grab(ctx: ProbeContext) -> tuple[bytes, bytes, ProbeTimedOut | None]:
    """(identification line, the packet after it, silence): connect, read the server's line,
    send ours, read its KEXINIT."""
    with ctx.connect() as sock:
        ctx.observe("state", "open")
        try:
            data = receive(
                sock,
                ctx.deadline(),
                ctx.limit,
                stage="banner",
                max_bytes=8192,
                done=lambda d: _after_identification(d) is not None,
            )
        except ProbeTimedOut as silence:
            return b"", b"", silence
        split = _after_identification(data)
        if split is None:
            return data, b"", None
        line, rest = split
        try:
            send_all(sock, IDENTIFICATION, ctx.deadline(), ctx.limit)
            rest += receive(
                sock,
                ctx.deadline(),
                ctx.limit,
                stage="KEXINIT",
                max_bytes=_MAX_PACKET,
                done=lambda d: _packet_complete(rest + d),
            )
        except ProbeTimedOut as silence:  # the banner stands; the audit is inconclusive
            ctx.timed_out(silence.stage, silence.limit)
        except (ConnectionResetError, BrokenPipeError):
            pass
        return line + b"\r\n", rest, None


@cache
def _policy() -> dict[str, Any]:
    return load_table(_FILE)


def audit(ctx: ProbeContext, kexinit: KexInit) -> None:
    """A finding per weak algorithm family offered, and Terrapin unless strict kex is on."""
    weak = require(_policy(), "weak", dict, filename=_FILE, where="(top)")
    offered = {
        "kex": kexinit.kex,
        "ciphers": kexinit.ciphers,
        "macs": kexinit.macs,
        "host_keys": kexinit.host_keys,
    }
    for family, names in offered.items():
        ctx.observe(f"ssh_{family}", ",".join(names))
        rule = weak[family]
        bad = [
            f"{name} ({rule['algorithms'][name]})" for name in names if name in rule["algorithms"]
        ]
        if bad:
            ctx.find(rule["finding"], f"The server offers {'; '.join(bad)} in its KEXINIT.")
    terrapin = require(_policy(), "terrapin", dict, filename=_FILE, where="(top)")
    chacha = [c for c in kexinit.ciphers if c in terrapin["vulnerable_ciphers"]]
    cbc_etm = (
        [c for c in kexinit.ciphers if c.endswith("-cbc")]
        if any(m.endswith(terrapin["etm_suffix"]) for m in kexinit.macs)
        else []
    )
    strict = terrapin["strict_kex"] in kexinit.kex
    ctx.observe("ssh_strict_kex", "yes" if strict else "no")
    if (chacha or cbc_etm) and not strict:
        modes = ", ".join([*chacha, *(f"{c} with an -etm MAC" for c in cbc_etm)])
        ctx.find(
            terrapin["finding"],
            f"The server offers {modes} without strict key exchange "
            f"({terrapin['strict_kex']} absent from its KEXINIT): CVE-2023-48795.",
        )


def probe_ssh(ctx: ProbeContext, spec: ServiceSpec) -> None:
    """Banner (confirmation, software) as any service, then the algorithm audit."""
    assert ctx.port is not None
    try:
        line, rest, silence = grab(ctx)
    except PortClosed as error:
        ctx.observe("state", f"closed ({error})")
        return
    if not judge_reply(ctx, spec, line, b"", silence):
        return
    kexinit = parse_kexinit(rest) if _packet_complete(rest) else None
    if kexinit is None:
        ctx.observe("ssh_kexinit", "not received: algorithms not audited")
        return
    audit(ctx, kexinit)
