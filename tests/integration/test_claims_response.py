"""Incident response (保后救援) on real databases: the panel, dispatch, the vendor's answer, the
timeline, evidence kept under its SHA-256, vendor costs against the sublimit, and what a vendor
may see."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from liubu import claims
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.claims import ClaimsCode, notify
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.products import load_reference_catalogue
from liubu.store import tables
from tests.integration.claims_world import SME, World, build, notice
from tests.integration.helpers import make_tenant


def _dispatched(platform: Platform) -> tuple[World, str, claims.Dispatch]:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim_id = notify(uow, notice(world.policy)).claim.id
    with platform.uow(world.adjuster) as uow:
        claims.add_to_panel(uow, world.provider.tenant_id)
    with platform.uow(world.adjuster) as uow:
        sent = claims.dispatch(uow, claim_id, vendor_tenant_id=world.provider.tenant_id)
    return world, claim_id, sent


def test_a_vendor_on_the_panel_is_dispatched_accepts_and_logs_the_response(
    platform: Platform,
) -> None:
    world, claim_id, sent = _dispatched(platform)
    with platform.uow(world.provider) as uow, pytest.raises(PermissionDeniedError) as early:
        claims.log_timeline(uow, claim_id, phase="triage", note="Looking.")
    assert early.value.code == ClaimsCode.NOT_DISPATCHED  # offered, not yet accepted
    with platform.uow(world.provider) as uow:
        accepted = claims.answer_dispatch(uow, sent.id, accept=True)
    assert accepted.state == "accepted"
    with platform.uow(world.provider) as uow, pytest.raises(ConflictError):
        claims.answer_dispatch(uow, sent.id, accept=False)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with platform.uow(world.provider) as uow:
        claims.log_timeline(uow, claim_id, phase="triage", note="Scope: 3 servers.", at=an_hour_ago)
    with platform.uow(world.provider) as uow:
        claims.log_timeline(uow, claim_id, phase="containment", note="Isolated the VLAN.")
    with platform.uow(world.provider) as uow, pytest.raises(ValidationError):
        claims.log_timeline(uow, claim_id, phase="panic", note="?")
    with platform.uow(world.insured) as uow:
        view = claims.incident_view(uow, claim_id)
    assert [(e.phase, e.actor_tenant_id) for e in view.timeline] == [
        ("triage", world.provider.tenant_id),
        ("containment", world.provider.tenant_id),
    ]
    assert [d.vendor_tenant_id for d in view.dispatches] == [world.provider.tenant_id]


def test_only_a_vendor_on_the_panel_can_be_dispatched(platform: Platform) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim_id = notify(uow, notice(world.policy)).claim.id
    with platform.uow(world.adjuster) as uow, pytest.raises(ValidationError) as refused:
        claims.dispatch(uow, claim_id, vendor_tenant_id=world.provider.tenant_id)
    assert refused.value.code == ClaimsCode.NOT_ON_PANEL


def test_a_vendor_sees_only_the_incidents_it_was_sent_to_and_no_money(
    platform: Platform,
) -> None:
    world, claim_id, sent = _dispatched(platform)
    with platform.uow(world.insured) as uow:
        other_claim = notify(uow, notice(world.policy, incident="ddos_outage")).claim.id
    with platform.uow(world.provider) as uow:
        assert [c.id for c in claims.queue(uow)] == [claim_id]
        view = claims.claim_view(uow, claim_id)
    assert view.reserves == ()
    assert view.payments == ()
    assert view.recoveries == ()
    with platform.uow(world.provider) as uow, pytest.raises(NotFoundError):
        claims.claim_view(uow, other_claim)
    with platform.uow(world.provider) as uow:
        assert uow.claims.reserve_lines(claim_id) == []
        assert uow.claims.payments(claim_id) == []
    # Another vendor, never dispatched, sees nothing at all.
    stranger = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Stranger", Role.SECURITY_ANALYST)
    with platform.uow(stranger.principal) as uow, pytest.raises(NotFoundError):
        claims.incident_view(uow, claim_id)
    # A vendor that declines loses sight of the incident.
    with platform.uow(world.provider) as uow:
        claims.answer_dispatch(uow, sent.id, accept=False)
    with platform.uow(world.provider) as uow, pytest.raises(NotFoundError):
        claims.claim_view(uow, claim_id)


def test_evidence_is_kept_encrypted_under_its_hash_and_never_changed(platform: Platform) -> None:
    world, claim_id, sent = _dispatched(platform)
    with platform.uow(world.provider) as uow:
        claims.answer_dispatch(uow, sent.id, accept=True)
    log = b"2026-12-05T03:14:00Z vpn01 login admin from 203.0.113.9\n"
    with platform.uow(world.provider) as uow:
        kept = claims.upload_evidence(
            uow, claim_id, filename="vpn.log", content_type="text/plain", content=log
        )
    assert kept.sha256 == hashlib.sha256(log).hexdigest()
    assert kept.size == len(log)
    with platform.uow(world.provider) as uow:
        again = claims.upload_evidence(
            uow, claim_id, filename="vpn.log", content_type="text/plain", content=log
        )
    assert again.id == kept.id
    with platform.uow(world.provider) as uow, pytest.raises(ConflictError) as changed:
        claims.upload_evidence(
            uow, claim_id, filename="vpn.log", content_type="text/plain", content=log + b"x"
        )
    assert changed.value.code == ClaimsCode.EVIDENCE_CHANGED
    with platform.uow(world.adjuster) as uow:
        _evidence, content = claims.download_evidence(uow, kept.id)
    assert content == log
    with platform.engine.connect() as connection:
        stored = connection.execute(
            sa.select(tables.claim_evidence.c.content_encrypted)
        ).scalar_one()
    assert b"203.0.113.9" not in stored
    with platform.uow(world.other_insurer) as uow, pytest.raises(NotFoundError):
        claims.download_evidence(uow, kept.id)


def test_vendor_costs_are_pre_approved_up_to_the_incident_response_sublimit(
    platform: Platform,
) -> None:
    world, _claim_id, sent = _dispatched(platform)
    spec = next(p for p in load_reference_catalogue() if p.product_id == SME)
    coverage = next(c for c in spec.coverages if c.code == "incident_response")
    sublimit = min(world.policy.limit, coverage.sublimit or world.policy.limit)
    with platform.uow(world.adjuster) as uow:
        first = claims.approve_vendor_costs(
            uow, sent.id, amount=sublimit - Decimal("1000.00"), note="Triage and containment."
        )
    assert first.approved_costs == sublimit - Decimal("1000.00")
    with platform.uow(world.adjuster) as uow, pytest.raises(ValidationError) as above:
        claims.approve_vendor_costs(uow, sent.id, amount=Decimal("1000.01"), note="Recovery.")
    assert above.value.code == ClaimsCode.ABOVE_IR_SUBLIMIT
    with platform.uow(world.adjuster) as uow:
        full = claims.approve_vendor_costs(uow, sent.id, amount=Decimal("1000.00"), note="Rest.")
    assert full.approved_costs == sublimit
