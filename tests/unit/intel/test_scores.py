"""CVSS base scores recomputed from vectors, against the FIRST formulas and NVD's stated scores."""

from __future__ import annotations

import json
import math

import pytest

from liubu.errors import ValidationError
from liubu.intel import CvssScore, IntelBundle, cvss_score, preferred_score, score_vector

from .conftest import CVE5, NVD

# --- the FIRST specifications' base equations, written out independently -------------------

V3_WEIGHTS = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "CIA": {"H": 0.56, "L": 0.22, "N": 0.0},
}
V3_TEMPORAL = {
    "E": {"X": 1, "H": 1, "F": 0.97, "P": 0.94, "U": 0.91},
    "RL": {"X": 1, "U": 1, "W": 0.97, "T": 0.96, "O": 0.95},
    "RC": {"X": 1, "C": 1, "R": 0.96, "U": 0.92},
}


def _roundup(value: float, version: str) -> float:
    if version == "3.0":
        return math.ceil(value * 10) / 10
    scaled = round(value * 100_000)  # CVSS v3.1 Appendix A
    return scaled / 100_000 if scaled % 10_000 == 0 else (math.floor(scaled / 10_000) + 1) / 10


def _v3(vector: str) -> tuple[float, dict[str, str]]:
    version, *parts = vector.split("/")
    metrics = dict(part.split(":") for part in parts)
    changed = metrics["S"] == "C"
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[metrics["PR"]]
    iss = 1 - math.prod(1 - V3_WEIGHTS["CIA"][metrics[m]] for m in "CIA")
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    exploitability = (
        8.22 * V3_WEIGHTS["AV"][metrics["AV"]] * V3_WEIGHTS["AC"][metrics["AC"]] * pr
        * V3_WEIGHTS["UI"][metrics["UI"]]
    )  # fmt: skip
    if impact <= 0:
        return 0.0, metrics
    total = 1.08 * (impact + exploitability) if changed else impact + exploitability
    return _roundup(min(total, 10.0), version.removeprefix("CVSS:")), metrics


def _v3_temporal(vector: str) -> float:
    base, metrics = _v3(vector)
    factor = math.prod(V3_TEMPORAL[m][metrics.get(m, "X")] for m in V3_TEMPORAL)
    return _roundup(base * factor, vector.split("/")[0].removeprefix("CVSS:"))


def _v2(vector: str) -> float:
    metrics = dict(part.split(":") for part in vector.strip("()").split("/"))
    cia = {"N": 0.0, "P": 0.275, "C": 0.660}
    impact = 10.41 * (1 - math.prod(1 - cia[metrics[m]] for m in "CIA"))
    exploitability = (
        20 * {"L": 0.395, "A": 0.646, "N": 1.0}[metrics["AV"]]
        * {"H": 0.35, "M": 0.61, "L": 0.71}[metrics["AC"]]
        * {"M": 0.45, "S": 0.56, "N": 0.704}[metrics["Au"]]
    )  # fmt: skip
    f = 0.0 if impact == 0 else 1.176
    return round((0.6 * impact + 0.4 * exploitability - 1.5) * f + 1e-9, 1)


def _formula(score: CvssScore) -> float:
    return _v2(score.vector) if score.version == "2.0" else _v3(score.vector)[0]


# --- tests ----------------------------------------------------------------------------------


def test_every_nvd_score_and_severity_is_what_nvd_states() -> None:
    checked = 0
    for name in ("cves-2023.json", "cves-1999.json"):
        page = json.loads((NVD / name).read_text(encoding="utf-8"))
        for item in page["vulnerabilities"]:
            for key, metrics in item["cve"].get("metrics", {}).items():
                for metric in metrics:
                    data = metric["cvssData"]
                    score, severity = score_vector(data["vectorString"])
                    stated_severity = data.get("baseSeverity") or metric["baseSeverity"]
                    assert (score, severity) == (data["baseScore"], stated_severity), key
                    checked += 1
    assert checked > 500  # two pages of 200 CVEs, most with one or two metrics


def test_every_v2_and_v3_vector_in_the_data_scores_as_the_first_equations_say(
    bundle: IntelBundle,
) -> None:
    scores = [s for r in (*bundle.nvd, *bundle.cve5) for s in r.cvss if s.version != "4.0"]
    assert len(scores) > 1_000
    assert [s.base_score for s in scores] == [_formula(s) for s in scores]


def _raw_cve5_v3_metrics() -> list[tuple[str, str, float]]:
    """(CVE, vector, stated base score) of every CVSS v3 metric, read straight from the JSON."""
    found = []
    for path in sorted(CVE5.rglob("CVE-*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        containers = [record["containers"].get("cna", {}), *record["containers"].get("adp", [])]
        for container in containers:
            for metric in container.get("metrics", []):
                for key in ("cvssV3_1", "cvssV3_0"):
                    if key in metric:
                        block = metric[key]
                        found.append((record["cveMetadata"]["cveId"], block["vectorString"],
                                      block["baseScore"]))  # fmt: skip
    return found


def test_cna_scores_that_disagree_are_temporal_scores_typed_as_base(bundle: IntelBundle) -> None:
    """Real CVE records state a CNA's temporal score as ``baseScore`` when the vector carries
    temporal metrics (Fortinet does); the rest state a score their own vector does not give."""
    wrong = {(cve, vector, stated) for cve, vector, stated in _raw_cve5_v3_metrics()
             if _v3(vector)[0] != stated}  # fmt: skip
    flagged = {(r.cve_id, s.vector, s.stated_score) for r in bundle.cve5 for s in r.cvss
               if not s.agrees}  # fmt: skip
    assert flagged == wrong != set()
    assert sum(r.cvss_disagreements for r in bundle.reports) == len(wrong)
    temporal = [(vector, stated) for _, vector, stated in wrong if "/E:" in vector]
    assert [stated for _, stated in temporal] == [_v3_temporal(vector) for vector, _ in temporal]
    assert len(temporal) > len(wrong) / 2


def test_cvss_4_scores_agree_with_what_their_cnas_state(bundle: IntelBundle) -> None:
    v4 = [s for r in bundle.cve5 for s in r.cvss if s.version == "4.0"]
    assert v4
    assert all(s.stated_score == s.base_score for s in v4)


def test_the_shown_score_prefers_v3_1_over_v2_and_the_primary_scorer() -> None:
    v2 = cvss_score("AV:N/AC:L/Au:N/C:P/I:P/A:P", provider="nvd@nist.gov")
    v31 = cvss_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", provider="nvd@nist.gov")
    secondary = cvss_score(
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", provider="cna:x", primary=False
    )
    assert preferred_score([v2, secondary, v31]) == v31
    assert preferred_score([v2]) == v2
    assert preferred_score([]) is None


@pytest.mark.parametrize(
    "vector",
    ["CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:5.0/AV:N", "AV:N/AC:L/Au:N/C:P/I:P"],
)
def test_a_vector_that_cannot_be_scored_is_refused_by_name(vector: str) -> None:
    with pytest.raises(ValidationError) as caught:
        score_vector(vector)
    assert caught.value.code == "intel.cvss_vector"
    assert caught.value.value == vector


def test_a_stated_version_that_contradicts_the_vector_is_refused() -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    with pytest.raises(ValidationError, match=r"version 3\.0"):
        cvss_score(vector, stated_version="3.0", provider="x")
