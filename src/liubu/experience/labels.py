"""Bilingual labels of the rate-indication report, read from ``data/labels.yaml``."""

from __future__ import annotations

from functools import cache
from typing import Literal

from liubu.experience._data import bilingual, load_yaml_table
from liubu.products import Text

Status = Literal["within_filed_range", "outside_filed_range"]


@cache
def status_label(status: Status) -> Text:
    """What a suggestion's status means, in Chinese and English."""
    return Text(*bilingual(load_yaml_table("labels.yaml")["statuses"][status], where=status))


@cache
def field_label(name: str) -> Text:
    """The heading of a report field or experience column, in Chinese and English."""
    table = load_yaml_table("labels.yaml")
    entry = table["fields"].get(name) or table["columns"].get(name)
    return Text(*bilingual(entry, where=name))


def advisory_notes() -> tuple[Text, ...]:
    """The notes every rate indication carries (advice only; rebalancing; credibility)."""
    notes = load_yaml_table("labels.yaml")["notes"]
    return tuple(
        Text(*bilingual(notes[key], where=key))
        for key in ("advisory", "off_balance", "credibility")
    )
