"""Chain ladder, Mack and Bornhuetter–Ferguson on a :class:`Triangle`, by ``chainladder``.

We do not re-write the methods: ``chainladder`` (the CAS reference implementation in Python) is
called with one fixed configuration, recorded in every result:

- development factors: volume-weighted age-to-age factors f_k = Σ_i C_{i,k+1} / Σ_i C_{i,k}
  over every origin (``Development(average="volume", n_periods=-1)``), no tail factor;
- chain ladder: ultimate U_i = C_{i,latest} · Π_{k ≥ latest} f_k;
- Mack (1993): the same ultimates, and the standard error of each origin's and the total reserve
  from σ²_k; the last σ (no data to estimate it) by Mack's rule σ²_{n-1} =
  min(σ⁴_{n-2}/σ²_{n-3}, σ²_{n-3}, σ²_{n-2}) — ``sigma_interpolation="mack"``; chainladder's
  default, a log-linear fit, gives other figures than Mack's paper;
- Bornhuetter–Ferguson: U_i = C_{i,latest} + ELR · P_i · (1 − 1/F_i), with ELR the a-priori loss
  ratio, P_i the premium of the origin and F_i its age-to-ultimate factor.

Amounts are rounded half-up to the fen once, at the end (totals are rounded sums of the
unrounded figures); factors to six decimals. ``chainladder`` (with numba) takes seconds to
import, so it is imported on the first computation, never at import.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from liubu.claims.reasons import ClaimsCode
from liubu.claims.reserving import Triangle, origin_start
from liubu.core import Money, half_up
from liubu.errors import ValidationError

SCHEMA = 1
FACTOR_QUANTUM = Decimal("0.000001")
MAX_APRIORI = Decimal(10)
_MAX_AMOUNT = 1e20  # an ultimate beyond this comes from degenerate factors, not from losses
SETTINGS = "volume-weighted factors over all origins, no tail, sigma_interpolation=mack"


class ReservingMethod(StrEnum):
    CHAINLADDER = "chainladder"
    MACK = "mack"
    BF = "bf"


@dataclass(frozen=True, slots=True)
class DevelopmentFactor:
    """The factors from ``from_months`` to ``to_months`` of age: age-to-age and age-to-ultimate."""

    from_months: int
    to_months: int
    age_to_age: Decimal
    age_to_ultimate: Decimal


@dataclass(frozen=True, slots=True)
class OriginReserve:
    """One origin's latest amount, ultimate, IBNR and (Mack) standard error of its reserve."""

    origin: str
    latest: Decimal
    ultimate: Decimal
    ibnr: Decimal
    mack_se: Decimal | None
    premium: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ReserveResult:
    """What a reserving method found, with the settings it ran with."""

    method: ReservingMethod
    origins: tuple[OriginReserve, ...]
    factors: tuple[DevelopmentFactor, ...]
    latest: Decimal
    ultimate: Decimal
    ibnr: Decimal
    mack_se: Decimal | None
    apriori: Decimal | None
    engine: str
    settings: str = SETTINGS

    def to_dict(self) -> dict[str, object]:
        """The full result as JSON-ready values (amounts and factors as decimal strings)."""
        return {
            "schema": SCHEMA,
            "method": str(self.method),
            "engine": self.engine,
            "settings": self.settings,
            "apriori": _text(self.apriori),
            "latest": str(self.latest),
            "ultimate": str(self.ultimate),
            "ibnr": str(self.ibnr),
            "mack_se": _text(self.mack_se),
            "origins": [
                {
                    "origin": row.origin,
                    "latest": str(row.latest),
                    "ultimate": str(row.ultimate),
                    "ibnr": str(row.ibnr),
                    "mack_se": _text(row.mack_se),
                    "premium": _text(row.premium),
                }
                for row in self.origins
            ],
            "factors": [
                {
                    "from_months": factor.from_months,
                    "to_months": factor.to_months,
                    "age_to_age": str(factor.age_to_age),
                    "age_to_ultimate": str(factor.age_to_ultimate),
                }
                for factor in self.factors
            ],
        }

    def summary(self) -> dict[str, object]:
        """The short answer: total ``ibnr`` and ``mack_se``; per origin ``ultimate``, ``ibnr``
        and ``mack_se`` (``mack_se`` is null unless the method is Mack)."""
        return {
            "method": str(self.method),
            "ibnr": str(self.ibnr),
            "mack_se": _text(self.mack_se),
            "origins": {
                row.origin: {
                    "ultimate": str(row.ultimate),
                    "ibnr": str(row.ibnr),
                    "mack_se": _text(row.mack_se),
                }
                for row in self.origins
            },
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def reserving_method(name: str) -> ReservingMethod:
    try:
        return ReservingMethod(name.strip().lower())
    except ValueError:
        raise ValidationError(
            f"No reserving method {name[:32]!r}; choose chainladder, mack or bf.",
            code=ClaimsCode.RESERVING_METHOD,
            field="method",
            value=name[:32],
        ) from None


def reserve(
    triangle: Triangle,
    method: ReservingMethod | str = ReservingMethod.CHAINLADDER,
    *,
    apriori: Decimal | None = None,
    premium: Mapping[str, Decimal] | None = None,
) -> ReserveResult:
    """Reserve ``triangle`` by ``method``; Bornhuetter–Ferguson needs ``apriori`` (the expected
    loss ratio) and ``premium`` for every origin, the other methods use neither."""
    chosen = method if isinstance(method, ReservingMethod) else reserving_method(method)
    if len(triangle.origins) < 2 or len(triangle.developments) < 2:
        raise ValidationError(
            f"Reserving needs at least two origins and two development periods; the triangle "
            f"has {len(triangle.origins)} and {len(triangle.developments)}.",
            code=ClaimsCode.RESERVING_UNDEFINED,
            field="points",
        )
    exposure = _exposure(triangle, chosen, apriori, premium)
    try:
        fitted = _fit(triangle, chosen, apriori, exposure)
    except (ArithmeticError, IndexError, KeyError, ValueError) as error:
        # A checked triangle chainladder still cannot fit: say so, located at the method,
        # rather than fail as a server error.
        raise ValidationError(
            f"{chosen} cannot be computed for this triangle ({type(error).__name__}: "
            f"{str(error)[:200]}).",
            code=ClaimsCode.RESERVING_UNDEFINED,
            field="method",
            value=str(chosen),
        ) from error
    return _result(triangle, chosen, apriori, exposure, fitted)


def _exposure(
    triangle: Triangle,
    method: ReservingMethod,
    apriori: Decimal | None,
    premium: Mapping[str, Decimal] | None,
) -> tuple[Decimal, ...] | None:
    if method is not ReservingMethod.BF:
        return None
    if apriori is None or not apriori.is_finite() or not 0 < apriori <= MAX_APRIORI:
        raise ValidationError(
            f"Bornhuetter–Ferguson needs an a-priori loss ratio above 0 and at most {MAX_APRIORI}"
            f" (e.g. 0.65); {'none was given' if apriori is None else f'{apriori} was given'}.",
            code=ClaimsCode.RESERVING_EXPOSURE,
            field="apriori",
            value=None if apriori is None else str(apriori),
        )
    if not premium:
        raise ValidationError(
            "Bornhuetter–Ferguson needs the premium of every origin (the exposure the a-priori "
            "loss ratio applies to); none was given.",
            code=ClaimsCode.RESERVING_EXPOSURE,
            field="premium",
        )
    unknown = sorted(set(premium) - set(triangle.origins))
    missing = [origin for origin in triangle.origins if origin not in premium]
    if unknown or missing:
        raise ValidationError(
            "The premiums do not match the origins of the triangle: "
            + (f"missing for {', '.join(missing[:10])}" if missing else "")
            + ("; " if missing and unknown else "")
            + (f"given for origins not in it: {', '.join(unknown[:10])}" if unknown else "")
            + ".",
            code=ClaimsCode.RESERVING_EXPOSURE,
            field="premium",
            value=(missing or unknown)[0],
        )
    for origin in triangle.origins:
        amount = premium[origin]
        if not amount.is_finite() or not 0 < amount <= Decimal("1e15"):
            raise ValidationError(
                f"The premium of origin {origin} must be above 0; it is {amount}.",
                code=ClaimsCode.RESERVING_EXPOSURE,
                field=f"premium.{origin}",
                value=str(amount),
            )
    return tuple(premium[origin] for origin in triangle.origins)


@dataclass(frozen=True, slots=True)
class _Fitted:
    latest: Sequence[float]
    ultimate: Sequence[float]
    ibnr: Sequence[float]
    mack_se: Sequence[float] | None
    total_mack_se: float | None
    age_to_age: Sequence[float]
    age_to_ultimate: Sequence[float]
    engine: str


def _frame(triangle: Triangle, pd: Any) -> Any:
    """The cells as chainladder reads them: origin start, valuation (last day of the cell)."""
    records = []
    for origin, row in zip(triangle.origins, triangle.cells, strict=True):
        start = origin_start(origin)
        for development, value in zip(triangle.developments, row, strict=True):
            if value is not None:
                index = start.year * 12 + start.month - 1 + development
                end = start.replace(year=index // 12, month=index % 12 + 1) - timedelta(days=1)
                records.append((pd.Timestamp(start), pd.Timestamp(end), float(value)))
    return pd.DataFrame.from_records(records, columns=["origin", "valuation", "value"])


def _fit(
    triangle: Triangle,
    method: ReservingMethod,
    apriori: Decimal | None,
    exposure: tuple[Decimal, ...] | None,
) -> _Fitted:
    # Imported here: chainladder pulls numba, scikit-learn and sparse (seconds to import).
    # Its py.typed marker covers partial hints (abstract Triangle, untyped fit): used as Any.
    cl: Any = importlib.import_module("chainladder")
    import numpy as np
    import pandas as pd

    with warnings.catch_warnings():
        # Fitting a model also extrapolates a tail σ log-linearly (chainladder.tails.base), used
        # only when a tail factor is fitted — never here — and overflowing exp() when a σ is 0
        # (e.g. a development period with one link ratio). Only that module's numpy warnings.
        warnings.filterwarnings(
            "ignore", category=RuntimeWarning, module=r"chainladder\.tails\.base"
        )
        # Mack's rule for the last σ divides by the σ before it; a σ of 0 (link ratios that do
        # not vary) warns there, and the standard error it leads to is refused below as undefined.
        warnings.filterwarnings(
            "ignore", category=RuntimeWarning, module=r"chainladder\.utils\.weighted_regression"
        )
        cells = cl.Triangle(
            _frame(triangle, pd),
            origin="origin",
            development="valuation",
            columns=["value"],
            cumulative=True,
        )
        developed = cl.Development(average="volume", sigma_interpolation="mack").fit_transform(
            cells
        )
        if method is ReservingMethod.MACK:
            model = cl.MackChainladder().fit(developed)
        elif method is ReservingMethod.BF:
            assert apriori is not None
            assert exposure is not None
            premium = cl.Triangle(
                pd.DataFrame(
                    {
                        "origin": [pd.Timestamp(origin_start(o)) for o in triangle.origins],
                        "valuation": [cells.valuation_date] * len(triangle.origins),
                        "premium": [float(p) for p in exposure],
                    }
                ),
                origin="origin",
                development="valuation",
                columns=["premium"],
                cumulative=True,
            ).latest_diagonal
            model = cl.BornhuetterFerguson(apriori=float(apriori)).fit(
                developed, sample_weight=premium
            )
        else:
            model = cl.Chainladder().fit(developed)
    mack = method is ReservingMethod.MACK

    def column(values: Any) -> list[float]:
        return [float(x) for x in np.asarray(values)[0, 0, :, -1]]

    return _Fitted(
        latest=column(cells.latest_diagonal.values),
        ultimate=column(model.ultimate_.values),
        ibnr=column(model.ibnr_.values),
        mack_se=column(model.mack_std_err_.values) if mack else None,
        total_mack_se=float(np.asarray(model.total_mack_std_err_).ravel()[0]) if mack else None,
        age_to_age=[float(x) for x in np.asarray(developed.ldf_.values)[0, 0, 0, :]],
        age_to_ultimate=[float(x) for x in np.asarray(developed.cdf_.values)[0, 0, 0, :]],
        engine=f"chainladder {cl.__version__}",
    )


def _result(
    triangle: Triangle,
    method: ReservingMethod,
    apriori: Decimal | None,
    exposure: tuple[Decimal, ...] | None,
    fitted: _Fitted,
) -> ReserveResult:
    developments = triangle.developments
    factors = []
    pairs = zip(fitted.age_to_age, fitted.age_to_ultimate, strict=True)
    for index, (to_age, to_ult) in enumerate(list(pairs)[: len(developments) - 1]):
        if not (math.isfinite(to_age) and math.isfinite(to_ult)):
            raise ValidationError(
                f"The development factor from {developments[index]} to "
                f"{developments[index + 1]} months is undefined: the amounts at "
                f"{developments[index]} months sum to zero over the origins developed further.",
                code=ClaimsCode.RESERVING_UNDEFINED,
                field="points",
                value=developments[index],
            )
        factors.append(
            DevelopmentFactor(
                developments[index],
                developments[index + 1],
                half_up(Decimal(repr(to_age)), FACTOR_QUANTUM),
                half_up(Decimal(repr(to_ult)), FACTOR_QUANTUM),
            )
        )
    ibnr = [0.0 if math.isnan(x) else x for x in fitted.ibnr]  # chainladder: NaN where none left
    mack_se = (
        None if fitted.mack_se is None else [0.0 if math.isnan(x) else x for x in fitted.mack_se]
    )
    if mack_se is not None and not all(map(math.isfinite, [*mack_se, fitted.total_mack_se or 0.0])):
        raise ValidationError(
            "Mack's standard error is undefined for this triangle: it needs at least three "
            "development periods with link ratios that vary between origins.",
            code=ClaimsCode.RESERVING_UNDEFINED,
            field="method",
            value=str(method),
        )
    rows = tuple(
        OriginReserve(
            origin=origin,
            latest=_money(latest),
            ultimate=_money(ultimate),
            ibnr=_money(reserve),
            mack_se=None if mack_se is None else _money(mack_se[i]),
            premium=None if exposure is None else exposure[i],
        )
        for i, (origin, latest, ultimate, reserve) in enumerate(
            zip(triangle.origins, fitted.latest, fitted.ultimate, ibnr, strict=True)
        )
    )
    return ReserveResult(
        method=method,
        origins=rows,
        factors=tuple(factors),
        latest=_money(math.fsum(fitted.latest)),
        ultimate=_money(math.fsum(fitted.ultimate)),
        ibnr=_money(math.fsum(ibnr)),
        mack_se=None if fitted.total_mack_se is None else _money(fitted.total_mack_se),
        apriori=apriori,
        engine=fitted.engine,
    )


def _money(value: float) -> Decimal:
    if not math.isfinite(value) or abs(value) > _MAX_AMOUNT:
        raise ValidationError(
            f"The method produced an amount of {value:.3g} for this triangle: its development "
            f"factors are degenerate (a tiny amount followed by a large one).",
            code=ClaimsCode.RESERVING_UNDEFINED,
            field="points",
        )
    return Money.from_float(value).round_fen().amount
