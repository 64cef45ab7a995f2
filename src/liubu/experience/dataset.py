"""Claims experience (理赔经验数据): exposure, claim counts and incurred losses by rating factor.

One row is one exposure record: a policy in one period (policy-year), or a whole segment in one
period when the data come aggregated. It carries the rating factors of the row (categorical text
such as ``industry_section``, ``security_grade``, ``mlps_level``), the exposure in policy-years,
the number of claims with a positive incurred loss, and their incurred loss in CNY (paid plus case
reserves). The same rows serve both GLMs (row by row) and Bühlmann–Straub credibility (summed by
segment and period).

Amounts are float64 CNY, as in the risk engine; the CSV reader checks them as exact decimals
(to the fen) before converting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from liubu.errors import ValidationError
from liubu.experience.reasons import ExperienceCode

REQUIRED_COLUMNS: tuple[str, ...] = (
    "policy_id",
    "period",
    "exposure_years",
    "claim_count",
    "incurred_loss",
)
"""The columns every experience file has, in this order when written."""

FACTOR_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")

SegmentKey = tuple[str, ...]
"""A segment: one level of each chosen factor, in the order the factors were given."""


def segment_label(key: SegmentKey) -> str:
    """``("C", "B")`` → ``"C/B"``: how a segment is shown and keyed in JSON."""
    return "/".join(key)


def _frozen(array: NDArray[np.generic]) -> NDArray[np.generic]:
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True, slots=True)
class ExperienceTotals:
    """Totals over rows: exposure (policy-years), claims, incurred loss (CNY)."""

    exposure: float
    claims: int
    incurred_loss: float

    @property
    def frequency(self) -> float:
        """Claims per policy-year."""
        return self.claims / self.exposure if self.exposure > 0 else float("nan")

    @property
    def severity(self) -> float:
        """Average incurred loss per claim (NaN without claims)."""
        return self.incurred_loss / self.claims if self.claims > 0 else float("nan")

    @property
    def loss_cost(self) -> float:
        """Incurred loss per policy-year (pure premium)."""
        return self.incurred_loss / self.exposure if self.exposure > 0 else float("nan")


@dataclass(frozen=True, slots=True, eq=False)
class ExperienceData:
    """Claims experience rows (frozen; the arrays are read-only copies).

    ``factors`` maps each factor name to the row values (text). Construction checks the
    invariants every row must keep, whatever its origin: equal lengths, exposure > 0, claims ≥ 0,
    loss ≥ 0, no loss without claims, no claims without loss, and no repeated
    (policy_id, period). Equality is identity (``eq=False``): compare the arrays to compare data.
    """

    policy_id: NDArray[np.str_]
    period: NDArray[np.int64]
    factors: Mapping[str, NDArray[np.str_]]
    exposure: NDArray[np.float64]
    claim_count: NDArray[np.int64]
    incurred_loss: NDArray[np.float64]
    source: str = "<memory>"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "policy_id", _frozen(np.asarray(self.policy_id, dtype=np.str_)))
        set_(self, "period", _frozen(np.asarray(self.period, dtype=np.int64)))
        set_(self, "exposure", _frozen(np.asarray(self.exposure, dtype=np.float64)))
        set_(self, "claim_count", _frozen(np.asarray(self.claim_count, dtype=np.int64)))
        set_(self, "incurred_loss", _frozen(np.asarray(self.incurred_loss, dtype=np.float64)))
        factors = {
            name: _frozen(np.asarray(values, dtype=np.str_))
            for name, values in self.factors.items()
        }
        set_(self, "factors", MappingProxyType(factors))
        self._check_shapes()
        self._check_values()

    def _check_shapes(self) -> None:
        n = self.policy_id.shape[0]
        columns = {
            "period": self.period,
            "exposure_years": self.exposure,
            "claim_count": self.claim_count,
            "incurred_loss": self.incurred_loss,
            **self.factors,
        }
        for name, column in columns.items():
            if column.shape != (n,):
                raise _invalid(
                    f"The column {name!r} has shape {column.shape}; every column must hold "
                    f"one value for each of the {n} rows.",
                    ExperienceCode.SHAPE,
                    name,
                    column.shape,
                )
        for name in self.factors:
            if not FACTOR_NAME.fullmatch(name) or name in REQUIRED_COLUMNS:
                raise _invalid(
                    f"The factor name {name!r} must be lower-case letters, digits and "
                    f"underscores, start with a letter, and not be a required column.",
                    ExperienceCode.FACTOR_NAME,
                    "factors",
                    name,
                )

    def _check_values(self) -> None:
        checks = (
            (~np.isfinite(self.exposure) | (self.exposure <= 0), "exposure_years", "positive"),
            (self.claim_count < 0, "claim_count", "a non-negative whole number"),
            (
                ~np.isfinite(self.incurred_loss) | (self.incurred_loss < 0),
                "incurred_loss",
                "a non-negative amount",
            ),
            (
                (self.claim_count == 0) & (self.incurred_loss > 0),
                "incurred_loss",
                "0 without claims",
            ),
            ((self.claim_count > 0) & (self.incurred_loss <= 0), "incurred_loss", "positive"),
        )
        for bad, name, what in checks:
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise _invalid(
                    f"The {name} of row {row} (policy {self.policy_id[row]!r}, period "
                    f"{self.period[row]}) must be {what}.",
                    ExperienceCode(f"experience.{name}"),
                    name,
                    row,
                )
        keys = np.char.add(np.char.add(self.policy_id, "\x1f"), self.period.astype(np.str_))
        unique, first = np.unique(keys, return_index=True)
        if unique.shape[0] != keys.shape[0]:
            repeated = int(np.setdiff1d(np.arange(keys.shape[0]), first)[0])
            raise _invalid(
                f"The policy {str(self.policy_id[repeated])!r} appears twice in period "
                f"{self.period[repeated]}; each policy has one row per period.",
                ExperienceCode.DUPLICATE_ROW,
                "policy_id",
                str(self.policy_id[repeated]),
            )

    @property
    def n_rows(self) -> int:
        return int(self.policy_id.shape[0])

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(self.factors)

    @property
    def periods(self) -> tuple[int, ...]:
        return tuple(int(p) for p in np.unique(self.period))

    def totals(self) -> ExperienceTotals:
        return ExperienceTotals(
            float(self.exposure.sum()), int(self.claim_count.sum()), float(self.incurred_loss.sum())
        )

    def factor(self, name: str) -> NDArray[np.str_]:
        """The values of one factor; a :class:`ValidationError` names the factors there are."""
        if name not in self.factors:
            raise _invalid(
                f"The experience data have no factor {name!r}; they have {sorted(self.factors)}.",
                ExperienceCode.UNKNOWN_FACTOR,
                "factors",
                name,
            )
        return self.factors[name]

    def levels(self, name: str) -> tuple[str, ...]:
        """The distinct levels of a factor, sorted."""
        return tuple(str(v) for v in np.unique(self.factor(name)))

    def segments(self, names: Sequence[str]) -> tuple[tuple[SegmentKey, ...], NDArray[np.intp]]:
        """The distinct segments over ``names`` (sorted) and each row's segment index."""
        if not names:
            return ((),), np.zeros(self.n_rows, dtype=np.intp)
        columns = [self.factor(name) for name in names]
        stacked = np.stack(columns, axis=1)
        unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
        keys = tuple(tuple(str(v) for v in row) for row in unique)
        return keys, inverse.reshape(-1).astype(np.intp)


def _invalid(message: str, code: ExperienceCode, field: str, value: object) -> ValidationError:
    return ValidationError(message, code=code, field=field, value=value)
