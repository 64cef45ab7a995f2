"""NVD applicability statements on real records, and the operators by their definitions."""

from __future__ import annotations

import pytest

from liubu.intel import (
    ConfigNode,
    Configuration,
    CpeCriterion,
    NvdCve,
    load_nvd,
    parse_cpe,
)

from .conftest import NVD


@pytest.fixture(scope="module")
def page_2023() -> dict[str, NvdCve]:
    return {record.cve_id: record for record in load_nvd(NVD / "cves-2023.json").records}


def _vulnerable(record: NvdCve, *names: str, assume_platforms: bool = False) -> set[str]:
    cpes = [parse_cpe(name) for name in names]
    return {
        str(cpe)
        for configuration in record.configurations
        for cpe in configuration.vulnerable_matches(cpes, assume_platforms=assume_platforms)
    }


def bitbucket(version: str) -> str:
    return f"cpe:2.3:a:atlassian:bitbucket:{version}:*:*:*:*:*:*:*"


@pytest.mark.parametrize(
    ("version", "vulnerable"),
    [
        ("7.6.18", True),  # inside 7.0.0 ≤ v < 7.6.19
        ("7.6.19", False),  # the fixed release (Atlassian's advisory for CVE-2022-43781)
        ("8.1.4", True),  # inside 8.1.0 ≤ v < 8.1.5
        ("8.1.5", False),
        ("7.0.0", True),  # the including start bound
        ("6.10.17", False),  # older than every affected line
        ("7.17.11", True),
        ("7.17.12", False),
    ],
)
def test_bitbucket_versions_against_cve_2022_43781_as_nvd_publishes_it(
    page_2023: dict[str, NvdCve], version: str, vulnerable: bool
) -> None:
    record = page_2023["CVE-2022-43781"]  # in nvd_api2_nvd-go/responses/cves-2023.json
    assert (_vulnerable(record, bitbucket(version)) == {bitbucket(version)}) is vulnerable


def test_a_firmware_flaw_needs_the_hardware_it_runs_on(page_2023: dict[str, NvdCve]) -> None:
    """CVE-2022-40881: AND of (SolarView Compact firmware 6.00, vulnerable) and (the SolarView
    Compact device, not vulnerable). Only the firmware is reported, and only with the device."""
    record = page_2023["CVE-2022-40881"]
    firmware = "cpe:2.3:o:contec:solarview_compact_firmware:6.00:*:*:*:*:*:*:*"
    device = "cpe:2.3:h:contec:solarview_compact:-:*:*:*:*:*:*:*"
    assert record.configurations[0].operator == "AND"
    assert _vulnerable(record, firmware) == set()
    assert _vulnerable(record, firmware, device) == {firmware}
    assert _vulnerable(record, device) == set()
    assert _vulnerable(record, firmware, assume_platforms=True) == {firmware}


def _criterion(name: str, *, vulnerable: bool = True) -> CpeCriterion:
    return CpeCriterion(criteria=parse_cpe(name), vulnerable=vulnerable)


APP = "cpe:2.3:a:vendor:app:1.0:*:*:*:*:*:*:*"
WINDOWS = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
LINUX = "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*"


def test_a_negated_platform_node_excludes_assets_on_that_platform() -> None:
    """(app) AND NOT (windows): by the definition of AND and negation."""
    configuration = Configuration(
        nodes=(
            ConfigNode("OR", (_criterion(APP),)),
            ConfigNode("OR", (_criterion(WINDOWS, vulnerable=False),), negate=True),
        ),
        operator="AND",
    )
    app, windows, linux = parse_cpe(APP), parse_cpe(WINDOWS), parse_cpe(LINUX)
    assert configuration.vulnerable_matches([app, linux]) == (app,)
    assert configuration.vulnerable_matches([app]) == (app,)
    assert configuration.vulnerable_matches([app, windows]) == ()


def test_a_negated_configuration_never_makes_a_name_vulnerable() -> None:
    configuration = Configuration(nodes=(ConfigNode("OR", (_criterion(APP),)),), negate=True)
    assert configuration.vulnerable_matches([parse_cpe(APP)]) == ()
    assert configuration.vulnerable_matches([parse_cpe(LINUX)]) == ()


def test_an_and_node_needs_every_criterion() -> None:
    node = ConfigNode("AND", (_criterion(APP), _criterion(LINUX, vulnerable=False)))
    assert node.evaluate([parse_cpe(APP)]) is None
    assert node.evaluate([parse_cpe(APP), parse_cpe(LINUX)]) == [parse_cpe(APP)]
