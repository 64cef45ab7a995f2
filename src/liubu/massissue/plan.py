"""The settings of one mass import (批量投保方案): product, inception date, coefficients, chunking,
and the premium of each limit they give.

Premium per insured person = base premium of the chosen limit × product of the filed coefficients,
each read off its guide in the product's rate plan and clamped to its filed range, the product
clamped to the filed bound (:meth:`liubu.products.RatePlan.clamp`), rounded half-up to the fen
once. A factor not given counts as 1: a resident buying alone pays the base premium; a
community or employer scheme passes ``factors={"group_size": 2_000}``.

The policy key (:func:`policy_key`) makes issuance idempotent: it depends on the product
version, the inception date, the limit and the person's keyed lookup hash, never on the file, the
line or the random encryption nonces, so issuing the same person twice under one plan gives the
same key and a unique index on it turns the second insert into a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from liubu.core import FEN, half_up
from liubu.errors import ValidationError
from liubu.massissue.contract import contract_version
from liubu.massissue.reasons import MassissueCode
from liubu.products import ClampFlag, ProductSpec

POLICY_KEY_LABEL = "liubu mass issue policy key v1"
Reading = Decimal | int | str


def limit_text(limit: Decimal) -> str:
    """A limit as a plain whole or decimal number: ``Decimal("1E+4")`` → ``"10000"``."""
    return format(limit.normalize(), "f")


def policy_key(*, product_id: str, inception: dt.date, limit: Decimal, person_hash: str) -> str:
    """``SHA-256(label | product_id | inception | limit | person_hash)``, first 32 hex digits.

    ``person_hash`` is the keyed lookup hash of the resident ID, so the key reveals nothing
    without the data key; 128 bits keep accidental collisions out of reach (p ≈ n²/2¹²⁹).
    """
    prefix = _key_prefix(product_id, inception, limit)
    return hashlib.sha256(prefix + person_hash.encode("ascii")).hexdigest()[:32]


def _key_prefix(product_id: str, inception: dt.date, limit: Decimal) -> bytes:
    text = f"{POLICY_KEY_LABEL}|{product_id}|{inception.isoformat()}|{limit_text(limit)}|"
    return text.encode("utf-8")


@dataclass(frozen=True)
class ImportPlan:
    """One import's settings; validated and priced on construction.

    - ``product``: a filed product whose rate plan is priced per person (``basis: per_person``),
      for individuals, in force on ``inception``;
    - ``inception``: the first day of cover; ages are counted on it and it enters the policy key,
      so next year's renewal of the same person is a new policy;
    - ``factors``: inputs of the filed coefficients by factor code (a quantity or level);
    - ``chunk_size``: lines per chunk; the loader commits one chunk per transaction.
    """

    product: ProductSpec
    inception: dt.date
    factors: Mapping[str, Reading] = field(default_factory=dict)
    chunk_size: int = 10_000
    premiums: Mapping[Decimal, Decimal] = field(init=False)
    clamp_flags: tuple[ClampFlag, ...] = field(init=False)
    _key_prefixes: Mapping[Decimal, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_product(self.product, self.inception)
        if isinstance(self.chunk_size, bool) or not 1 <= self.chunk_size <= 1_000_000:
            raise ValidationError(
                f"The chunk_size {self.chunk_size!r} must be a whole number from 1 to 1,000,000.",
                code=MassissueCode.CHUNK_SIZE,
                field="chunk_size",
                value=repr(self.chunk_size),
            )
        object.__setattr__(self, "factors", MappingProxyType(dict(self.factors)))
        plan = self.product.rate_plan
        requested = {
            factor: plan.coefficient(factor).value_for(reading)
            for factor, reading in self.factors.items()
        }
        clamp = plan.clamp(requested)
        premiums = {
            limit: half_up(plan.base_premium(limit=limit) * clamp.product, FEN)
            for limit in self.product.limit_options
        }
        object.__setattr__(self, "premiums", MappingProxyType(premiums))
        object.__setattr__(self, "clamp_flags", clamp.flags)
        prefixes = {
            limit: _key_prefix(self.product_id, self.inception, limit) for limit in premiums
        }
        object.__setattr__(self, "_key_prefixes", MappingProxyType(prefixes))

    @property
    def product_id(self) -> str:
        return self.product.product_id

    @property
    def age_range(self) -> tuple[int | None, int | None]:
        return (self.product.eligibility.age_min, self.product.eligibility.age_max)

    @property
    def plan_key(self) -> str:
        """SHA-256 of everything that decides which rows are issued and how: product version,
        inception, factors, chunk size and the contract version. A checkpoint is resumed only
        under the same plan key."""
        settings = {
            "contract": contract_version(),
            "product": self.product_id,
            "inception": self.inception.isoformat(),
            "factors": {factor: str(value) for factor, value in sorted(self.factors.items())},
            "chunk_size": self.chunk_size,
        }
        text = json.dumps(settings, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    def policy_key(self, *, limit: Decimal, person_hash: str) -> str:
        """:func:`policy_key` under this plan's product and inception (prefixes cached)."""
        prefix = self._key_prefixes.get(limit)
        if prefix is None:
            return policy_key(
                product_id=self.product_id,
                inception=self.inception,
                limit=limit,
                person_hash=person_hash,
            )
        return hashlib.sha256(prefix + person_hash.encode("ascii")).hexdigest()[:32]


def _check_product(product: ProductSpec, inception: dt.date) -> None:
    def refuse(reason: str, code: MassissueCode) -> ValidationError:
        return ValidationError(
            f"The product {product.product_id} cannot be issued in bulk: {reason}.",
            code=code,
            field="product",
            value=product.product_id,
        )

    if product.status != "filed":
        raise refuse(
            f"its status is {product.status!r}, not 'filed'", MassissueCode.PRODUCT_NOT_FILED
        )
    if product.rate_plan.basis != "per_person":
        raise refuse(
            f"its rate plan is priced {product.rate_plan.basis!r}, not 'per_person'",
            MassissueCode.PRODUCT_NOT_PER_PERSON,
        )
    if product.eligibility.insured != "individual":
        raise refuse(
            f"it insures {product.eligibility.insured!r}, not individuals",
            MassissueCode.PRODUCT_NOT_INDIVIDUAL,
        )
    start, end = product.effective_from, product.effective_to
    if (start is not None and inception < start) or (end is not None and inception > end):
        raise refuse(
            f"the inception date {inception.isoformat()} is outside its effective period "
            f"{start} to {end or 'open'}",
            MassissueCode.PRODUCT_NOT_EFFECTIVE,
        )
