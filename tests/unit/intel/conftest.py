"""Real feed files from /work/shared/data (see its README) and what liubu loads from them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from liubu.intel import (
    IntelBundle,
    VulnerabilityIndex,
    load_paths,
)

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[4] / "shared" / "data"))
NVD = SHARED / "nvd_api2_nvd-go" / "responses"
KEV = SHARED / "cisa_kev"
EPSS = SHARED / "epss"
EPSS_BY_YEAR = EPSS / "emba_first_api_by_year"
EPSS_FIRST = EPSS / "lodestone_epss_scores-current_HEAD_excerpt.csv"
CVE5 = SHARED / "cve5_vulnrichment"
FEEDS = (SHARED / "nvd_api2_nvd-go", KEV, EPSS, CVE5)


@pytest.fixture(scope="session", autouse=True)
def _require_shared_data() -> None:
    if not SHARED.is_dir():  # the real data is required; say so rather than pass vacuously
        if os.environ.get("CI") == "true":
            pytest.fail(f"real feed data must sit beside the clone on CI: not found at {SHARED}")
        pytest.skip(f"real feed data not found at {SHARED}")


@pytest.fixture(scope="session")
def bundle() -> IntelBundle:
    """Every feed file in the shared data, loaded once per session."""
    return load_paths(FEEDS)


@pytest.fixture(scope="session")
def index(bundle: IntelBundle) -> VulnerabilityIndex:
    return VulnerabilityIndex.from_bundle(bundle)
