"""Outage families draw only the hits that can pay (policies sorted by the duration from which
their terms pay) and sum ground-up loss per event: the same losses as drawing every exposed
policy as a hit, up to the order of additions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from liubu.portfolio import BookResult, demo_book, demo_catalogue, run_book


def _run(tmp: Path, name: str) -> BookResult:
    (tmp / name).mkdir()
    return run_book(
        demo_book(), demo_catalogue(), years=3_000, seed=4, workers=0, ylt_dir=str(tmp / name)
    )


def test_drawing_only_paying_hits_changes_no_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed = _run(tmp_path, "indexed")
    monkeypatch.setattr("liubu.portfolio.plan._outage_index", lambda *args: None)
    every_hit = _run(tmp_path, "every")
    assert indexed.events == every_hit.events
    np.testing.assert_allclose(indexed.annual, every_hit.annual, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(indexed.largest, every_hit.largest, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(indexed.ground_up, every_hit.ground_up, rtol=1e-9, atol=1e-3)
    assert indexed.ground_up_aal > indexed.aal > 0
    for a, b in zip(indexed.contributions, every_hit.contributions, strict=True):
        assert (a.by, a.key) == (b.by, b.key)
        assert a.aal == pytest.approx(b.aal, rel=1e-9, abs=1e-6)
        assert a.tvar == pytest.approx(b.tvar, rel=1e-9, abs=1e-6)
