"""The consent rule on real databases: an enterprise that asks an insurer for a quote lets that
insurer's underwriting staff READ its assessment; they change nothing of it, and every other
insurer (and the insurer before the quote) sees nothing, as if it did not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from liubu import assessment, underwriting
from liubu.accounts import AuditFilter
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.assessment import Scan, ScanState, finding_record
from liubu.assessment.scan import Evidence, make_finding
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.errors import NotFoundError
from liubu.underwriting import lifecycle
from tests.integration.helpers import PASSWORD, facts, make_tenant

SME = "shifan-pc/sme-cyber-comprehensive@2"
INSURER = "shifan-pc"  # the catalogue insurer that files SME


def _staff(platform: Platform, role: Role) -> Principal:
    """A user of the insurer that owns the SME product, with ``role``."""
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code(INSURER)
        assert organisation is not None
        user = accounts.create_user(
            uow, tenant_id=organisation.id, username=f"sf-{role}", password=PASSWORD, roles=[role]
        )
        uow.commit()
        return accounts.principal_for(user, organisation)


def _applicant(platform: Platform) -> tuple[Principal, str, str, str]:
    """An enterprise with a declared asset, a finished scan with one finding and one answer
    set; (its principal, enterprise id, asset id, finding id). No quote yet."""
    load_reference_products(platform)
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, "Applicant", Role.ENTERPRISE_USER).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(uow, facts(41))
        uow.commit()
    asset = assessment.declare_asset(platform.uow(buyer), enterprise.id, "shop.example.cn")
    with platform.uow(buyer) as uow:
        scan = Scan(
            id=f"scan-{datetime.now(UTC).timestamp()}",
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            status=ScanState.FINISHED,
            targets=["shop.example.cn"],
            settings={},
            created_at=datetime.now(UTC),
        )
        uow.assessment.add(scan)
        uow.flush()  # the scan row first: the finding refers to it
        evidence = Evidence(
            observed="Chain verification failed: unable to get local issuer certificate.",
            observed_at=datetime.now(UTC),
            source="192.0.2.10",
            target="shop.example.cn",
            port=443,
            probe="tls",
        )
        finding = finding_record(scan, make_finding("tls.untrusted_chain", evidence), None)
        uow.assessment.add(finding)
        uow.commit()
    assessment.record_answers(platform.uow(buyer), enterprise.id, {"mfa.email": "no"})
    return buyer, enterprise.id, asset.id, finding.id


def _ask_for_a_quote(platform: Platform, buyer: Principal, enterprise_id: str) -> str:
    with platform.uow(buyer) as uow:
        quotes = lifecycle.request_quotes(uow, enterprise_id, products_wanted=[SME])
        uow.commit()
    assert len(quotes) == 1
    return quotes[0].id


def _not_found(write: Callable[[Principal], object], principal: Principal) -> bool:
    try:
        write(principal)
    except NotFoundError:
        return True
    return False


def _sees_nothing(platform: Platform, who: Principal, enterprise_id: str) -> None:
    with platform.uow(who) as uow:
        with pytest.raises(NotFoundError):
            uow.enterprises.readable(enterprise_id)
        with pytest.raises(NotFoundError):
            assessment.assessment_summary(uow, enterprise_id)
        assert uow.assessment.findings(enterprise_id) == []
        assert uow.assessment.assets(enterprise_id) == []
        assert uow.assessment.answer_sets(enterprise_id) == []
        assert uow.assessment.scans(enterprise_id) == []
        assert enterprise_id not in {e.id for e in uow.enterprises.applicants()}


def test_the_quoted_insurers_underwriter_reads_the_applicants_assessment_and_no_one_else(
    platform: Platform,
) -> None:
    buyer, enterprise_id, _asset_id, finding_id = _applicant(platform)
    underwriter = _staff(platform, Role.UNDERWRITER)
    admin = _staff(platform, Role.ADMIN)
    actuary = _staff(platform, Role.ACTUARY)
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER).principal

    # Before the enterprise asks, its would-be insurer sees nothing of it.
    _sees_nothing(platform, underwriter, enterprise_id)

    quote_id = _ask_for_a_quote(platform, buyer, enterprise_id)
    with platform.uow(buyer) as uow:
        own = assessment.assessment_summary(uow, enterprise_id)
        quote = uow.underwriting.quote(quote_id)
    # The enterprise still sees its own: the one finding, scored as the quote priced it.
    assert [f["id"] for f in own["findings"]] == [finding_id]
    assert own["score"]["value"] == quote.submission.score

    for reader in (underwriter, admin):
        with platform.uow(reader) as uow:
            assert uow.enterprises.readable(enterprise_id).id == enterprise_id
            assert [e.id for e in uow.enterprises.applicants()] == [enterprise_id]
            # Its own enterprises are unchanged: the applicant is not in its book.
            assert enterprise_id not in {e.id for e in uow.enterprises.list()}
            seen = assessment.assessment_summary(uow, enterprise_id)
            assert [f.id for f in uow.assessment.findings(enterprise_id)] == [finding_id]
            assert [a.name for a in uow.assessment.assets(enterprise_id)] == ["shop.example.cn"]
            assert [s.number for s in uow.assessment.answer_sets(enterprise_id)] == [1]
            plan = underwriting.treatment_plan(uow, enterprise_id, product=None, limit="1000000")
        # What the insurer reads is what the enterprise sees, and what the quote was priced on.
        assert seen == own
        assert seen["score"]["value"] == quote.submission.score
        assert float(plan.baseline.score.value) == own["score"]["value"]

    # An insurer's actuary works on the book, not applicants; another insurer has no quote.
    for outsider in (actuary, other):
        _sees_nothing(platform, outsider, enterprise_id)


def test_the_quoted_insurer_changes_nothing_of_the_applicants_assessment(
    platform: Platform,
) -> None:
    buyer, enterprise_id, asset_id, finding_id = _applicant(platform)
    _ask_for_a_quote(platform, buyer, enterprise_id)
    underwriter = _staff(platform, Role.UNDERWRITER)
    admin = _staff(platform, Role.ADMIN)
    writes = {
        "declare an asset": lambda p: assessment.declare_asset(
            platform.uow(p), enterprise_id, "other.example.cn"
        ),
        "verify an asset": lambda p: assessment.verify_asset(
            platform.uow(p), asset_id, assessment.ScanPolicy()
        ),
        "untrust a CA": lambda p: assessment.untrust_ca(platform.uow(p), asset_id),
        "request a scan": lambda p: assessment.request_scan(platform.uow(p), enterprise_id),
        "answer": lambda p: assessment.record_answers(
            platform.uow(p), enterprise_id, {"mfa.email": "yes"}
        ),
        "dispute": lambda p: assessment.dispute_and_rescan(
            platform.uow(p), finding_id, kind="not_ours", note="Not ours."
        ),
        # Waivers keep their own rule: an insurer waives only in its own book.
        "waive": lambda p: assessment.waive_finding(
            platform.uow(p), finding_id, reason="Accepted by the applicant's insurer."
        ),
    }
    for principal in (underwriter, admin):
        # Each refused as for a stranger: 404, the same answer as for an unknown id.
        assert [what for what, write in writes.items() if not _not_found(write, principal)] == []
    with platform.uow(buyer) as uow:
        assert [a.name for a in uow.assessment.assets(enterprise_id)] == ["shop.example.cn"]
        finding = uow.assessment.finding(finding_id)
        assert finding.status == "open"
        assert [s.number for s in uow.assessment.answer_sets(enterprise_id)] == [1]
        assert [s.status for s in uow.assessment.scans(enterprise_id)] == [ScanState.FINISHED]
    # The enterprise itself still may: its dispute goes through.
    disputed = assessment.dispute_and_rescan(
        platform.uow(buyer), finding_id, kind="not_ours", note="Not ours."
    )
    assert disputed.finding.status == "not_ours"


def test_the_insurers_reading_is_in_the_enterprises_audit_log(platform: Platform) -> None:
    buyer, enterprise_id, _asset_id, _finding_id = _applicant(platform)
    underwriter = _staff(platform, Role.UNDERWRITER)
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER).principal
    with pytest.raises(NotFoundError):  # before the quote: nothing to read, nothing noted
        assessment.note_applicant_read(platform.uow(underwriter), enterprise_id, part="report")
    _ask_for_a_quote(platform, buyer, enterprise_id)

    assert assessment.note_applicant_read(platform.uow(underwriter), enterprise_id, part="report")
    # The enterprise's own reading is not an event; another insurer may not read at all.
    assert not assessment.note_applicant_read(platform.uow(buyer), enterprise_id, part="report")
    with pytest.raises(NotFoundError):
        assessment.note_applicant_read(platform.uow(other), enterprise_id, part="report")

    with platform.uow(buyer) as uow:
        events = uow.audit.search(AuditFilter(action="assessment.read_by_insurer"))
    assert [(e.actor_id, e.entity_type, e.entity_id, e.tenant_id) for e in events] == [
        (underwriter.user_id, "enterprise", enterprise_id, buyer.tenant_id)
    ]
