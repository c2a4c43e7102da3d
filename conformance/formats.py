"""Our formats, made exact on the engine: the one place that knows how.

The engine's own ``format`` checks are not quite what our schemas mean. jsonschema-rs 0.60.3's
``date-time`` takes any of ``*+,-./`` for a digit (``201*-07-19T14:55:58Z`` passes; 0.61 fixes
it, but schemathesis keeps us below 0.61), and OData's ``Edm.Duration``, format
``edm-duration``, is unknown to it, so it lets every string pass. Rather than a Python
``formats=`` callback (measured: about 1.5 µs a string), what the engine compiles carries
``pattern`` guards, which it checks with its native regex engine (about 0.1 µs): a shape guard
beside each ``date-time``, whose ranges, leap years and leap seconds the engine's own check still
judges, and for each ``edm-duration`` a pattern that is the whole check. The guards hold whatever
engine version is installed: with a fixed engine they are merely redundant.

The catalog's schemas stay as written (``exact`` returns a new schema); the validation module
reports a guard's failure as the format failure it stands for, recognised by its exact pattern
(``GUARDS``, ``guard_of``).
"""

from __future__ import annotations

from typing import Any

# RFC 3339's shape, ASCII digits only: the engine's date-time check does the rest.
DATE_TIME_GUARD = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

# XML Schema's dayTimeDuration as OData writes Edm.Duration, -?P(nD)?(T(nH)?(nM)?(n(.n+)?S)?)?,
# with at least one component and at least one after a T. Spelled out as alternatives rather
# than with a look-ahead: a look-around would send the pattern to the engine's slower
# backtracking regex engine.
_SECONDS = r"[0-9]+(?:\.[0-9]+)?S"
_TIME = rf"T(?:[0-9]+H(?:[0-9]+M)?(?:{_SECONDS})?|[0-9]+M(?:{_SECONDS})?|{_SECONDS})"
EDM_DURATION_PATTERN = rf"^-?P(?:[0-9]+D(?:{_TIME})?|{_TIME})$"

# Guard pattern -> the format it makes exact.
GUARDS: dict[str, str] = {DATE_TIME_GUARD: "date-time", EDM_DURATION_PATTERN: "edm-duration"}
_GUARD_OF_FORMAT = {name: pattern for pattern, name in GUARDS.items()}

# Keywords whose value is a schema, a list of schemas, or a map of names to schemas: the only
# places ``exact`` looks into. Everything else (``examples``, ``enum``, ``const``, ``default``,
# ``x-*`` annotations) holds data, never a schema, even where it looks like one.
_SCHEMA = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "contains",
        "contentSchema",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "items", "oneOf", "prefixItems"})
_SCHEMA_MAP = frozenset(
    {"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"}
)


def exact(schema: Any) -> Any:
    """``schema`` as the engine should compile it: every node of format ``date-time`` or
    ``edm-duration`` carries its guard pattern.

    The guard is the node's ``pattern``, or, beside a pattern of the node's own, the last item
    of its ``allOf``, so that both hold. The result is a new schema; ``schema`` is left as it is,
    and the parts with nothing to guard (annotations, examples) are shared with it, so treat
    both as read-only. Applied twice, it adds nothing more.
    """
    if not isinstance(schema, dict):
        return schema
    node = {key: _subschemas(key, value) for key, value in schema.items()}
    name = node.get("format")
    guard = _GUARD_OF_FORMAT.get(name) if isinstance(name, str) else None
    if guard is not None:
        own = node.get("pattern")
        if own is None:
            node["pattern"] = guard
        elif own != guard:
            all_of = node.get("allOf")
            items = list(all_of) if isinstance(all_of, list) else []
            if {"pattern": guard} not in items:
                node["allOf"] = [*items, {"pattern": guard}]
    return node


def _subschemas(key: str, value: Any) -> Any:
    if key in _SCHEMA_MAP and isinstance(value, dict):
        return {name: exact(sub) for name, sub in value.items()}
    if key in _SCHEMA_LIST and isinstance(value, list):
        return [exact(sub) for sub in value]
    if key in _SCHEMA:
        return exact(value)
    return value


def guard_of(pattern: str, location: str) -> tuple[str, tuple[str, ...]] | None:
    """What a failed ``pattern`` at ``location`` may be a guard for: None when the pattern is no
    guard; otherwise the format's name, and where that format's ``format`` keyword may stand.

    ``location`` is the failed keyword's location (a JSON pointer, or a URI ending in one). The
    candidates are, in this order, the ``format`` beside the pattern and the ``format`` of the
    node whose ``allOf`` holds it; the caller keeps the one whose node has that format, and
    otherwise takes the pattern for one of the schema's own.
    """
    name = GUARDS.get(pattern)
    if name is None or not location.endswith("/pattern"):
        return None
    node = location[: -len("/pattern")]
    places = [node + "/format"]
    parent, _, index = node.rpartition("/")
    if index.isdigit() and parent.endswith("/allOf"):
        places.append(parent[: -len("/allOf")] + "/format")
    return name, tuple(places)
