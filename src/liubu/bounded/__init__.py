"""liubu.bounded — bounded parsing of what users send (YAML files and JSON values).

A user's YAML (a risk model, a product document) is composed by :class:`BoundedLoader`, which
refuses — while composing, before anything is expanded — a text longer than its limit, more
aliases than allowed, nesting deeper than allowed, a document whose alias expansion would exceed
the node limit (the "billion laughs" bomb) and an alias inside its own anchor (a cycle that would
recurse forever). The refusal is a :class:`YamlRefused` (a ``MarkedYAMLError``: line and column)
carrying a :class:`BoundedCode`; each package turns it into its own located error.

A JSON value that reached us already parsed (answers, a model sent as JSON) is checked by
:func:`check_json_bounds` for depth and size before anything walks it.

Like :mod:`liubu.datafiles`, this package imports nothing of liubu but :mod:`liubu.errors` and
:mod:`liubu.datafiles`, so the pure cores may use it.
"""

from liubu.bounded.jsonguard import JsonLimits, check_json_bounds
from liubu.bounded.reasons import BoundedCode
from liubu.bounded.yamlguard import BoundedLoader, YamlLimits, YamlRefused, refused_yaml

__all__ = [
    "BoundedCode",
    "BoundedLoader",
    "JsonLimits",
    "YamlLimits",
    "YamlRefused",
    "check_json_bounds",
    "refused_yaml",
]
