"""CPE 2.3 names: parsing, canonical form and name matching (NISTIR 7695, NISTIR 7696).

A :class:`Cpe` holds the eleven attributes of a formatted string
``cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other``
in canonical form: lower case (matching is case-insensitive), ``*`` for ANY, ``-`` for NA, and
values escaped exactly as NISTIR 7695 §6.2 binds them — letters, digits, ``_``, ``-`` and ``.``
plain, every other character behind a backslash (``10.3\\(3.4\\)``, ``erp\\/crm``). Two spellings
of one value therefore compare equal as strings. Unquoted ``*`` and ``?`` inside a value are the
multi- and single-character wildcards of a match pattern.

Matching (:func:`cpe_matches`) asks whether a criteria name is a superset of, or equal to, a
target name attribute by attribute, NISTIR 7696 Table 6-2: criteria ANY matches everything;
criteria NA matches only NA; a criteria value matches an equal target value (or, with wildcards,
a value it fits) but neither ANY nor NA in the target — a banner that does not know the edition
does not match a criterion that names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from liubu.errors import ValidationError
from liubu.intel.reasons import IntelCode

ANY = "*"
NA = "-"
ATTRIBUTES = (
    "part", "vendor", "product", "version", "update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other",
)  # fmt: skip
_PARTS = frozenset({"a", "o", "h", ANY})
_PREFIX = "cpe:2.3:"
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.")


def _bad(text: str, reason: str, *, field: str = "cpe") -> ValidationError:
    return ValidationError(
        f"The CPE name {text!r} is not a valid CPE 2.3 formatted string: {reason}.",
        code=IntelCode.CPE_SYNTAX,
        field=field,
        value=text,
    )


def canonical_component(raw: str, *, cpe: str = "", field: str = "cpe") -> str:
    """One attribute of a formatted string in canonical form (see the module docstring)."""
    if raw in (ANY, NA):
        return raw
    if not raw:
        raise _bad(cpe or raw, f"the {field} attribute is empty", field=field)
    out: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\":
            if index + 1 == len(raw):
                raise _bad(
                    cpe or raw, f"the {field} attribute ends in a lone backslash", field=field
                )
            out.append(_quoted(raw[index + 1].lower()))
            index += 2
            continue
        lowered = char.lower()
        if lowered in _PLAIN or char in "*?":
            out.append(lowered)
        else:
            raise _bad(
                cpe or raw,
                f"the character {char!r} in the {field} attribute must be escaped with a backslash",
                field=field,
            )
        index += 1
    text = "".join(out)
    return "\\-" if text == NA else text  # a quoted lone hyphen is the value "-", not NA


def _quoted(char: str) -> str:
    if not char.isascii() or not char.isprintable():
        raise _bad(char, f"the character {char!r} is outside printable ASCII")
    return char if char in _PLAIN else "\\" + char


def escape_value(value: str) -> str:
    """Bind a logical value (e.g. a version read from a banner) into canonical CPE form."""
    if not value:
        raise _bad(value, "an attribute value cannot be empty", field="value")
    return "".join(_quoted(char) for char in value.lower())


def unescape_value(component: str) -> str:
    """The logical value of a canonical attribute: ``10.3\\(3.4\\)`` → ``10.3(3.4)``."""
    return re.sub(r"\\(.)", r"\1", component) if "\\" in component else component


def _split(text: str) -> list[str]:
    """Split on the colons that are not escaped."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


@lru_cache(maxsize=65_536)
def is_pattern(component: str) -> bool:
    """Whether an attribute is a match pattern: an unquoted ``*`` or ``?`` inside a value."""
    if component in (ANY, NA):
        return False
    unescaped = re.sub(r"\\.", "", component)
    return "*" in unescaped or "?" in unescaped


@dataclass(frozen=True, slots=True)
class Cpe:
    """A CPE 2.3 name; ``components`` are the eleven attributes in canonical form."""

    components: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.components) != len(ATTRIBUTES):
            raise _bad(
                ":".join(self.components),
                f"it has {len(self.components)} attributes instead of {len(ATTRIBUTES)}",
            )
        for name, component in zip(ATTRIBUTES, self.components, strict=True):
            if canonical_component(component, cpe=self.formatted, field=name) != component:
                raise _bad(self.formatted, f"the {name} attribute {component!r} is not canonical")
        if self.components[0] not in _PARTS:
            raise _bad(self.formatted, f"the part {self.components[0]!r} is not a, o, h or *")

    @property
    def formatted(self) -> str:
        return _PREFIX + ":".join(self.components)

    def __str__(self) -> str:
        return self.formatted

    @property
    def part(self) -> str:
        return self.components[0]

    @property
    def vendor(self) -> str:
        return self.components[1]

    @property
    def product(self) -> str:
        return self.components[2]

    @property
    def version(self) -> str:
        return self.components[3]

    @property
    def update(self) -> str:
        return self.components[4]

    @property
    def key(self) -> tuple[str, str]:
        """``(vendor, product)``, the key the vulnerability index files names under."""
        return self.components[1], self.components[2]

    @property
    def has_wildcards(self) -> bool:
        """Whether some attribute is a pattern (an unquoted ``*`` or ``?`` inside a value)."""
        return any(is_pattern(component) for component in self.components)

    def with_version(self, version: str) -> Cpe:
        """This name with its version attribute set to the logical value ``version``."""
        components = list(self.components)
        components[3] = escape_value(version)
        return Cpe(tuple(components))


def parse_cpe(text: str) -> Cpe:
    """Parse a CPE 2.3 formatted string (``cpe:2.3:a:vendor:product:…``, 13 colon-fields).

    >>> parse_cpe("cpe:2.3:a:Atlassian:Bitbucket:7.6.18:*:*:*:*:*:*:*").key
    ('atlassian', 'bitbucket')
    """
    if not text.lower().startswith(_PREFIX):
        raise _bad(text, f"it must start with {_PREFIX!r}")
    parts = _split(text[len(_PREFIX) :])
    if len(parts) != len(ATTRIBUTES):
        raise _bad(text, f"it has {len(parts)} attributes after the prefix instead of 11")
    components = tuple(
        canonical_component(part, cpe=text, field=name)
        for name, part in zip(ATTRIBUTES, parts, strict=True)
    )
    if components[0] not in _PARTS:
        raise _bad(text, f"the part {components[0]!r} is not a, o, h or *", field="part")
    return Cpe(components)


def parse_cpe_uri(text: str) -> Cpe:
    """Parse a CPE 2.2 URI (``cpe:/a:redhat:openshift:4.12::el8``) into a 2.3 name.

    Unbinding follows NISTIR 7695 §6.1.3: an empty or missing attribute is ANY, ``-`` is NA,
    ``%xx`` escapes are decoded, and a packed edition ``~ed~sw_ed~t_sw~t_hw~other`` is unpacked.
    """
    if not text.lower().startswith("cpe:/"):
        raise _bad(text, "a CPE 2.2 URI must start with 'cpe:/'")
    fields = text[len("cpe:/") :].split(":")
    if len(fields) > 7:
        raise _bad(text, f"a CPE 2.2 URI has at most 7 attributes, not {len(fields)}")
    fields += [""] * (7 - len(fields))
    edition = fields[5]
    if edition.startswith("~"):
        packed = edition[1:].split("~")
        if len(packed) != 5:
            raise _bad(text, "the packed edition must hold five '~'-separated attributes")
        values = [*fields[:5], packed[0], fields[6], *packed[1:]]
    else:
        values = [*fields[:7], "", "", "", ""]
    components = tuple(_uri_component(value, text) for value in values)
    if components[0] not in _PARTS:
        raise _bad(text, f"the part {components[0]!r} is not a, o, h or *", field="part")
    return Cpe(components)


def _uri_component(value: str, text: str) -> str:
    if value == "":
        return ANY
    if value == NA:
        return NA
    decoded = unquote(value)
    if not decoded.isascii():
        raise _bad(text, f"the attribute {value!r} decodes to non-ASCII text")
    return escape_value(decoded)


def parse_any_cpe(text: str) -> Cpe:
    """Parse either binding: a 2.3 formatted string or a 2.2 URI."""
    return parse_cpe_uri(text) if text.lower().startswith("cpe:/") else parse_cpe(text)


@lru_cache(maxsize=65_536)
def _pattern(component: str) -> re.Pattern[str]:
    pieces: list[str] = []
    for piece in re.findall(r"\\.|.", component):
        if piece == ANY:
            pieces.append(r"(?:\\.|[^\\])*")
        elif piece == "?":
            pieces.append(r"(?:\\.|[^\\])")
        else:
            pieces.append(re.escape(piece))
    return re.compile("".join(pieces))


def attribute_matches(criterion: str, target: str) -> bool:
    """NISTIR 7696 attribute comparison: is ``criterion`` a superset of or equal to ``target``?"""
    if criterion == ANY:
        return True
    if criterion == NA or target in (ANY, NA):
        return criterion == target
    if criterion == target:
        return True
    return is_pattern(criterion) and _pattern(criterion).fullmatch(target) is not None


def cpe_matches(target: Cpe, criterion: Cpe) -> bool:
    """Whether the concrete name ``target`` (from a banner) falls under ``criterion``."""
    for wanted, found in zip(criterion.components, target.components, strict=True):
        if wanted != ANY and wanted != found and not attribute_matches(wanted, found):
            return False
    return True
