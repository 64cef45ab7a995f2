"""The outside-in scan (外部非侵入式扫描): plan probe jobs, run them bounded in time and rate,
and assemble one frozen :class:`ScanResult` per declared, verified target."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime

import dns.exception

from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.dns_probe import DnsLookup, probe_dns
from liubu.assessment.scan.end_of_life import end_of_life
from liubu.assessment.scan.findings import (
    SEVERITY_ORDER,
    Evidence,
    Finding,
    make_finding,
    utc_now,
)
from liubu.assessment.scan.http_probe import probe_http, without_https
from liubu.assessment.scan.net import Pacer, PortClosed, ProbeTimedOut, ScanClock, source_towards
from liubu.assessment.scan.result import ProbeTimeout, ScanResult, Software
from liubu.assessment.scan.services import probe_service
from liubu.assessment.scan.settings import (
    ScanSettings,
    ServiceSpec,
    default_port_map,
    service_catalogue,
)
from liubu.assessment.scan.software import distribution_caveat
from liubu.assessment.scan.ssh_probe import probe_ssh
from liubu.assessment.scan.targets import (
    Target,
    Verified,
    as_targets,
    require_public,
    require_verified,
    resolve,
)
from liubu.assessment.scan.tls_probe import probe_tls

Progress = Callable[[int, int], None]
_UNKNOWN = ServiceSpec(name="unknown", default_ports=(), probe="connect")


@dataclass
class _Job:
    """One probe on one target; ``finished`` stays None if the deadline came first."""

    ctx: ProbeContext
    action: Callable[[ProbeContext], object]
    finished: datetime | None = None


@dataclass
class _Resolved:
    addresses: list[str] = field(default_factory=list)
    timeouts: list[ProbeTimeout] = field(default_factory=list)


def _run_job(job: _Job) -> None:
    ctx = job.ctx
    try:
        job.action(ctx)
    except ProbeTimedOut as silence:
        ctx.timed_out(silence.stage, silence.limit)
    except PortClosed as error:
        ctx.observe("state", f"closed ({error})")
    except (OSError, dns.exception.DNSException) as error:  # ssl.SSLError is an OSError
        ctx.observe("error", f"{type(error).__name__}: {error}")
    job.finished = utc_now()


def _resolve_one(target: Target, settings: ScanSettings, clock: ScanClock) -> _Resolved:
    timeout = max(min(settings.per_probe_timeout, clock.remaining()), 0.001)
    try:
        return _Resolved(resolve(target, settings.dns_server, timeout=timeout))
    except TimeoutError as silence:
        stage = f"resolving the target ({silence})"
        return _Resolved(timeouts=[ProbeTimeout("dns", None, stage, timeout, utc_now())])


def _context(
    target: Target,
    settings: ScanSettings,
    clock: ScanClock,
    pacer: Pacer,
    *,
    address: str | None,
    port: int | None,
    probe: str,
) -> ProbeContext:
    if address is not None:
        source = source_towards(address)
    elif settings.dns_server is not None:
        source = source_towards(settings.dns_server[0])
    else:
        source = "system resolver"
    return ProbeContext(
        target=target.host,
        address=address,
        server_name=None if target.is_address else target.host,
        port=port,
        probe=probe,
        settings=settings,
        clock=clock,
        pacer=pacer,
        source=source,
        trusted_ca=target.trusted_ca,
    )


def _port_jobs(
    target: Target, address: str, port: int, settings: ScanSettings, clock: ScanClock, pacer: Pacer
) -> list[_Job]:
    name = settings.service_for(port)
    spec = service_catalogue().get(name, _UNKNOWN) if name else _UNKNOWN

    def job(probe: str, action: Callable[[ProbeContext], object]) -> _Job:
        ctx = _context(target, settings, clock, pacer, address=address, port=port, probe=probe)
        return _Job(ctx, action)

    if spec.probe == "tls":
        return [job("tls", probe_tls), job("https", lambda ctx: probe_http(ctx, https=True))]
    if spec.probe == "http":
        return [job("http", lambda ctx: probe_http(ctx, https=False))]
    if spec.probe == "ssh":
        return [job(f"service:{spec.name}", lambda ctx: probe_ssh(ctx, spec))]
    return [job(f"service:{spec.name}", lambda ctx: probe_service(ctx, spec))]


def _plan(
    target: Target, resolved: _Resolved, settings: ScanSettings, clock: ScanClock, pacer: Pacer
) -> list[_Job]:
    jobs = []
    if not target.is_address:
        lookup = DnsLookup(settings.dns_server, per_query=settings.per_probe_timeout, clock=clock)
        ctx = _context(target, settings, clock, pacer, address=None, port=None, probe="dns")
        jobs.append(_Job(ctx, lambda ctx: probe_dns(ctx, lookup)))
    if resolved.addresses:
        ports = target.ports if target.ports is not None else settings.ports
        for port in ports:
            jobs += _port_jobs(target, resolved.addresses[0], port, settings, clock, pacer)
    return jobs


def _interleave(plans: Iterable[Sequence[_Job]]) -> list[_Job]:
    """Jobs in round-robin order over targets, so concurrent workers reach different hosts
    rather than queueing behind one host's pacing."""
    rounds = itertools.zip_longest(*plans)
    return [job for one_round in rounds for job in one_round if job is not None]


def _run(
    pool: ThreadPoolExecutor, jobs: Sequence[_Job], clock: ScanClock, progress: Progress | None
) -> None:
    """Run every job until the deadline; jobs still running then are left unfinished."""
    pending: set[Future[None]] = {pool.submit(_run_job, job) for job in jobs}
    done_count = 0
    while pending and clock.remaining() > 0:
        done, pending = wait(pending, timeout=clock.remaining(), return_when=FIRST_COMPLETED)
        for future in done:
            future.result()  # a bug in a probe surfaces here rather than vanishing
        done_count += len(done)
        if progress is not None and done:
            progress(done_count, len(jobs))
    for future in pending:
        future.cancel()
    if progress is not None and pending:
        progress(len(jobs), len(jobs))


def _timeout_finding(target: Target, timeouts: Sequence[ProbeTimeout], source: str) -> Finding:
    described = "; ".join(
        item.probe
        + (f" on port {item.port}" if item.port is not None else "")
        + f" ({item.stage}, limit {item.limit:.1f} s)"
        for item in timeouts
    )
    observed = (
        f"{len(timeouts)} probe(s) got no answer in time: {described}. Those checks are "
        "inconclusive, not passed."
    )
    return make_finding(
        "scan.timeout",
        Evidence(
            observed=observed,
            observed_at=utc_now(),
            source=source,
            target=target.host,
            probe="scan",
        ),
    )


def _end_of_life_findings(software: Iterable[Software], at: datetime) -> list[Finding]:
    """One finding per end-of-life product and port, as sure as the version it rests on."""
    found: dict[tuple[str, int | None], Finding] = {}
    for item in software:
        if not item.versioned:
            continue
        ended = end_of_life(item.cpe, at=at)
        if ended is None or (ended.product, item.evidence.port) in found:
            continue
        caveat = None if item.distribution is None else distribution_caveat(item.distribution)
        evidence = replace(item.evidence, observed=f"{item.evidence.observed}: {ended.describe()}")
        found[(ended.product, item.evidence.port)] = make_finding(
            "software.end_of_life", evidence, confidence=item.confidence, caveat=caveat
        )
    return list(found.values())


def _https_possible(jobs: Sequence[_Job]) -> bool:
    """Whether some scanned port serves TLS, or might (its probe did not conclude)."""
    tls_jobs = [job for job in jobs if job.ctx.probe == "tls"]
    return any(
        job.finished is None
        or job.ctx.timeouts
        or any(o.name == "versions_offered" and o.value != "none" for o in job.ctx.observations)
        for job in tls_jobs
    )


def _assemble(
    target: Target,
    jobs: Sequence[_Job],
    resolved: _Resolved,
    settings: ScanSettings,
    started: datetime,
) -> ScanResult:
    findings: list[Finding] = []
    # One entry per product and port: the same version may be packaged on one port (tentative
    # CVE matches) and built from source on another (confirmed ones).
    software: dict[tuple[str, int | None], Software] = {}
    observations, timeouts = [], list(resolved.timeouts)
    for job in jobs:
        if job.finished is None:  # the worker may still be writing: read nothing from it
            timeouts.append(
                ProbeTimeout(
                    job.ctx.probe,
                    job.ctx.port,
                    "not finished by the scan deadline",
                    settings.deadline,
                    utc_now(),
                )
            )
            continue
        findings += job.ctx.findings
        observations += job.ctx.observations
        timeouts += job.ctx.timeouts
        for item in job.ctx.software:
            software.setdefault((item.cpe, item.evidence.port), item)
    findings += _end_of_life_findings(software.values(), started)
    if not _https_possible(jobs):
        findings = [without_https(finding) for finding in findings]
    if timeouts:
        source = source_towards(resolved.addresses[0]) if resolved.addresses else "unknown"
        findings.append(_timeout_finding(target, timeouts, source))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.code, f.evidence.port or 0))
    ends = [job.finished for job in jobs if job.finished is not None]
    complete = len(ends) == len(jobs)
    return ScanResult(
        target=target.host,
        addresses=tuple(resolved.addresses),
        started=started,
        finished=max(ends, default=started) if complete else utc_now(),
        findings=tuple(findings),
        software=tuple(software.values()),
        observations=tuple(observations),
        timeouts=tuple(timeouts),
        settings=settings,
    )


def scan(
    targets: Iterable[str | Target],
    *,
    verified: Verified,
    ports: Iterable[int] | None = None,
    services: Mapping[int, str] | None = None,
    dns_server: tuple[str, int] | None = None,
    dkim_selectors: Iterable[str] = (),
    allow_private: bool = False,
    deadline: float = 30.0,
    per_probe_timeout: float = 3.0,
    max_concurrency: int = 20,
    host_interval: float = 0.05,
    ca_bundle: str | None = None,
    progress: Progress | None = None,
) -> list[ScanResult]:
    """Scan declared assets from the outside, non-intrusively; one result per target.

    Refuses (``PermissionDeniedError``) before any probe if a target is not in ``verified``
    (a set of hosts, or a predicate) or is or resolves to a non-public address without
    ``allow_private``. ``ports`` defaults to every port of ``data/services.yaml`` plus those in
    ``services`` (port → service name, e.g. ``{54321: "rdp"}``). The scan returns by
    ``deadline`` seconds; each network exchange waits at most ``per_probe_timeout``; at most
    ``max_concurrency`` connections are open at once and connections to one address start at
    least ``host_interval`` apart. A probe that gets no answer is reported as ``scan.timeout``
    (inconclusive), never as a pass. ``ca_bundle`` replaces the system trust store; a
    :class:`Target`'s ``trusted_ca`` adds CA certificates for that target only.
    """
    parsed = as_targets(targets)
    chosen = dict(services or {})
    port_list = list(ports) if ports is not None else [*default_port_map(), *chosen]
    settings = ScanSettings(
        ports=tuple(dict.fromkeys(port_list)),
        services=tuple(chosen.items()),
        dns_server=(dns_server[0], dns_server[1]) if dns_server else None,
        dkim_selectors=tuple(dkim_selectors),
        allow_private=allow_private,
        deadline=deadline,
        per_probe_timeout=per_probe_timeout,
        max_concurrency=max_concurrency,
        host_interval=host_interval,
        ca_bundle=ca_bundle,
    )
    require_verified(parsed, verified)
    clock, started = ScanClock(settings.deadline), utc_now()
    pacer = Pacer(settings.host_interval, clock)
    pool = ThreadPoolExecutor(max_workers=settings.max_concurrency, thread_name_prefix="scan")
    try:
        resolved = dict(
            zip(parsed, pool.map(lambda t: _resolve_one(t, settings, clock), parsed), strict=True)
        )
        for target in parsed:
            require_public(target, resolved[target].addresses, allow_private=allow_private)
        plans = {
            target: _plan(target, resolved[target], settings, clock, pacer) for target in parsed
        }
        _run(pool, _interleave(plans.values()), clock, progress)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [
        _assemble(target, plans[target], resolved[target], settings, started) for target in parsed
    ]
