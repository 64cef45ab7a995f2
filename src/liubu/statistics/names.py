"""Names in the reader's language for what the regulator's figures are keyed by, and the words of
the exports — one place for the dashboard, the CSV and the Excel file.

Keys are named from their own vocabularies: product types from the products vocabulary, GB/T 4754
sections and GB/T 2260 provinces from the core tables; the exports' words (lines, dimensions,
column headings) from ``data/labels.yaml``. A key without a name (a month, a product reference)
is shown as it is.

>>> key_names("zh")["region"]["32"], key_names("en")["region"]["32"]
('江苏省', 'Jiangsu')
>>> key_names("en")["industry_section"]["C"], key_names("zh")["product_type"]["liability"]
('Manufacturing', '网络安全责任保险')
>>> export_word("columns", "key_code", "zh")
'分组代码'
"""

from __future__ import annotations

from liubu.core import industry_sections, provinces
from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError
from liubu.products import Lang, load_vocabulary


def key_names(lang: Lang) -> dict[str, dict[str, str]]:
    """For each dimension, its keys' names in ``lang``: ``{"region": {"32": "江苏省", …}, …}``."""
    types = {t.code: t.name.in_(lang) for t in load_vocabulary().product_types.entries}
    sections = {s.code: s.zh if lang == "zh" else s.en for s in industry_sections()}
    regions = {p.code: p.zh if lang == "zh" else p.en for p in provinces()}
    return {
        "product_type": types,
        "industry_section": sections,
        "region": regions,
        "province": regions,
    }


def export_word(section: str, code: str, lang: Lang) -> str:
    """A word of the exports in ``lang`` (``section`` is ``lines``, ``dimensions``, ``columns``,
    or ``other`` / ``footnote`` with ``code`` ``""``)."""
    labels = packaged_yaml("liubu.statistics", "data", "labels.yaml")
    found = labels.get(section)
    if code:
        found = found.get(code) if isinstance(found, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get(lang), str):
        raise ConfigurationError(
            f"The export word {section}.{code or '-'} has no {lang} text in "
            "liubu/statistics/data/labels.yaml."
        )
    text: str = found[lang]
    return text
