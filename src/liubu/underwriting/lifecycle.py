"""Use cases of underwriting and policy administration: quote → refer/decide → bind → endorse →
cancel → renew. Prices come from :mod:`liubu.underwriting.quote` (technical and filed, with the
worksheet); the applicant from the enterprise's current assessment; the insurer's claims
experience of the applicant's segment from the underwriting repository (read when a quote is
asked for, kept on each option, and passed again whenever that option is re-priced)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from liubu import assessment, products
from liubu.accounts import Enterprise, OrgKind, Principal, Role, UnitOfWork, new_id, require
from liubu.assessment import (
    InTermScore,
    ScoreHistoryUnitOfWork,
    current_adjustment,
    current_findings,
    in_term_score,
    load_questionnaire,
    note_diagnosis,
    risk_modifiers,
    score,
    security_score,
)
from liubu.core import shanghai_today
from liubu.errors import ConcurrencyError, ConflictError, NotFoundError, ValidationError
from liubu.products import FILED, ProductSpec, ProductsUnitOfWork, parse_product
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.authority import OverrideAuthority, authority_for, check_override
from liubu.underwriting.book_capital import BookCapitalRatio
from liubu.underwriting.declarations import Declarations, check_start
from liubu.underwriting.eligibility import check_eligibility
from liubu.underwriting.experience_credit import SegmentExperience
from liubu.underwriting.options import BoundTerms, OptionStatus, PricedOption, QuoteDecision
from liubu.underwriting.policy_money import cancellation_refund, pro_rata_premium
from liubu.underwriting.premium_account import PAYMENT, premium_account
from liubu.underwriting.quote import price_option, price_options, technical_breakdown
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.records import (
    Policy,
    PolicyEvent,
    PolicyState,
    Quote,
    QuoteState,
    UnderwritingUnitOfWork,
)
from liubu.underwriting.referral import Referral, ReferralReason, evaluate_referral
from liubu.underwriting.renewal import RenewalTerm, TermChange
from liubu.underwriting.submission import EnterpriseSnapshot, Submission

QUOTE_VALID_DAYS = 30
BUYERS = (Role.ENTERPRISE_USER, Role.ADMIN, Role.UNDERWRITER)
UNDERWRITERS = (Role.UNDERWRITER, Role.ADMIN)
_KINDS = (OrgKind.ENTERPRISE, OrgKind.INSURER, OrgKind.PLATFORM)
_STAFF_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)


class LifecycleUnitOfWork(
    UnderwritingUnitOfWork, ScoreHistoryUnitOfWork, ProductsUnitOfWork, Protocol
):
    """Everything the lifecycle reads and writes in one transaction (the assessment's with its
    score history)."""


U = TypeVar("U", bound=UnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


def _committed(use_case: Callable[Concatenate[U, P], R]) -> Callable[Concatenate[U, P], R]:
    """The use case owns its transaction: it runs inside ``with uow:`` and commits once on
    success (joining the entry point's unit of work when one is already open); an error leaves
    nothing committed."""

    @functools.wraps(use_case)
    def run(uow: U, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with uow:
            result = use_case(uow, *args, **kwargs)
            uow.commit()
            return result

    return run


def _now() -> datetime:
    return datetime.now(UTC)


def applicant_for(
    uow: LifecycleUnitOfWork,
    enterprise: Enterprise,
    *,
    claims_count: int | None = None,
    in_term: InTermScore | None = None,
) -> tuple[Applicant, Submission]:
    """The applicant as priced now, and the snapshot kept on the quote; with ``in_term`` (a
    renewal), at the in-term score and grade rather than the diagnosis's."""
    findings = assessment.scored_findings(current_findings(uow, enterprise.id))
    answers = assessment.answer_set_of(assessment.latest_answers(uow, enterprise.id))
    questionnaire = load_questionnaire()
    scanned = assessment.has_been_scanned(uow, enterprise.id)
    result = score(findings, answers, questionnaire=questionnaire, scanned=scanned)
    modifiers = risk_modifiers(result, answers, findings, questionnaire=questionnaire)
    known_exploited = any(f.code == "vuln.known_exploited" for f in findings)
    submission = Submission(
        enterprise=snapshot_of(enterprise),
        score=float(result.value if in_term is None else in_term.value),
        grade=result.grade if in_term is None else in_term.grade,
        answers_version=answers.version if answers else None,
        findings=tuple(sorted({f.code for f in findings})),
        known_exploited_exposed=known_exploited,
        claims_count=claims_count,
        modifiers=modifiers,
        scanned=scanned,
    )
    return submission.applicant(), submission


def snapshot_of(enterprise: Enterprise) -> EnterpriseSnapshot:
    """The enterprise's facts as a quote keeps them."""
    return EnterpriseSnapshot(
        id=enterprise.id,
        name=enterprise.name,
        uscc=enterprise.uscc,
        industry_section=enterprise.industry_section,
        industry_division=enterprise.industry_division,
        region_code=enterprise.region_code,
        revenue=enterprise.annual_revenue,
        employees=enterprise.employees,
        mlps_level=enterprise.mlps_level,
        critical_infrastructure=enterprise.critical_infrastructure,
    )


def _spec(uow: LifecycleUnitOfWork, reference: str) -> tuple[ProductSpec, str]:
    record = products.find_product(uow, reference)
    if record.status != FILED:
        raise ValidationError(
            f"{record.product_ref} is {record.status}; only filed products can be quoted.",
            field="products",
            value=record.product_ref,
        )
    return parse_product(record.document, source=record.product_ref), record.tenant_id


def _request_quotes(
    uow: LifecycleUnitOfWork,
    enterprise_id: str,
    *,
    products_wanted: Sequence[str],
    limits: Mapping[str, Sequence[Decimal]] | None = None,
    claims_count: int | None = None,
    in_term: InTermScore | None = None,
    renewal_of: str | None = None,
) -> list[Quote]:
    """Price every product asked for (three limit options each by default) and refer what the
    insurer's rules refer; one quote per insurer, each seen by that insurer and the insured.
    The risk load's capital comes from the insurer's stored book capital when there is one: the
    renewed policy's own ratio (``renewal_of``, its number), else the industry's or the book's."""
    require(uow.principal, *BUYERS, kinds=_KINDS)
    if not products_wanted:
        raise ValidationError("Choose at least one product to quote.", field="products")
    enterprise = uow.enterprises.get(enterprise_id)
    applicant, submission = applicant_for(
        uow, enterprise, claims_count=claims_count, in_term=in_term
    )
    by_insurer: dict[tuple[str, str], list[PricedOption]] = {}
    for reference in products_wanted:
        spec, insurer_tenant = _spec(uow, reference)
        wanted = (limits or {}).get(reference)
        experience = uow.underwriting.segment_experience(
            spec.product_id, applicant.industry_section
        )
        book_capital = uow.underwriting.book_capital_ratio(
            spec.product_id, industry_section=applicant.industry_section, policy_number=renewal_of
        )
        for entry in priced_product(
            spec, applicant, limits=wanted, experience=experience, book_capital=book_capital
        ):
            by_insurer.setdefault((insurer_tenant, spec.insurer), []).append(entry)
    now = _now()
    quotes = []
    for (tenant_id, insurer), options in by_insurer.items():
        quote = Quote(
            id=new_id(),
            tenant_id=tenant_id,
            client_tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            insurer=insurer,
            submission=submission,
            options=tuple(options),
            status=_state(options),
            valid_until=now + timedelta(days=QUOTE_VALID_DAYS),
            created_at=now,
            created_by=uow.principal.user_id,
        )
        uow.underwriting.add(quote)
        quotes.append(quote)
    return quotes


request_quotes = _committed(_request_quotes)


def priced_product(
    spec: ProductSpec,
    applicant: Applicant,
    *,
    limits: Sequence[Decimal] | None = None,
    experience: SegmentExperience | None = None,
    book_capital: BookCapitalRatio | None = None,
) -> list[PricedOption]:
    """The product's options (three limits by default), priced (with the insurer's claims
    ``experience`` of the segment, if any) and each with its referral decision; an applicant the
    product does not accept gets one declined entry naming the rules it fails, unpriced."""
    failures = check_eligibility(
        spec,
        industry_section=applicant.industry_section,
        revenue=applicant.revenue,
        mlps_level=applicant.mlps_level,
        score=applicant.score,
        insured_kind="enterprise",
    )
    if failures:
        declined = Referral(
            "decline", tuple(ReferralReason(f.rule, "decline", f.message) for f in failures)
        )
        return [
            PricedOption(
                product=spec.product_id,
                insurer=spec.insurer,
                name=spec.name,
                status=OptionStatus.DECLINE,
                referral=declined,
            )
        ]
    entries = []
    chosen = limits or list(spec.limit_options[:3])
    for option in price_options(
        spec, applicant, limits=chosen, experience=experience, book_capital=book_capital
    ):
        referral = evaluate_referral(applicant, option)
        entries.append(
            PricedOption.priced(
                option, name=spec.name, referral=referral, status=OptionStatus(referral.decision)
            )
        )
    return entries


def _state(options: Sequence[PricedOption]) -> str:
    statuses = {o.status for o in options}
    if any(status.offered for status in statuses):
        return QuoteState.OFFERED
    if OptionStatus.REFER in statuses:
        return QuoteState.REFERRED
    return QuoteState.DECLINED


def decides_referrals(principal: Principal) -> bool:
    """True when ``principal`` may work the referral queue (an insurer's underwriter or an
    admin); others who read the book (the actuary) see quotes and policies, not the queue."""
    return principal.org_kind in _STAFF_KINDS and principal.has_any(*UNDERWRITERS)


def records_payments(principal: Principal) -> bool:
    """True when ``principal`` may record premium payments (what
    :func:`record_premium_payment` requires): the same insurer staff who decide referrals."""
    return decides_referrals(principal)


def referral_queue(uow: LifecycleUnitOfWork) -> list[Quote]:
    """The insurer's quotes waiting for an underwriter, oldest first."""
    require(uow.principal, *UNDERWRITERS, kinds=[OrgKind.INSURER, OrgKind.PLATFORM])
    return [
        q
        for q in uow.underwriting.quotes()
        if q.status == QuoteState.REFERRED
        and (uow.principal.is_platform or q.tenant_id == uow.principal.tenant_id)
    ]


@_committed
def decide_referral(
    uow: LifecycleUnitOfWork,
    quote_id: str,
    *,
    approve: bool,
    reasons: str,
    overrides: Mapping[str, Decimal] | None = None,
) -> Quote:
    """An underwriter of the insurer approves (optionally overriding filed coefficients within
    their authority, which re-prices the referred options) or declines, with reasons."""
    require(uow.principal, *UNDERWRITERS, kinds=[OrgKind.INSURER, OrgKind.PLATFORM])
    quote = uow.underwriting.quote(quote_id)
    if quote.tenant_id != uow.principal.tenant_id and not uow.principal.is_platform:
        raise NotFoundError(f"No quote of yours with id {quote_id!r}.")
    if quote.status != QuoteState.REFERRED:
        raise ConflictError(f"The quote is {quote.status}, not waiting for a decision.")
    if not reasons.strip():
        raise ValidationError("Give the reasons for the decision.", field="reasons")
    # An insurer's (or the platform's) administrator acts with the chief underwriter's authority.
    role = "chief_underwriter" if Role.ADMIN in uow.principal.roles else "underwriter"
    options = list(quote.options)
    for index, option in enumerate(options):
        if option.status is not OptionStatus.REFER:
            continue
        if not approve:
            options[index] = replace(option, status=OptionStatus.DECLINED)
            continue
        if overrides:
            authority = authority_for(quote.insurer, role)
            option = _reprice(uow, quote, option, overrides, authority)
        options[index] = replace(option, status=OptionStatus.APPROVED)
    quote.options = tuple(options)
    quote.status = (
        _state(options)
        if approve
        else (QuoteState.OFFERED if _state(options) == QuoteState.OFFERED else QuoteState.DECLINED)
    )
    quote.decision = QuoteDecision(
        approved=approve,
        reasons=reasons.strip(),
        by=uow.principal.user_id,
        role=role,
        at=_now().isoformat(),
        overrides=dict(overrides or {}),
    )
    return quote


def _reprice(
    uow: LifecycleUnitOfWork,
    quote: Quote,
    option: PricedOption,
    overrides: Mapping[str, Decimal],
    authority: OverrideAuthority,
) -> PricedOption:
    spec, _tenant = _spec(uow, option.product)
    assert option.limit is not None  # only priced options are referred
    priced = price_option(
        spec,
        quote.submission.applicant(),
        limit=option.limit.amount,
        overrides=overrides,
        experience=option.experience,
        book_capital=option.book_capital,
    )
    check_override(authority, overrides=priced.overrides, limit=priced.limit)
    assert option.name is not None
    assert option.referral is not None
    return PricedOption.priced(
        priced, name=option.name, referral=option.referral, status=option.status
    )


def option_breakdown(uow: LifecycleUnitOfWork, quote_id: str, index: int) -> dict[str, Any]:
    """The expected insured loss of a quote's option by scenario and by coverage, priced again
    from the quote's stored submission; refused if that no longer gives the stored premium."""
    quote = uow.underwriting.quote(quote_id)
    if not 0 <= index < len(quote.options):
        raise NotFoundError(f"The quote {quote_id} has no option {index}.")
    option = quote.options[index]
    if option.technical_premium is None or option.limit is None or option.retention is None:
        raise ValidationError(
            f"Option {index} of the quote has no technical premium to explain.",
            code=UnderwritingCode.NO_TECHNICAL_PREMIUM,
            field="option_index",
            value=index,
        )
    spec, _tenant = _spec(uow, option.product)
    quoted = str(option.technical_premium.amount)
    found = technical_breakdown(
        spec,
        quote.submission.applicant(),
        limit=option.limit.amount,
        retention=option.retention.amount,
        experience=option.experience,
        book_capital=option.book_capital,
    )
    again = None if found is None else found["technical_premium"]
    if found is None or again != quoted:
        raise ConflictError(
            f"Pricing option {index} again gives {again}, not the quoted {quoted}: the scenario "
            "library or loads changed since.",
            code=UnderwritingCode.BREAKDOWN_STALE,
        )
    return {"option_index": index, "product": option.product, **found}


def declared_start(
    principal: Principal, declarations: Declarations, start: date | None
) -> tuple[date, dict[str, Any]]:
    """The first day of cover of a policy ``principal`` binds — one enterprise's policy or a
    group's master policy — once both ``declarations`` are made: ``start`` (today if not given)
    within :func:`check_start`'s range, dated back only by the insurer's or platform's staff;
    and what the policy keeps of the declarations: both answers, who made them and when."""
    declarations.check()
    today = shanghai_today(_now())
    staff = principal.org_kind in _STAFF_KINDS
    begin = today if start is None else check_start(start, today, backdate=staff)
    made = {
        **declarations.to_dict(),
        "by": principal.user_id,
        "by_name": principal.username,
        "at": _now().isoformat(),
    }
    return begin, made


@_committed
def bind(
    uow: LifecycleUnitOfWork,
    quote_id: str,
    *,
    option_index: int,
    expected_version: int,
    declarations: Declarations,
    start: date | None = None,
) -> Policy:
    """Turn an offered option into a policy, once the insured has made both
    :class:`Declarations`; it starts on ``start`` (today by default, at most
    :data:`MAX_START_DAYS` ahead). The quote's version guards against two people binding it at
    once: exactly one wins. The issue event keeps the declarations, who made them and when."""
    require(uow.principal, *BUYERS, kinds=_KINDS)
    begin, declared = declared_start(uow.principal, declarations, start)
    quote = uow.underwriting.quote(quote_id)
    if quote.version != expected_version:
        raise ConcurrencyError("The quote changed since you loaded it; reload and try again.")
    if quote.status != QuoteState.OFFERED:
        raise ConflictError(f"The quote is {quote.status}; only an offered quote can be bound.")
    if _now() > quote.valid_until:
        raise ConflictError(
            f"The quote expired on {quote.valid_until:%Y-%m-%d}; ask for a new one.",
            code=UnderwritingCode.QUOTE_EXPIRED,
        )
    if not 0 <= option_index < len(quote.options):
        raise ValidationError(
            f"The quote has options 0–{len(quote.options) - 1}.",
            field="option_index",
            value=option_index,
        )
    option = quote.options[option_index]
    if not option.status.offered:
        raise ConflictError(f"That option is {option.status}; choose an offered one.")
    assert option.limit is not None
    assert option.retention is not None
    assert option.filed_premium is not None  # an offered option is priced
    policy = Policy(
        id=new_id(),
        tenant_id=quote.tenant_id,
        client_tenant_id=quote.client_tenant_id,
        number=_policy_number(begin),
        quote_id=quote.id,
        enterprise_id=quote.enterprise_id,
        product_ref=option.product,
        limit=option.limit.amount,
        retention=option.retention.amount,
        annual_premium=option.filed_premium.amount,
        period_start=begin,
        period_end=_one_year_after(begin),
        status=PolicyState.IN_FORCE,
        submission=quote.submission,
        terms=BoundTerms(option, option_index),
        created_at=_now(),
        answers_version=quote.submission.answers_version,
    )
    quote.status = QuoteState.BOUND
    uow.underwriting.add(policy)
    _event(
        uow,
        policy,
        "issue",
        begin,
        policy.annual_premium,
        {
            "quote_id": quote.id,
            "option": option_index,
            "declarations": declared,
        },
    )
    return policy


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _policy_number(day: date) -> str:
    """LB + year + 9 random digits + a Luhn check digit (typing errors are caught)."""
    body = f"{day.year}{secrets.randbelow(10**9):09d}"
    return f"LB{body}{_luhn(body)}"


def _luhn(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _event(
    uow: LifecycleUnitOfWork,
    policy: Policy,
    kind: str,
    effective: date,
    change: Decimal,
    detail: dict[str, Any],
) -> PolicyEvent:
    event = PolicyEvent(
        id=new_id(),
        tenant_id=policy.tenant_id,
        client_tenant_id=policy.client_tenant_id,
        policy_id=policy.id,
        kind=kind,
        effective=effective,
        premium_change=change,
        detail=detail,
        created_at=_now(),
    )
    uow.underwriting.add(event)
    return event


def _in_force(uow: LifecycleUnitOfWork, policy_id: str, effective: date) -> Policy:
    policy = uow.underwriting.policy(policy_id)
    if policy.status != PolicyState.IN_FORCE:
        raise ConflictError(
            f"Policy {policy.number} is {policy.status}; it cannot be changed.",
            code=UnderwritingCode.POLICY_NOT_IN_FORCE,
        )
    if not policy.period_start <= effective < policy.period_end:
        raise ValidationError(
            f"The change must take effect within the policy period {policy.period_start} to "
            f"{policy.period_end}.",
            field="effective",
            value=str(effective),
        )
    return policy


@_committed
def endorse_limit(
    uow: LifecycleUnitOfWork, policy_id: str, *, new_limit: Decimal, effective: date
) -> PolicyEvent:
    """Mid-term limit change: re-rate at the new limit; charge or return the difference pro
    rata for the days left."""
    require(uow.principal, *BUYERS, kinds=_KINDS)
    policy = _in_force(uow, policy_id, effective)
    spec, _tenant = _spec(uow, policy.product_ref)
    priced = price_option(
        spec,
        policy.submission.applicant(),
        limit=new_limit,
        experience=policy.terms.option.experience,
        book_capital=policy.terms.option.book_capital,
    )
    new_annual = priced.filed_premium.amount
    change = pro_rata_premium(
        new_annual - policy.annual_premium,
        start=policy.period_start,
        end=policy.period_end,
        effective=effective,
    ).amount
    detail = {
        "old_limit": str(policy.limit),
        "new_limit": str(new_limit),
        "old_annual_premium": str(policy.annual_premium),
        "new_annual_premium": str(new_annual),
    }
    policy.limit, policy.annual_premium = new_limit, new_annual
    return _event(uow, policy, "endorse_limit", effective, change, detail)


@_committed
def cancel(uow: LifecycleUnitOfWork, policy_id: str, *, cancelled_on: date) -> PolicyEvent:
    """End cover from ``cancelled_on``; refund by the product's rule (pro rata unless it says
    otherwise)."""
    require(uow.principal, *BUYERS, kinds=_KINDS)
    policy = _in_force(uow, policy_id, cancelled_on)
    spec, _tenant = _spec(uow, policy.product_ref)
    refund = cancellation_refund(
        policy.annual_premium,
        start=policy.period_start,
        end=policy.period_end,
        cancelled_on=cancelled_on,
        rule=spec,
    )
    policy.status = PolicyState.CANCELLED
    return _event(uow, policy, "cancel", cancelled_on, -refund.refund.amount, refund.to_dict())


@_committed
def record_premium_payment(
    uow: LifecycleUnitOfWork, policy_id: str, *, amount: Decimal, paid_on: date
) -> PolicyEvent:
    """The insurer's staff record a premium payment received (保费到账): at most what is
    outstanding, on a day from the policy's making (or its start, if earlier) to today. Audited
    as a ``premium_paid`` event; the written premium does not change."""
    require(uow.principal, *UNDERWRITERS, kinds=_STAFF_KINDS)
    policy = uow.underwriting.policy(policy_id)
    if not uow.principal.is_platform and policy.tenant_id != uow.principal.tenant_id:
        raise NotFoundError(f"No policy with id {policy_id!r} is visible to you.")
    account = premium_account(policy, uow.underwriting.events(policy.id))
    if not Decimal(0) < amount <= account.outstanding:
        raise ValidationError(
            f"A payment must be more than ¥0 and at most the ¥{account.outstanding:,.2f} "
            f"outstanding on policy {policy.number}, not ¥{amount:,.2f}.",
            code=UnderwritingCode.PAYMENT_AMOUNT,
            field="amount",
            value=str(amount),
        )
    # From the day the policy was made, or its start when it was entered later (a paper
    # application, premium paid then), to today.
    made = min(shanghai_today(policy.created_at), policy.period_start)
    if not made <= paid_on <= shanghai_today(_now()):
        raise ValidationError(
            f"A payment is dated from the day the policy was made or began ({made}) to today, "
            f"not {paid_on}.",
            code=UnderwritingCode.PAYMENT_DATE,
            field="paid_on",
            value=paid_on.isoformat(),
        )
    detail = {"amount": str(amount), "by": uow.principal.user_id}
    return _event(uow, policy, PAYMENT, paid_on, Decimal(0), detail)


@_committed
def renew(uow: LifecycleUnitOfWork, policy_id: str, *, claims_count: int) -> Quote:
    """A renewal quote for the same product and limit, re-rated with the in-term score at
    renewal (today's diagnosis moved by the monitoring adjustment the score history last
    recorded) and the claims-history coefficient. The quote keeps the term's score history and
    what it did to the premium (:class:`RenewalTerm`): the renewal option priced again at the
    bind score, everything else equal, through the same pricing path."""
    require(uow.principal, *BUYERS, kinds=_KINDS)
    policy = uow.underwriting.policy(policy_id)
    if policy.status == PolicyState.CANCELLED:
        raise ConflictError(f"Policy {policy.number} is cancelled; quote it anew instead.")
    now = _now()
    diagnosis = security_score(uow, policy.enterprise_id)
    note_diagnosis(uow, policy.enterprise_id, diagnosis, at=now)  # the history stays current
    in_term = in_term_score(diagnosis.value, current_adjustment(uow, policy.enterprise_id))
    quotes = _request_quotes(  # in this use case's transaction
        uow,
        policy.enterprise_id,
        products_wanted=[policy.product_ref],
        limits={policy.product_ref: [policy.limit]},
        claims_count=claims_count,
        in_term=in_term,
        renewal_of=policy.number,
    )
    quote = quotes[0]
    quote.renewal = _renewal_term(uow, policy, quote, in_term, until=now)
    _event(
        uow,
        policy,
        "renewal_quote",
        policy.period_end,
        Decimal(0),
        {"quote_id": quote.id, "claims_count": claims_count},
    )
    return quote


_BEIJING = timezone(timedelta(hours=8))


def _renewal_term(
    uow: LifecycleUnitOfWork, policy: Policy, quote: Quote, in_term: InTermScore, *, until: datetime
) -> RenewalTerm:
    """The term's score changes and the renewal option's filed premium at the bind score and at
    the renewal score (the quote's), everything else equal."""
    since = datetime.combine(policy.period_start, datetime.min.time(), tzinfo=_BEIJING)
    changes = uow.score_history.changes(policy.enterprise_id, since=since, until=until)
    option = quote.options[0]
    at_renewal = None if option.filed_premium is None else option.filed_premium.amount
    at_bind = None
    if option.limit is not None:
        spec, _tenant = _spec(uow, option.product)
        bound = policy.submission
        applicant = replace(quote.submission.applicant(), score=bound.score, grade=bound.grade)
        priced = price_option(
            spec,
            applicant,
            limit=option.limit.amount,
            experience=option.experience,
            book_capital=option.book_capital,
        )
        at_bind = priced.filed_premium.amount
    return RenewalTerm(
        policy_id=policy.id,
        policy_number=policy.number,
        period_start=policy.period_start,
        period_end=policy.period_end,
        bind_score=Decimal(str(policy.submission.score)),
        bind_grade=policy.submission.grade,
        renewal_score=in_term.value,
        renewal_grade=in_term.grade,
        diagnosis_score=in_term.diagnosis,
        adjustment=in_term.adjustment,
        changes=tuple(
            TermChange(
                at=c.at,
                score_before=c.score_before,
                grade_before=c.grade_before,
                score_after=c.score_after,
                grade_after=c.grade_after,
                reason=c.reason,
                ref=c.ref,
                text=c.text,
            )
            for c in changes
        ),
        premium_at_bind_score=at_bind,
        premium_at_renewal_score=at_renewal,
    )
