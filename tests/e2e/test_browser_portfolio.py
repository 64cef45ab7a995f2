"""The insurer's portfolio page in real Chromium: the actuary finds it in the menu, reads the
empty state, queues a run of the demo files from the form, watches it run and reads its results
— the 1-in-200 loss and the AAL the pure ``run_book`` gives with the same settings, the curve
chart, the contribution bars and the ORD download link."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from liubu.bootstrap import Platform
from liubu.portfolio import demo_book, demo_catalogue, run_book
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)
DATA = resources.files("liubu.portfolio").joinpath("data")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("portfolio"))) as running:
        yield running


def _wan(value: float) -> str:
    return f"{value / 10000:,.1f} 万元"


def test_actuary_queues_a_run_and_reads_its_results(
    browser: Browser, site: tuple[Platform, str], tmp_path: Path
) -> None:
    _platform, base = site
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, base, "actuary")
    page.get_by_role("link", name="组合累积").first.click()
    expect(page.get_by_test_id("page-title")).to_have_text("组合累积")
    expect(page.get_by_test_id("portfolio-empty")).to_be_visible()

    book = tmp_path / "demo_book.csv"
    book.write_bytes(DATA.joinpath("demo_book.csv").read_bytes())
    catalogue = tmp_path / "demo_catalogue.yaml"
    catalogue.write_bytes(DATA.joinpath("demo_catalogue.yaml").read_bytes())
    page.get_by_test_id("source-files").check()
    page.get_by_test_id("book-file").set_input_files(str(book))
    page.get_by_test_id("catalogue-file").set_input_files(str(catalogue))
    page.get_by_test_id("years").fill("3000")
    page.get_by_test_id("seed").fill("11")
    page.get_by_test_id("queue-run").click()
    expect(page.get_by_test_id("runs")).to_be_visible()
    results = page.get_by_test_id("run-results")
    expect(results).to_be_visible()  # the progress cell reloads the page once the run ended

    ylt = tmp_path / "ylt"
    ylt.mkdir()
    direct = run_book(
        demo_book(), demo_catalogue(), years=3_000, seed=11, workers=0, ylt_dir=str(ylt)
    )
    expect(page.get_by_test_id("aal")).to_have_text(_wan(direct.aal))
    expect(page.get_by_test_id("pml-200-aep")).to_have_text(_wan(direct.loss_at(200).aep))
    expect(page.get_by_test_id("curve-chart").locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("bars-dependency").locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("table-industry").locator("tr[data-key]").first).to_be_visible()
    href = page.get_by_test_id("ord-download").get_attribute("href")
    assert href is not None
    assert href.endswith("/ord.zip")
    archive = page.request.get(base + href)
    assert archive.status == 200
    assert archive.body()[:2] == b"PK"
