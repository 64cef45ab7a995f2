"""Books and catalogues from files; bad input refused with file, line or row, field and code."""

from __future__ import annotations

from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.portfolio import PortfolioCode, demo_book, demo_catalogue, load_book, load_catalogue

CATALOGUE = """\
dependencies:
  - {id: cloud-a, kind: cloud, provider: alibaba_cloud, region: cn-hangzhou}
  - {id: oa, kind: software, provider: Weaver, cpe: "cpe:2.3:a:weaver:e-cology:*:*:*:*:*:*:*:*"}
families:
  - name: a_down
    kind: provider_outage
    target: cloud-a
    rate: 0.2
    outage_hours: {lognormal: {interval90: [1, 24]}}
  - name: oa_exploited
    kind: mass_exploitation
    target: oa
    rate: 0.1
    share_hit: 0.3
    loss_share: {constant: 0.01}
"""

BOOK = """\
policies:
  - id: P1
    industry: I65
    region: "330100"
    revenue: 10000000
    terms: {retention: 10000, aggregate_limit: 1000000}
    dependencies:
      - {id: cloud-a, tolerance_hours: 2, revenue_share: 0.5}
"""


def _refused(call, *args, **kwargs) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_catalogue_and_a_book_load() -> None:
    catalogue = load_catalogue(CATALOGUE)
    book = load_book(BOOK, catalogue=catalogue)
    assert [f.name for f in catalogue.families] == ["a_down", "oa_exploited"]
    assert book.policies[0].reliances[0].revenue_share == 0.5
    assert book.policies[0].terms.retention == 10_000


def test_an_event_naming_an_unknown_dependency_is_located() -> None:
    text = CATALOGUE.replace("target: oa\n", "target: exchange\n")
    error = _refused(load_catalogue, text, source_name="cat.yaml")
    assert error.code == PortfolioCode.UNKNOWN_DEPENDENCY
    assert error.location == "cat.yaml:12"
    assert error.field == "families[1].target"
    assert "exchange" in error.message


def test_a_negative_rate_is_located() -> None:
    error = _refused(
        load_catalogue, CATALOGUE.replace("rate: 0.1", "rate: -0.1"), source_name="c.yaml"
    )
    assert (error.code, error.location, error.field) == (
        PortfolioCode.NEGATIVE_RATE,
        "c.yaml:13",
        "families[1].rate",
    )


def test_a_family_striking_the_wrong_kind_of_dependency_is_refused() -> None:
    text = CATALOGUE.replace(
        "kind: mass_exploitation\n    target: oa", "kind: mass_exploitation\n    target: cloud-a"
    )
    assert _refused(load_catalogue, text).code == PortfolioCode.TARGET_KIND


def test_a_policy_without_terms_is_located_in_yaml() -> None:
    text = BOOK.replace("    terms: {retention: 10000, aggregate_limit: 1000000}\n", "")
    error = _refused(load_book, text, source_name="book.yaml")
    assert (error.code, error.location, error.field) == (
        PortfolioCode.NO_TERMS,
        "book.yaml:2",
        "policies[0].terms",
    )


def test_a_policy_without_terms_is_located_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_text(
        "id,industry,region,revenue,retention,aggregate_limit,bi_sublimit,bi_waiting_hours,dependencies\n"
        "P1,I65,330100,1000000,1000,500000,,,cloud-a:0:1\n"
        "P2,I65,330100,1000000,,,,,cloud-a:0:1\n",
        encoding="utf-8",
    )
    error = _refused(load_book, path)
    assert error.code == PortfolioCode.NO_TERMS
    assert error.location == f"{path}:3"
    assert error.field == "retention"


def test_a_book_naming_an_undeclared_dependency_is_refused() -> None:
    text = BOOK.replace("{id: cloud-a,", "{id: cloud-z,")
    error = _refused(load_book, text, catalogue=load_catalogue(CATALOGUE))
    assert error.code == PortfolioCode.UNKNOWN_DEPENDENCY
    assert "cloud-z" in error.message


def test_bad_terms_keep_the_risk_engines_code_and_location() -> None:
    text = BOOK.replace("retention: 10000", "retention: -5")
    error = _refused(load_book, text, source_name="b.yaml")
    assert error.code == "risk.negative"
    assert error.location == "b.yaml:6"


def test_every_parameter_of_the_demo_catalogue_has_a_basis() -> None:
    catalogue = demo_catalogue()
    for family in catalogue.families:
        given = {"rate"} | {
            name
            for name, value in (
                ("share_hit", family.share_hit != 1.0),
                ("outage_hours", family.outage_hours is not None),
                ("loss_share", family.loss_share is not None),
            )
            if value
        }
        assert given <= set(family.basis), (family.name, given - set(family.basis))


def test_the_demo_book_spreads_over_providers_and_concentrates() -> None:
    book = demo_book()
    clouds: dict[str, int] = {}
    for p in book.policies:
        for r in p.reliances:
            if r.dependency.startswith(("aliyun", "tencent", "huawei", "aws", "azure")):
                clouds[r.dependency] = clouds.get(r.dependency, 0) + 1
    assert len(clouds) == 5
    assert max(clouds.values()) > 0.25 * len(book.policies)  # one provider concentrates the book
