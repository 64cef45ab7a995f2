"""An authoritative DNS server for test zones on 127.0.0.1, UDP, an ephemeral port (dnslib)."""

from __future__ import annotations

from collections.abc import Iterable

from dnslib import QTYPE, RCODE, RR, TXT, DNSLabel, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer


class ZoneResolver(BaseResolver):  # type: ignore[misc]
    """Answers from a fixed list of records: NXDOMAIN for unknown names, empty for missing types."""

    def __init__(self, records: Iterable[RR]) -> None:
        self.records = list(records)

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        qname, qtype = request.q.qname, request.q.qtype
        at_name = [rr for rr in self.records if DNSLabel(rr.rname) == qname]
        if not at_name:
            reply.header.rcode = RCODE.NXDOMAIN
        for rr in at_name:
            if rr.rtype == qtype or qtype == QTYPE.ANY:
                reply.add_answer(rr)
        return reply


class ZoneServer:
    """``ZoneServer(zone_text, extra_records)``; ``address`` is ``("127.0.0.1", port)``."""

    def __init__(self, zone: str, extra: Iterable[RR] = ()) -> None:
        records = RR.fromZone(zone) + list(extra)
        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data")
        self._server = DNSServer(ZoneResolver(records), address="127.0.0.1", port=0, logger=quiet)
        self.address: tuple[str, int] = ("127.0.0.1", self._server.server.server_address[1])
        self._server.start_thread()

    def stop(self) -> None:
        self._server.stop()
        self._server.server.server_close()


def txt(name: str, text: str) -> RR:
    """A TXT record, split into 255-byte strings as RFC 7208 §3.3 allows for long records."""
    data = text.encode()
    chunks = [data[i : i + 255] for i in range(0, len(data), 255)]
    return RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=60)
