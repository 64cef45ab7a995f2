"""The claims-experience API: an insurer's actuary uploads experience generated with known
relativities, reads the rate indication (the GLM recovers the relativities within three standard
errors; nothing is applied to the product), uploads the same file again (nothing stored twice);
a bad file is refused whole, naming line and column; other tenants see none of it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.experience import service, synthetic_experience, write_experience_csv
from liubu.products import service as products
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant

PRODUCT = "shifan-pc/sme-cyber-comprehensive@1"
TRUE = {
    "security_grade": {"A": 0.5, "B": 0.75, "C": 1.0, "D": 1.4, "E": 2.0},
    "mlps_level": {"none": 1.2, "2": 1.0, "3": 0.8},
}


def _csv() -> bytes:
    data = synthetic_experience(
        n_policies=4_000,
        relativities=TRUE,
        base_frequency=0.1,
        severity_mean=100_000,
        severity_shape=3.0,
        rng=np.random.default_rng(20231),
    )
    return write_experience_csv(data).encode()


def test_upload_then_indicate_over_http(
    api: Api, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Shifan", Role.ACTUARY, code="shifan-pc")
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.ACTUARY, code="other-pc")
    client = make_tenant(platform, OrgKind.ENTERPRISE, "Client", Role.ENTERPRISE_USER)
    load_reference_products(platform)
    headers = api.headers(actuary.username)
    content = _csv()

    def upload(body: bytes, who: dict[str, str], **form: str) -> object:
        return api.client.post(
            "/api/experience/imports",
            headers=who,
            data=form,
            files={"file": ("experience.csv", body, "text/csv")},
        )

    # A bad row refuses the whole file: line 5 of the file has a negative exposure.
    lines = content.decode().splitlines()
    header = lines[0].split(",")
    cells = lines[4].split(",")
    cells[header.index("exposure_years")] = "-1"
    lines[4] = ",".join(cells)
    refused = upload(("\n".join(lines) + "\n").encode(), headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["location"] == "experience.csv:5"
    assert problem["field"] == "exposure_years"
    assert problem["problems"][0]["location"] == "experience.csv:5"
    assert api.client.get("/api/experience", headers=headers).json()["rows"] == 0

    assert upload(content, api.headers(client.username)).status_code == 403
    assert upload(content, headers, product="nobody/none@1").status_code == 404
    monkeypatch.setattr(service, "MAX_FILE_BYTES", 1_000)
    too_big = upload(content, headers)
    assert too_big.status_code == 422
    assert too_big.json()["code"] == "experience.file_too_large"
    monkeypatch.undo()

    rows = len(lines) - 1
    first = upload(content, headers, product=PRODUCT)
    assert first.status_code == 201, first.text
    assert first.json() | {"batch_id": None} == {
        "batch_id": None,
        "source": "experience.csv",
        "product_ref": PRODUCT,
        "rows": rows,
        "stored": rows,
        "already_present": 0,
    }
    again = upload(content, headers, product=PRODUCT)
    assert again.status_code == 200
    assert (again.json()["stored"], again.json()["already_present"]) == (0, rows)
    stored = api.client.get("/api/experience", headers=headers).json()
    claims = sum(int(line.split(",")[header.index("claim_count")]) for line in lines[1:])
    assert (stored["rows"], stored["batches"], stored["claims"]) == (rows, 1, claims)

    shown = api.client.get(
        "/api/experience/indication",
        headers=headers,
        params={"product": PRODUCT, "tagged": "true"},
    )
    assert shown.status_code == 200, shown.text
    report = shown.json()
    assert report["applied"] is False
    assert report["advice_label"]["zh"].startswith("仅供参考")
    table = {(r["factor"], r["level"]): r for r in report["table"]}
    phi = report["frequency"]["dispersion"]  # the frequency's φ = max(Pearson χ²/df, 1)
    assert phi == max(report["frequency"]["pearson_dispersion"], 1.0)
    for factor, truth in TRUE.items():
        for level, relativity in truth.items():
            row = table[(factor, level)]
            low, high = row["experience_ci"]
            se = (math.log(high) - math.log(low)) / (2 * 1.959964)
            if se == 0:  # the base level: relativity 1 by definition
                assert relativity == 1.0
                assert row["experience_relativity"] == 1.0
                continue
            # The loss cost's se is √(se_f² + se_s²), the frequency's carrying √φ; the data are
            # informative enough for the check to bite: without φ it is below 0.15.
            se_f, se_s = (
                next(r["se"] for r in report[kind]["relativities"][factor] if r["level"] == level)
                for kind in ("frequency", "severity")
            )
            assert se == pytest.approx(math.hypot(se_f, se_s), rel=1e-5)
            assert math.hypot(se_f / math.sqrt(phi), se_s) < 0.15
            distance = abs(math.log(row["experience_relativity"]) - math.log(relativity))
            assert distance < 3 * se, (factor, level, row["experience_relativity"], relativity)
    # The grade curve of the experience (E/A = 4) is steeper than the filed one: flagged.
    assert report["needs_new_filing"] is True
    assert table[("security_grade", "E")]["outside_filed_range"] is True
    # The product is unchanged: its filed rate plan is the one the catalogue filed.
    with platform.uow(actuary.principal) as uow:
        spec = products.find_spec(uow, PRODUCT)
    filed = {str(c.factor): c for c in spec.rate_plan.coefficients}
    assert table[("mlps_level", "2")]["filed"] == str(filed["mlps_level"].value_for("2"))

    # Other tenants: another insurer has nothing stored; an enterprise keeps no experience.
    other_headers = api.headers(other.username)
    assert api.client.get("/api/experience", headers=other_headers).json()["rows"] == 0
    missing = api.client.get(
        "/api/experience/indication", headers=other_headers, params={"product": PRODUCT}
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "experience.none_stored"
    client_headers = api.headers(client.username)
    assert api.client.get("/api/experience", headers=client_headers).status_code == 403
    unknown = api.client.get(
        "/api/experience/indication",
        headers=headers,
        params={"product": PRODUCT, "factor": "postcode"},
    )
    assert unknown.status_code == 422
    assert "postcode" in unknown.json()["detail"]
