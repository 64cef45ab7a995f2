"""Risk quantification through the API and the CLI, checked against closed forms."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant

# Poisson(0.1) × lognormal with 90 % interval (1e5, 1e6): E[S] = 0.1 · exp(μ + σ²/2).
ORACLE_MODEL = """
scenarios:
  - name: breach
    frequency: {poisson: 0.1}
    components:
      - coverage: notification
        severity: {lognormal: {interval90: [100000, 1000000]}}
"""
Z95 = 1.6448536269514722
MU = (math.log(1e5) + math.log(1e6)) / 2
SIGMA = (math.log(1e6) - math.log(1e5)) / (2 * Z95)
ORACLE_MEAN = 0.1 * math.exp(MU + SIGMA**2 / 2)


def test_the_api_quantifies_a_model_to_its_closed_form_mean(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    response = api.client.post(
        "/api/risk/quantify",
        json={"model": ORACLE_MODEL},
        headers=api.headers("insurer-a-actuary"),
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert math.isclose(ORACLE_MEAN, 40_400.128, rel_tol=1e-7)
    assert math.isclose(result["mean"], ORACLE_MEAN, rel_tol=1e-3)
    assert set(result["quantiles"]) == {"0.9", "0.95", "0.99", "0.995"}
    assert result["engine"] == "fft"
    assert "breach" in result["by_scenario"]


def test_a_bad_model_is_a_422_naming_the_line(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    bad = ORACLE_MODEL.replace("interval90: [100000, 1000000]", "interval90: [1000000, 100000]")
    response = api.client.post(
        "/api/risk/quantify", json={"model": bad}, headers=api.headers("insurer-a-actuary")
    )
    assert response.status_code == 422
    problem = response.json()
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "interval90" in text)
    assert problem["location"].startswith(f"model.yaml:{line}")
    assert "1000000" in problem["detail"]


def test_a_model_that_names_a_server_file_is_read_as_text_not_opened(
    api: Api, platform: Platform, tmp_path: Path
) -> None:
    """The API takes model text: a one-line 'x.yaml' names no file of the server (the CLI's
    path form is for the CLI alone)."""
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.ACTUARY)
    on_server = tmp_path / "secret-model.yaml"
    on_server.write_text(ORACLE_MODEL, encoding="utf-8")
    response = api.client.post(
        "/api/risk/quantify",
        json={"model": str(on_server)},
        headers=api.headers("insurer-a-actuary"),
    )
    assert response.status_code == 422, response.text
    assert "breach" not in response.text


def test_roles_outside_risk_get_403(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    response = api.client.post(
        "/api/risk/quantify",
        json={"model": ORACLE_MODEL},
        headers=api.headers("regulator-regulator_viewer"),
    )
    assert response.status_code == 403


def test_the_cli_prints_json_with_the_required_keys_and_writes_charts(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(ORACLE_MODEL, encoding="utf-8")
    env = {**os.environ, "LIUBU_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "liubu", "risk", "run", str(model), "--json"]
    result = subprocess.run(
        [*command, "--plot", str(tmp_path / "curve.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"mean", "sd", "quantiles", "tvar", "engine", "by_scenario"} <= set(summary)
    assert math.isclose(summary["mean"], ORACLE_MEAN, rel_tol=1e-3)
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = subprocess.run(
        [*command, "--plot", str(tmp_path / "curve.html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert html.returncode == 0, html.stderr
    page = (tmp_path / "curve.html").read_text("utf-8")
    assert "echarts.init" in page
    assert "Annual aggregate loss" in page


def test_the_cli_reports_a_bad_model_in_one_line(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(ORACLE_MODEL.replace("poisson: 0.1", "poisson: -0.1"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "liubu", "risk", "run", str(model)],
        env={**os.environ, "LIUBU_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "-0.1" in result.stderr
