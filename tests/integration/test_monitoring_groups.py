"""A supply chain's member is insured by its certificate: while the master policy is in force,
the member's verified assets are watched under the certificate's number, and an alert on them is
seen by the member and the insurer — not by the sponsor, nor by the other member."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from liubu import assessment, monitoring
from liubu.accounts.model import SYSTEM, Principal, Role
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.underwriting import groups
from tests.integration.helpers import (
    DECLARED,
    SUPPLY_CHAIN_PRODUCT,
    verified_enterprise,
)
from tests.integration.monitoring_world import insurer_staff
from tests.unit.monitoring.realdata import feodo_observation, feodo_rows, require_shared

PRODUCT = SUPPLY_CHAIN_PRODUCT
_enterprise = verified_enterprise


def _verified(platform: Platform, owner: Principal, enterprise_id: str, name: str) -> None:
    asset = assessment.declare_asset(platform.uow(owner), enterprise_id, name)
    with platform.uow(SYSTEM) as uow:
        stored = uow.assessment.asset(asset.id)
        stored.verified_at, stored.verified_by = datetime.now(UTC), "dns_txt"
        uow.commit()


def test_a_group_members_assets_are_watched_under_its_certificate(platform: Platform) -> None:
    require_shared()
    load_reference_products(platform)
    sponsor, sponsor_id, _uscc = _enterprise(platform, "Owner", 1)
    members = [_enterprise(platform, f"Supplier {i}", 10 + i) for i in range(10)]
    (member, member_id, _u), (other, _other_id, _u2) = members[:2]
    row = feodo_rows()[2]
    _verified(platform, member, member_id, row["dst_ip"])
    _verified(platform, sponsor, sponsor_id, "sponsor-example.cn")  # the sponsor is no member
    with platform.uow(sponsor) as uow:
        scheme = groups.create_scheme(
            uow, kind="supply_chain", name="示例供应链", sponsor_enterprise_id=sponsor_id,
            product_ref=PRODUCT,
        )  # fmt: skip
        groups.add_members(
            uow,
            scheme.id,
            [groups.MemberEntry(uscc=u, supplies="电子元器件", access="remote_access")
             for _p, _id, u in members],
        )  # fmt: skip
        uow.commit()
    for principal, _id, _u in members:
        with platform.uow(principal) as uow:
            waiting = [i.id for i in groups.my_invitations(uow) if i.state == "invited"]
        for invitation in waiting:
            groups.accept_invitation(platform.uow(principal), invitation)
    scores = {eid: groups.MemberScore(score=60.0, grade="C") for _p, eid, _u in members}
    with platform.uow(sponsor) as uow:
        quote = groups.quote_group(uow, scheme.id, limit=Decimal(1_000_000), scores=scores)
        master = groups.bind_group(uow, scheme.id, quote, declarations=DECLARED)
        uow.commit()
    with platform.uow(member) as uow:
        (certificate,) = uow.groups.certificates(master.id)  # its own only

    watched = monitoring.watchlist(platform.uow(SYSTEM))
    assert [(a.policy_number, a.cover, a.enterprise_id, a.value) for a in watched] == [
        (certificate.number, monitoring.Cover.CERTIFICATE, member_id, row["dst_ip"])
    ]
    assert monitoring.watchlist(platform.uow(sponsor)) == ()
    assert monitoring.watchlist(platform.uow(other)) == ()
    assert len(monitoring.watchlist(platform.uow(member))) == 1
    insurer = insurer_staff(platform, Role.UNDERWRITER, code="cankao-pc")
    assert insurer.tenant_id == master.tenant_id
    assert monitoring.watchlist(platform.uow(insurer)) == watched
    stranger = insurer_staff(platform, Role.UNDERWRITER)  # another catalogue insurer
    assert monitoring.watchlist(platform.uow(stranger)) == ()

    result = monitoring.record_observations(platform.uow(SYSTEM), [feodo_observation(row)])
    assert (result.matched, result.alerted) == (1, 1)
    (alert,) = monitoring.list_alerts(platform.uow(member))
    assert (alert.policy_id, alert.policy_number, alert.cover) == (
        certificate.id, certificate.number, "certificate",
    )  # fmt: skip
    assert [a.id for a in monitoring.list_alerts(platform.uow(insurer))] == [alert.id]
    assert monitoring.list_alerts(platform.uow(stranger)) == []
    assert monitoring.list_alerts(platform.uow(sponsor)) == []
    assert monitoring.list_alerts(platform.uow(other)) == []
