"""An in-memory unit of work for the group use cases: tenant-scoped like the store, and
transactional — changes live in a copy of the committed state that only ``commit`` keeps, so a
use case that fails half-way leaves nothing behind."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import Any, Self

import yaml

from liubu.accounts.model import Enterprise, OrgKind, Principal, Role, new_id
from liubu.assessment.answers import AnswerSet
from liubu.assessment.questionnaire import load_questionnaire
from liubu.assessment.records import AnswerSetRecord, FindingRecord, Scan, ScanState
from liubu.assessment.scan import Evidence, make_finding
from liubu.core import uscc_with_check
from liubu.errors import NotFoundError
from liubu.products.registry import ProductRecord
from liubu.products.validation import parse_product
from liubu.underwriting import Declarations, groups
from liubu.underwriting.group_records import (
    Certificate,
    GroupMember,
    GroupPolicy,
    GroupScheme,
    RegisteredEnterprise,
)

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def principal(tenant_id: str, *, kind: OrgKind = OrgKind.ENTERPRISE) -> Principal:
    role = Role.ENTERPRISE_USER if kind is OrgKind.ENTERPRISE else Role.ADMIN
    return Principal("u-" + tenant_id, "user-" + tenant_id, tenant_id, kind, frozenset({role}))


@dataclass
class State:
    enterprises: list[Enterprise] = field(default_factory=list)
    products: list[ProductRecord] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    answer_sets: list[AnswerSetRecord] = field(default_factory=list)
    schemes: list[GroupScheme] = field(default_factory=list)
    members: list[GroupMember] = field(default_factory=list)
    masters: list[GroupPolicy] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


class Database:
    """The committed state, and helpers that write it directly (test set-up)."""

    def __init__(self) -> None:
        self.state = State()
        self._serial = 0

    def enterprise(
        self, name: str, *, tenant_id: str | None = None, section: str = "C", revenue: int
    ) -> Enterprise:
        self._serial += 1
        record = Enterprise(
            id=new_id(),
            tenant_id=tenant_id or "t-" + new_id()[:8],
            name=name,
            uscc=uscc_with_check(f"91310000MA1K{self._serial:05d}").code,
            industry_section=section,
            industry_division="39",
            region_code="310000",
            annual_revenue=Decimal(revenue),
            employees=100,
            mlps_level=2,
            critical_infrastructure=False,
            created_at=NOW,
            # Each fake enterprise holds its code and is verified, as the demo's suppliers are.
            identity_holder=True,
            verified_at=NOW,
        )
        self.state.enterprises.append(record)
        return record

    def product(self, document: str, *, insurer_tenant: str) -> ProductRecord:
        spec = parse_product(document)
        record = ProductRecord(
            id=new_id(),
            tenant_id=insurer_tenant,
            product_ref=spec.product_id,
            insurer=spec.insurer,
            code=spec.code,
            product_version=spec.version,
            product_type=spec.product_type,
            name_zh=spec.name.zh,
            name_en=spec.name.en,
            status=spec.status,
            filing_number=None,
            effective_from=spec.effective_from,
            effective_to=spec.effective_to,
            document=document,
            fingerprint="-",
            created_at=NOW,
            updated_at=NOW,
        )
        self.state.products.append(record)
        return record

    def scan(self, enterprise: Enterprise, codes: Sequence[str], *, finished: bool = True) -> None:
        """A scan of the enterprise that saw ``codes`` (one finding each)."""
        scan = Scan(
            id=new_id(),
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            status=ScanState.FINISHED if finished else ScanState.FAILED,
            targets=["example.cn"],
            settings={},
            created_at=NOW,
        )
        self.state.scans.append(scan)
        for code in codes:
            seen = make_finding(code, Evidence("seen", NOW - timedelta(hours=1), "test", "host"))
            self.state.findings.append(
                FindingRecord(
                    id=new_id(),
                    tenant_id=enterprise.tenant_id,
                    enterprise_id=enterprise.id,
                    scan_id=scan.id,
                    code=code,
                    severity=str(seen.severity),
                    factor=str(seen.factor),
                    asset="host",
                    status="open",
                    detail={"evidence": asdict(seen.evidence)},
                    created_at=NOW,
                    updated_at=NOW,
                )
            )

    def best_answers(self, enterprise: Enterprise) -> None:
        """Every control declared at its best, every context question "yes"."""
        scored = yaml.safe_load(
            (resources.files("liubu.assessment") / "data" / "score_model.yaml").read_text("utf-8")
        )["questions"]
        best = {"eol.software": "none", "edr.coverage": "edr_all", "log.monitoring": "always"}
        values: dict[str, Any] = {}
        for question in load_questionnaire().questions:
            if question.id.startswith("ctx."):
                values[question.id] = "yes"
            elif "bands" in scored[question.id]:
                values[question.id] = 0
            else:
                values[question.id] = best.get(question.id, "yes")
        answered = AnswerSet.of(values, answered_at=NOW, version=1)
        self.state.answer_sets.append(
            AnswerSetRecord(
                id=new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=enterprise.id,
                number=1,
                answers=answered.to_dict()["answers"],
                answered_at=NOW,
                answered_by="test",
            )
        )

    def uow(self, who: Principal, *, fail_on: Callable[[object], bool] | None = None) -> FakeUoW:
        return FakeUoW(self, who, fail_on=fail_on)


def _visible(who: Principal, *tenants: str) -> bool:
    return who.is_platform or who.tenant_id in tenants


class _Enterprises:
    """The caller's enterprises (what the group use cases read of them)."""

    def __init__(self, state: State, who: Principal) -> None:
        self.state, self.who = state, who

    def get(self, enterprise_id: str) -> Enterprise:
        for e in self.list():
            if e.id == enterprise_id:
                return e
        raise NotFoundError(f"No enterprise with id {enterprise_id!r} is visible to you.")

    def list(self) -> Sequence[Enterprise]:
        return [e for e in self.state.enterprises if _visible(self.who, e.tenant_id)]

    def find_by_uscc(self, uscc: str) -> Enterprise | None:
        return next((e for e in self.list() if e.uscc == uscc), None)

    def readable(self, enterprise_id: str) -> Enterprise:
        return self.get(enterprise_id)  # the consent rule is the SQL store's (tested there)

    def applicants(self) -> Sequence[Enterprise]:
        return []


class _Products:
    """Product records, as ``liubu.products.service.find_product`` reads them."""

    def __init__(self, state: State) -> None:
        self.state = state

    def get(self, record_id: str) -> ProductRecord:
        return next(p for p in self.state.products if p.id == record_id)

    def find_by_ref(self, product_ref: str) -> ProductRecord | None:
        return next((p for p in self.state.products if p.product_ref == product_ref), None)


class _Assessment:
    """Scans, findings and answers of the caller's enterprises and of its schemes' members."""

    def __init__(self, state: State, who: Principal) -> None:
        self.state, self.who = state, who

    def _sees(self, enterprise_id: str, tenant_id: str) -> bool:
        sponsored = {s.id for s in self.state.schemes if s.tenant_id == self.who.tenant_id}
        member = any(
            m.scheme_id in sponsored and m.enterprise_id == enterprise_id and m.state == "accepted"
            for m in self.state.members
        )
        return member or _visible(self.who, tenant_id)

    def _of(self, records: Sequence[Any], enterprise_id: str) -> list[Any]:
        return [
            r
            for r in records
            if r.enterprise_id == enterprise_id and self._sees(enterprise_id, r.tenant_id)
        ]

    def scans(self, enterprise_id: str) -> Sequence[Scan]:
        return self._of(self.state.scans, enterprise_id)

    def findings(self, enterprise_id: str) -> Sequence[FindingRecord]:
        return self._of(self.state.findings, enterprise_id)

    def answer_sets(self, enterprise_id: str) -> Sequence[AnswerSetRecord]:
        return self._of(self.state.answer_sets, enterprise_id)

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"the fake assessment repository has no {name}")


class _Groups:
    def __init__(self, state: State, who: Principal, fail_on: Callable[[object], bool] | None):
        self.state, self.who, self.fail_on = state, who, fail_on

    def add(self, item: object) -> None:
        if self.fail_on is not None and self.fail_on(item):
            raise OSError("disk full")
        lists: dict[type, list[Any]] = {
            GroupScheme: self.state.schemes,
            GroupMember: self.state.members,
            GroupPolicy: self.state.masters,
            Certificate: self.state.certificates,
        }
        lists[type(item)].append(item)

    def remove(self, member: GroupMember) -> None:
        self.state.members.remove(member)

    def links(self, scheme_id: str) -> Sequence[Any]:
        return []  # the fake declares no supplier-of-supplier links

    def scheme(self, scheme_id: str) -> GroupScheme:
        for s in self.schemes():
            if s.id == scheme_id:
                return s
        raise NotFoundError(f"No scheme with id {scheme_id!r} is visible to you.")

    def schemes(self) -> Sequence[GroupScheme]:
        return [s for s in self.state.schemes if _visible(self.who, s.tenant_id)]

    def members(self, scheme_id: str) -> Sequence[GroupMember]:
        return [
            m
            for m in self.state.members
            if m.scheme_id == scheme_id and _visible(self.who, m.tenant_id)
        ]

    def master_policy(self, policy_id: str) -> GroupPolicy:
        for p in self.state.masters:
            if p.id == policy_id and _visible(self.who, p.tenant_id, p.client_tenant_id):
                return p
        raise NotFoundError(f"No master policy with id {policy_id!r} is visible to you.")

    def master_policies(self, scheme_id: str) -> Sequence[GroupPolicy]:
        return [
            p
            for p in self.state.masters
            if p.scheme_id == scheme_id and _visible(self.who, p.tenant_id, p.client_tenant_id)
        ]

    def certificates(self, master_id: str) -> Sequence[Certificate]:
        found = [
            c
            for c in self.state.certificates
            if c.master_id == master_id
            and _visible(self.who, c.tenant_id, c.client_tenant_id, c.member_tenant_id)
        ]
        return sorted(found, key=lambda c: c.number)

    def find_registered_enterprise(self, enterprise_id: str) -> RegisteredEnterprise | None:
        for e in self.state.enterprises:
            if e.id == enterprise_id:
                return RegisteredEnterprise.of(e)
        return None

    def invitations(self, usccs: Sequence[str]) -> Sequence[GroupMember]:
        return [m for m in self.state.members if m.uscc in usccs]

    def invited_scheme(self, member: GroupMember) -> tuple[GroupScheme, str]:
        scheme = next(s for s in self.state.schemes if s.id == member.scheme_id)
        sponsor = next(e for e in self.state.enterprises if e.id == scheme.sponsor_enterprise_id)
        return scheme, sponsor.name


class FakeUoW:
    """Implements :class:`liubu.underwriting.group_records.GroupUnitOfWork` in memory."""

    def __init__(
        self, db: Database, who: Principal, *, fail_on: Callable[[object], bool] | None = None
    ) -> None:
        self.db, self._principal, self.fail_on = db, who, fail_on
        self.committed = False
        self.commits = 0
        self._depth = 0
        self._begin()

    def _begin(self) -> None:
        self.working = copy.deepcopy(self.db.state)
        self.enterprises = _Enterprises(self.working, self._principal)
        self.products = _Products(self.working)
        self.assessment = _Assessment(self.working, self._principal)
        self.groups = _Groups(self.working, self._principal, self.fail_on)

    @property
    def principal(self) -> Principal:
        return self._principal

    def __enter__(self) -> Self:
        # A use case enters the unit of work its caller may already have entered: it joins that
        # transaction, as the SQL unit of work does, and only the outermost exit rolls back.
        self._depth += 1
        if self._depth == 1:
            self._begin()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()

    def flush(self) -> None:
        """Nothing to flush in memory."""

    def commit(self) -> None:
        self.db.state = copy.deepcopy(self.working)
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        self._begin()

    def __getattr__(self, name: str) -> Any:
        # organisations, users, api_tokens, audit, intel: not used by the group use cases
        raise NotImplementedError(f"the fake unit of work has no {name}")


# --- builders of a scheme ------------------------------------------------------------------

CHAIN_REF = "cankao-pc/supply-chain-cyber@1"
# The sponsor's two declarations, made, as binding a group needs.
DECLARED = Declarations(truthful=True, terms_read=True)
PARK_REF = "shifan-pc/park-group-cyber@1"


def catalogue_text(name: str) -> str:
    path = resources.files("liubu.products") / "data" / "catalogue" / name
    return path.read_text(encoding="utf-8")


def with_members_min(text: str, minimum: int) -> str:
    """The product with a smaller ``group.members_min``, so a small group can be quoted."""
    lines = [line for line in text.splitlines() if line.strip().startswith("members_min:")]
    assert len(lines) == 1
    return text.replace(lines[0], lines[0].split(":")[0] + f": {minimum}")


SMALL_CHAIN = with_members_min(catalogue_text("cankao-pc_supply-chain.yaml"), 3)
SMALL_PARK = with_members_min(catalogue_text("shifan-pc_park-group.yaml"), 5)


@dataclass
class Chain:
    db: Database
    owner: Enterprise
    suppliers: list[Enterprise]
    scheme_id: str

    @property
    def who(self) -> Principal:
        return principal(self.owner.tenant_id)


REVENUES = (30_000_000, 120_000_000, 800_000_000)  # bands V1, V2, V3


def make_chain(document: str = SMALL_CHAIN, revenues: tuple[int, ...] = REVENUES) -> Chain:
    db = Database()
    db.product(document, insurer_tenant="insurer-cankao")
    owner = db.enterprise("链主制造有限公司", revenue=900_000_000)
    suppliers = [db.enterprise(f"供应商{i}", revenue=r) for i, r in enumerate(revenues, 1)]
    with db.uow(principal(owner.tenant_id)) as uow:
        scheme = groups.create_scheme(
            uow,
            kind="supply_chain",
            name="链主供应链",
            sponsor_enterprise_id=owner.id,
            product_ref=CHAIN_REF,
        )
        groups.add_members(
            uow,
            scheme.id,
            [groups.MemberEntry(s.uscc, "机加工零件", "remote_access") for s in suppliers],
        )
        uow.commit()
    for supplier in suppliers:
        accept_all(db, supplier)
    return Chain(db, owner, suppliers, scheme.id)


def accept_all(db: Database, member: Enterprise) -> None:
    """The member's own user accepts every invitation waiting for it."""
    who = principal(member.tenant_id)
    with db.uow(who) as uow:
        waiting = [i.id for i in groups.my_invitations(uow) if i.state == "invited"]
    for invitation in waiting:
        with db.uow(who) as uow:
            groups.accept_invitation(uow, invitation)
