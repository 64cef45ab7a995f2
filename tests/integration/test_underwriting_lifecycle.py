"""Quote → refer → decide → bind → endorse → cancel on real databases, with the money checked by
hand, and two underwriters binding one quote at once (exactly one wins)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from liubu import underwriting
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.demo import load_reference_products
from liubu.errors import (
    ConcurrencyError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from liubu.underwriting import lifecycle
from tests.integration.helpers import DECLARED, PASSWORD, facts, make_tenant

SME = "shifan-pc/sme-cyber-comprehensive@2"


def _insurer_principal(platform: Platform, role: Role) -> Principal:
    """A user of the catalogue insurer that owns the SME product."""
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code("shifan-pc")
        assert organisation is not None
        user = uow.users.find_by_username(f"sf-{role}") or accounts.create_user(
            uow,
            tenant_id=organisation.id,
            username=f"sf-{role}",
            password=PASSWORD,
            roles=[role],
        )
        uow.commit()
        return accounts.principal_for(user, organisation)


def _quoted(
    platform: Platform, name: str = "Buyer", serial: int = 1
) -> tuple[Principal, Principal, str]:
    load_reference_products(platform)
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, name, Role.ENTERPRISE_USER).principal
    underwriter = _insurer_principal(platform, Role.UNDERWRITER)
    # A critical-information-infrastructure operator: the insurer's rules always refer it.
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(
            uow, dataclasses.replace(facts(serial), critical_infrastructure=True)
        )
        uow.commit()
    with platform.uow(buyer) as uow:
        quotes = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    assert len(quotes) == 1
    return buyer, underwriter, quotes[0].id


def _offered(
    platform: Platform, name: str = "Buyer", serial: int = 1
) -> tuple[Principal, Principal, str]:
    # A credit code has one holder on the platform: each buyer tenant registers its own.
    buyer, underwriter, quote_id = _quoted(platform, name, serial)
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote_id)
        if quote.status == "referred":
            lifecycle.decide_referral(
                uow, quote_id, approve=True, reasons="Adequacy accepted for a new SME account."
            )
            uow.commit()
    return buyer, underwriter, quote_id


def test_a_quote_has_three_options_both_prices_and_a_referral_decision(
    platform: Platform,
) -> None:
    buyer, _underwriter, quote_id = _quoted(platform)
    with platform.uow(buyer) as uow:
        quote = uow.underwriting.quote(quote_id)
    assert len(quote.options) == 3
    for option in quote.options:
        assert option.technical_premium is not None
        assert option.filed_premium is not None
        assert option.rate_adequacy is not None
        assert option.referral is not None
        assert option.worksheet is not None
        technical, filed = option.technical_premium.amount, option.filed_premium.amount
        assert option.rate_adequacy == (filed / technical).quantize(option.rate_adequacy)
        assert option.referral.decision in ("auto", "refer", "decline")
        assert option.worksheet.technical
        assert option.worksheet.filed
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    with platform.uow(other.principal) as uow, pytest.raises(NotFoundError):
        uow.underwriting.quote(quote_id)


def test_each_options_expected_loss_splits_by_scenario_and_by_coverage(
    platform: Platform,
) -> None:
    """The breakdown is priced again from the stored submission: it must give the quoted
    technical premium, and each split (Euler allocation) must add up to the worksheet's
    expected insured loss."""
    buyer, underwriter, quote_id = _quoted(platform)
    for principal in (buyer, underwriter):  # the insured and the insurer may both look
        with platform.uow(principal) as uow:
            quote = uow.underwriting.quote(quote_id)
            found = [lifecycle.option_breakdown(uow, quote_id, i) for i in range(3)]
        for option, breakdown in zip(quote.options, found, strict=True):
            assert option.technical_premium is not None
            assert option.worksheet is not None
            assert breakdown["technical_premium"] == str(option.technical_premium.amount)
            step = option.worksheet.step("expected_insured_loss")
            assert step.exact is not None
            expected = float(step.exact)
            assert breakdown["expected_loss"] == pytest.approx(expected, rel=1e-12)
            for split in ("by_scenario", "by_coverage"):
                parts = breakdown[split]
                assert len(parts) >= 2
                assert all(v >= 0 for v in parts.values())
                # the grid's top bucket shares the mass it lumps pro rata: tens of parts per
                # million on a 1,024-bucket grid at insured-claim frequencies of a few per cent
                # (the limit's bucket carries a larger share of the mean), below a yuan
                assert abs(sum(parts.values()) - expected) < 1.0
    with platform.uow(buyer) as uow, pytest.raises(NotFoundError):
        lifecycle.option_breakdown(uow, quote_id, 3)
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    with platform.uow(other.principal) as uow, pytest.raises(NotFoundError):
        lifecycle.option_breakdown(uow, quote_id, 0)


def test_an_underwriter_decides_a_referral_with_reasons(platform: Platform) -> None:
    buyer, underwriter, quote_id = _quoted(platform)
    with platform.uow(underwriter) as uow:
        queue = lifecycle.referral_queue(uow)
        quote = uow.underwriting.quote(quote_id)
    assert quote.status == "referred"
    assert all(o.status == "refer" for o in quote.options)
    assert any(
        r.code == "critical_information_infrastructure"
        for o in quote.options
        for r in (o.referral.reasons if o.referral else ())
    )
    assert [q.id for q in queue] == [quote_id]
    with platform.uow(underwriter) as uow:
        decided = lifecycle.decide_referral(uow, quote_id, approve=True, reasons="Accepted.")
        uow.commit()
    assert decided.status == "offered"
    assert decided.decision is not None
    assert decided.decision.reasons == "Accepted."
    with platform.uow(underwriter) as uow:  # as stored, read back typed
        stored = uow.underwriting.quote(quote_id)
    assert stored.decision == decided.decision
    assert stored.options == decided.options
    assert stored.submission == decided.submission
    assert {o.status for o in stored.options} == {"approved"}
    with platform.uow(buyer) as uow, pytest.raises(PermissionDeniedError):
        lifecycle.decide_referral(uow, quote_id, approve=True, reasons="self-approval")


RULES_FILE = Path(__file__).parents[2] / "src/liubu/underwriting/data/referral_rules.yaml"
DDOS = "yangben-pc/ddos-sla-guarantee@1"


def _adequacy_threshold(insurer: str) -> Decimal:
    """The insurer's rate-adequacy threshold, read from the rules file as data."""
    table = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    (rule,) = [r for r in table["default"]["rules"] if r["code"] == "rate_adequacy_below_threshold"]
    override = table["insurers"].get(insurer, {}).get("rules", {})
    entry = override.get("rate_adequacy_below_threshold", {})
    return Decimal(str(entry.get("threshold", rule["threshold"])))


def test_an_option_no_rule_refers_is_offered_at_once_and_bound_without_an_underwriter(
    platform: Platform,
) -> None:
    """With capital allocated in the insurer's book, a cover whose filed premium clears its cost
    auto-quotes: each option refers exactly when its adequacy is below the insurer's threshold
    (the enterprise is not CII, not graded D/E, exposes no KEV, and its revenue is small)."""
    load_reference_products(platform)
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, "Shop", Role.ENTERPRISE_USER).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(uow, facts(2))
        uow.commit()
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[DDOS])
        uow.commit()
    threshold = _adequacy_threshold("yangben-pc")
    statuses = [str(o.status) for o in quote.options]
    for option in quote.options:
        assert option.rate_adequacy is not None
        assert option.referral is not None
        below = option.rate_adequacy < threshold
        assert option.status == ("refer" if below else "auto")
        assert [r.code for r in option.referral.reasons] == (
            ["rate_adequacy_below_threshold"] if below else []
        )
    assert "auto" in statuses, statuses
    assert quote.status == "offered"
    index = statuses.index("auto")
    with platform.uow(buyer) as uow:
        policy = lifecycle.bind(
            uow, quote.id, option_index=index, declarations=DECLARED, expected_version=quote.version
        )
        uow.commit()
    bound = quote.options[index]
    assert bound.filed_premium is not None
    assert policy.annual_premium == bound.filed_premium.amount
    with platform.uow(buyer) as uow:
        stored = uow.underwriting.quote(quote.id)
        kept = uow.underwriting.policy(policy.id)
    assert (stored.status, stored.decision) == ("bound", None)  # no underwriter decided
    assert (kept.terms.option, kept.terms.option_index) == (bound, index)
    assert kept.submission == quote.submission


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_bind_endorse_and_cancel_move_the_right_money(platform: Platform) -> None:
    buyer, underwriter, quote_id = _offered(platform)
    start = date(2026, 1, 1)
    # A policy dated back: the insurer's staff enter it (the insured may not backdate).
    with platform.uow(underwriter) as uow:
        quote = uow.underwriting.quote(quote_id)
        policy = lifecycle.bind(
            uow,
            quote_id,
            option_index=0,
            declarations=DECLARED,
            expected_version=quote.version,
            start=start,
        )
        uow.commit()
    assert policy.number.startswith("LB2026")
    assert (policy.period_start, policy.period_end) == (start, date(2027, 1, 1))
    annual_before = policy.annual_premium
    effective = start + timedelta(days=100)
    with platform.uow(buyer) as uow:
        endorsement = lifecycle.endorse_limit(
            uow, policy.id, new_limit=Decimal(2_000_000), effective=effective
        )
        uow.commit()
    new_annual = Decimal(endorsement.detail["new_annual_premium"])
    # Hand calculation: the change in annual premium × days left / days in the term.
    assert endorsement.premium_change == _money((new_annual - annual_before) * 265 / 365)
    cancelled_on = start + timedelta(days=200)
    with platform.uow(buyer) as uow:
        cancellation = lifecycle.cancel(uow, policy.id, cancelled_on=cancelled_on)
        uow.commit()
    assert cancellation.premium_change == -_money(new_annual * 165 / 365)
    with platform.uow(buyer) as uow, pytest.raises(ConflictError):
        lifecycle.endorse_limit(
            uow, policy.id, new_limit=Decimal(1_000_000), effective=cancelled_on
        )
    with platform.engine.connect() as connection:
        kinds = (
            connection.execute(
                sa.text("SELECT kind FROM policy_events WHERE policy_id = :p ORDER BY created_at"),
                {"p": policy.id},
            )
            .scalars()
            .all()
        )
    assert kinds == ["issue", "endorse_limit", "cancel"]
    assert platform.verify_audit_chain().intact


def test_a_quote_cannot_be_bound_twice_or_after_expiry(platform: Platform) -> None:
    buyer, _underwriter, quote_id = _offered(platform)
    with platform.uow(buyer) as uow:
        quote = uow.underwriting.quote(quote_id)
        lifecycle.bind(
            uow, quote_id, option_index=0, declarations=DECLARED, expected_version=quote.version
        )
        uow.commit()
    with platform.uow(buyer) as uow, pytest.raises((ConflictError, ConcurrencyError)):
        lifecycle.bind(
            uow, quote_id, option_index=1, declarations=DECLARED, expected_version=quote.version
        )
    buyer2, _u, second = _offered(platform, "Second buyer", serial=2)
    with platform.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE quotes SET valid_until = :t WHERE id = :q"),
            {"t": "2000-01-01 00:00:00+00:00", "q": second},
        )
    with platform.uow(buyer2) as uow, pytest.raises(ConflictError) as caught:
        lifecycle.bind(
            uow,
            second,
            option_index=0,
            declarations=DECLARED,
            expected_version=uow.underwriting.quote(second).version,
        )
    assert caught.value.code == "quote.expired"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_underwriters_binding_the_same_quote_exactly_one_wins(platform: Platform) -> None:
    buyer, underwriter, quote_id = _offered(platform)
    second = _insurer_principal(platform, Role.ADMIN)
    with platform.uow(buyer) as uow:
        version = uow.underwriting.quote(quote_id).version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def bind_as(principal: Principal) -> None:
        with platform.uow(principal) as uow:
            uow.underwriting.quote(quote_id)
            barrier.wait()
            try:
                lifecycle.bind(
                    uow, quote_id, option_index=0, declarations=DECLARED, expected_version=version
                )
                uow.commit()
                outcomes.append("bound")
            except (ConcurrencyError, ConflictError):
                outcomes.append("lost")

    threads = [threading.Thread(target=bind_as, args=(p,)) for p in (underwriter, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["bound", "lost"]
    with platform.engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM policies WHERE quote_id = :q"), {"q": quote_id}
        ).scalar_one()
    assert count == 1


def test_the_treatment_plans_premium_is_the_quotes_filed_premium(platform: Platform) -> None:
    """One pricing path: for the same enterprise, product and limit, the treatment plan's
    baseline premium equals the filed premium of the quote — the MLPS level (3: 0.9 in the
    file, not neutral) and the product's default retention included, not only the score."""
    load_reference_products(platform)
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, "Graded", Role.ENTERPRISE_USER).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(uow, dataclasses.replace(facts(2), mlps_level=3))
        uow.commit()
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    with platform.uow(buyer) as uow:
        spec = lifecycle._spec(uow, SME)[0]
        plans = [
            underwriting.treatment_plan(uow, enterprise.id, product=spec, limit=option.limit.amount)
            for option in quote.options
        ]
    assert len(plans) == 3
    for option, plan in zip(quote.options, plans, strict=True):
        assert option.worksheet is not None
        assert option.filed_premium is not None
        assert option.retention is not None
        assert option.worksheet.step("coefficient:mlps_level").exact == Decimal("0.9")
        assert plan.baseline.premium is not None
        assert plan.baseline.premium.premium == option.filed_premium.amount
        assert plan.baseline.premium.retention == option.retention.amount
        assert plan.baseline.score.value == Decimal(str(quote.submission.score))


def _bind(platform: Platform, who: Principal, quote_id: str, *, start: date) -> underwriting.Policy:
    """Bind option 0 of the quote as ``who``, both declarations made, starting on ``start``."""
    with platform.uow(who) as uow:
        quote = uow.underwriting.quote(quote_id)
        policy = lifecycle.bind(
            uow,
            quote_id,
            option_index=0,
            declarations=DECLARED,
            expected_version=quote.version,
            start=start,
        )
        uow.commit()
    return policy


def test_binding_needs_both_declarations_and_a_start_within_the_rules(platform: Platform) -> None:
    """The insured binds only with both declarations (Insurance Law arts. 16 and 17) and a start
    from today to 90 days ahead; the insurer's staff may also enter one dated back up to three
    years (art. 26's two-year claims period after a one-year policy). Refusals name their code;
    the issue event keeps the declarations, who made them and when."""
    buyer, underwriter, quote_id = _offered(platform)
    today = shanghai_today()  # the platform's day: the Beijing calendar

    def attempt(who: Principal, declarations: underwriting.Declarations, start: date) -> str:
        with platform.uow(who) as uow:
            version = uow.underwriting.quote(quote_id).version
        with platform.uow(who) as uow, pytest.raises(ValidationError) as refused:
            lifecycle.bind(
                uow,
                quote_id,
                option_index=0,
                declarations=declarations,
                expected_version=version,
                start=start,
            )
        return str(refused.value.code)

    half = underwriting.Declarations(truthful=True, terms_read=False)
    assert attempt(buyer, half, today) == "bind.declarations_required"
    assert attempt(buyer, DECLARED, today - timedelta(days=1)) == "bind.start_out_of_range"
    assert attempt(buyer, DECLARED, today + timedelta(days=91)) == "bind.start_out_of_range"
    assert attempt(underwriter, DECLARED, today - timedelta(days=3 * 365 + 1)) == (
        "bind.start_out_of_range"
    )
    policy = _bind(platform, buyer, quote_id, start=today + timedelta(days=90))
    assert policy.period_start == today + timedelta(days=90)
    with platform.uow(buyer) as uow:
        (issue,) = [e for e in uow.underwriting.events(policy.id) if e.kind == "issue"]
    declared = issue.detail["declarations"]
    assert (declared["truthful"], declared["terms_read"]) == (True, True)
    assert declared["by"] == buyer.user_id
    assert shanghai_today(datetime.fromisoformat(declared["at"])) == today


def test_premium_payments_settle_what_is_written_and_nothing_more(platform: Platform) -> None:
    """The premium account adds up the policy's events: written = issue + endorsement changes,
    paid = recorded payments, outstanding = written − paid, due on the first day of cover. Only
    the insurer's staff record payments, at most what is outstanding, dated from the policy's
    making to today; each is audited as an event and changes no written premium."""
    buyer, underwriter, quote_id = _offered(platform)
    today = shanghai_today()
    policy = _bind(platform, buyer, quote_id, start=today + timedelta(days=10))
    premium = policy.annual_premium

    def account() -> underwriting.PremiumAccount:
        with platform.uow(buyer) as uow:
            stored = uow.underwriting.policy(policy.id)
            return underwriting.premium_account(stored, uow.underwriting.events(policy.id))

    before = account()
    assert (before.written, before.paid, before.outstanding) == (premium, 0, premium)
    assert before.due_on == today + timedelta(days=10)
    assert not before.settled

    def pay(who: Principal, amount: Decimal, on: date) -> None:
        with platform.uow(who) as uow:
            underwriting.record_premium_payment(uow, policy.id, amount=amount, paid_on=on)
            uow.commit()

    with pytest.raises(PermissionDeniedError):
        pay(buyer, premium, today)  # the insured does not book its own payment
    for amount, on, code in (
        (premium + Decimal("0.01"), today, "payment.amount"),
        (Decimal(0), today, "payment.amount"),
        (premium, today + timedelta(days=1), "payment.date"),
        (premium, today - timedelta(days=1), "payment.date"),
    ):
        with pytest.raises(ValidationError) as refused:
            pay(underwriter, amount, on)
        assert refused.value.code == code
    half = (premium / 2).quantize(Decimal("0.01"))
    pay(underwriter, half, today)
    assert account().outstanding == premium - half
    pay(underwriter, premium - half, today)
    after = account()
    assert (after.paid, after.outstanding, after.settled, after.paid_on) == (
        premium,
        0,
        True,
        today,
    )
    assert after.written == premium  # payments move cash, not written premium
    with platform.uow(underwriter) as uow:
        kinds = [e.kind for e in uow.underwriting.events(policy.id)]
    assert kinds.count("premium_paid") == 2
