"""Anti-fraud claims against a real book (SQLite and PostgreSQL): a bulk file with bad lines,
refusals and a claim above the limit left; re-runs; a resumed import; single claims; scoping.

Every payable amount is computed by hand in the test (reference product: ¥3,000 annual
retention, 70 % indemnity share, the holder's per-person limit, 7-day waiting period from
inception, notice within 72 h = 3 days of the police report)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.accounts import OrgKind, Role, acting_in
from liubu.bootstrap import Platform
from liubu.claims import (
    AntifraudClaim,
    AntifraudDecision,
    ClaimsCode,
    antifraud_claim,
    antifraud_claims,
    file_antifraud_claim,
    import_antifraud_claims,
    parse_receipt_number,
)
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError
from liubu.store import tables
from tests.integration.personal_claims_book import (
    CLAIMS_HEADER,
    PEOPLE,
    STRANGER,
    TODAY,
    Book,
    claims_count,
    issue_book,
    receipt,
)

A, B, C, D = (PEOPLE[k][1] for k in "ABCD")
BAD_CHECKSUM = A[:17] + ("0" if A[17] != "0" else "1")

# line 2 onwards (the header is line 1)
LINES = [
    f"{receipt('2026-03', 1)},{A},8000,2026-03-01,2026-03-01,2026-03-02,0,",  # 2 accepted
    f"B123,{B},5000,2026-03-01,2026-03-01,2026-03-02,0,",  # 3 bad receipt number
    f"{receipt('2026-03', 3)},{BAD_CHECKSUM},5000,2026-03-01,2026-03-01,2026-03-02,0,",  # 4 bad id
    f"{receipt('2026-03', 4)},{B},5000,2026-02-30,2026-03-01,2026-03-02,0,",  # 5 bad date
    f"{receipt('2026-03', 5)},{STRANGER},5000,2026-03-01,2026-03-01,2026-03-02,0,",  # 6 no policy
    f"{receipt('2026-01', 6)},{B},5000,2026-01-03,2026-01-03,2026-01-04,0,",  # 7 waiting period
    f"{receipt('2026-04', 7)},{C},9000,2026-04-01,2026-04-01,2026-04-10,0,",  # 8 late notice
    f"{receipt('2026-05', 8)},{A},12000,2026-05-01,2026-05-02,2026-05-03,500,",  # 9 capped
    f"{receipt('2026-06', 9)},{D},2000,2026-06-01,2026-06-01,2026-06-01,0,",  # 10 within retention
    f"{receipt('2026-06', 10)},{D},5000,2026-06-09,2026-06-09,2026-06-09,0,gambling",  # 11 excluded
    f"{receipt('2026-03', 1)},{D},5000,2026-03-01,2026-03-01,2026-03-02,0,",  # 12 dup in file
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text(CLAIMS_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(platform: Platform, book: Book, path: Path, **options: object) -> object:
    principal = book.adjuster()
    return import_antifraud_claims(
        lambda: platform.uow(principal),  # type: ignore[arg-type]
        path,
        cipher=book.cipher,
        error_path=path.with_name(path.name + ".errors.csv"),
        today=TODAY,
        **options,  # type: ignore[arg-type]
    )


def _errors(path: Path) -> dict[int, str]:
    with path.with_name(path.name + ".errors.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return {int(row["line"]): row["code"] for row in rows}


def _stored(platform: Platform) -> dict[str, tuple[str, Decimal, list[str]]]:
    t = tables.personal_claims
    with platform.engine.connect() as connection:
        rows = connection.execute(
            sa.select(t.c.receipt_number, t.c.decision, t.c.payable, t.c.worksheet)
        )
        return {
            r.receipt_number: (
                r.decision,
                Decimal(str(r.payable)).quantize(Decimal("0.01")),
                r.worksheet["reasons"] + r.worksheet["notes"],
            )
            for r in rows
        }


@pytest.fixture
def book(platform: Platform, tmp_path: Path) -> Book:
    return issue_book(platform, tmp_path)


def test_a_bulk_file_stores_good_rows_refuses_with_reasons_and_sends_bad_lines_to_the_error_file(
    platform: Platform, book: Book, tmp_path: Path
) -> None:
    path = _write(tmp_path / "claims.csv", LINES)
    summary = _run(platform, book, path, chunk_size=4)
    assert _errors(path) == {
        3: "claims.antifraud.receipt_number",
        4: "claims.antifraud.resident_id",
        5: "claims.antifraud.date",
        6: "claims.antifraud.no_policy",
        12: "claims.antifraud.duplicate_in_file",
    }
    stored = _stored(platform)
    # A: (8000 − 3000 retention) × 0.7 = 3500.00
    assert stored[receipt("2026-03", 1)] == (
        "accepted",
        Decimal("3500.00"),
        ["claims.antifraud.recovery_wait"],
    )
    assert stored[receipt("2026-01", 6)] == (
        "refused",
        Decimal("0.00"),
        ["claims.antifraud.waiting_period"],
    )
    # told on 10 April of a report made on 1 April: 9 days > 72 h
    assert stored[receipt("2026-04", 7)] == (
        "refused",
        Decimal("0.00"),
        ["claims.antifraud.late_notice"],
    )
    # A again: net 12000 − 500 = 11500, retention already used → × 0.7 = 8050.00, but the limit
    # left is 10000 − 3500 = 6500.00: paid up to it
    assert stored[receipt("2026-05", 8)] == (
        "accepted",
        Decimal("6500.00"),
        ["claims.antifraud.capped_at_limit", "claims.antifraud.recovery_wait"],
    )
    # D: 2000 is within the 3000 retention: accepted, nothing payable, 2000 of retention used
    assert stored[receipt("2026-06", 9)] == (
        "accepted",
        Decimal("0.00"),
        ["claims.antifraud.within_retention", "claims.antifraud.recovery_wait"],
    )
    assert stored[receipt("2026-06", 10)] == (
        "refused",
        Decimal("0.00"),
        ["claims.antifraud.excluded_cause"],
    )
    assert len(stored) == 6
    assert (summary.stored, summary.accepted, summary.refused, summary.rejected) == (6, 3, 3, 5)
    assert summary.payable == Decimal("10000.00")

    again = _run(platform, book, path, chunk_size=4)
    assert again.already_done
    assert again.stored == 0
    assert claims_count(platform) == 6
    # the same claims in another file: each receipt is already claimed, nothing stored twice
    other = _write(tmp_path / "again.csv", [LINES[0], LINES[7]])
    repeated = _run(platform, book, other)
    assert repeated.stored == 0
    assert _errors(other) == {
        2: "claims.antifraud.already_claimed",
        3: "claims.antifraud.already_claimed",
    }
    assert claims_count(platform) == 6
    assert platform.verify_audit_chain().intact


def test_the_worksheet_says_the_payment_was_capped_at_the_limit_left(
    platform: Platform, book: Book, tmp_path: Path
) -> None:
    _run(platform, book, _write(tmp_path / "claims.csv", LINES))
    with platform.uow(book.adjuster()) as uow:  # type: ignore[arg-type]
        (capped,) = antifraud_claims(uow, receipt_number=receipt("2026-05", 8))
    steps = dict(capped.assessment.steps)
    assert steps["net_loss"] == Decimal("11500.00")
    assert steps["retention_left"] == Decimal(0)
    assert steps["share"] == Decimal("8050.00")
    assert steps["limit_left"] == Decimal("6500.00")
    assert steps["payable"] == Decimal("6500.00")
    assert ClaimsCode.CAPPED_AT_LIMIT in capped.assessment.notes
    assert capped.assessment.payable_from == dt.date(2026, 6, 1)  # report 2 May + 30 days
    assert "*" in capped.resident_id_masked
    assert A not in repr(capped)


def test_an_import_stopped_after_a_chunk_resumes_to_the_same_result(
    platform: Platform, book: Book, tmp_path: Path
) -> None:
    path = _write(tmp_path / "claims.csv", LINES)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop  # after the first chunk committed

    with pytest.raises(Stop):
        _run(platform, book, path, chunk_size=3, progress=stop)
    assert 0 < claims_count(platform) < 6
    resumed = _run(platform, book, path, chunk_size=3)
    assert resumed.resumed
    assert claims_count(platform) == 6
    # the error file equals the one an uninterrupted run writes (same reasons, same lines)
    assert _errors(path) == {
        3: "claims.antifraud.receipt_number",
        4: "claims.antifraud.resident_id",
        5: "claims.antifraud.date",
        6: "claims.antifraud.no_policy",
        # the duplicate's first line committed before the stop: the database recognises it
        12: "claims.antifraud.already_claimed",
    }
    assert resumed.payable == Decimal("10000.00")


def _claim(number: str, *, loss: str = "8000", month: str = "2026-03") -> AntifraudClaim:
    day = dt.date.fromisoformat(f"{month}-01")
    return AntifraudClaim(
        receipt=parse_receipt_number(number),
        loss_amount=Decimal(loss),
        loss_date=day,
        police_report_date=day,
        notified_on=day + dt.timedelta(days=1),
    )


def test_a_single_claim_is_assessed_stored_and_hidden_from_other_insurers(
    platform: Platform, book: Book
) -> None:
    principal = book.adjuster()
    stored = file_antifraud_claim(
        platform.uow(principal),  # type: ignore[arg-type]
        resident_id=B.lower(),
        claim=_claim(receipt("2026-03", 21), loss="13000"),
        cipher=book.cipher,
    )
    assert stored.assessment.decision is AntifraudDecision.ACCEPTED
    assert stored.assessment.payable == Decimal("7000.00")  # (13000 − 3000) × 0.7
    with pytest.raises(ConflictError) as twice:
        file_antifraud_claim(
            platform.uow(principal),  # type: ignore[arg-type]
            resident_id=B,
            claim=_claim(receipt("2026-03", 21)),
            cipher=book.cipher,
        )
    assert twice.value.code == ClaimsCode.ALREADY_CLAIMED
    with pytest.raises(NotFoundError) as unknown:
        file_antifraud_claim(
            platform.uow(principal),  # type: ignore[arg-type]
            resident_id=STRANGER,
            claim=_claim(receipt("2026-03", 22)),
            cipher=book.cipher,
        )
    assert unknown.value.code == ClaimsCode.NO_POLICY

    from tests.integration.helpers import make_tenant

    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.CLAIMS_ADJUSTER, code="other-pc")
    with pytest.raises(NotFoundError):
        antifraud_claim(platform.uow(other.principal), stored.id)  # type: ignore[arg-type]
    assert antifraud_claims(platform.uow(other.principal)) == []  # type: ignore[arg-type]
    # another insurer's staff cannot claim against this insurer's book: they see no policy
    with pytest.raises(NotFoundError):
        file_antifraud_claim(
            platform.uow(other.principal),  # type: ignore[arg-type]
            resident_id=C,
            claim=_claim(receipt("2026-03", 23)),
            cipher=book.cipher,
        )
    underwriter = acting_in(book.tenant_id, OrgKind.INSURER, Role.UNDERWRITER)
    with pytest.raises(PermissionDeniedError):
        antifraud_claims(platform.uow(underwriter))  # type: ignore[arg-type]


def test_claims_reach_the_regulators_running_totals_in_their_policys_cell(
    platform: Platform, book: Book, tmp_path: Path
) -> None:
    _run(platform, book, _write(tmp_path / "claims.csv", LINES))
    t = tables.personal_policy_totals
    with platform.engine.connect() as connection:
        rows = connection.execute(sa.select(t.c.province, t.c.claims, t.c.claims_paid)).all()
    by_province = {r.province: (r.claims, Decimal(str(r.claims_paid))) for r in rows}
    # A (11): 3500 + 6500; B (31): one refused; C (44): one refused; D (32): 0 + one refused
    assert by_province == {
        "11": (2, Decimal("10000.00")),
        "31": (1, Decimal("0.00")),
        "44": (1, Decimal("0.00")),
        "32": (2, Decimal("0.00")),
    }


def test_the_regulators_figures_gain_claims_and_amounts_paid_small_cells_merged(
    platform: Platform, book: Book, tmp_path: Path
) -> None:
    from liubu.statistics import market_statistics

    _run(platform, book, _write(tmp_path / "claims.csv", LINES))
    regulator = acting_in("regulator", OrgKind.REGULATOR, Role.REGULATOR_VIEWER)
    with platform.uow(regulator) as uow:  # type: ignore[arg-type]
        figures = market_statistics(uow, minimum=3).to_dict()
    totals = figures["personal"]["totals"]
    assert (totals["policies"], totals["claims"], totals["claims_paid"]) == (4, 6, "10000.00")
    assert figures["enterprise"]["totals"]["claims"] is None  # that line reports no claims yet
    # one person per province: every province is a small cell, all merged into "other"
    (other,) = figures["personal"]["by"]["province"]
    assert (other["key"], other["merged"], other["claims"], other["claims_paid"]) == (
        "other",
        4,
        6,
        "10000.00",
    )
    (month,) = figures["personal"]["by"]["month"]  # every policy began in January 2026
    assert (month["key"], month["claims"]) == ("2026-01", 6)
