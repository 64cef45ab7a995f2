"""Bilingual labels of worksheet steps and notes, from ``data/labels.yaml``.

>>> label("technical_premium").zh
'技术保费'
>>> policy_label("states", "in_force").zh
'有效'
>>> note("not_modelled", coverage="telecom_fraud_loss").en[:40]
'The risk engine has no loss component fo'
"""

from __future__ import annotations

from functools import cache
from typing import Literal

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


def policy_label(section: Literal["states", "events"], code: str) -> Text:
    """The zh/en name of a policy's state (``in_force``…) or of one of its events (``issue``,
    ``endorse_limit``…), as the policy document prints it; an unknown code is shown as itself."""
    found = _section(f"policy_{section}").get(code)
    return found if found is not None else Text(code, code)


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
