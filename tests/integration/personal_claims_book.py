"""A small real anti-fraud book for the claims tests: a few residents issued by the existing bulk
import code under the reference product, and helpers to write claims files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from liubu.accounts import OrgKind, Role, acting_in
from liubu.bootstrap import Platform
from liubu.core import PersonalDataCipher, resident_id_check_character
from liubu.demo import load_reference_products
from liubu.massissue import ImportPlan, run_import
from liubu.products import parse_product
from liubu.store import tables
from liubu.store.personal import SqlIssueStore

PRODUCT = "yangben-pc/anti-fraud@1"
INCEPTION = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 12, 7)
CLAIMS_HEADER = (
    "receipt_number,resident_id,loss_amount,loss_date,police_report_date,notified_on,"
    "recovered_amount,cause\n"
)


def resident(body: str) -> str:
    """A valid resident ID from its first 17 digits (GB 11643 check character added)."""
    return body + resident_id_check_character(body)


# name, resident ID, limit: born 1990, 1985, 1978, 1995 (all eligible, 18 to 70)
PEOPLE = {
    "A": ("张伟", resident("11010519900307451"), 10_000),
    "B": ("王芳", resident("31010419850615232"), 50_000),
    "C": ("李娜", resident("44030519781120004"), 10_000),
    "D": ("刘洋", resident("32050819950101123"), 100_000),
}
STRANGER = resident("51010719880808456")  # valid, but holds no policy


def receipt(month: str, serial: int, organ: str = "110105010000") -> str:
    """A receipt number in the assumed form: A + 12-digit organ code + YYYYMM + serial."""
    return f"A{organ}{month.replace('-', '')}{serial:04d}"


@dataclass(frozen=True)
class Book:
    tenant_id: str
    cipher: PersonalDataCipher

    def adjuster(self) -> object:
        return acting_in(self.tenant_id, OrgKind.INSURER, Role.CLAIMS_ADJUSTER, name="adjuster")


def issue_book(platform: Platform, folder: Path) -> Book:
    """Issue ``PEOPLE`` with the existing import (the same code as ``liubu policies import``)."""
    load_reference_products(platform)
    with platform.uow() as uow:
        from liubu import products

        record = products.find_product(uow, PRODUCT)
    spec = parse_product(record.document, source=record.product_ref)
    path = folder / "people.csv"
    lines = ["name,resident_id,mobile,limit\n"]
    for index, (name, number, limit) in enumerate(PEOPLE.values()):
        lines.append(f"{name},{number},1380013800{index},{limit}\n")
    path.write_text("".join(lines), encoding="utf-8")
    cipher = PersonalDataCipher(platform.settings.personal_data_key)
    store = SqlIssueStore(
        platform.uow,
        tenant_id=record.tenant_id,
        product_ref=spec.product_id,
        inception=INCEPTION.isoformat(),
        file_name=path.name,
    )
    summary = run_import(
        store,
        path,
        plan=ImportPlan(spec, INCEPTION),
        cipher=cipher,
        error_path=folder / "people.errors.csv",
    )
    assert summary.issued == len(PEOPLE), summary
    return Book(record.tenant_id, cipher)


def claims_count(platform: Platform) -> int:
    import sqlalchemy as sa

    with platform.engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).select_from(tables.personal_claims)
            ).scalar_one()
        )
