"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line.

Reserving (准备金评估): a checked :class:`Triangle` (from :func:`read_triangle_csv` or, through
a :class:`DevelopmentSource`, from the claims store by :func:`triangle_from_development`) is
reserved by :func:`reserve` — chain ladder, Mack (1993) or Bornhuetter–Ferguson, computed by the
``chainladder`` library — into a frozen :class:`ReserveResult`.
"""

from __future__ import annotations

from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.reserving import (
    DevelopmentRow,
    DevelopmentSource,
    Triangle,
    TrianglePoint,
    triangle_from_development,
)
from liubu.claims.reserving_csv import MAX_TRIANGLE_BYTES, read_premium_csv, read_triangle_csv
from liubu.claims.reserving_methods import (
    DevelopmentFactor,
    OriginReserve,
    ReserveResult,
    ReservingMethod,
    reserve,
    reserving_method,
)
from liubu.claims.reserving_service import RESERVERS, reserve_product, reserve_triangle
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types

__all__ = [
    "MAX_TRIANGLE_BYTES",
    "RESERVERS",
    "ClaimsCode",
    "DevelopmentFactor",
    "DevelopmentRow",
    "DevelopmentSource",
    "IncidentType",
    "OriginReserve",
    "ReserveResult",
    "ReservingMethod",
    "Triangle",
    "TrianglePoint",
    "incident_type",
    "incident_types",
    "message",
    "read_premium_csv",
    "read_triangle_csv",
    "reserve",
    "reserve_product",
    "reserve_triangle",
    "reserving_method",
    "triangle_from_development",
]
