"""Use cases over stored claims experience: import a file's rows (audited), and a rate indication
of a product from the stored rows. Advice only: nothing here changes a product.

The unit of work is a port (``uow.experience``, ``uow.audit``, ``uow.principal``); the store
implements it (``liubu.store.experience``). An import owns its transaction (``with uow: …;
uow.commit()``).

The indication's complement of credibility, when no risk-engine prior is given, is the *filed
structure*: each segment's prior is Π_f c_f(level) — the filed coefficients of its levels (1 where
a coefficient has no guide) — scaled so that the priors reproduce the experience's total loss,
μ_i = Π c · Σ L / Σ_i w_i Π c. The indication then asks only whether the experience departs from
the filed *relativities*; the overall rate level is out of scope (docs/experience.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, Self

import numpy as np

from liubu.accounts import OrgKind, Principal, Role, require
from liubu.assessment import load_score_model
from liubu.errors import ValidationError
from liubu.experience.dataset import ExperienceData, SegmentKey
from liubu.experience.indication import FactorLink, RateIndication, rate_indication
from liubu.experience.reader import read_experience_csv
from liubu.experience.reasons import ExperienceCode
from liubu.products import ProductSpec, ProductsUnitOfWork, Text, find_product

IMPORTERS = (Role.ACTUARY, Role.ADMIN)
READERS = (Role.ACTUARY, Role.ADMIN, Role.UNDERWRITER)
_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)


class ExperienceUnitOfWork(Protocol):
    @property
    def principal(self) -> Principal: ...

    experience: Any
    audit: Any

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ImportSummary:
    batch_id: str
    source: str
    product_ref: str | None
    rows: int
    stored: int
    already_present: int

    def to_dict(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "product_ref": self.product_ref,
            "rows": self.rows,
            "stored": self.stored,
            "already_present": self.already_present,
        }


def import_experience(
    uow: ExperienceUnitOfWork,
    data: ExperienceData,
    *,
    product_ref: str | None = None,
    file_sha256: str | None = None,
) -> ImportSummary:
    """Store the rows of ``data`` not yet stored for the caller's insurer; audited when any row
    is stored. One transaction, committed here."""
    with uow:
        require(uow.principal, *IMPORTERS, kinds=_KINDS)
        result = uow.experience.add_rows(data, product_ref=product_ref)
        if result.stored:
            uow.audit.record(
                "claims_experience.imported",
                entity_type="claims_experience",
                entity_id=result.batch_id,
                after={
                    "source": data.source,
                    "product_ref": product_ref,
                    "file_sha256": file_sha256,
                    "rows": result.rows,
                    "stored": result.stored,
                    "already_present": result.already_present,
                    "row_keys_sha256": result.row_keys_sha256,
                },
            )
        uow.commit()
        return ImportSummary(
            result.batch_id,
            data.source,
            product_ref,
            result.rows,
            result.stored,
            result.already_present,
        )


def indicate(
    uow: ExperienceUnitOfWork,
    product: ProductSpec,
    *,
    product_ref: str | None = None,
    factors: Sequence[str] = (),
    prior: Mapping[SegmentKey, float] | None = None,
) -> RateIndication:
    """The rate indication of ``product`` from the stored experience: the rows tagged with
    ``product_ref`` only when it is given; else the product's own experience — the rows tagged
    with it (the claims it paid and reserved, fed from the claims store, and files imported for
    it) and the rows imported with no product tag — never another product's. ``factors``
    restricts the experience factors used; ``prior`` defaults to the filed structure (module
    docstring). Read only."""
    require(uow.principal, *READERS, kinds=_KINDS)
    if product_ref is None:
        data = uow.experience.data(product.product_id, untagged=True)
    else:
        data = uow.experience.data(product_ref)
    factor_map = default_factor_map(product, data, factors)
    if prior is None:
        prior = filed_prior(product, data, factor_map)
    return rate_indication(data, prior=prior, product=product, factor_map=factor_map)


MAX_FILE_BYTES = 64 << 20  # 64 MiB: some hundred thousand policy-periods, read in memory


class UploadUnitOfWork(ExperienceUnitOfWork, ProductsUnitOfWork, Protocol):
    """An upload also looks up the product it is tagged with."""


def import_upload(
    uow: UploadUnitOfWork, content: bytes, *, name: str, product_ref: str | None = None
) -> ImportSummary:
    """Store an uploaded file (the API's and the web page's import): refused past
    :data:`MAX_FILE_BYTES` (read ``MAX_FILE_BYTES + 1`` bytes of the upload to know), when any
    row is bad (naming line, column and value), or when the product tag names no product. One
    transaction: the tag's check joins the import's, which commits."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file {name} is larger than {MAX_FILE_BYTES >> 20} MiB; split it by period "
            f"and upload each part.",
            code=ExperienceCode.FILE_TOO_LARGE,
            field="file",
        )
    data = read_experience_csv(content, name=name)
    with uow:
        if product_ref is not None:
            find_product(uow, product_ref)  # an unknown tag is named, not stored
        return import_experience(
            uow, data, product_ref=product_ref, file_sha256=hashlib.sha256(content).hexdigest()
        )


def experience_counts(uow: ExperienceUnitOfWork, product_ref: str | None = None) -> Any:
    """What the caller's insurer has stored: rows, import batches, claims, exposure, loss."""
    require(uow.principal, *READERS, kinds=_KINDS)
    return uow.experience.counts(product_ref)


ADVICE = Text(
    zh="仅供参考：未作任何修改。现行备案系数不变；超出备案区间的建议须报备新版本费率方案后方可使用。",
    en=(
        "Advice only: nothing was applied. The filed coefficients are unchanged; a suggestion "
        "outside its filed range needs a new filed version of the rate plan (须重新报备)."
    ),
)


def indication_document(report: RateIndication) -> dict[str, Any]:
    """The report for people and programs: ``applied`` is always false, ``advice`` says so, and
    ``table`` has one row per factor level (:func:`indication_table`)."""
    return {
        "applied": False,
        "advice": ADVICE.en,
        "advice_label": ADVICE.to_dict(),
        "table": indication_table(report),
        **report.to_dict(),
    }


def indication_table(report: RateIndication) -> list[dict[str, Any]]:
    """One row per factor level: filed coefficient, experience relativity with its interval,
    indicated (suggested) value, credibility (exposure-weighted mean Z of the level's segments)
    and whether it leaves the filed range."""
    credibility = _credibility_by_level(report)
    return [
        {
            "factor": entry.factor,
            "coefficient": entry.coefficient,
            "level": level.level,
            "merged_into": level.merged_into,
            "exposure": level.exposure,
            "claims": level.claims,
            "experience_relativity": level.experience_relativity,
            "experience_ci": list(level.experience_ci),
            "filed": None if level.filed_value is None else str(level.filed_value),
            "indicated": str(level.suggested),
            "credibility_relativity": level.credibility_relativity,
            "credibility": credibility[entry.factor][level.level],
            "filed_range": [str(level.filed_range[0]), str(level.filed_range[1])],
            "outside_filed_range": level.status == "outside_filed_range",
        }
        for entry in report.factors
        for level in entry.levels
    ]


def _credibility_by_level(report: RateIndication) -> dict[str, dict[str, float]]:
    """Each level's exposure-weighted mean credibility Z over the segments it belongs to."""
    names = [f.factor for f in report.factors]
    sums: dict[str, dict[str, list[float]]] = {n: {} for n in names}
    for segment in report.credibility.segments:
        for name, level in zip(names, segment.key, strict=True):
            acc = sums[name].setdefault(level, [0.0, 0.0])
            acc[0] += segment.weight * segment.credibility
            acc[1] += segment.weight
    return {
        n: {lv: (z / w if w else 0.0) for lv, (z, w) in levels.items()}
        for n, levels in sums.items()
    }


def grade_readings() -> dict[str, Decimal]:
    """Each security grade read as the middle of its score band in the score model
    (A 85–100 → 92.5, B 70–85 → 77.5, …, E 0–40 → 20)."""
    grades = load_score_model().grades  # best first: (grade, minimum score)
    readings: dict[str, Decimal] = {}
    top = Decimal(100)
    for grade, low in grades:
        readings[grade] = (low + top) / 2
        top = low
    return readings


def default_factor_map(
    product: ProductSpec, data: ExperienceData, factors: Sequence[str] = ()
) -> dict[str, FactorLink]:
    """Experience factors named like a filed coefficient read as themselves; ``security_grade``
    reads the ``security_score`` guide at its grade's band middle."""
    filed = {c.factor for c in product.rate_plan.coefficients}
    wanted = list(factors) or list(data.factor_names)
    out: dict[str, FactorLink] = {}
    for name in wanted:
        data.factor(name)  # names the factors there are if unknown
        if name in filed:
            out[name] = FactorLink(name)
        elif name == "security_grade" and "security_score" in filed:
            out[name] = FactorLink("security_score", grade_readings())
        elif factors:
            raise ValidationError(
                f"The product {product.product_id} files no coefficient for the experience "
                f"factor {name!r}; it files {sorted(filed)}.",
                code=ExperienceCode.FACTOR_NOT_FILED,
                field="factors",
                value=name,
            )
    if not out:
        raise ValidationError(
            f"None of the experience factors {list(data.factor_names)} matches a coefficient "
            f"filed by {product.product_id} ({sorted(filed)}).",
            code=ExperienceCode.NO_FACTORS,
            field="factors",
        )
    return out


def filed_prior(
    product: ProductSpec, data: ExperienceData, factor_map: Mapping[str, FactorLink]
) -> dict[SegmentKey, float]:
    """μ_i = Π_f c_f(level) scaled to the experience's total loss (module docstring)."""
    names = tuple(factor_map)
    keys, index = data.segments(names)
    weights = np.bincount(index, weights=data.exposure, minlength=len(keys))
    shape = np.array([_filed_product(product, names, key, factor_map) for key in keys])
    total = float(data.incurred_loss.sum())
    if total <= 0:
        raise ValidationError(
            "The stored experience has no incurred loss; there is nothing to indicate.",
            code=ExperienceCode.NO_CLAIMS,
            field="incurred_loss",
        )
    scale = total / float((weights * shape).sum())
    return {key: float(s * scale) for key, s in zip(keys, shape, strict=True)}


def _filed_product(
    product: ProductSpec,
    names: tuple[str, ...],
    key: SegmentKey,
    factor_map: Mapping[str, FactorLink],
) -> float:
    value = 1.0
    for name, level in zip(names, key, strict=True):
        link = factor_map[name]
        coefficient = product.rate_plan.coefficient(link.coefficient)
        if not (coefficient.levels or coefficient.guide):
            continue
        given = link.readings.get(level, level)
        reading = Decimal(repr(given)) if isinstance(given, float) else given
        try:
            value *= float(coefficient.value_for(reading))
        except ValidationError as exc:
            raise ValidationError(
                f"The level {level!r} of the experience factor {name!r} has no value on the "
                f"filed guide of {coefficient.factor!r} in {product.product_id}: {exc.message}",
                code=ExperienceCode.NO_READING,
                field=name,
                value=level,
            ) from None
    return value
