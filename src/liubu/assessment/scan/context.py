"""What one probe job sees and fills in: its target, its time bounds and its collected facts.

A context belongs to one job running in one worker thread; the scanner reads it only after the
job has finished, so it needs no lock.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field

from liubu.assessment.scan.findings import Evidence, Finding, make_finding, utc_now
from liubu.assessment.scan.net import (
    Pacer,
    ScanClock,
    open_connection,
    pinned_context,
    tls_handshake,
)
from liubu.assessment.scan.result import Observation, ProbeTimeout, Software
from liubu.assessment.scan.settings import ScanSettings


@dataclass
class ProbeContext:
    """One job: ``probe`` (dns, tls, http, https, service) on ``port`` of ``target``."""

    target: str
    address: str | None
    server_name: str | None
    port: int | None
    probe: str
    settings: ScanSettings
    clock: ScanClock
    pacer: Pacer
    source: str
    trusted_ca: str | None = None  # PEM CA certificates trusted for this target only
    findings: list[Finding] = field(default_factory=list)
    software: list[Software] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    timeouts: list[ProbeTimeout] = field(default_factory=list)

    @property
    def limit(self) -> float:
        return float(self.settings.per_probe_timeout)

    def deadline(self) -> float:
        """When the next exchange must be done by."""
        return self.clock.exchange_deadline(self.settings.per_probe_timeout)

    def evidence(self, observed: str) -> Evidence:
        return Evidence(
            observed=observed,
            observed_at=utc_now(),
            source=self.source,
            target=self.target,
            port=self.port,
            probe=self.probe,
        )

    def find(self, code: str, observed: str) -> None:
        self.findings.append(make_finding(code, self.evidence(observed)))

    def observe(self, name: str, value: str) -> None:
        self.observations.append(Observation(self.probe, self.port, name, value))

    def identify(self, cpe: str, observed: str, distribution: str | None = None) -> None:
        self.software.append(
            Software(cpe=cpe, evidence=self.evidence(observed), distribution=distribution)
        )

    def timed_out(self, stage: str, limit: float) -> None:
        self.timeouts.append(ProbeTimeout(self.probe, self.port, stage, limit, utc_now()))

    def connect(self) -> socket.socket:
        """A paced TCP connection to the target's port, its local address kept as evidence."""
        assert self.address is not None
        assert self.port is not None
        self.pacer.wait(self.address)
        sock = open_connection(self.address, self.port, self.deadline(), self.limit)
        self.source = str(sock.getsockname()[0])
        return sock

    def connect_tls(self, context: ssl.SSLContext | None = None) -> ssl.SSLSocket:
        """A paced TLS connection (by default lenient: any version, any cipher, no verification)."""
        sock = self.connect()
        return tls_handshake(
            sock, context or pinned_context(None), self.server_name, self.deadline(), self.limit
        )
