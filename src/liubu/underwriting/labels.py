"""Bilingual labels of worksheet steps and notes, from ``data/labels.yaml``.

>>> label("technical_premium").zh
'技术保费'
>>> policy_label("states", "in_force").zh
'有效'
>>> note("not_modelled", coverage="telecom_fraud_loss").en[:40]
'The risk engine has no loss component fo'
"""

from __future__ import annotations

from collections.abc import Iterable
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


def coverage_name(code: str) -> Text:
    """A product coverage's name (the products vocabulary's), the code itself if unknown."""
    from liubu.products import load_vocabulary

    term = load_vocabulary().coverages.get(code)
    return term.name if term is not None else Text(code, code)


@cache
def _categories() -> dict[str, Text]:
    from liubu.risk import coverage_categories

    return {c.code: Text(c.zh, c.en) for c in coverage_categories()}


def category_name(code: str) -> Text:
    """A risk-engine loss component's name (``forensics`` → 电子取证与调查费用)."""
    return _categories().get(code, Text(code, code))


def scenario_name(code: str) -> Text:
    """A library scenario's name (``ransomware`` → 勒索软件与网络勒索)."""
    from liubu.risk import scenario_titles

    found = scenario_titles().get(code)
    return Text(found.zh, found.en) if found is not None else Text(code, code)


def joined(texts: Iterable[Text]) -> Text:
    """Names listed in each language: 甲、乙 / A, B."""
    items = list(texts)
    return Text("、".join(t.zh for t in items) or "—", ", ".join(t.en for t in items) or "—")


def note(code: str, *, section: str = "notes", **values: object) -> Text:
    """A zh/en note (from ``section``) with ``values`` filled into its ``{placeholders}``; a
    :class:`Text` value gives its Chinese to the Chinese note and its English to the English."""
    zh = {k: v.zh if isinstance(v, Text) else v for k, v in values.items()}
    en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
    try:
        template = _section(section)[code]
        return Text(template.zh.format(**zh), template.en.format(**en))
    except KeyError as error:
        raise ConfigurationError(
            f"The note {code!r} (or its placeholder {error}) is missing from "
            "liubu/underwriting/data/labels.yaml."
        ) from None
