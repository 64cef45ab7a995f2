"""The synthetic pilot book (`liubu demo --scale pilot`) at a small scale: it loads, shows up in
the regulator's statistics, and loading it again adds nothing."""

from __future__ import annotations

from pathlib import Path

from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.pilot import load_pilot
from liubu.statistics import market_statistics


def test_the_pilot_book_loads_once_and_feeds_the_statistics(
    platform: Platform, tmp_path: Path
) -> None:
    load_reference_products(platform)
    book = load_pilot(platform, work_dir=tmp_path, enterprises=40, persons=2_000, seed=3)
    assert book.enterprise_policies >= 20  # some synthetic firms fall outside every rate table
    assert book.personal is not None
    assert book.personal.issued == book.personal.accepted == 2_000
    with platform.uow(SYSTEM) as uow:
        stats = market_statistics(uow)
    assert stats.enterprise.policies == book.enterprise_policies
    assert stats.personal.policies == 2_000
    assert len(stats.enterprise_by["industry_section"]) > 3
    again = load_pilot(platform, work_dir=tmp_path, enterprises=40, persons=2_000, seed=3)
    assert again.enterprise_policies == 0
    assert again.personal is not None
    assert again.personal.issued == 0
    with platform.uow(SYSTEM) as uow:
        assert market_statistics(uow).personal.policies == 2_000
