"""Fixtures: a tiny experience file and the SME reference product."""

from __future__ import annotations

import pytest

from liubu.products import ProductSpec, load_reference_catalogue

SMALL_CSV = (
    "policy_id,period,exposure_years,claim_count,incurred_loss,security_grade,industry_section\n"
    "P1,2023,1,0,0,A,C\n"
    "P1,2024,0.5,1,120000.50,A,C\n"
    "P2,2023,1,2,300000,B,I\n"
    "P3,2024,0.75,0,0,E,I\n"
)


@pytest.fixture
def small_csv() -> str:
    return SMALL_CSV


@pytest.fixture(scope="session")
def sme() -> ProductSpec:
    """shifan-pc/sme-cyber-comprehensive@1: security_score points guide [0.7, 1.3], mlps_level
    levels none 1.05, 2 1.0, 3 0.9, 4 0.85 in [0.85, 1.05]."""
    by_id = {spec.product_id: spec for spec in load_reference_catalogue()}
    return by_id["shifan-pc/sme-cyber-comprehensive@1"]
