"""Capital from the insurer's simulated book on real databases: stored per insurer (replacing the
previous run, audited), read by a quote of the insurer's products only — the renewed policy's own
ratio, a new applicant's industry's, else the book's — and the assumed N, ρ book as the fallback
while none is stored."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Principal, Role
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.errors import PermissionDeniedError
from liubu.portfolio import (
    BookCapital,
    CapitalRow,
    PolicyCapital,
    SegmentCapital,
    refresh_book_capital,
    store_book_capital,
    stored_book_capital,
)
from liubu.products import find_product, parse_product
from liubu.underwriting import BookCapitalRatio, lifecycle, price_option
from tests.integration.helpers import DECLARED, facts, make_tenant
from tests.integration.test_underwriting_lifecycle import _insurer_principal
from tests.unit.portfolio.books import BI_TERMS, identical_book, one_provider

SME = "shifan-pc/sme-cyber-comprehensive@2"
DIVISIONS = {"I": "65", "C": "39", "G": "54"}


def _capital(policies: dict[str, tuple[str, float, float, float]]) -> BookCapital:
    """A book capital from (industry, mean, euler, stand-alone) per policy key, the segments
    summed as :func:`liubu.portfolio.book_capital` sums them."""
    rows = tuple(PolicyCapital(k, *v) for k, v in policies.items())

    def seg(segment: str, key: str, members: list[PolicyCapital]) -> SegmentCapital:
        return SegmentCapital(
            segment,
            key,
            len(members),
            sum(p.capital for p in members),
            sum(p.stand_alone for p in members),
        )

    sections = sorted({p.industry for p in rows})
    return BookCapital(
        return_period=200,
        level=Decimal("0.995"),
        years=10_000,
        seed=1,
        tail_years=50,
        book_mean=sum(p.mean for p in rows),
        book_tvar=sum(p.euler for p in rows),
        policies=rows,
        segments=(
            seg("book", "", list(rows)),
            *(seg("industry", s, [p for p in rows if p.industry == s]) for s in sections),
        ),
    )


def _buyer(platform: Platform, serial: int, section: str = "I") -> tuple[Principal, str]:
    buyer = make_tenant(
        platform, OrgKind.ENTERPRISE, f"Buyer {serial}", Role.ENTERPRISE_USER
    ).principal
    with platform.uow(buyer) as uow:
        enterprise = accounts.register_enterprise(
            uow,
            dataclasses.replace(
                facts(serial), industry_section=section, industry_division=DIVISIONS[section]
            ),
        )
        uow.commit()
    return buyer, enterprise.id


def _quote(platform: Platform, buyer: Principal, enterprise_id: str) -> str:
    with platform.uow(buyer) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise_id, products_wanted=[SME])
        uow.commit()
    return quote.id


def test_a_quote_uses_its_insurers_stored_book_capital_by_policy_industry_and_book(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    underwriter = _insurer_principal(platform, Role.UNDERWRITER)
    buyer, enterprise_id = _buyer(platform, 51)

    # Another insurer's stored book never reaches a quote of this insurer's product.
    rival = make_tenant(platform, OrgKind.INSURER, "Rival insurer", Role.ACTUARY).principal
    store_book_capital(
        platform.uow(rival), rival.tenant_id, "rival-run", _capital({"X1": ("I", 1, 50, 100)})
    )
    quote_id = _quote(platform, buyer, enterprise_id)
    with platform.uow(buyer) as uow:
        first = uow.underwriting.quote(quote_id)
        spec = parse_product(find_product(uow, SME).document, source=SME)
    applicant = first.submission.applicant()
    for option in first.options:
        assert option.book_capital is None
        assert option.worksheet is not None
        assert option.worksheet.step("capital").detail["basis"] == "book"  # N, ρ: the fallback
        assert any(n.en.startswith("No simulated book capital") for n in option.worksheet.notes)

    # Bind, then store the insurer's book: the bound policy among its policies (by number).
    if first.status == "referred":
        with platform.uow(underwriter) as uow:
            lifecycle.decide_referral(uow, quote_id, approve=True, reasons="Accepted.")
            uow.commit()
    with platform.uow(underwriter) as uow:
        version = uow.underwriting.quote(quote_id).version
        policy = lifecycle.bind(
            uow,
            quote_id,
            option_index=0,
            declarations=DECLARED,
            expected_version=version,
            start=date(2026, 1, 1),
        )
        uow.commit()
    capital = _capital(
        {
            policy.number: ("I", 100.0, 400.0, 1_000.0),  # r = 0.3
            "OTHER-I": ("I", 100.0, 200.0, 1_000.0),  # r = 0.1; section I: 400 / 2000 = 0.2
            "OTHER-C": ("C", 100.0, 600.0, 1_000.0),  # section C: 0.5; book: 900 / 3000 = 0.3
        }
    )
    stored = store_book_capital(platform.uow(actuary), actuary.tenant_id, "run-1", capital)
    assert stored.book.ratio == Decimal("0.3")
    assert stored.row("industry", "I").ratio == Decimal("0.2")  # type: ignore[union-attr]

    # A renewal of the bound policy prices with the policy's own ratio.
    with platform.uow(buyer) as uow:
        renewal = lifecycle.renew(uow, policy.id, claims_count=0)
        uow.commit()
    own = renewal.options[0].book_capital
    assert own is not None
    assert (own.basis, own.key, own.ratio, own.run_id) == (
        "policy",
        policy.number,
        Decimal("0.3"),
        "run-1",
    )
    _same_price(renewal.options[0], spec, renewal.submission.applicant(), own)

    # New business of section I prices with the section's ratio; of a section not in the book
    # (G), with the whole book's.
    new_quote = _quote(platform, buyer, enterprise_id)
    other, other_enterprise = _buyer(platform, 52, section="G")
    other_quote = _quote(platform, other, other_enterprise)
    with platform.uow(underwriter) as uow:
        fresh = uow.underwriting.quote(new_quote)
        elsewhere = uow.underwriting.quote(other_quote)
    for option in fresh.options:
        assert option.book_capital is not None
        assert (option.book_capital.basis, option.book_capital.ratio) == (
            "industry",
            Decimal("0.2"),
        )
        _same_price(option, spec, applicant, option.book_capital)
    assert elsewhere.options[0].book_capital is not None
    assert elsewhere.options[0].book_capital.label == "book"

    # A re-run replaces the previous rows; quotes already made keep the ratio they were priced
    # with, so their breakdown still gives the quoted figure.
    store_book_capital(
        platform.uow(actuary), actuary.tenant_id, "run-2", _capital({"Z": ("I", 1, 2, 10)})
    )
    with platform.uow(actuary) as uow:
        latest = stored_book_capital(uow, actuary.tenant_id)
        events = [e for e in uow.audit.recent(limit=50) if e.action == "book_capital.stored"]
    assert latest is not None
    assert latest.run_id == "run-2"
    assert {r.key for r in latest.rows if r.segment == "policy"} == {"Z"}
    assert len(events) == 2
    with platform.uow(buyer) as uow:
        again = lifecycle.option_breakdown(uow, new_quote, 0)
    assert again["technical_premium"] == str(fresh.options[0].technical_premium.amount)  # type: ignore[union-attr]
    assert platform.verify_audit_chain().intact


def _same_price(option: object, spec: object, applicant: object, ratio: BookCapitalRatio) -> None:
    """The option's technical premium is the pricing path's with that ratio, and is
    (E + coc × r × C₁) / (1 − e − p) from the worksheet's own E and C₁."""
    from liubu.core import Money
    from liubu.underwriting import loads_for

    assert option.limit is not None  # type: ignore[attr-defined]
    sheet = option.worksheet  # type: ignore[attr-defined]
    by_path = price_option(spec, applicant, limit=option.limit.amount, book_capital=ratio)  # type: ignore[arg-type,attr-defined]
    assert option.technical_premium == by_path.technical_premium  # type: ignore[attr-defined]
    loads = loads_for("shifan-pc")
    expected = sheet.step("expected_insured_loss").exact
    stand_alone = sheet.step("stand_alone_capital").exact
    exact = (expected + loads.cost_of_capital * min(stand_alone, ratio.ratio * stand_alone)) / (
        1 - loads.expense_ratio - loads.profit_margin
    )
    assert option.technical_premium.amount == Money(exact).round_fen().amount  # type: ignore[attr-defined]
    assert sheet.step("capital").detail["basis"] == "simulated_book"


def test_only_the_insurers_own_staff_store_or_read_its_book_capital(platform: Platform) -> None:
    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    rival = make_tenant(platform, OrgKind.INSURER, "Rival insurer 2", Role.ACTUARY).principal
    with pytest.raises(PermissionDeniedError):
        store_book_capital(
            platform.uow(rival), actuary.tenant_id, "x", _capital({"A": ("I", 1, 2, 3)})
        )
    with pytest.raises(PermissionDeniedError), platform.uow(rival) as uow:
        stored_book_capital(uow, actuary.tenant_id)
    buyer, _enterprise = _buyer(platform, 53)
    with pytest.raises(PermissionDeniedError):
        store_book_capital(
            platform.uow(buyer), actuary.tenant_id, "x", _capital({"A": ("I", 1, 2, 3)})
        )
    with platform.uow(actuary) as uow:
        assert stored_book_capital(uow, actuary.tenant_id) is None


def test_a_refresh_simulates_the_book_and_stores_its_capital(platform: Platform) -> None:
    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    book = identical_book(12, dependency="cloud-a", terms=BI_TERMS)
    stored = refresh_book_capital(
        platform.uow(actuary),
        actuary.tenant_id,
        book,
        one_provider(0.02, 30.0),
        years=2_000,
        seed=9,
        run_id="refresh-1",
    )
    assert (stored.run_id, stored.return_period, stored.book_policies) == ("refresh-1", 200, 12)
    # every policy rides on one provider: nothing diversifies, r = 1
    assert stored.book.ratio == Decimal(1)
    assert {r.key for r in stored.rows if r.segment == "policy"} == {p.id for p in book.policies}
    with platform.uow(actuary) as uow:
        again = stored_book_capital(uow, actuary.tenant_id)
    assert again is not None
    assert (again.run_id, again.computed_at, again.book_policies) == (
        stored.run_id,
        stored.computed_at,
        stored.book_policies,
    )
    assert sorted(again.rows, key=_order) == sorted(stored.rows, key=_order)


def _order(row: CapitalRow) -> tuple[str, str]:
    return row.segment, row.key


def test_a_policy_id_too_long_for_a_policy_number_is_refused_and_nothing_stored(
    platform: Platform,
) -> None:
    from liubu.errors import ValidationError

    load_reference_products(platform)
    actuary = _insurer_principal(platform, Role.ACTUARY)
    with pytest.raises(ValidationError) as caught:
        store_book_capital(
            platform.uow(actuary), actuary.tenant_id, "x", _capital({"P" * 65: ("I", 1, 2, 3)})
        )
    assert caught.value.field == "id"
    with platform.uow(actuary) as uow:
        assert stored_book_capital(uow, actuary.tenant_id) is None
