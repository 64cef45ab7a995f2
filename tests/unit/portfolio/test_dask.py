"""The same book, seed and years give bit-identical results in this process, on 1, 2 and 3 Dask
workers of a LocalCluster, and with two block sizes; an unreachable scheduler is a clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.portfolio import BookResult, PortfolioCode, demo_book, demo_catalogue, run_book

pytestmark = pytest.mark.dask

YEARS = 5_000
SEED = 20_261_207


def _run(tmp: Path, name: str, **kwargs: object) -> BookResult:
    return run_book(
        demo_book(),
        demo_catalogue(),
        years=YEARS,
        seed=SEED,
        ylt_dir=str(tmp / name),
        **kwargs,  # type: ignore[arg-type]
    )


def _same(a: BookResult, b: BookResult) -> None:
    assert np.array_equal(a.annual, b.annual)
    assert np.array_equal(a.largest, b.largest)
    assert a.aal == b.aal
    assert a.aal_standard_error == b.aal_standard_error
    assert a.curve == b.curve
    assert a.tails == b.tails
    assert a.contributions == b.contributions
    assert a.chunk_events == b.chunk_events


@pytest.fixture(scope="module")
def here(tmp_path_factory: pytest.TempPathFactory) -> BookResult:
    tmp = tmp_path_factory.mktemp("here")
    for name in ("a", "b"):
        (tmp / name).mkdir()
    return _run(tmp, "a", workers=0, block_years=2_000)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_any_number_of_workers_gives_the_same_result(
    here: BookResult, workers: int, tmp_path: Path
) -> None:
    (tmp_path / "w").mkdir()
    done: list[int] = []
    result = _run(
        tmp_path, "w", workers=workers, block_years=1_000, progress=lambda d, t: done.append(d)
    )
    _same(here, result)
    assert done[-1] == YEARS
    assert len(result.ylt_files) == 5


def test_two_block_sizes_give_the_same_result(here: BookResult, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    _same(here, _run(tmp_path, "b", workers=0, block_years=3_000))


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    with pytest.raises(ValidationError) as caught:
        _run(tmp_path, "s", scheduler="tcp://127.0.0.1:9")
    assert caught.value.code == PortfolioCode.SCHEDULER_UNREACHABLE
    assert "tcp://127.0.0.1:9" in caught.value.message


def _flaky_book(tmp: Path, *, always: bool) -> BookResult:
    from liubu.portfolio import Catalogue
    from tests.unit.portfolio.books import BI_TERMS, cloud, identical_book, outage
    from tests.unit.portfolio.flaky import FailingOnce

    hours = FailingOnce(30.0, marker=str(tmp / "failed"), always=always)
    catalogue = Catalogue((cloud("cloud-a"),), (outage("a_down", "cloud-a", 0.5, hours),))
    book = identical_book(5, dependency="cloud-a", terms=BI_TERMS)
    return run_book(
        book,
        catalogue,
        years=4_000,
        seed=1,
        workers=2,
        block_years=1_000,
        ylt_dir=str(tmp),
    )


def test_a_block_that_fails_once_is_retried_and_changes_no_number(tmp_path: Path) -> None:
    from tests.unit.portfolio.books import BI_TERMS, identical_book, one_provider

    result = _flaky_book(tmp_path, always=False)
    assert (tmp_path / "failed").exists()  # a block did fail once
    (tmp_path / "again").mkdir()
    book = identical_book(5, dependency="cloud-a", terms=BI_TERMS)
    reference = run_book(
        book,
        one_provider(0.5, 30.0),
        years=4_000,
        seed=1,
        workers=0,
        ylt_dir=str(tmp_path / "again"),
    )
    assert np.array_equal(result.annual, reference.annual)


def test_a_block_that_keeps_failing_fails_the_run(tmp_path: Path) -> None:
    from liubu.portfolio import BlockFailedError

    with pytest.raises(BlockFailedError) as caught:
        _flaky_book(tmp_path, always=True)
    assert caught.value.code == PortfolioCode.BLOCK_FAILED
    assert "no partial result" in caught.value.message


def test_the_clusters_workers_keep_the_c_librarys_memory_trimming_default() -> None:
    """Dask's nanny would start each worker with MALLOC_TRIM_THRESHOLD_=65536, under which a
    block's many short-lived arrays of several MB ran 1.5 times slower than in this process
    (docs/benchmarks.md): the runner's LocalCluster workers start without it."""
    import os

    from liubu.portfolio.runner import _client

    def environment() -> str | None:
        return os.environ.get("MALLOC_TRIM_THRESHOLD_")

    with _client(2, None) as client:
        seen = client.run(environment)
    assert len(seen) == 2
    assert set(seen.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}
    assert "65536" not in seen.values()
