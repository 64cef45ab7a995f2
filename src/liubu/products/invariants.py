"""The spec's own invariants, checked on the schema-valid document before the spec is built.

These are the conditions the dataclasses refuse in ``__post_init__`` (an inverted range, unordered
curve points, …). Checking them on the document first lets the validator report every one of them
with its line, instead of stopping at the first constructor that raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from liubu.products.issues import Breach


def invariant_breaches(doc: Mapping[str, Any]) -> list[Breach]:
    """Breaches of the dataclass invariants in a document that passed the JSON Schema."""
    breaches: list[Breach] = []
    start, end = doc.get("effective_from"), doc.get("effective_to")
    if start is not None and end is not None and end < start:  # ISO dates order as strings
        breaches.append(
            Breach("effective_to", "effective.window_inverted", {"start": start, "end": end})
        )
    eligibility = doc["eligibility"]
    for name in ("revenue", "age"):
        window = eligibility.get(name)
        if window is not None and window.get("max") is not None and window["min"] > window["max"]:
            breaches.append(
                Breach(
                    f"eligibility.{name}",
                    "eligibility.range_inverted",
                    {"what": name, "low": window["min"], "high": window["max"]},
                )
            )
    group = doc.get("group")
    members_max = None if group is None else group.get("members_max")
    if group is not None and members_max is not None and group["members_min"] > members_max:
        breaches.append(
            Breach(
                "group.members_max",
                "group.members_range_inverted",
                {"low": group["members_min"], "high": members_max},
            )
        )
    breaches.extend(_rate_plan_breaches(doc["rate_plan"]))
    return breaches


def _rate_plan_breaches(plan: Mapping[str, Any]) -> list[Breach]:
    breaches: list[Breach] = []
    for index, band in enumerate(plan.get("revenue_bands", ())):
        if band["to"] is not None and Decimal(band["to"]) <= Decimal(band["from"]):
            breaches.append(
                Breach(
                    f"rate_plan.revenue_bands[{index}].to",
                    "rate_plan.band_inverted",
                    {"band": band["code"], "low": band["from"], "high": band["to"]},
                )
            )
    ranges = [(f"rate_plan.coefficients[{i}]", c) for i, c in enumerate(plan["coefficients"])]
    for path, coefficient in ranges:
        lo, hi = coefficient["range"]
        if lo > hi:
            breaches.append(
                Breach(f"{path}.range", "rate_plan.range_inverted", {"lo": lo, "hi": hi})
            )
        for name, key in (("points", "at"), ("steps", "from")):
            points = coefficient.get(name, ())
            for j in range(1, len(points)):
                if points[j][key] <= points[j - 1][key]:
                    breaches.append(
                        Breach(
                            f"{path}.{name}[{j}].{key}",
                            "rate_plan.curve_points_unordered",
                            {
                                "factor": coefficient["factor"],
                                "at": points[j][key],
                                "previous": points[j - 1][key],
                            },
                        )
                    )
    lo, hi = plan["product_bound"]
    if lo > hi:
        breaches.append(
            Breach("rate_plan.product_bound", "rate_plan.range_inverted", {"lo": lo, "hi": hi})
        )
    return breaches
