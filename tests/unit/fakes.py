"""An in-memory unit of work for use-case tests, after cosmicpython's ``FakeUnitOfWork``.

Changes live in a copy of the committed state that only :meth:`FakeUnitOfWork.commit` keeps, so a
use case that raises half-way leaves the committed state as it was. ``commits`` counts the
commits, so a test can say a use case committed exactly once. Entering an entered fake joins its
transaction, as :class:`liubu.store.uow.SqlUnitOfWork` does for a request's unit of work.
"""

from __future__ import annotations

import builtins
import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Self, TypeVar

from liubu.accounts.model import (
    SYSTEM,
    ApiToken,
    Enterprise,
    Organisation,
    OrgKind,
    Principal,
    Role,
    User,
    WebSession,
    new_id,
)
from liubu.accounts.throttle import FailureCounts
from liubu.assessment.history import ScoreChange
from liubu.assessment.records import (
    AnswerSetRecord,
    Asset,
    Attachment,
    FindingRecord,
    Scan,
    ServiceTask,
)
from liubu.errors import ConflictError, NotFoundError, Reason
from liubu.experience.dataset import ExperienceData
from liubu.products.registry import FILED, ProductRecord


def principal(
    tenant_id: str, *roles: Role, kind: OrgKind = OrgKind.INSURER, user_id: str | None = None
) -> Principal:
    return Principal(
        user_id or "u-" + tenant_id,
        "user-" + tenant_id,
        tenant_id,
        kind,
        frozenset(roles or {Role.ADMIN}),
    )


@dataclass(frozen=True)
class Event:
    action: str
    entity_type: str
    entity_id: str
    at: datetime


@dataclass
class State:
    organisations: list[Organisation] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    api_tokens: list[ApiToken] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    products: list[ProductRecord] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    answer_sets: list[AnswerSetRecord] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tasks: list[ServiceTask] = field(default_factory=list)
    score_changes: list[ScoreChange] = field(default_factory=list)
    intel: dict[str, bytes] = field(default_factory=dict)
    web_sessions: dict[str, WebSession] = field(default_factory=dict)
    # (account key, address, when)
    sign_in_failures: list[tuple[str, str, datetime]] = field(default_factory=list)
    # claims experience: (tenant, product_ref, policy_id, period) → the row's content
    experience: dict[tuple[str, str | None, str, int], tuple[object, ...]] = field(
        default_factory=dict
    )


def _visible(who: Principal, tenant_id: str) -> bool:
    return who.is_platform or who.tenant_id == tenant_id


T = TypeVar("T")


class _Scoped(Generic[T]):
    """A list of records, scoped to the principal's tenant like the SQL repositories."""

    def __init__(self, rows: builtins.list[T], who: Principal, what: str) -> None:
        self._rows, self._who, self._what = rows, who, what

    def add(self, row: T) -> None:
        self._rows.append(row)

    def get(self, row_id: str) -> T:
        for row in self.list():
            if getattr(row, "id", None) == row_id:
                return row
        raise NotFoundError(f"No {self._what} with id {row_id!r}.")

    def list(self) -> Sequence[T]:
        return [r for r in self._rows if _visible(self._who, getattr(r, "tenant_id", ""))]

    def _all(self) -> builtins.list[T]:
        return self._rows


class _Organisations(_Scoped[Organisation]):
    def find_by_code(self, code: str) -> Organisation | None:
        return next((o for o in self._all() if o.code == code), None)

    def find_by_id_unscoped(self, organisation_id: str) -> Organisation | None:
        return next((o for o in self._all() if o.id == organisation_id), None)


class _Users(_Scoped[User]):
    def find_by_username(self, username: str) -> User | None:
        return next((u for u in self._all() if u.username == username), None)


class _ApiTokens(_Scoped[ApiToken]):
    def find_for_authentication(self, token_id: str) -> ApiToken | None:
        return next((t for t in self._all() if t.id == token_id), None)


class _Enterprises(_Scoped[Enterprise]):
    def find_by_uscc(self, uscc: str) -> Enterprise | None:
        return next((e for e in self.list() if e.uscc == uscc), None)

    def readable(self, enterprise_id: str) -> Enterprise:
        return self.get(enterprise_id)  # the consent rule is the SQL store's (tested there)

    def applicants(self) -> Sequence[Enterprise]:
        return []

    def delete(self, enterprise: Enterprise) -> None:
        self._all().remove(enterprise)


class _Products(_Scoped[ProductRecord]):
    """Its own tenant's versions, and every tenant's filed ones."""

    def list(self) -> Sequence[ProductRecord]:
        return [r for r in self._all() if r.status == FILED or _visible(self._who, r.tenant_id)]

    def find_by_ref(self, product_ref: str) -> ProductRecord | None:
        return next((r for r in self._all() if r.product_ref == product_ref), None)

    def series(self, insurer: str, code: str) -> Sequence[ProductRecord]:
        return [r for r in self._all() if (r.insurer, r.code) == (insurer, code)]


class _Assessment:
    """The assessment records of the caller's tenant; a provider sees the tasks assigned to it."""

    _LISTS: ClassVar[dict[type, str]] = {
        Asset: "assets",
        Scan: "scans",
        FindingRecord: "findings",
        AnswerSetRecord: "answer_sets",
        Attachment: "attachments",
        ServiceTask: "tasks",
    }

    def __init__(self, working: State, who: Principal) -> None:
        self._working, self._who = working, who

    def _rows(self, kind: type[T]) -> builtins.list[T]:
        rows: builtins.list[T] = getattr(self._working, self._LISTS[kind])
        return [r for r in rows if _visible(self._who, getattr(r, "tenant_id", ""))]

    def _one(self, kind: type[T], row_id: str) -> T:
        for row in self._rows(kind):
            if getattr(row, "id", None) == row_id:
                return row
        raise NotFoundError(f"No {kind.__name__} with id {row_id!r}.")

    def _of(self, kind: type[T], enterprise_id: str) -> builtins.list[T]:
        return [r for r in self._rows(kind) if getattr(r, "enterprise_id", None) == enterprise_id]

    def add(self, item: object) -> None:
        getattr(self._working, self._LISTS[type(item)]).append(item)

    def asset(self, asset_id: str) -> Asset:
        return self._one(Asset, asset_id)

    def assets(self, enterprise_id: str) -> Sequence[Asset]:
        return self._of(Asset, enterprise_id)

    def scan(self, scan_id: str) -> Scan:
        return self._one(Scan, scan_id)

    def scans(self, enterprise_id: str) -> Sequence[Scan]:
        return self._of(Scan, enterprise_id)

    def finding(self, finding_id: str) -> FindingRecord:
        return self._one(FindingRecord, finding_id)

    def findings(self, enterprise_id: str) -> Sequence[FindingRecord]:
        return self._of(FindingRecord, enterprise_id)

    def answer_sets(self, enterprise_id: str) -> Sequence[AnswerSetRecord]:
        return sorted(self._of(AnswerSetRecord, enterprise_id), key=lambda a: a.number)

    def lock_answers(self, enterprise_id: str) -> None:
        """One thread, one transaction at a time: nothing to wait for."""

    def attachment(self, attachment_id: str) -> Attachment:
        return self._one(Attachment, attachment_id)

    def task(self, task_id: str) -> ServiceTask:
        for task in self.tasks():
            if task.id == task_id:
                return task
        raise NotFoundError(f"No task with id {task_id!r}.")

    def tasks(self) -> Sequence[ServiceTask]:
        who = self._who
        return [
            t
            for t in self._working.tasks
            if _visible(who, t.tenant_id) or t.provider_id == who.tenant_id
        ]


class _Intel:
    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = files

    def store(self, *, name: str, kind: str, records: int, content: bytes) -> bool:
        if name in self._files:
            return False
        self._files[name] = content
        return True

    def manifest(self) -> list[tuple[str, str, str, int]]:
        return [(name, "", "", 0) for name in self._files]

    def content(self, sha256: str) -> bytes:
        raise NotImplementedError("the fake keeps feed files by name")


@dataclass(frozen=True)
class StoredRows:
    batch_id: str
    rows: int
    stored: int
    already_present: int
    row_keys_sha256: str


class _Experience:
    """Rows keyed by policy and period per tenant: a stored row is not stored again, a row that
    differs from the stored one refuses the file."""

    def __init__(
        self, rows: dict[tuple[str, str | None, str, int], tuple[object, ...]], who: Principal
    ) -> None:
        self._rows, self._who = rows, who

    def add_rows(self, data: ExperienceData, *, product_ref: str | None = None) -> StoredRows:
        fresh = {}
        for i in range(data.n_rows):
            key = (self._who.tenant_id, product_ref, str(data.policy_id[i]), int(data.period[i]))
            content = tuple(float(column[i]) for column in (data.exposure, data.incurred_loss))
            if self._rows.get(key, content) != content:
                raise ConflictError("A stored row differs.", reason=Reason.CONFLICT)
            if key not in self._rows:
                fresh[key] = content
        self._rows.update(fresh)
        digest = hashlib.sha256(repr(sorted(fresh)).encode()).hexdigest()
        return StoredRows(new_id(), data.n_rows, len(fresh), data.n_rows - len(fresh), digest)

    def counts(self, product_ref: str | None = None) -> int:
        return sum(1 for key in self._rows if key[0] == self._who.tenant_id)


class _Audit:
    def __init__(self, events: list[Event]) -> None:
        self._events = events

    def record(self, action: str, *, entity_type: str, entity_id: str, **_: object) -> None:
        self._events.append(Event(action, entity_type, entity_id, datetime.now(UTC)))

    def count_recent(self, action: str, *, entity_id: str, since: datetime) -> int:
        return sum(
            1
            for e in self._events
            if e.action == action and e.entity_id == entity_id and e.at >= since
        )


class _WebSessions:
    def __init__(self, rows: dict[str, WebSession]) -> None:
        self._rows = rows

    def add(self, session: WebSession) -> None:
        self._rows[session.token_hash] = session

    def find(self, token_hash: str) -> WebSession | None:
        return self._rows.get(token_hash)

    def touch(self, token_hash: str, at: datetime) -> None:
        found = self._rows[token_hash]
        self._rows[token_hash] = WebSession(**{**found.__dict__, "last_seen_at": at})

    def delete(self, token_hash: str) -> int:
        return 1 if self._rows.pop(token_hash, None) else 0

    def _drop(self, gone: list[str]) -> int:
        for key in gone:
            del self._rows[key]
        return len(gone)

    def delete_for_user(self, user_id: str) -> int:
        return self._drop([k for k, v in self._rows.items() if v.user_id == user_id])

    def delete_expired(self, *, now: datetime, idle_since: datetime) -> int:
        return self._drop(
            [
                k
                for k, v in self._rows.items()
                if v.expires_at <= now or v.last_seen_at <= idle_since
            ]
        )


class _SignInFailures:
    def __init__(self, rows: list[tuple[str, str, datetime]]) -> None:
        self._rows = rows

    def record(self, *, account_key: str, address: str, at: datetime) -> None:
        self._rows.append((account_key, address, at))

    def counts(self, *, account_key: str, address: str, since: datetime) -> FailureCounts:
        recent = [r for r in self._rows if r[2] >= since]
        pair = [r[2] for r in recent if r[0] == account_key and r[1] == address]
        by_address = [r[2] for r in recent if r[1] == address]
        return FailureCounts(
            pair=len(pair),
            pair_last=max(pair, default=None),
            address=len(by_address),
            address_last=max(by_address, default=None),
            account=sum(1 for r in recent if r[0] == account_key),
        )

    def clear_pair(self, *, account_key: str, address: str) -> None:
        self._rows[:] = [r for r in self._rows if (r[0], r[1]) != (account_key, address)]

    def purge(self, *, before: datetime) -> int:
        kept = [r for r in self._rows if r[2] >= before]
        removed = len(self._rows) - len(kept)
        self._rows[:] = kept
        return removed


class _ScoreHistory:
    """The score history of the caller's own enterprises (the platform: all)."""

    def __init__(self, working: State, who: Principal) -> None:
        self._working, self._who = working, who

    def tenant_of(self, enterprise_id: str) -> str:
        for enterprise in self._working.enterprises:
            if enterprise.id == enterprise_id and _visible(self._who, enterprise.tenant_id):
                return enterprise.tenant_id
        raise NotFoundError(f"No enterprise of yours with id {enterprise_id!r}.")

    def add(self, change: ScoreChange) -> None:
        self.tenant_of(change.enterprise_id)
        self._working.score_changes.append(change)

    def latest(self, enterprise_id: str) -> ScoreChange | None:
        mine = [c for c in self._working.score_changes if c.enterprise_id == enterprise_id]
        return mine[-1] if mine else None

    def changes(
        self,
        enterprise_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[ScoreChange]:
        self.tenant_of(enterprise_id)
        rows = [c for c in self._working.score_changes if c.enterprise_id == enterprise_id]
        rows = [
            c for c in rows if (since is None or c.at >= since) and (until is None or c.at <= until)
        ]
        return sorted(rows, key=lambda c: c.at)[:limit]


class FakeDatabase:
    """The committed state, shared by every unit of work opened on it."""

    def __init__(self, state: Any = None) -> None:
        self.state: Any = state if state is not None else State()


class FakeUnitOfWork:
    """Implements :class:`liubu.accounts.ports.UnitOfWork` (and the products package's
    ``ProductsUnitOfWork``, the assessment package's ``AssessmentUnitOfWork``, the experience
    package's ``UploadUnitOfWork``) in memory.

    Packages with more repositories subclass it: a state with more lists, and :meth:`_bind`
    building the extra repositories over the working copy.
    """

    def __init__(self, who: Principal = SYSTEM, db: FakeDatabase | None = None) -> None:
        self._principal = who
        self.db = db or FakeDatabase()
        self.commits = 0
        self._depth = 0
        self._begin()

    @property
    def principal(self) -> Principal:
        return self._principal

    @property
    def committed(self) -> bool:
        return self.commits > 0

    def _begin(self) -> None:
        self.working = copy.deepcopy(self.db.state)
        self._bind(self.working)

    def _bind(self, working: Any) -> None:
        who = self._principal
        self.organisations = _Organisations(working.organisations, who, "organisation")
        self.users = _Users(working.users, who, "user")
        self.api_tokens = _ApiTokens(working.api_tokens, who, "API token")
        self.enterprises = _Enterprises(working.enterprises, who, "enterprise")
        self.audit = _Audit(working.events)
        self.web_sessions = _WebSessions(working.web_sessions)
        self.sign_in_failures = _SignInFailures(working.sign_in_failures)
        self.products = _Products(working.products, who, "product")
        self.assessment = _Assessment(working, who)
        self.score_history = _ScoreHistory(working, who)
        self.intel = _Intel(working.intel)
        self.experience = _Experience(working.experience, who)

    def __enter__(self) -> Self:
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()

    def flush(self) -> None:
        """Nothing to flush in memory."""

    def commit(self) -> None:
        self.db.state = copy.deepcopy(self.working)
        self.commits += 1

    def rollback(self) -> None:
        self._begin()
