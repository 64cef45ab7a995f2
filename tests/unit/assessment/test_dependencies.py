"""Declared dependencies: bounds and located errors (``dependencies[i].field``), the product-level
CPE, and the three sources merged with a declared row winning."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu.assessment import (
    MAX_DEPENDENCIES,
    DeclaredDependency,
    DependencySources,
    derive_dependencies,
    parse_declarations,
)
from liubu.errors import ValidationError


def _refused(rows: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_declarations(rows)
    return caught.value


def test_a_declaration_is_read_with_its_defaults_and_a_product_level_cpe() -> None:
    (cloud, software) = parse_declarations(
        [
            {"kind": "cloud", "provider": "huawei_cloud", "region": "cn-north-4",
             "tolerance_hours": "2", "revenue_share": "0.5"},
            {"kind": "software", "cpe": "cpe:2.3:a:yonyou:u8:13.0:*:*:*:*:*:*:*", "region": ""},
        ]
    )  # fmt: skip
    assert (cloud.tolerance_hours, cloud.revenue_share, cloud.source) == (2.0, 0.5, "declared")
    assert software.cpe == "cpe:2.3:a:yonyou:u8:*:*:*:*:*:*:*:*"
    assert software.provider == "yonyou"  # the CPE's vendor when no provider is given
    assert (software.tolerance_hours, software.revenue_share) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ({"kind": "satellite", "provider": "x"}, "dependencies[1].kind", "dependencies.bad_field"),
        ({"kind": "cloud", "provider": "nimbus", "region": "r1"}, "dependencies[1].provider",
         "dependencies.bad_field"),
        ({"kind": "cloud", "provider": "aws", "region": "Cn North!"}, "dependencies[1].region",
         "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "region": "cn-hangzhou"}, "dependencies[1].region",
         "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x" * 121}, "dependencies[1].provider",
         "dependencies.bad_field"),
        ({"kind": "dns", "provider": ""}, "dependencies[1].provider", "dependencies.bad_field"),
        ({"kind": "software", "cpe": "apache"}, "dependencies[1].cpe", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "cpe": "cpe:2.3:a:a:b:*:*:*:*:*:*:*:*"},
         "dependencies[1].cpe", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "tolerance_hours": -1},
         "dependencies[1].tolerance_hours", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "tolerance_hours": 9000},
         "dependencies[1].tolerance_hours", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "tolerance_hours": "soon"},
         "dependencies[1].tolerance_hours", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "revenue_share": 1.5},
         "dependencies[1].revenue_share", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "revenue_share": float("nan")},
         "dependencies[1].revenue_share", "dependencies.bad_field"),
        ({"kind": "dns", "provider": "x", "colour": "red"}, "dependencies[1].colour",
         "dependencies.bad_field"),
        ({"kind": "dns", "provider": "dnspod"}, "dependencies[1]", "dependencies.duplicate"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused_with_its_index_and_field(
    row: dict[str, object], field: str, code: str
) -> None:
    error = _refused([{"kind": "dns", "provider": "DNSPod"}, row])
    assert (error.field, error.code) == (field, code)


def test_at_most_fifty_rows() -> None:
    rows = [{"kind": "dns", "provider": f"p{i}"} for i in range(MAX_DEPENDENCIES + 1)]
    error = _refused(rows)
    assert (error.field, error.code) == ("dependencies", "dependencies.too_many")
    assert len(parse_declarations(rows[:MAX_DEPENDENCIES])) == MAX_DEPENDENCIES
    assert _refused("cloud").code == "dependencies.bad_field"


def test_the_sources_merge_with_a_declared_row_winning() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    declared = DeclaredDependency(
        "d1", "t1", "e1", 0, "software", "Apache", None,
        "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*", Decimal("1.5"), Decimal("0.9"), now, "u1",
    )  # fmt: skip
    rows = derive_dependencies(
        DependencySources(
            (declared,),
            (
                "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",  # declared already
                "cpe:2.3:a:nginx:nginx:1.25.3:*:*:*:*:*:*:*",
                "cpe:2.3:a:nginx:nginx:1.25.4:*:*:*:*:*:*:*",  # the same product again
                "not a cpe",
            ),
            ("Guard Co", "guard co", ""),
        )
    )
    assert [(d.source, d.kind, d.provider, d.cpe) for d in rows] == [
        ("declared", "software", "Apache", "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"),
        ("scan", "software", "nginx", "cpe:2.3:a:nginx:nginx:*:*:*:*:*:*:*:*"),
        ("platform", "msp", "Guard Co", None),
    ]
    assert (rows[0].tolerance_hours, rows[0].revenue_share) == (1.5, 0.9)
