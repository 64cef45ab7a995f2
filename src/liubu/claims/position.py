"""The coverage position's records (承保意见): what :func:`liubu.claims.coverage_position` returns
and the store keeps, with ``to_dict``/``from_dict`` (``schema`` 1). The letter an insured received
is rendered again from the stored record, not recomputed, so a later vocabulary cannot change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.terms import check_schema
from liubu.products import Text

POSITION_SCHEMA = 1


class RulingStatus(StrEnum):
    """The adjuster's ruling on one exclusion."""

    APPLIES = "applies"
    DOES_NOT_APPLY = "does_not_apply"
    UNDECIDED = "undecided"


class Position(StrEnum):
    """The overall coverage position."""

    COVERED = "covered"
    PARTLY_COVERED = "partly_covered"
    DECLINED = "declined"
    PENDING = "pending"


def _text(data: Mapping[str, Any] | None) -> Text | None:
    return None if data is None else Text(str(data["zh"]), str(data["en"]))


def _dict(text: Text | None) -> dict[str, str] | None:
    return None if text is None else text.to_dict()


def _code(value: object) -> ClaimsCode | None:
    return None if value is None else ClaimsCode(str(value))


@dataclass(frozen=True, slots=True)
class TriggeredCoverage:
    """A coverage the incident triggers; ``excluded_by`` names what takes it away (an exclusion
    code or ``from_inception``), with the reason code, or both are None when it responds."""

    coverage: str
    name: Text
    sublimit: Decimal
    excluded_by: str | None = None
    reason: ClaimsCode | None = None

    @property
    def responds(self) -> bool:
        return self.excluded_by is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "name": self.name.to_dict(),
            "sublimit": str(self.sublimit),
            "excluded_by": self.excluded_by,
            "reason": None if self.reason is None else str(self.reason),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TriggeredCoverage:
        name = _text(data["name"])
        assert name is not None
        return cls(
            str(data["coverage"]),
            name,
            Decimal(str(data["sublimit"])),
            data.get("excluded_by"),
            _code(data.get("reason")),
        )


@dataclass(frozen=True, slots=True)
class ExclusionPosition:
    """One exclusion of the product and where it stands for this incident."""

    code: str
    name: Text
    definition: Text
    engaged: bool
    status: RulingStatus
    reason: str | None  # the adjuster's words
    basis: Text | None  # what the system found (dates, not engaged)
    scope: tuple[str, ...] | None  # coverages it takes away; None: the whole claim
    lma_clause: str | None = None
    lma_name: Text | None = None
    lma_definition: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name.to_dict(),
            "definition": self.definition.to_dict(),
            "engaged": self.engaged,
            "status": str(self.status),
            "reason": self.reason,
            "basis": _dict(self.basis),
            "scope": None if self.scope is None else list(self.scope),
            "lma_clause": self.lma_clause,
            "lma_name": _dict(self.lma_name),
            "lma_definition": _dict(self.lma_definition),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExclusionPosition:
        name, definition = _text(data["name"]), _text(data["definition"])
        assert name is not None
        assert definition is not None
        scope = data.get("scope")
        return cls(
            code=str(data["code"]),
            name=name,
            definition=definition,
            engaged=bool(data["engaged"]),
            status=RulingStatus(data["status"]),
            reason=data.get("reason"),
            basis=_text(data.get("basis")),
            scope=None if scope is None else tuple(str(c) for c in scope),
            lma_clause=data.get("lma_clause"),
            lma_name=_text(data.get("lma_name")),
            lma_definition=_text(data.get("lma_definition")),
        )


@dataclass(frozen=True, slots=True)
class TriggerCheck:
    """Whether the incident falls within the policy's trigger, and why not."""

    basis: str
    passed: bool
    reasons: tuple[ClaimsCode, ...]
    retroactive_date: date | None
    reporting_end: date

    def to_dict(self) -> dict[str, Any]:
        retro = self.retroactive_date
        return {
            "basis": self.basis,
            "passed": self.passed,
            "reasons": [str(r) for r in self.reasons],
            "retroactive_date": None if retro is None else retro.isoformat(),
            "reporting_end": self.reporting_end.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TriggerCheck:
        retro = data.get("retroactive_date")
        return cls(
            basis=str(data["basis"]),
            passed=bool(data["passed"]),
            reasons=tuple(ClaimsCode(r) for r in data["reasons"]),
            retroactive_date=None if retro is None else date.fromisoformat(str(retro)),
            reporting_end=date.fromisoformat(str(data["reporting_end"])),
        )


@dataclass(frozen=True)
class CoveragePosition:
    """The coverage position of one incident under one policy's terms."""

    product: str
    incident_type: str
    occurred_at: datetime
    discovered_at: datetime
    notified_at: datetime
    coverages: tuple[TriggeredCoverage, ...]
    not_carried: tuple[str, ...]
    exclusions: tuple[ExclusionPosition, ...]
    trigger: TriggerCheck
    position: Position
    reasons: tuple[ClaimsCode, ...]

    def responding(self) -> tuple[str, ...]:
        """Codes of the coverages that respond (none when the position is ``declined``)."""
        if self.position is Position.DECLINED:
            return ()
        return tuple(c.coverage for c in self.coverages if c.responds)

    def refusal(self, coverage: str) -> ClaimsCode | None:
        """Why ``coverage`` pays nothing on this incident, or None when it responds."""
        if self.position is Position.DECLINED:
            return ClaimsCode.NOT_COVERED
        for item in self.coverages:
            if item.coverage == coverage:
                return item.reason
        return ClaimsCode.COVERAGE_NOT_TRIGGERED

    def reason_titles(self) -> tuple[Text, ...]:
        return tuple(Text(message(c, "zh"), message(c, "en")) for c in self.reasons)

    def exclusion(self, code: str) -> ExclusionPosition:
        return next(e for e in self.exclusions if e.code == code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the store keeps it)."""
        return {
            "schema": POSITION_SCHEMA,
            "product": self.product,
            "incident_type": self.incident_type,
            "occurred_at": self.occurred_at.isoformat(),
            "discovered_at": self.discovered_at.isoformat(),
            "notified_at": self.notified_at.isoformat(),
            "position": str(self.position),
            "reasons": [str(r) for r in self.reasons],
            "trigger": self.trigger.to_dict(),
            "coverages": [c.to_dict() for c in self.coverages],
            "not_carried": list(self.not_carried),
            "exclusions": [e.to_dict() for e in self.exclusions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoveragePosition:
        check_schema(data, current=POSITION_SCHEMA, what="coverage position")
        return cls(
            product=str(data["product"]),
            incident_type=str(data["incident_type"]),
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            discovered_at=datetime.fromisoformat(str(data["discovered_at"])),
            notified_at=datetime.fromisoformat(str(data["notified_at"])),
            coverages=tuple(TriggeredCoverage.from_dict(c) for c in data["coverages"]),
            not_carried=tuple(str(c) for c in data["not_carried"]),
            exclusions=tuple(ExclusionPosition.from_dict(e) for e in data["exclusions"]),
            trigger=TriggerCheck.from_dict(data["trigger"]),
            position=Position(data["position"]),
            reasons=tuple(ClaimsCode(r) for r in data["reasons"]),
        )
