"""The exposed-service probe: TCP connect, then a safe banner grab (``data/services.yaml``).

Safe means: read what a server-speaks-first protocol says, or send one harmless hello that the
protocol's own clients send first (Redis ``PING``, memcached ``version``, the RDP connection
request, the SMB negotiate, the TDS pre-login, the MongoDB ``isMaster`` handshake, the
Elasticsearch root document, the PostgreSQL SSLRequest). Nothing is sent that logs in, reads
data or changes state.

A service finding rests on a confirmed protocol: the reply must match the service's
``confirms`` pattern. An open port that does not confirm it (a web server on 3389, a silent
listener) raises only ``service.unidentified``, which is informational and costs no point.
"""

from __future__ import annotations

import re

from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.net import PortClosed, ProbeTimedOut, excerpt, receive, send_all
from liubu.assessment.scan.settings import ServiceSpec
from liubu.assessment.scan.software import identify


def _matches(pattern: str | None, reply: bytes) -> bool:
    return pattern is not None and re.match(pattern, reply.decode("latin-1"), re.DOTALL) is not None


def _grab(ctx: ProbeContext, spec: ServiceSpec) -> tuple[bytes, bytes, ProbeTimedOut | None]:
    """Connect and read the banner (and the follow-up's reply when the banner calls for one);
    a silent server is remembered, not fatal (the port is open)."""
    with ctx.connect() as sock:
        ctx.observe("state", "open")
        if spec.probe == "connect":
            return b"", b"", None
        try:
            if spec.send:
                send_all(sock, spec.send, ctx.deadline(), ctx.limit)
            reply = receive(
                sock, ctx.deadline(), ctx.limit, stage="banner", max_bytes=4096, done=bool
            )
        except ProbeTimedOut as silence:
            return b"", b"", silence
        follow = spec.follow_up
        if follow is None or not _matches(follow.when, reply):
            return reply, b"", None
        try:
            send_all(sock, follow.send, ctx.deadline(), ctx.limit)
            more = receive(
                sock,
                ctx.deadline(),
                ctx.limit,
                stage="follow-up",
                max_bytes=16384,
                done=_resp_complete,
            )
        except ProbeTimedOut:
            more = b""  # the service is confirmed already; only its version stays unknown
        return reply, more, None


def _resp_complete(data: bytes) -> bool:
    """A whole RESP reply: a bulk string ``$<n>\\r\\n<n bytes>\\r\\n`` or an error line."""
    if data.startswith((b"-", b"+")):
        return data.endswith(b"\r\n")
    head = re.match(rb"\$(-?\d+)\r\n", data)
    return head is not None and len(data) >= head.end() + max(int(head[1]), 0) + 2


def _describe(
    spec: ServiceSpec, port: int, reply: bytes, silence: ProbeTimedOut | None, *, confirmed: bool
) -> str:
    said = f"replied '{excerpt(reply)}'" if reply else "sent nothing"
    if silence is not None:
        said = f"sent nothing within {silence.limit:.1f} s"
    if spec.probe == "connect":
        said = "not asked anything (no known service on this port)"
    sent = f" to '{excerpt(spec.send, 40)}'" if spec.send and reply else ""
    if confirmed:
        verdict = f"; protocol confirmed ({spec.name})"
    elif spec.name == "unknown":
        verdict = "; no protocol identified"
    else:
        verdict = f"; the reply does not confirm {spec.name}, so no {spec.name} finding is raised"
    return f"TCP port {port} ({spec.name}) accepted a connection and {said}{sent}{verdict}."


def _identify(ctx: ProbeContext, service: str, rules: str, reply: bytes, what: str) -> None:
    for found in identify(rules, reply.decode("latin-1")):
        shown = excerpt(found.matched.encode("latin-1"))
        ctx.identify(found.cpe, f"{service} {what} '{shown}'", found.distribution)


def probe_service(ctx: ProbeContext, spec: ServiceSpec) -> None:
    """Check whether ``spec``'s service answers on ``ctx.port``; raise findings if it does."""
    assert ctx.port is not None
    try:
        reply, more, silence = _grab(ctx, spec)
    except PortClosed as error:
        ctx.observe("state", f"closed ({error})")
        return
    judge_reply(ctx, spec, reply, more, silence)


def judge_reply(
    ctx: ProbeContext,
    spec: ServiceSpec,
    reply: bytes,
    more: bytes,
    silence: ProbeTimedOut | None,
) -> bool:
    """Findings and software from what the port said; True when the protocol is confirmed.
    A silence is raised again once recorded (the scanner reports it as a timeout)."""
    assert ctx.port is not None
    if reply:
        ctx.observe("banner", excerpt(reply))
    confirmed = _matches(spec.confirms, reply)
    observed = _describe(spec, ctx.port, reply, silence, confirmed=confirmed)
    if not confirmed:
        ctx.find("service.unidentified", observed)
        if silence is not None:
            raise silence
        return False
    ctx.observe("protocol", spec.name)
    if spec.finding is not None:
        ctx.find(spec.finding, observed)
    for pattern, code in spec.when_reply:
        if _matches(pattern, reply):
            ctx.find(code, observed)
    if spec.software is not None and reply:
        _identify(ctx, spec.name, spec.software, reply, "banner")
    if spec.follow_up is not None and more:
        ctx.observe("follow_up", excerpt(more))
        _identify(ctx, spec.name, spec.follow_up.software, more, "reply to the follow-up")
    return True
