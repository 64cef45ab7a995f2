"""The facts an enterprise record carries, validated against the national standards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from liubu.accounts.identity import check_name
from liubu.core import Industry, Region, parse_uscc
from liubu.errors import ValidationError

T = TypeVar("T")
_INDUSTRY_FIELDS = {"section": "industry_section", "division": "industry_division"}


def _as_field(fields: dict[str, str], build: Callable[[], T]) -> T:
    """Re-raise a value's validation error under the enterprise field it came from."""
    try:
        return build()
    except ValidationError as error:
        raise type(error)(
            error.message,
            code=error.code,
            field=fields.get(error.field or "", error.field),
            value=error.value,
            reason=error.reason,
        ) from error


@dataclass(frozen=True)
class EnterpriseFacts:
    """Validated on construction; codes are normalised (upper case, stripped).

    - ``uscc``: 统一社会信用代码, checked with its GB 32100-2015 check character;
    - ``industry_section``/``industry_division``: GB/T 4754-2017 门类 and 大类, consistent;
    - ``region_code``: GB/T 2260 six-digit administrative division code;
    - ``mlps_level``: 网络安全等级保护 level 1–5 (GB/T 22239-2019).
    """

    name: str
    uscc: str
    industry_section: str
    industry_division: str
    region_code: str
    annual_revenue: Decimal
    employees: int
    mlps_level: int
    critical_infrastructure: bool = False

    def __post_init__(self) -> None:
        name = check_name(self.name, field="name", what="enterprise name")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "uscc", str(parse_uscc(self.uscc, field="uscc")))
        section, division = self.industry_section.strip().upper(), self.industry_division.strip()
        industry = _as_field(_INDUSTRY_FIELDS, lambda: Industry(section, division))
        object.__setattr__(self, "industry_section", industry.section)
        object.__setattr__(self, "industry_division", industry.division)
        region = _as_field({"code": "region_code"}, lambda: Region(self.region_code.strip()))
        object.__setattr__(self, "region_code", region.code)
        if self.annual_revenue < 0:
            raise ValidationError(
                f"Annual revenue must not be negative; got {self.annual_revenue}.",
                field="annual_revenue",
                value=str(self.annual_revenue),
            )
        if self.employees < 0:
            raise ValidationError(
                f"The number of employees must not be negative; got {self.employees}.",
                field="employees",
                value=self.employees,
            )
        if not 1 <= self.mlps_level <= 5:
            raise ValidationError(
                f"The MLPS (等保) level must be 1 to 5; got {self.mlps_level}.",
                field="mlps_level",
                value=self.mlps_level,
            )

    def as_fields(self) -> dict[str, object]:
        return {
            "name": self.name,
            "uscc": self.uscc,
            "industry_section": self.industry_section,
            "industry_division": self.industry_division,
            "region_code": self.region_code,
            "annual_revenue": self.annual_revenue,
            "employees": self.employees,
            "mlps_level": self.mlps_level,
            "critical_infrastructure": self.critical_infrastructure,
        }
