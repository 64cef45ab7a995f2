"""The login throttle's rules, as pure functions of the failures counted in the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from liubu.accounts import FailureCounts, SignInLimits, address_key
from liubu.accounts.throttle import account_key, seconds_to_wait

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LIMITS = SignInLimits()  # 5 per pair, 20 per address, alarm at 20 per account, 30 s doubling


def _wait(**counts: object) -> int:
    return seconds_to_wait(FailureCounts(**counts), LIMITS, NOW)  # type: ignore[arg-type]


def test_the_first_failures_of_a_pair_cost_nothing() -> None:
    assert _wait(pair=4, pair_last=NOW, address=4, address_last=NOW, account=4) == 0


def test_the_wait_of_a_pair_doubles_with_each_further_failure_up_to_the_window() -> None:
    waits = [
        _wait(pair=n, pair_last=NOW, address=n, address_last=NOW, account=n) for n in (5, 6, 7)
    ]
    assert waits == [30, 60, 120]
    assert _wait(pair=19, pair_last=NOW, address=19, address_last=NOW, account=19) == 15 * 60


def test_the_wait_runs_from_the_last_failure() -> None:
    earlier = NOW - timedelta(seconds=50)
    assert _wait(pair=6, pair_last=earlier, address=6, address_last=earlier) == 10
    assert _wait(pair=5, pair_last=earlier, address=5, address_last=earlier) == 0


def test_an_address_spraying_many_accounts_waits_though_no_pair_has_failed_twice() -> None:
    assert _wait(pair=0, address=19, address_last=NOW) == 0
    assert _wait(pair=0, address=20, address_last=NOW) == 30


def test_an_account_under_attack_never_makes_an_address_without_failures_wait() -> None:
    # Thousands of failures from elsewhere: the user's own clean address goes straight in.
    assert _wait(pair=0, address=0, account=5_000) == 0


def test_an_account_under_attack_tightens_the_pairs_that_have_failed() -> None:
    assert _wait(pair=2, pair_last=NOW, address=2, address_last=NOW, account=19) == 0
    assert _wait(pair=2, pair_last=NOW, address=2, address_last=NOW, account=20) == 30


def test_names_that_exist_and_names_that_do_not_are_keyed_alike_and_boundedly() -> None:
    assert account_key("  Admin ") == account_key("admin")
    assert len(account_key("x" * 100_000)) == 64


def test_an_ipv6_client_is_charged_per_slash_64_and_a_mapped_ipv4_as_ipv4() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key(None) == "unknown"
