"""The actuary's rate-indication page in real Chromium.

The demo insurer carries three years of synthetic claims experience. The page must draw a chart
per factor and show, per level, the suggested coefficients the indication use case gives —
computed here independently of the page — flagging those outside the filed range; the product
stays as filed. A bad upload is refused naming its line; a good one is stored once; an
enterprise may not open the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from liubu.accounts.model import SYSTEM, OrgKind, Principal, Role, acting_in
from liubu.bootstrap import Platform
from liubu.demo import DEMO_EXPERIENCE_PRODUCT
from liubu.experience import service, synthetic_experience, write_experience_csv
from liubu.products import service as products
from tests.e2e.browser import demo_site
from tests.e2e.test_browser_shell import sign_in

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Platform, str]]:
    with demo_site(Path(tmp_path_factory.mktemp("experience"))) as running:
        yield running


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, base, username)
    return page


def _actuary(platform: Platform) -> Principal:
    with platform.uow(SYSTEM) as uow:
        insurer = uow.organisations.find_by_code("shifan-pc")
    assert insurer is not None
    return acting_in(insurer.id, OrgKind.INSURER, Role.ACTUARY, name="test")


def test_actuary_reads_the_indication_and_imports_experience(
    browser: Browser, site: tuple[Platform, str], tmp_path: Path
) -> None:
    platform, base = site
    actuary = _actuary(platform)
    page = _sign_in(browser, base, "actuary")
    page.get_by_role("link", name="理赔经验与费率指示").first.click()
    expect(page.get_by_test_id("page-title")).to_have_text("理赔经验与费率指示")
    with platform.uow(actuary) as uow:
        rows_before = uow.experience.counts().rows
        spec = products.find_spec(uow, DEMO_EXPERIENCE_PRODUCT)
        expected = service.indication_document(service.indicate(uow, spec))
    expect(page.get_by_test_id("stored-rows")).to_have_text(f"{rows_before:,}")
    expect(page.locator("select[name=product]").last).to_have_value(DEMO_EXPERIENCE_PRODUCT)
    expect(page.get_by_test_id("advice")).to_contain_text("仅供参考")

    for factor in ("security_grade", "mlps_level"):
        expect(page.get_by_test_id(f"chart-{factor}").locator("canvas")).to_have_count(1)
        table = page.get_by_test_id(f"levels-{factor}")
        want = [r for r in expected["table"] if r["factor"] == factor]
        rows = table.locator("tr[data-level]")
        expect(rows).to_have_count(len(want))
        for i, row in enumerate(want):
            shown = rows.nth(i)
            assert shown.get_attribute("data-level") == row["level"]
            expect(shown.get_by_test_id("suggested")).to_have_text(row["indicated"])
            expect(shown.get_by_test_id("filed")).to_have_text(row["filed"] or "—")
            outside = "true" if row["outside_filed_range"] else "false"
            assert shown.get_attribute("data-outside") == outside
    # The frequency GLM's dispersion φ̂ (Pearson χ²/df on the segments) is shown with its df.
    frequency = expected["frequency"]
    dispersion = page.get_by_test_id("dispersion")
    expect(dispersion).to_contain_text(f"φ̂ = {frequency['pearson_dispersion']:.2f}")
    expect(dispersion).to_contain_text(f"自由度 {frequency['df_resid']:.0f}")
    # The experience's grade curve (E claims 4× as often as A) is steeper than the filed one.
    grade_e = page.locator("[data-testid=levels-security_grade] tr[data-level=E]")
    expect(grade_e.get_by_test_id("outside")).to_have_text("超出备案区间：须重新报备")
    expect(page.get_by_test_id("needs-filing")).to_be_visible()
    with platform.uow(actuary) as uow:
        assert products.find_spec(uow, DEMO_EXPERIENCE_PRODUCT) == spec  # nothing applied

    # Upload: a bad file is refused whole, naming its line; a good one is stored once.
    data = synthetic_experience(
        n_policies=300,
        relativities={"security_grade": {"A": 0.6, "C": 1.0, "E": 1.8}},
        base_frequency=0.1,
        severity_mean=80_000,
        severity_shape=2.0,
        rng=np.random.default_rng(5),
    )
    text = write_experience_csv(data)
    lines = text.splitlines()
    cells = lines[2].split(",")
    cells[lines[0].split(",").index("period")] = "twenty"
    lines[2] = ",".join(cells)
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.write_text(text, encoding="utf-8")
    form = page.get_by_test_id("import-form")
    form.locator("input[name=file]").set_input_files(str(bad))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("flash")).to_contain_text("bad.csv:3")
    expect(page.get_by_test_id("stored-rows")).to_have_text(f"{rows_before:,}")

    form.locator("input[name=file]").set_input_files(str(good))
    form.locator("button[type=submit]").click()
    n = data.n_rows
    expect(page.get_by_test_id("flash")).to_have_text(
        f"已从 good.csv 读取 {n:,} 行：新存入 {n:,} 行，0 行此前已存在。"
    )
    expect(page.get_by_test_id("stored-rows")).to_have_text(f"{rows_before + n:,}")
    form.locator("input[name=file]").set_input_files(str(good))
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("flash")).to_contain_text(f"新存入 0 行，{n:,} 行此前已存在")
    with platform.uow(actuary) as uow:
        assert uow.experience.counts().rows == rows_before + n

    # In English, the same page.
    page.click("a[data-lang=en]")
    expect(page.get_by_test_id("page-title")).to_have_text("Claims experience and rate indication")
    expect(page.get_by_test_id("advice")).to_contain_text("Advice only")
    # The upload has only the security grade: one segment per level, as many as parameters, so
    # the frequency's dispersion cannot be estimated and the page says so.
    with platform.uow(actuary) as uow:
        after = service.indication_document(service.indicate(uow, spec))
    assert after["frequency"]["df_resid"] == 0
    assert after["frequency"]["dispersion_estimated"] is False
    expect(page.get_by_test_id("dispersion")).to_have_text(
        "Claim frequency: Poisson intervals (φ = 1); the dispersion was not estimated "
        "(0 residual degrees of freedom)."
    )
    page.context.close()


def test_an_enterprise_may_not_open_the_actuarys_page(
    browser: Browser, site: tuple[Platform, str]
) -> None:
    _platform, base = site
    page = _sign_in(browser, base, "enterprise")
    response = page.goto(f"{base}/experience")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("link", name="理赔经验与费率指示")).to_have_count(0)
    page.context.close()
