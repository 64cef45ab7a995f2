"""Bilingual labels of worksheet steps and notes, from ``data/labels.yaml``.

>>> label("technical_premium").zh
'技术保费'
>>> note("not_modelled", coverage="telecom_fraud_loss").en[:40]
'The risk engine has no loss component fo'
"""

from __future__ import annotations

from functools import cache

from liubu.errors import ConfigurationError
from liubu.products import Text
from liubu.underwriting._data import load_data


@cache
def _section(name: str) -> dict[str, Text]:
    data = load_data("labels.yaml")
    return {code: data.text((name, code)) for code in data.mapping((name,))}


def label(code: str) -> Text:
    """The zh/en label of a worksheet step."""
    try:
        return _section("steps")[code]
    except KeyError:
        raise ConfigurationError(
            f"The worksheet step {code!r} has no label in liubu/underwriting/data/labels.yaml."
        ) from None


def note(code: str, *, section: str = "notes", **values: object) -> Text:
    """A zh/en note (from ``section``) with ``values`` filled into its ``{placeholders}``."""
    try:
        template = _section(section)[code]
        return Text(template.zh.format(**values), template.en.format(**values))
    except KeyError as error:
        raise ConfigurationError(
            f"The note {code!r} (or its placeholder {error}) is missing from "
            "liubu/underwriting/data/labels.yaml."
        ) from None
