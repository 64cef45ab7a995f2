"""Products named by a TLS certificate (rules in ``data/certificate_products.yaml``).

Appliances serve a default certificate whose issuer names them: a FortiGate's own CA carries the
device serial, an ESXi host's says "VMware ESX Server Default Certificate", a Cisco ASA's
"ASA Temporary Self Signed Certificate". Such a certificate says *what* answers on the port, never
which version, so the identification is a CPE with version ``*``: shown with the scan's software,
never joined to CVEs or to the end-of-life table (see :attr:`Software.versioned`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.certificates import CertificateFacts
from liubu.errors import ConfigurationError

_FILE = "certificate_products.yaml"
_FIELDS = ("issuer", "subject")


@dataclass(frozen=True)
class CertificateRule:
    name: str
    field: str
    pattern: re.Pattern[str]
    cpe: str


@cache
def certificate_rules() -> tuple[CertificateRule, ...]:
    """The rules, read once."""
    rows = require(load_table(_FILE), "rules", list, filename=_FILE, where="(top)")
    rules = []
    for index, row in enumerate(rows):
        where = f"rules[{index}]"
        field = require(row, "field", str, filename=_FILE, where=where)
        part_vendor_product = require(row, "cpe", str, filename=_FILE, where=where).split(":")
        require(row, "source", str, filename=_FILE, where=where)
        if field not in _FIELDS or len(part_vendor_product) != 3:
            raise ConfigurationError(
                f"The entry {where} in liubu/assessment/scan/data/{_FILE} needs field in "
                f"{_FIELDS} and cpe as part:vendor:product, but holds {row!r}."
            )
        part, vendor, product = part_vendor_product
        rules.append(
            CertificateRule(
                name=require(row, "name", str, filename=_FILE, where=where),
                field=field,
                pattern=re.compile(require(row, "pattern", str, filename=_FILE, where=where)),
                cpe=f"cpe:2.3:{part}:{vendor}:{product}:*:*:*:*:*:*:*:*",
            )
        )
    return tuple(rules)


def certificate_products(facts: CertificateFacts) -> list[tuple[CertificateRule, str]]:
    """Each rule whose name matches the certificate, with the name it matched."""
    found = []
    for rule in certificate_rules():
        name = facts.issuer if rule.field == "issuer" else facts.subject
        if rule.pattern.search(name):
            found.append((rule, name))
    return found
