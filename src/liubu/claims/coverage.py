"""The coverage position (承保意见): what an incident triggers under a policy, and what it does not.

:func:`coverage_position` answers, for one incident on one policy:

- **coverages triggered**: the incident type's coverages that the product carries, each with its
  sublimit (the others the type names are listed as ``not_carried``);
- **exclusions**: those the incident type makes live (``engaged``) and the product has, then the
  product's other exclusions (not engaged: ``does_not_apply`` unless the adjuster rules
  otherwise). Each has a status — ``applies``, ``does_not_apply``, ``undecided`` — from the
  adjuster's ``rulings``; the war exclusion is shown with the LMA 5564–5567 clause the product
  follows. ``before_retroactive_date`` is decided from the dates unless a ruling is given;
- **trigger**: occurrence cover needs the occurrence within the period; claims-made cover needs the
  notice within the period or its extended reporting days, the occurrence before the period's end
  and on or after the retroactive date. A coverage with an inception waiting period
  (``from_inception``) does not respond to an incident in its first hours;
- **position**: ``declined`` when the trigger fails, an exclusion that takes the whole claim
  applies, or nothing is left covered; else ``pending`` while an exclusion is undecided; else
  ``partly_covered`` when an exclusion or waiting period takes some coverages away; else
  ``covered``. Each with its reason codes (:class:`~liubu.claims.ClaimsCode`, bilingual titles).

Dates: the policy period is a half-open range of Asia/Shanghai calendar days; an instant is placed
on the calendar by its Shanghai wall-clock date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from liubu.claims.labels import exclusion_scope, note
from liubu.claims.position import (
    CoveragePosition,
    ExclusionPosition,
    Position,
    RulingStatus,
    TriggerCheck,
    TriggeredCoverage,
)
from liubu.claims.reasons import ClaimsCode
from liubu.claims.terms import ClaimTerms
from liubu.claims.vocabulary import incident_type as find_incident_type
from liubu.core import to_shanghai
from liubu.errors import ValidationError
from liubu.products import ProductSpec, Text, load_vocabulary

MAX_RULING_REASON = 2000
_RETRO = "before_retroactive_date"
_WAR = "war_and_state_cyber_operations"


def coverage_position(
    terms: ClaimTerms,
    spec: ProductSpec,
    *,
    incident_type: str,
    occurred_at: datetime,
    discovered_at: datetime,
    notified_at: datetime,
    rulings: Mapping[str, tuple[str, str]] | None = None,
) -> CoveragePosition:
    """The coverage position of an incident of ``incident_type`` under ``terms`` (module doc)."""
    kind = find_incident_type(incident_type)
    _check_times(occurred_at, discovered_at, notified_at)
    decided = _parse_rulings(spec, rulings or {})
    trigger = _trigger(terms, occurred_at, notified_at)
    exclusions = _exclusions(spec, terms, kind.exclusions_to_check, decided, occurred_at)
    applying = [e for e in exclusions if e.status is RulingStatus.APPLIES]
    coverages = []
    for code in kind.coverages:
        carried = terms.coverage(code)
        if carried is None:
            continue
        by, reason = _taken_by(code, applying, terms, occurred_at)
        coverages.append(TriggeredCoverage(code, carried.name, carried.sublimit, by, reason))
    not_carried = tuple(c for c in kind.coverages if terms.coverage(c) is None)
    position, reasons = _overall(trigger, coverages, exclusions)
    return CoveragePosition(
        product=terms.product,
        incident_type=kind.code,
        occurred_at=occurred_at,
        discovered_at=discovered_at,
        notified_at=notified_at,
        coverages=tuple(coverages),
        not_carried=not_carried,
        exclusions=tuple(exclusions),
        trigger=trigger,
        position=position,
        reasons=reasons,
    )


def _check_times(occurred: datetime, discovered: datetime, notified: datetime) -> None:
    named = (("occurred_at", occurred), ("discovered_at", discovered), ("notified_at", notified))
    for field, moment in named:
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise ValidationError(
                f"The {field} {moment!r} must be a datetime with a time zone.",
                code=ClaimsCode.BAD_TIMES,
                field=field,
                value=repr(moment)[:64],
            )
    if not occurred <= discovered <= notified:
        raise ValidationError(
            f"The incident must occur ({occurred.isoformat()}) no later than it is discovered "
            f"({discovered.isoformat()}), and be discovered no later than it is notified "
            f"({notified.isoformat()}).",
            code=ClaimsCode.BAD_TIMES,
            field="discovered_at" if occurred > discovered else "notified_at",
            value=(discovered if occurred > discovered else notified).isoformat(),
        )


def _parse_rulings(
    spec: ProductSpec, rulings: Mapping[str, tuple[str, str]]
) -> dict[str, tuple[RulingStatus, str]]:
    parsed: dict[str, tuple[RulingStatus, str]] = {}
    for code, ruling in rulings.items():
        field = f"rulings.{str(code)[:64]}"
        if not spec.has_exclusion(code):
            raise ValidationError(
                f"The ruling names {code!r}, which is not an exclusion of {spec.product_id}.",
                code=ClaimsCode.BAD_RULING,
                field=field,
                value=str(code)[:64],
            )
        try:
            raw_status, reason = ruling
            status = RulingStatus(raw_status)
        except (TypeError, ValueError):
            raise ValidationError(
                f"The ruling on {code} must be (status, reason) with status one of "
                f"{[s.value for s in RulingStatus]}; got {ruling!r}."[:400],
                code=ClaimsCode.BAD_RULING,
                field=field,
                value=repr(ruling)[:64],
            ) from None
        if not isinstance(reason, str) or len(reason) > MAX_RULING_REASON:
            raise ValidationError(
                f"The reason for the ruling on {code} must be text of at most "
                f"{MAX_RULING_REASON} characters.",
                code=ClaimsCode.BAD_RULING,
                field=f"{field}.reason",
            )
        if status is RulingStatus.APPLIES and not reason.strip():
            raise ValidationError(
                f"A ruling that {code} applies must give its reason.",
                code=ClaimsCode.BAD_RULING,
                field=f"{field}.reason",
            )
        parsed[code] = (status, reason.strip())
    return parsed


def shanghai_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant."""
    return to_shanghai(moment).date()


def _trigger(terms: ClaimTerms, occurred: datetime, notified: datetime) -> TriggerCheck:
    occurred_on, notified_on = shanghai_date(occurred), shanghai_date(notified)
    reasons: list[ClaimsCode] = []
    if terms.trigger_basis == "occurrence":
        if not terms.period_start <= occurred_on < terms.period_end:
            reasons.append(ClaimsCode.OCCURRED_OUTSIDE_PERIOD)
    else:
        if not terms.period_start <= notified_on < terms.reporting_end:
            reasons.append(ClaimsCode.NOTIFIED_OUTSIDE_REPORTING)
        if occurred_on >= terms.period_end:
            reasons.append(ClaimsCode.OCCURRED_OUTSIDE_PERIOD)
        if terms.retroactive_date is not None and occurred_on < terms.retroactive_date:
            reasons.append(ClaimsCode.BEFORE_RETROACTIVE_DATE)
    return TriggerCheck(
        terms.trigger_basis,
        not reasons,
        tuple(reasons),
        terms.retroactive_date,
        terms.reporting_end if terms.trigger_basis == "claims_made" else terms.period_end,
    )


def _exclusions(
    spec: ProductSpec,
    terms: ClaimTerms,
    to_check: tuple[str, ...],
    decided: dict[str, tuple[RulingStatus, str]],
    occurred: datetime,
) -> list[ExclusionPosition]:
    vocabulary = load_vocabulary()
    engaged = [e for e in spec.exclusions if e.code in to_check]
    others = [e for e in spec.exclusions if e.code not in to_check]
    found = []
    for exclusion, live in [(e, True) for e in engaged] + [(e, False) for e in others]:
        term = vocabulary.exclusion(exclusion.code)
        status = RulingStatus.UNDECIDED if live else RulingStatus.DOES_NOT_APPLY
        basis = None if live else note("not_engaged")
        if exclusion.code == _RETRO and terms.retroactive_date is not None:
            before = shanghai_date(occurred) < terms.retroactive_date
            status = RulingStatus.APPLIES if before else RulingStatus.DOES_NOT_APPLY
            basis = note(
                "retroactive_auto",
                occurred=shanghai_date(occurred).isoformat(),
                retroactive=terms.retroactive_date.isoformat(),
            )
        reason = None
        if exclusion.code in decided:
            status, reason = decided[exclusion.code]
        clause = exclusion.lma_clause
        lma = vocabulary.lma_clauses.get(clause) if clause is not None else None
        found.append(
            ExclusionPosition(
                code=exclusion.code,
                name=term.name,
                definition=term.definition,
                engaged=live,
                status=status,
                reason=reason,
                basis=basis,
                scope=exclusion_scope(exclusion.code),
                lma_clause=clause,
                lma_name=None if lma is None else lma.name,
                lma_definition=None if lma is None else lma.definition,
            )
        )
    return found


def _taken_by(
    code: str, applying: list[ExclusionPosition], terms: ClaimTerms, occurred: datetime
) -> tuple[str | None, ClaimsCode | None]:
    for exclusion in applying:
        if exclusion.scope is None or code in exclusion.scope:
            return exclusion.code, _why(exclusion)
    carried = terms.coverage(code)
    if carried is not None and carried.waiting_semantics == "from_inception":
        start = datetime.combine(terms.period_start, time(0), tzinfo=to_shanghai(occurred).tzinfo)
        if occurred < start + timedelta(hours=carried.waiting_hours):
            return "from_inception", ClaimsCode.WITHIN_INCEPTION_WAITING
    return None, None


def _why(exclusion: ExclusionPosition) -> ClaimsCode:
    """The reason an applying exclusion gives: the adjuster's ruling, or the dates found."""
    if exclusion.code == _RETRO and exclusion.reason is None:
        return ClaimsCode.BEFORE_RETROACTIVE_DATE
    return ClaimsCode.EXCLUSION_APPLIES


def _overall(
    trigger: TriggerCheck,
    coverages: list[TriggeredCoverage],
    exclusions: list[ExclusionPosition],
) -> tuple[Position, tuple[ClaimsCode, ...]]:
    """Declined (trigger, a whole-claim exclusion, nothing left) → pending → partly → covered."""
    reasons: list[ClaimsCode] = list(trigger.reasons)
    reasons.extend(
        _why(e) for e in exclusions if e.status is RulingStatus.APPLIES and e.scope is None
    )
    if not coverages:
        reasons.append(ClaimsCode.NO_COVERAGE_TRIGGERED)
    taken = [c.reason for c in coverages if c.reason is not None]
    if coverages and len(taken) == len(coverages):
        reasons.extend(taken)
    if reasons:
        return Position.DECLINED, _unique(reasons)
    if any(e.status is RulingStatus.UNDECIDED for e in exclusions):
        return Position.PENDING, (ClaimsCode.EXCLUSION_UNDECIDED,)
    if taken:
        return Position.PARTLY_COVERED, _unique(taken)
    return Position.COVERED, ()


def _unique(codes: list[ClaimsCode]) -> tuple[ClaimsCode, ...]:
    return tuple(dict.fromkeys(codes))


def war_clause_note(position: CoveragePosition) -> Text | None:
    """The war exclusion's LMA clause in plain words, when the product has one."""
    for exclusion in position.exclusions:
        if exclusion.code == _WAR and exclusion.lma_clause and exclusion.lma_definition:
            return Text(
                note(
                    "war_clause",
                    clause=exclusion.lma_clause,
                    definition=exclusion.lma_definition.zh,
                ).zh,
                note(
                    "war_clause",
                    clause=exclusion.lma_clause,
                    definition=exclusion.lma_definition.en,
                ).en,
            )
    return None
