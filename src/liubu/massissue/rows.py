"""Checking one line of an import, and the row it becomes (待出单行).

A line is checked column by column and rejected with the **first** problem found, in this order:
field count, name, resident ID (GB 11643 length, characters, birth date, check character via
:class:`liubu.core.ResidentId`; then its first two digits against the GB/T 2260 provinces),
mobile number (:func:`liubu.core.parse_mobile`), limit (one of the product's limit options),
external reference, age on the inception date (the product's eligible ages), and last whether
the same resident ID was already **accepted** on an earlier line of the file. Full-width digits
and letters (``１１０１…``) are folded to ASCII first (NFKC), as Chinese input methods produce them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from liubu.core import ResidentId, mask_mobile, mask_name, mask_resident_id, parse_mobile, provinces
from liubu.errors import IdentifierError
from liubu.massissue.plan import ImportPlan, limit_text
from liubu.massissue.reasons import RowError, row_error

NAME_FIELD, RESIDENT_ID_FIELD, MOBILE_FIELD = "name", "resident_id", "mobile"
"""Field names bound into each ciphertext and lookup hash (decrypt with the same name)."""
MAX_NAME = 64
MAX_EXTERNAL_REF = 64
RESIDENCE_PERMIT_PREFIXES = frozenset({"83"})
"""Besides the GB/T 2260 provinces: 830000 numbers the residence permits of Taiwan residents
(港澳台居民居住证; Hong Kong and Macao use 810000, 820000, both provincial codes)."""
_NAME_BAD = re.compile(r"[\d\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class IssueRow(NamedTuple):
    """A checked, priced and sealed insured person, ready for a bulk insert (COPY).

    The tuple's order is the column order (``IssueRow._fields``). ``*_encrypted`` are
    :class:`~liubu.core.PersonalDataCipher` tokens bound to the field names ``name``,
    ``resident_id`` and ``mobile``; ``*_hash`` their keyed lookup hashes; ``*_masked`` what screens
    show. ``province`` (two digits), ``sex`` and ``age`` on inception are kept in clear for
    aggregate statistics without decryption.
    """

    policy_key: str
    line: int
    limit: Decimal
    premium: Decimal
    name_encrypted: bytes
    resident_id_encrypted: bytes
    mobile_encrypted: bytes
    resident_id_hash: str
    mobile_hash: str
    name_masked: str
    resident_id_masked: str
    mobile_masked: str
    province: str
    sex: str
    age: int
    external_ref: str | None


class Person(NamedTuple):
    """A line that passed every check, before sealing (canonical forms, in clear)."""

    line: int
    name: str
    resident_id: str
    mobile: str
    limit: Decimal
    premium: Decimal
    age: int
    external_ref: str | None


def _ascii(text: str) -> str:
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


class RowChecker:
    """Checks the lines of one file under one plan; remembers accepted resident IDs (duplicates).

    Memory: one dict entry per accepted person (a 17-digit int → its line), about 110 bytes each,
    so some 220 MB for 2,000,000 persons.
    """

    def __init__(self, plan: ImportPlan, columns: tuple[str, ...]) -> None:
        self.plan = plan
        self.width = len(columns)
        position = {code: index for index, code in enumerate(columns)}
        self._name, self._id = position["name"], position["resident_id"]
        self._mobile, self._limit = position["mobile"], position["limit"]
        self._ref = position.get("external_ref")
        self._limits = {limit_text(limit): limit for limit in plan.premiums}
        self._prefixes = frozenset(p.code for p in provinces()) | RESIDENCE_PERMIT_PREFIXES
        age_min, age_max = plan.age_range
        self._age_min = 0 if age_min is None else age_min
        self._age_max = 200 if age_max is None else age_max
        self._on = (plan.inception.month, plan.inception.day)
        self._accepted: dict[int, int] = {}

    @staticmethod
    def fields(text: str) -> list[str] | str:
        """The fields of one line (its line break removed), or why it is not valid CSV."""
        if '"' not in text:
            return text.split(",")
        try:
            return next(csv.reader([text], strict=True))
        except (csv.Error, StopIteration) as error:
            return str(error) or "no fields"

    def check(self, fields: list[str], line: int) -> Person | RowError:
        """The person on this line, or the first reason it cannot be issued."""
        if len(fields) != self.width:
            return row_error(
                line, "row.columns", field=None, count=len(fields), expected=self.width
            )
        name = fields[self._name].strip()
        if not name:
            return row_error(line, "name.empty", field="name")
        if len(name) > MAX_NAME or _NAME_BAD.search(name):
            shown = mask_name(name)
            return row_error(line, "name.invalid", field="name", value=shown, max=MAX_NAME)
        number = _ascii(fields[self._id]).upper()
        try:
            ResidentId(number)
        except IdentifierError as error:
            shown = mask_resident_id(number)
            return row_error(line, error.code, field="resident_id", value=shown, count=len(number))
        if number[:2] not in self._prefixes:
            shown = mask_resident_id(number)
            return row_error(
                line, "resident_id.region", field="resident_id", value=shown, prefix=number[:2]
            )
        return self._rest(fields, line, name=name, number=number)

    def _rest(self, fields: list[str], line: int, *, name: str, number: str) -> Person | RowError:
        try:
            mobile = parse_mobile(_ascii(fields[self._mobile])).number
        except IdentifierError as error:
            shown = mask_mobile(re.sub(r"\D", "", fields[self._mobile]))
            return row_error(line, error.code, field="mobile", value=shown)
        limit = self._limit_of(fields[self._limit], line)
        if isinstance(limit, RowError):
            return limit
        reference = None if self._ref is None else fields[self._ref].strip() or None
        if reference is not None and (
            len(reference) > MAX_EXTERNAL_REF or _CONTROL.search(reference)
        ):
            return row_error(
                line, "external_ref.invalid", field="external_ref", max=MAX_EXTERNAL_REF
            )
        age = self._age(number)
        if not self._age_min <= age <= self._age_max:
            return self._ineligible(line, number, age)
        key = int(number[:17])
        first = self._accepted.get(key)
        if first is not None:
            shown = mask_resident_id(number)
            return row_error(
                line, "person.duplicate", field="resident_id", value=shown, first_line=first
            )
        self._accepted[key] = line
        premium = self.plan.premiums[limit]
        return Person(line, name, number, mobile, limit, premium, age, reference)

    def _limit_of(self, text: str, line: int) -> Decimal | RowError:
        raw = text.strip()
        limit = self._limits.get(raw)
        if limit is not None:
            return limit
        cleaned = re.sub(r"[\s,¥￥元]", "", _ascii(raw))
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number <= 0:
            return row_error(line, "limit.syntax", field="limit", value=raw[:40])
        limit = self._limits.get(limit_text(number))
        if limit is None:
            options = "/".join(limit_text(option) for option in self.plan.premiums)
            return row_error(
                line,
                "limit.not_offered",
                field="limit",
                value=raw[:40],
                product=self.plan.product_id,
                options=options,
            )
        return limit

    def _age(self, number: str) -> int:
        """Whole years on the inception date (a 29 February birthday counts from 1 March)."""
        born = (int(number[10:12]), int(number[12:14]))
        return self.plan.inception.year - int(number[6:10]) - (self._on < born)

    def _ineligible(self, line: int, number: str, age: int) -> RowError:
        return row_error(
            line,
            "age.ineligible",
            field="resident_id",
            value=mask_resident_id(number),
            age=age,
            inception=self.plan.inception.isoformat(),
            product=self.plan.product_id,
            age_min=self._age_min,
            age_max=self._age_max,
        )
