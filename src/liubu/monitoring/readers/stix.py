"""STIX 2.1 bundles (and STIX 2.0 ones, such as MITRE ATT&CK's) through the ``stix2`` library.

Every object of a bundle is validated by ``stix2.parse`` (custom ``x-`` objects and properties
allowed, as MITRE's bundles use them); one that does not validate refuses the whole bundle, naming
the object's id. Indicators with ``pattern_type`` stix become observations: their patterns are
parsed by ``stix2-patterns`` (never by regular expressions) and each equality comparison on
``ipv4-addr:value``, ``ipv6-addr:value``, ``domain-name:value`` or ``url:value`` gives one
observation, whatever the boolean or observation operators around it (a pattern that ORs six
addresses names six indicators; one that ANDs them is still about each). Comparisons with other
operators (``LIKE``, ``MATCHES``, ``ISSUBSET``), values that are networks (``10.0.0.0/8``: the
observation record has no CIDR kind) and other object paths (file hashes, e-mail) give none; an
indicator that gives none is counted as skipped.

Rule ``stix:<indicator id>``; severity medium (STIX indicators carry no severity; a match says
the asset was named as malicious infrastructure, not that it was hurt); ``seen_at`` the
indicator version's ``modified`` time. Fingerprint: the indicator id and ``modified`` (one
version of one indicator), with the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.readers._build import observation
from liubu.monitoring.readers._source import ReadCounts, clip, parse_iso_time
from liubu.monitoring.reasons import MonitoringCode

KINDS = {
    "ipv4-addr": IndicatorKind.IPV4,
    "ipv6-addr": IndicatorKind.IPV6,
    "domain-name": IndicatorKind.DOMAIN,
    "url": IndicatorKind.URL,
}
VERSIONS = ("2.0", "2.1")


def read_bundle(
    content: bytes, *, source: str = "stix", provider: str | None, counts: ReadCounts
) -> Iterator[Observation | Rejected]:
    """The observations of one bundle; ValidationError when it or one object does not validate."""
    try:
        bundle = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ValidationError(
            f"The STIX bundle is not valid JSON ({error}).", code=MonitoringCode.JSON_SYNTAX
        ) from None
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise ValidationError(
            "The document is not a STIX bundle (its type is not 'bundle').",
            code=MonitoringCode.STIX_INVALID,
        )
    version = bundle_version(bundle)
    objects = bundle.get("objects", [])
    if not isinstance(objects, list):
        raise ValidationError(
            "The bundle's objects are not a list.", code=MonitoringCode.STIX_INVALID
        )
    for item in objects:
        validate_object(item, version)
    for item in objects:
        counts.records += 1
        found = list(indicator_observations(item, version, source=source, provider=provider))
        if not found:
            counts.skipped += 1
        yield from found


def bundle_version(bundle: Mapping[str, Any]) -> str:
    """2.0 when the bundle says so (2.0 bundles carry ``spec_version``; 2.1 ones do not)."""
    version = str(bundle.get("spec_version", "2.1"))
    if version not in VERSIONS:
        raise ValidationError(
            f"The bundle says STIX {version}; liubu reads STIX 2.0 and 2.1.",
            code=MonitoringCode.STIX_VERSION,
            value=version,
        )
    return version


def validate_object(item: object, version: str) -> None:
    """Refuse an object ``stix2`` does not accept, naming its id."""
    # Imported on first use: stix2 takes a fifth of a second, and most of liubu never reads STIX.
    import stix2
    import stix2.exceptions

    ident = item.get("id", "(no id)") if isinstance(item, Mapping) else "(not an object)"
    try:
        stix2.parse(item, allow_custom=True, version=version)
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as error:
        raise ValidationError(
            f"The STIX object {ident} does not validate: {clip(error, 300)}",
            code=MonitoringCode.STIX_INVALID,
            field="objects",
            value=str(ident),
        ) from None


def indicator_observations(
    item: Mapping[str, Any], version: str, *, source: str, provider: str | None
) -> Iterator[Observation]:
    """The observations one (validated) object names: none unless it is a STIX indicator."""
    if item.get("type") != "indicator" or item.get("pattern_type", "stix") != "stix":
        return
    from stix2patterns.v20.pattern import Pattern as Pattern20
    from stix2patterns.v21.pattern import Pattern as Pattern21

    pattern = (Pattern20 if version == "2.0" else Pattern21)(item["pattern"])
    seen_at = parse_iso_time(str(item.get("modified") or item["created"]))
    evidence = {
        "indicator": item["id"],
        "name": item.get("name"),
        "pattern": clip(item["pattern"]),
        "indicator_types": ",".join(item.get("indicator_types", item.get("labels", []))),
        "valid_from": item.get("valid_from"),
        "valid_until": item.get("valid_until"),
        "confidence": item.get("confidence"),
    }
    record = f"{item['id']}@{item.get('modified', item.get('created'))}"
    seen: set[tuple[IndicatorKind, str]] = set()
    for object_type, comparisons in pattern.inspect().comparisons.items():
        kind = KINDS.get(object_type)
        if kind is None:
            continue
        for path, operator, literal in comparisons:
            value = _string(literal)
            if path != ["value"] or operator != "=" or value is None or (kind, value) in seen:
                continue
            seen.add((kind, value))
            try:
                yield observation(
                    kind,
                    value,
                    source=source,
                    rule=f"stix:{item['id']}",
                    severity=AlertSeverity.MEDIUM,
                    seen_at=seen_at,
                    record=record,
                    evidence=evidence,
                    provider=provider,
                )
            except ValidationError:
                continue  # a network (CIDR) or a value the record cannot hold; see the docstring


def _string(literal: object) -> str | None:
    """The text of a quoted STIX string literal (``'a\\'b'`` → ``a'b``); None for others."""
    text = str(literal)
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return None
    return text[1:-1].replace("\\'", "'").replace("\\\\", "\\")
