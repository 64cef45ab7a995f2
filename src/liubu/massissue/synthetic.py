"""Synthetic insured persons for tests, demos and the 2,000,000-row benchmark (合成数据).

Every person is fictitious but formally valid: a resident ID whose first two digits are a GB/T 2260
province, whose next four are drawn so that no two persons of one file share an ID (the row index
is mapped through a bijection of 0..10⁷−1), whose birth date makes the person 18 to 69 years old on
the inception date, and whose check character is computed here (ISO 7064 MOD 11-2, GB 11643) —
independently of :mod:`liubu.core`; a mobile number with a real carrier prefix; a common name;
a limit among the given options.

With ``bad_fraction`` > 0 that share of lines (on average) is broken in one of the ways of
:data:`BAD_KINDS`, each named by the reason code the import must give it. Output is identical
for the same arguments (numpy ``default_rng(seed)``, generated in fixed blocks).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from liubu.core import provinces
from liubu.errors import ValidationError
from liubu.massissue._data import load_table
from liubu.massissue.reasons import MassissueCode

BAD_KINDS = (
    "row.columns",
    "row.malformed",
    "name.empty",
    "name.invalid",
    "resident_id.length",
    "resident_id.characters",
    "resident_id.birth_date",
    "resident_id.check_character",
    "resident_id.region",
    "mobile.format",
    "limit.syntax",
    "limit.not_offered",
    "age.ineligible",
    "person.duplicate",
)
"""The kinds of broken line, each the reason code it must be rejected with."""
MAX_PERSONS = 10_000_000
_BLOCK = 8192
_WEIGHTS = np.array([2 ** (17 - i) % 11 for i in range(17)], dtype=np.int64)
_CHECK = "10X98765432"
_MOBILE_PREFIXES = np.array(
    [*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178,
     *range(180, 190), 191, 193, 195, 197, 198, 199],
    dtype=np.int64,
)  # fmt: skip
_SCATTER, _SHIFT = 7_777_777, 1_234_567  # odd, not a multiple of 5: a bijection mod 10**7
IntArray = npt.NDArray[np.int64]


class SyntheticLine(NamedTuple):
    """One data line (ending in ``\\n``) and the reason code it must be rejected with, or None."""

    text: str
    bad_kind: str | None


def check_character(first17: str) -> str:
    """GB 11643-1999: ``"10X98765432"[Σ a_i·(2^(17−i) mod 11) mod 11]``."""
    return _CHECK[int(np.dot(np.frombuffer(first17.encode(), np.uint8) - 48, _WEIGHTS)) % 11]


def synthetic_lines(
    n: int,
    *,
    seed: int,
    bad_fraction: float = 0.0,
    limits: Sequence[int] = (10_000, 50_000, 100_000),
    inception: dt.date = dt.date(2025, 1, 1),
    external_ref: bool = False,
) -> Iterator[SyntheticLine]:
    """``n`` data lines (no header) with their intended outcome."""
    if not 0 <= n <= MAX_PERSONS:
        raise ValidationError(
            f"The number of persons {n} must be from 0 to {MAX_PERSONS:,}.",
            code=MassissueCode.SYNTHETIC_SIZE,
            field="n",
            value=n,
        )
    if not 0.0 <= bad_fraction <= 1.0:
        raise ValidationError(
            f"The bad_fraction {bad_fraction} must be between 0 and 1.",
            code=MassissueCode.SYNTHETIC_FRACTION,
            field="bad_fraction",
            value=bad_fraction,
        )
    maker = _Maker(np.random.default_rng(seed), limits, inception, external_ref)
    for start in range(0, n, _BLOCK):
        yield from maker.block(start, min(_BLOCK, n - start), bad_fraction)


def synthetic_header(*, external_ref: bool = False) -> str:
    return "name,resident_id,mobile,limit" + (",external_ref" if external_ref else "") + "\n"


def synthetic_people(
    n: int,
    *,
    seed: int,
    bad_fraction: float = 0.0,
    limits: Sequence[int] = (10_000, 50_000, 100_000),
    inception: dt.date = dt.date(2025, 1, 1),
    external_ref: bool = False,
) -> Iterator[str]:
    """The lines of an import file: the header, then ``n`` persons (see :func:`synthetic_lines`)."""
    yield synthetic_header(external_ref=external_ref)
    for line in synthetic_lines(
        n,
        seed=seed,
        bad_fraction=bad_fraction,
        limits=limits,
        inception=inception,
        external_ref=external_ref,
    ):
        yield line.text


def write_synthetic_csv(
    path: Path,
    n: int,
    *,
    seed: int,
    bad_fraction: float = 0.0,
    limits: Sequence[int] = (10_000, 50_000, 100_000),
    inception: dt.date = dt.date(2025, 1, 1),
    external_ref: bool = False,
    encoding: str = "utf-8",
) -> Counter[str]:
    """Write an import file (``encoding="utf-8-sig"`` adds a BOM; ``"gb18030"`` makes one that
    must be refused); return how many lines of each bad kind it holds (``"good"`` for the rest)."""
    kinds: Counter[str] = Counter()
    with path.open("w", encoding=encoding, newline="") as stream:
        stream.write(synthetic_header(external_ref=external_ref))
        for line in synthetic_lines(
            n,
            seed=seed,
            bad_fraction=bad_fraction,
            limits=limits,
            inception=inception,
            external_ref=external_ref,
        ):
            stream.write(line.text)
            kinds[line.bad_kind or "good"] += 1
    return kinds


class _Maker:
    def __init__(
        self,
        rng: np.random.Generator,
        limits: Sequence[int],
        inception: dt.date,
        external_ref: bool,
    ) -> None:
        names = load_table("synthetic_names.yaml")
        self.surnames = [str(s) for s in names["surnames"]]
        self.given = [str(g) for g in names["given"]]
        self.provinces = np.array(
            [int(p.code) for p in provinces() if p.code not in ("71", "81", "82")], dtype=np.int64
        )
        self.rng, self.limits, self.inception = rng, list(limits), inception
        self.external_ref = external_ref
        self.recent_good: list[str] = []

    def block(self, start: int, size: int, bad_fraction: float) -> Iterator[SyntheticLine]:
        rng = self.rng
        index = np.arange(start, start + size, dtype=np.int64)
        unique = (index * _SCATTER + _SHIFT) % 10**7
        province = rng.choice(self.provinces, size)
        year = self.inception.year - rng.integers(19, 70, size)  # 18..69 years old on inception
        month, day = rng.integers(1, 13, size), rng.integers(1, 29, size)
        mobile = rng.choice(_MOBILE_PREFIXES, size) * 10**8 + rng.integers(0, 10**8, size)
        surname = rng.integers(0, len(self.surnames), size).tolist()
        given = rng.integers(0, len(self.given), (size, 2)).tolist()
        two_given = (rng.random(size) < 0.7).tolist()
        limit = rng.integers(0, len(self.limits), size).tolist()
        bad = (rng.random(size) < bad_fraction).tolist()
        kind = rng.integers(0, len(BAD_KINDS), size).tolist()
        numbers = _resident_ids(province, unique // 1000, year, month, day, unique % 1000)
        mobiles, children = mobile.tolist(), (self.inception.year - 3 - year % 10).tolist()
        for i in range(size):
            name = self.surnames[surname[i]] + self.given[given[i][0]]
            if two_given[i]:
                name += self.given[given[i][1]]
            fields = [name, numbers[i], str(mobiles[i]), str(self.limits[limit[i]])]
            if self.external_ref:
                fields.append(f"ORD-{start + i:08d}")
            yield self._line(fields, BAD_KINDS[kind[i]] if bad[i] else None, children[i])

    def _line(self, fields: list[str], kind: str | None, child: int) -> SyntheticLine:
        if kind == "person.duplicate" and not self.recent_good:
            kind = None  # nothing accepted yet to repeat: the line stays good
        if kind is None:
            self.recent_good.append(fields[1])
            if len(self.recent_good) > 2000:
                del self.recent_good[:1000]
            return SyntheticLine(",".join(fields) + "\n", None)
        return SyntheticLine(_break(fields, kind, child=child, earlier=self.recent_good), kind)


def _resident_ids(
    province: IntArray, area: IntArray, year: IntArray, month: IntArray, day: IntArray,
    order: IntArray,
) -> list[str]:  # fmt: skip
    """18-character IDs, the check character computed on the 17 digits (vectorised)."""
    number = province * 10**15 + area * 10**11 + year * 10**7 + month * 10**5 + day * 10**3 + order
    digits = (number[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    checks = (digits @ _WEIGHTS) % 11
    pairs = zip(number.tolist(), checks.tolist(), strict=True)
    return [f"{value:017d}{_CHECK[check]}" for value, check in pairs]


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _break(fields: list[str], kind: str, *, child: int, earlier: list[str]) -> str:
    """The line with one deliberate fault; every other field stays valid."""
    number = fields[1]
    if kind == "row.columns":
        fields = fields[:3]
    elif kind == "row.malformed":
        fields[0] = '"' + fields[0]
    elif kind == "name.empty":
        fields[0] = ""
    elif kind == "name.invalid":
        fields[0] += "2"
    elif kind == "resident_id.length":
        fields[1] = number[:17]
    elif kind == "resident_id.characters":
        fields[1] = number[:10] + "A" + number[11:]
    elif kind == "resident_id.birth_date":
        fields[1] = _with_check(number[:10] + "13" + number[12:17])
    elif kind == "resident_id.check_character":
        fields[1] = number[:17] + _CHECK[(_CHECK.index(number[17]) + 1) % 11]
    elif kind == "resident_id.region":
        fields[1] = _with_check("99" + number[2:17])
    elif kind == "mobile.format":
        fields[2] = "12" + fields[2][2:]
    elif kind == "limit.syntax":
        fields[3] = "十万"
    elif kind == "limit.not_offered":
        fields[3] = "20000"
    elif kind == "age.ineligible":
        fields[1] = _with_check(number[:6] + f"{child:04d}" + number[10:17])
    elif kind == "person.duplicate":
        fields[1] = earlier[int(number[:17]) % len(earlier)]
    return ",".join(fields) + "\n"
