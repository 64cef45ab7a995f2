"""Refresh the Babel catalogues: extract message ids from templates, Python and navigation.yaml,
merge them into locale/{zh_CN,en}/LC_MESSAGES/messages.po keeping existing translations.

    .venv/bin/python tools/update_catalogues.py

New ids get an empty Chinese translation; the test suite fails until someone translates them.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parents[1] / "src" / "liubu" / "web"
# Codes shown on screen through _(): statuses, comparison sections. (Product vocabulary names
# come from the products package's own bilingual data files.)
STATUSES = ["draft", "filed", "withdrawn"]
SECTIONS = ["general", "coverage", "exclusion", "service"]
SCAN_STATES = ["queued", "running", "finished", "failed"]
FINDING_STATES = [
    "open",
    "not_ours",
    "compensating_control",
    "fixed_pending_rescan",
    "resolved",
    "waived",
]
SEVERITIES = ["critical", "high", "medium", "low", "info"]
DIMENSIONS = ["industry_section", "region", "product_type", "month", "province", "product"]
QUOTE_STATES = [
    "offered",
    "referred",
    "declined",
    "bound",
    "expired",
    "auto",
    "refer",
    "decline",
    "approved",
    "in_force",
    "cancelled",
    "renewed",
    "technical",
    "adequacy",
]
GROUP_CODES = [
    "supply_chain",
    "park",
    "open",
    "none",
    "remote_access",
    "network_connection",
    "data_processing",
    "software_supply",
    "unassessed",
]
# Claims codes shown through _() on the claims pages (states, flags, phases, channels, sources).
CLAIM_CODES = [
    "open",
    "closed",
    "late_notice",
    "before_retroactive_date",
    "reported_outside_period",
    "reserve_set_by_adjuster",
    "engine",
    "adjuster",
    "awaiting_approval",
    "sent",
    "pending",
    "accepted",
    "triage",
    "containment",
    "eradication",
    "recovery",
    "other",
    "insured",
    "hotline",
    "provider",
    "reserve",
    "payment",
    "invoice",
    "payroll",
    "ransom",
    "notification",
    "settlement",
    "fine",
    "undecided",
    "does_not_apply",
    "applies",
]
# Notification codes shown through _() (liubu.notify: event kinds, channels, delivery statuses).
NOTIFY_CODES = [
    "monitoring.alert_opened",
    "monitoring.alert_escalated",
    "in_app",
    "email",
    "webhook",
    "pending",
    "sent",
    "dead",
]
ROLES = [
    "admin",
    "underwriter",
    "actuary",
    "claims_adjuster",
    "security_analyst",
    "enterprise_user",
    "regulator_viewer",
]


def message_ids() -> list[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: list[str] = []
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(WEB), method_map, options, keywords={"_": None, "gettext": None}
    ):
        text = message if isinstance(message, str) else message[0]
        found.append(text)
    nav = yaml.safe_load((WEB / "data" / "navigation.yaml").read_text("utf-8"))
    for group in ("steps", "areas"):
        for entry in nav[group]:
            found += [entry["title"], entry["summary"]]
    found += (
        ROLES
        + STATUSES
        + SECTIONS
        + SCAN_STATES
        + FINDING_STATES
        + SEVERITIES
        + QUOTE_STATES
        + DIMENSIONS
        + GROUP_CODES
        + CLAIM_CODES
        + NOTIFY_CODES
    )
    return list(dict.fromkeys(found))


def update(language: str) -> int:
    path = WEB / "locale" / language / "LC_MESSAGES" / "messages.po"
    old: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as handle:
            old = {m.id: m.string for m in read_po(handle) if m.id}  # type: ignore[misc]
    catalog = Catalog(locale=language, project="liubu", charset="utf-8")
    missing = 0
    for mid in message_ids():
        text = old.get(mid) or (mid if language == "en" else "")
        missing += not text
        catalog.add(mid, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return missing


if __name__ == "__main__":
    for lang in ("zh_CN", "en"):
        print(f"{lang}: {update(lang)} untranslated")
