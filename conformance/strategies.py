"""Documents for every catalog schema: Hypothesis strategies, and a fast seeded generator.

Why our own compiler rather than hypothesis-jsonschema: with the current Hypothesis release it
raises ``AttributeError`` on every object schema, it cannot generate ``^\\P{C}*$`` strings (it
never produces Kendra's ``ErrorMessage``) nor our ``edm-duration`` format, and, patched, it made
4 to 200 documents a second. Our schemas use a small subset of JSON Schema (``type`` with
``null``, ``anyOf`` nullable ``$ref``, ``enum``, ``properties``/``required``/
``additionalProperties: false``, ``items``, ``date-time`` and ``edm-duration``, two patterns,
Int64 bounds, lengths), so a compiler for exactly that subset is short and exact.

One compiled model per schema drives both back-ends. Every random choice goes through one
method, ``Source.integer(lo, hi)``: ``documents(name, mode)`` makes each choice a Hypothesis draw
(so failures shrink), ``generate(name, ...)`` makes it a ``random.Random`` call (6,000 to a
million documents a second by schema, the same documents for the same seed). The two cannot
disagree on what a document looks like, only on which choices they make.

Modes:

- ``valid``: every document validates (realistic values: RFC 3339 date-times with 0 to 7
  fractional digits and offsets, the ``0001-01-01T00:00:00Z`` sentinel, Kendra epoch seconds,
  counts that agree with each other, Unicode text with astral characters, durations up to
  ``P10675199DT2H48M5.4775807S``);
- ``drifted``: valid but for what a forward-compatible client must survive: enum values the
  documents do not know yet (``SYNCING_PAUSED``), undeclared properties, and ``null`` wherever
  the schema allows it (a ``null`` where the schema only allows absence is a violation for our
  checker, so it is not drift and not generated here);
- ``hostile``: a valid document with one to three JSON-level violations: wrong types,
  out-of-range and huge integers, malformed date-times and durations, ``""`` where a date-time,
  an enum or a non-empty string is documented, control characters where ``^\\P{C}*$`` forbids
  them, a required property removed.

Byte-level hostility lives apart, in ``hostile_bodies(name, count, seed)`` (the ``hostile-bytes``
mode of ``conformance generate`` and ``conformance fuzz``): simulated HTTP responses, ``Body``
records of raw bytes, a status and a content type, each a valid document mutated below JSON
values (``BODY_KINDS``: bad UTF-8, BOM, UTF-16, numbers past 2**64 and 1e400, 10,000-deep
nesting, duplicate keys, ``NaN``, date-time spellings RFC 3339 allows that parsers reject and the
reverse, ``""`` for a date-time or an enum, empty and truncated bodies, wrong content types, odd
error envelopes with 400, 429 and 500).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Protocol

from conformance.catalog import Catalog, default_catalog
from conformance.findings import json_type

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "BODY_KINDS",
    "MODES",
    "Body",
    "Mode",
    "documents",
    "generate",
    "hostile_bodies",
    "model",
]

Mode = Literal["valid", "drifted", "hostile"]
MODES: tuple[Mode, ...] = ("valid", "drifted", "hostile")

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
METRIC_PATTERN = "^(?:(([1-9][0-9]*)|0))$"
TEXT_PATTERN = "^\\P{C}*$"
SENTINEL = "0001-01-01T00:00:00Z"
MAX_DURATION = "P10675199DT2H48M5.4775807S"
# Kendra's timestamps are epoch seconds: from 2019 (the API's first model) to 2030.
EPOCH_MIN = 1_546_300_800
EPOCH_MAX = 1_893_456_000


class Source(Protocol):
    """Where every random choice comes from: one integer in ``[lo, hi]`` at a time."""

    def integer(self, lo: int, hi: int) -> int: ...


class RandomSource:
    """Choices from ``random.Random``: fast, and the same for the same seed."""

    def __init__(self, seed: int | None) -> None:
        self._random = random.Random(seed)
        self.integer: Callable[[int, int], int] = self._random.randint


class _DrawSource:
    """Choices drawn from Hypothesis, so that a failing document shrinks."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._draw = draw
        self._integers = st.integers

    def integer(self, lo: int, hi: int) -> int:
        value: int = self._draw(self._integers(lo, hi))
        return value


def _pick(src: Source, seq: Sequence[Any]) -> Any:
    return seq[src.integer(0, len(seq) - 1)]


def _chance(src: Source, one_in: int) -> bool:
    return src.integer(1, one_in) == 1


# --- value tables --------------------------------------------------------------------------

# Characters none of whose Unicode categories is C (control, format, surrogate, private use,
# unassigned), from old Unicode versions so that every regex engine agrees; astral ones included.
_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_:/()'"
_WIDE = "éüßøñçÅÆœ αβγΩдЖщ 同期データ漢字 합니다 עברית العربية \u2028 ™€"
# Emoji, an extension-B ideograph, Gothic: all beyond U+FFFF (UTF-16 surrogate pairs).
_ASTRAL = ["\U0001f600", "\U0001f680", "\U0001f4c1", "\U0001f504", "\U0002000b", "\U00010348"]
_WORDS = [
    "The",
    "data",
    "source",
    "configuration",
    "is",
    "not",
    "valid.",
    "Access",
    "denied",
    "for",
    "connector",
    "crawl",
    "failed",
    "timeout",
    "Box",
    "SharePoint",
    "Zugriff",
    "verweigert",
    "同期に失敗しました",
    "réessayez",
    "📁",
    "🚀",
]
_UNKNOWN_UPPER = ["SYNCING_PAUSED", "QUEUED", "ARCHIVED", "THROTTLED", "PENDING_REVIEW"]
_UNKNOWN_CAMEL = ["Throttled", "Degraded", "Provisioning", "unknownFutureValue", "Suspended"]
_EXTRA_UPPER = ["SyncMode", "ConnectorVersion", "RetryCount", "TriggeredBy", "Region"]
_EXTRA_CAMEL = ["lastSyncedDateTime", "scope", "isBlocked", "retryCount", "regionName"]
_OFFSETS = ["Z", "Z", "Z", "+00:00", "+01:00", "-05:00", "+05:30", "+09:00", "-09:30", "+14:00"]
_BAD_DATE_TIMES = [
    "",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-20 08:15:02Z",
    "2026-11-20T24:00:00Z",
    "2026-11-20T08:15:60Z",
    "2026-11-20T08:15:02",
    "2026-11-20T08:15:02.Z",
    "2026-11-20T08:15:02+0100",
    "2026-11-20T08:15:02+25:00",
    "20261120T081502Z",
    "\uff12\uff10\uff12\uff16-11-20T08:15:02Z",
    "1700000000",
]
_BAD_DURATIONS = ["", "P1Y", "PT", "P1DT", "1 day", "PT-5M", "00:40:00"]
_BAD_METRICS = ["", "-1", "01", "1.5", " 7", "1e3", "١٢"]
_CONTROL = ["\x00", "\t", "\n", "\x1b", "\u200b", "\u00ad", "\ue000", "\x7f"]
# A value of each JSON type, for wrong-type violations.
_OF_TYPE: dict[str, list[Any]] = {
    "string": ["42", "true", "null"],
    "integer": [42, -1, 0],
    "number": [1.5, -0.25],
    "boolean": [True, False],
    "object": [{}, {"value": 1}],
    "array": [[], [1, "a"]],
    "null": [None],
}


# --- the compiled model ---------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """One schema, compiled: what a value of it may be."""

    types: frozenset[str] = frozenset()
    enum: tuple[Any, ...] | None = None
    const: tuple[Any] | None = None
    ref: str | None = None  # a catalog name: the node is that schema's
    options: tuple[Node, ...] = ()  # anyOf
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    closed: bool = False
    items: Node | None = None
    fmt: str | None = None
    pattern: str | None = None
    min_length: int = 0
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    epoch: bool = False
    name: str | None = None  # the catalog name, on a schema's root node

    def allowed(self, model: Model) -> frozenset[str]:
        """The JSON types a value of this node may have."""
        if self.ref is not None:
            return model.node(self.ref).allowed(model)
        if self.options:
            found: frozenset[str] = frozenset()
            for option in self.options:
                found |= option.allowed(model)
            return found
        if self.enum is not None and not self.types:
            return frozenset(json_type(v) for v in self.enum)
        return self.types


class Model:
    """The catalog's schemas compiled into ``Node`` trees, ``$ref``s resolved by name."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._nodes: dict[str, Node] = {}

    def node(self, name: str) -> Node:
        """The compiled root node of the schema ``name`` (an alias: its canonical schema)."""
        canonical = self.catalog.get(name).name
        found = self._nodes.get(canonical)
        if found is None:
            found = self._nodes[canonical] = Node(name=canonical)
            self._fill(found, self.catalog.schema(canonical), None)
        return found

    def _compile(self, schema: Any, prop: str | None) -> Node:
        node = Node()
        self._fill(node, schema, prop)
        return node

    def _fill(self, node: Node, schema: Any, prop: str | None) -> None:
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = self.catalog.name_of(ref)
            if name is None:
                raise ValueError(f"cannot follow $ref {ref!r}: not a catalog schema")
            node.ref = name
        if "anyOf" in schema:
            node.options = tuple(self._compile(s, prop) for s in schema["anyOf"])
        kind = schema.get("type")
        if kind is not None:
            node.types = frozenset([kind] if isinstance(kind, str) else kind)
        if "enum" in schema:
            node.enum = tuple(schema["enum"])
        if "const" in schema:
            node.const = (schema["const"],)
        node.properties = {
            key: self._compile(sub, key) for key, sub in schema.get("properties", {}).items()
        }
        node.required = frozenset(schema.get("required", ()))
        node.closed = schema.get("additionalProperties") is False
        if "items" in schema:
            node.items = self._compile(schema["items"], prop)
        node.fmt = schema.get("format")
        node.pattern = schema.get("pattern")
        node.min_length = schema.get("minLength", 0)
        node.max_length = schema.get("maxLength")
        node.minimum = schema.get("minimum")
        node.maximum = schema.get("maximum")
        node.epoch = "number" in node.types and (
            "epoch" in schema.get("$comment", "") or (prop or "").endswith("Time")
        )


@lru_cache(maxsize=8)
def model(catalog: Catalog | None = None) -> Model:
    """The compiled model of ``catalog`` (default: the shipped one), built once per catalog."""
    return Model(catalog if catalog is not None else default_catalog())


# --- generation -----------------------------------------------------------------------------

# A place in a document a hostile mutation may replace: its container and key (None: the root).
_Site = tuple[Any, Any, Node]


class _Generator:
    """Values of compiled nodes in one mode, every choice from one ``Source``."""

    def __init__(self, model: Model, mode: Mode, src: Source) -> None:
        self.model = model
        self.mode = mode
        self.src = src
        self.sites: list[_Site] | None = [] if mode == "hostile" else None

    # valid and drifted values

    def value(self, node: Node, prop: str | None = None) -> Any:
        src = self.src
        if node.ref is not None:
            return self.value(self.model.node(node.ref), prop)
        if node.options:
            nulls = [o for o in node.options if "null" in o.types and o.ref is None]
            others = [o for o in node.options if o not in nulls]
            if nulls and (not others or _chance(src, 2 if self.mode == "drifted" else 4)):
                return None
            return self.value(_pick(src, others), prop)
        if node.const is not None:
            return node.const[0]
        if node.enum is not None:
            if self.mode == "drifted" and _chance(src, 3):
                return self._unknown(node.enum)
            return _pick(src, node.enum)
        types = node.types
        if "null" in types and (
            len(types) == 1 or _chance(src, 2 if self.mode == "drifted" else 4)
        ):
            return None
        if "object" in types:
            return self._object(node)
        if "array" in types:
            assert node.items is not None
            items = [self.value(node.items, prop) for _ in range(src.integer(0, 3))]
            if self.sites is not None:
                self.sites.extend((items, i, node.items) for i in range(len(items)))
            return items
        if "string" in types:
            return self._string(node, prop)
        if "integer" in types:
            return self._integer(node)
        if "number" in types:
            return self._number(node)
        if "boolean" in types:
            return src.integer(0, 1) == 1
        return None

    def _object(self, node: Node) -> dict[str, Any]:
        src = self.src
        out: dict[str, Any] = {}
        for key, sub in node.properties.items():
            if key in node.required or src.integer(0, 3) != 0:
                out[key] = self.value(sub, key)
        if node.name is not None:
            _agree(node.name, out)
        if self.sites is not None:
            # After _agree, which may take a member out (a token on an empty page).
            self.sites.extend((out, key, node.properties[key]) for key in out)
        if self.mode == "drifted" and node.closed and _chance(src, 3):
            upper = any(k[:1].isupper() for k in node.properties)
            names = [n for n in (_EXTRA_UPPER if upper else _EXTRA_CAMEL) if n not in out]
            key = _pick(src, names)
            out[key] = _pick(src, ["Full", 3, True, None, {"enabled": False}, ["a"]])
        return out

    def _unknown(self, known: tuple[Any, ...]) -> Any:
        upper = all(isinstance(v, str) and v.isupper() for v in known)
        pool = [v for v in (_UNKNOWN_UPPER if upper else _UNKNOWN_CAMEL) if v not in known]
        return _pick(self.src, pool)

    def _string(self, node: Node, prop: str | None) -> str:
        src = self.src
        if node.fmt == "date-time":
            return self.date_time()
        if node.fmt == "edm-duration":
            return self.duration()
        if node.pattern == METRIC_PATTERN:
            return str(self.count())
        lo = max(node.min_length, 0)
        hi = node.max_length if node.max_length is not None else 64
        hinted = _hint(src, prop)
        if hinted is not None and lo <= len(hinted) <= hi:
            return hinted
        return self.text(lo, min(hi, max(lo, 48)))

    def text(self, lo: int, hi: int) -> str:
        """Text of ``lo`` to ``hi`` code points, every one outside Unicode's C categories."""
        src = self.src
        if lo <= 20 <= hi and _chance(src, 2):
            words = [_pick(src, _WORDS) for _ in range(src.integer(2, 7))]
            sentence = " ".join(words)
            if lo <= len(sentence) <= hi:
                return sentence
        size = src.integer(lo, max(lo, min(hi, lo + 24)))
        out = []
        for _ in range(size):
            pool = src.integer(0, 9)
            if pool < 6:
                out.append(_ASCII[src.integer(0, len(_ASCII) - 1)])
            elif pool < 9:
                out.append(_WIDE[src.integer(0, len(_WIDE) - 1)])
            else:
                out.append(_pick(src, _ASTRAL))
        return "".join(out)

    def date_time(self) -> str:
        """An RFC 3339 date-time: 0 to 7 fractional digits, Z or an offset; or the sentinel."""
        src = self.src
        if _chance(src, 8):
            return SENTINEL
        year = src.integer(2017, 2030)
        month = src.integer(1, 12)
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        day = src.integer(1, days)
        clock = f"{src.integer(0, 23):02d}:{src.integer(0, 59):02d}:{src.integer(0, 59):02d}"
        digits = src.integer(0, 7)
        fraction = f".{src.integer(0, 10**digits - 1):0{digits}d}" if digits else ""
        return f"{year:04d}-{month:02d}-{day:02d}T{clock}{fraction}{_pick(src, _OFFSETS)}"

    def duration(self) -> str:
        """An Edm.Duration as Graph writes one: PT40M, P1D, PT1H30M, PT0.5S, or the maximum."""
        src = self.src
        shape = src.integer(0, 5)
        if shape == 0:
            return MAX_DURATION
        if shape == 1:
            return f"PT{_pick(src, [1, 5, 10, 20, 40, 60, 90])}M"
        if shape == 2:
            return f"P{src.integer(1, 30)}D"
        if shape == 3:
            return f"PT{src.integer(1, 23)}H{src.integer(0, 59)}M"
        if shape == 4:
            return f"PT{src.integer(0, 59)}.{src.integer(0, 9999999):07d}S"
        return f"P{src.integer(0, 10675199)}DT{src.integer(0, 23)}H{src.integer(0, 59)}M"

    def count(self) -> int:
        """A count as a job reports it: mostly small, sometimes in the millions."""
        src = self.src
        return src.integer(0, 10 ** src.integer(0, 7))

    def _integer(self, node: Node) -> int:
        src = self.src
        lo = int(node.minimum) if node.minimum is not None else INT64_MIN
        hi = int(node.maximum) if node.maximum is not None else INT64_MAX
        if _chance(src, 40):
            return lo if src.integer(0, 1) == 0 else hi
        value = self.count()
        return min(max(value, lo), hi)

    def _number(self, node: Node) -> float | int:
        src = self.src
        if node.epoch:
            seconds = src.integer(EPOCH_MIN, EPOCH_MAX)
            if _chance(src, 3):
                return seconds
            return seconds + src.integer(0, 999) / 1000
        return src.integer(-(10**6), 10**6) / 100

    # hostile values

    def hostile(self, node: Node, present: Any) -> Any:
        """A value that ``node`` refuses (``present``: the value a valid document had)."""
        src = self.src
        model = self.model
        while node.ref is not None:
            node = model.node(node.ref)
        allowed = node.allowed(model)
        target = node
        if node.options:
            targets = [o for o in node.options if "null" not in o.types or o.ref is not None]
            target = targets[0] if targets else node
            while target.ref is not None:
                target = model.node(target.ref)
        choices: list[Any] = []
        if target.enum is not None and "string" in allowed:
            choices.append("")
        if "string" in target.types:
            if target.fmt == "date-time":
                choices.extend(_BAD_DATE_TIMES)
            elif target.fmt == "edm-duration":
                choices.extend(_BAD_DURATIONS)
            elif target.pattern == METRIC_PATTERN:
                choices.extend(_BAD_METRICS)
            else:
                if target.pattern == TEXT_PATTERN:
                    base = present if isinstance(present, str) and present else "Access denied"
                    at = src.integer(0, len(base))
                    choices.append(base[:at] + _pick(src, _CONTROL) + base[at:])
                if target.min_length > 0:
                    choices.append("")
                if target.max_length is not None and target.max_length < 100_000:
                    choices.append("x" * (target.max_length + 1))
        if "integer" in target.types:
            choices.extend([INT64_MAX + 1, INT64_MIN - 1, 10**30, -(10**30), 1.5])
        if target.required and isinstance(present, dict):
            missing = dict(present)
            for key in target.required:
                missing.pop(key, None)
            choices.append(missing)
        wrong = [t for t in _OF_TYPE if t not in allowed]
        if "number" in allowed:
            wrong = [t for t in wrong if t != "integer"]
        if "integer" in allowed and "number" not in allowed:
            wrong = [t for t in wrong if t != "number"]
        for kind in wrong:
            choices.extend(_OF_TYPE[kind][:1])
        if src.integer(0, 1) == 0 and wrong:
            return _pick(src, _OF_TYPE[_pick(src, wrong)])
        return _pick(src, choices)


def _hint(src: Source, prop: str | None) -> str | None:
    """A realistic value for a property known by name (identifiers, URLs), or None."""
    if prop is None:
        return None
    if prop in ("ExecutionId", "activityIdentifier", "id"):
        hexes = [f"{src.integer(0, 2**32 - 1):08x}", f"{src.integer(0, 2**48 - 1):012x}"]
        uid = f"{hexes[0]}-{hexes[1][:4]}-4{hexes[1][4:7]}-a{hexes[1][7:10]}-{hexes[1]}"
        if prop == "id":
            template = _pick(src, ["AWSEC2", "Salesforce", "scim", "Box"])
            return f"{template}.{hexes[1]}{hexes[0]}.{uid}"
        return uid
    if prop == "templateId":
        return str(_pick(src, ["AWSEC2", "Salesforce", "scim", "Box", "Workday"]))
    if prop == "@odata.context":
        return (
            "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('1')/synchronization/jobs"
        )
    if prop == "@odata.nextLink":
        token = f"{src.integer(0, 2**40):x}"
        return f"https://graph.microsoft.com/v1.0/servicePrincipals/1/synchronization/jobs?$skiptoken={token}"
    if prop == "troubleshootingUrl":
        return "https://learn.microsoft.com/entra/identity/app-provisioning/"
    if prop == "NextToken":
        return f"AAMA-{src.integer(0, 2**60):x}"
    if prop in ("ErrorCode", "DataSourceErrorCode", "code"):
        return str(_pick(src, ["AccessDenied", "BoxInsufficientPermissions", "Throttling"]))
    return None


def _agree(name: str, out: dict[str, Any]) -> None:
    """Make the members of one object agree as the contract rules ask (``conformance.rules``):
    completed <= total, scanned >= the rest, a job ends after it starts, a FAILED job has an
    ErrorCode, a job in quarantine has its details, a last time is
    not before a first, a page with no items has no next-page token, and the executions of a
    page follow one another."""
    if name == "graph.synchronizationProgress":
        done, total = out.get("completedUnits"), out.get("totalUnits")
        if isinstance(done, int) and isinstance(total, int) and total < done:
            out["completedUnits"], out["totalUnits"] = total, done
    elif name == "kendra.DataSourceSyncJobMetrics":
        keys = ("DocumentsAdded", "DocumentsModified", "DocumentsDeleted", "DocumentsFailed")
        parts = [int(out[k]) for k in keys if isinstance(out.get(k), str) and out[k].isdigit()]
        scanned = out.get("DocumentsScanned")
        if isinstance(scanned, str) and scanned.isdigit() and int(scanned) < sum(parts):
            out["DocumentsScanned"] = str(sum(parts))
    elif name == "kendra.DataSourceSyncJob":
        start, end = out.get("StartTime"), out.get("EndTime")
        if isinstance(start, int | float) and isinstance(end, int | float) and end < start:
            out["EndTime"] = start + (start - end) % 86_400
        status = out.get("Status")
        if status == "FAILED" and out.get("ErrorCode") is None:
            out["ErrorCode"] = "InternalError"
    elif name == "graph.synchronizationStatus":
        if out.get("code") == "Quarantine" and not isinstance(out.get("quarantine"), dict):
            out["code"] = "Active"
        _in_order(out, "steadyStateFirstAchievedTime", "steadyStateLastAchievedTime")
        first = out.get("steadyStateFirstAchievedTime")
        if first == SENTINEL and "steadyStateLastAchievedTime" in out:
            out["steadyStateLastAchievedTime"] = SENTINEL
    elif name == "graph.synchronizationTaskExecution":
        _in_order(out, "timeBegan", "timeEnded")
    elif name == "graph.synchronizationQuarantine":
        _in_order(out, "seriesBegan", "currentBegan")
    elif name == "kendra.ListDataSourceSyncJobsResponse":
        if out.get("History") == [] and "NextToken" in out:
            del out["NextToken"]
        _one_after_another(out.get("History"))
    elif name == "graph.synchronizationJobCollection" and out.get("value") == []:
        out.pop("@odata.nextLink", None)


def _in_order(out: dict[str, Any], first: str, last: str) -> None:
    """Swap two date-times that the rules want in order (``0001-01-01``: never, left alone)."""
    from conformance.rules import instant

    begin, end = instant(out.get(first)), instant(out.get(last))
    if begin is not None and end is not None and end < begin:
        out[first], out[last] = out[last], out[first]


def _one_after_another(history: Any) -> None:
    """Lay a page's executions out in time, one after another, as one data source runs them:
    each starts after the one that started before it has ended."""
    if not isinstance(history, list):
        return
    jobs = [
        j for j in history if isinstance(j, dict) and isinstance(j.get("StartTime"), int | float)
    ]
    jobs.sort(key=lambda j: j["StartTime"])
    ended: float | None = None
    for job in jobs:
        start = job["StartTime"]
        if ended is not None and start <= ended:
            shift = ended - start + 1
            job["StartTime"] = start + shift
            if isinstance(job.get("EndTime"), int | float):
                job["EndTime"] = job["EndTime"] + shift
        # A job with no EndTime (still running) still takes its instant: no two start at once.
        end = job.get("EndTime")
        last = end if isinstance(end, int | float) else job["StartTime"]
        ended = last if ended is None else max(ended, last)


def _document(model: Model, name: str, mode: Mode, src: Source) -> Any:
    """One document of the schema ``name`` in ``mode``, every choice from ``src``."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
    gen = _Generator(model, mode, src)
    root = model.node(name)
    doc = gen.value(root)
    if gen.sites is None:
        return doc
    holder = [doc]
    # Half the time, first break a contract rule (conformance.rules) in an object that has one:
    # a document can pass its schema and still be wrong, and a client must survive that too.
    if _chance(src, 2):
        _break_rule(model, root, holder, gen.sites, src)
    # The document's own properties, mostly; the whole document of a wrong type now and then.
    for _ in range(src.integer(1, 3)):
        if gen.sites and not _chance(src, 10):
            container, key, node = _pick(src, gen.sites)
        else:
            container, key, node = holder, 0, root
        container[key] = gen.hostile(node, container[key])
    return holder[0]


def _break_rule(
    model: Model, root: Node, holder: list[Any], sites: list[_Site], src: Source
) -> None:
    """Break one contract rule in one object of the document that a rule applies to."""
    found = [
        (container, key, name)
        for container, key, node in [(holder, 0, root), *sites]
        if (name := _resolve(model, node).name) in _BREAKS and isinstance(container[key], dict)
    ]
    if found:
        container, key, name = _pick(src, found)
        _pick(src, _BREAKS[name])(container[key])
        # A member the break took out is no site for a hostile value any more.
        sites[:] = [s for s in sites if not isinstance(s[0], dict) or s[1] in s[0]]


def _failed_without_code(job: dict[str, Any]) -> None:
    job["Status"] = "FAILED"
    job.pop("ErrorCode", None)


def _ended_before_start(job: dict[str, Any]) -> None:
    job["StartTime"] = EPOCH_MAX
    job["EndTime"] = EPOCH_MAX - 3600


def _quarantine_without_details(status: dict[str, Any]) -> None:
    status["code"] = "Quarantine"
    status["quarantine"] = None


def _steady_state_reversed(status: dict[str, Any]) -> None:
    status["steadyStateFirstAchievedTime"] = "2026-11-20T08:00:00Z"
    status["steadyStateLastAchievedTime"] = "2026-11-19T08:00:00Z"


def _execution_reversed(execution: dict[str, Any]) -> None:
    execution["timeBegan"] = "2026-11-20T08:15:02.1234567Z"
    execution["timeEnded"] = "2026-11-20T08:15:01Z"


def _progress_past_total(progress: dict[str, Any]) -> None:
    progress["totalUnits"] = 1024
    progress["completedUnits"] = 1025


_BREAKS: dict[str, list[Callable[[dict[str, Any]], None]]] = {
    "kendra.DataSourceSyncJob": [_failed_without_code, _ended_before_start],
    "graph.synchronizationStatus": [_quarantine_without_details, _steady_state_reversed],
    "graph.synchronizationTaskExecution": [_execution_reversed],
    "graph.synchronizationProgress": [_progress_past_total],
}


def generate(
    name: str,
    count: int,
    *,
    mode: Mode = "valid",
    seed: int | None = 0,
    catalog: Catalog | None = None,
) -> Iterator[Any]:
    """``count`` documents of the schema ``name`` in ``mode``, from ``random.Random(seed)``: the
    same seed gives the same documents (the ``conformance generate`` command's generator)."""
    compiled = model(catalog)
    compiled.node(name)  # an unknown name fails before anything is generated
    src = RandomSource(seed)
    for _ in range(count):
        yield _document(compiled, name, mode, src)


def documents(
    name: str, mode: Mode = "valid", *, catalog: Catalog | None = None
) -> SearchStrategy[Any]:
    """A Hypothesis strategy for documents of the schema ``name`` (a resource, an envelope or an
    enum) in ``mode``: ``valid``, ``drifted`` or ``hostile`` (see the module); cached per
    (name, mode, catalog)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
    compiled = model(catalog)
    return _strategy(compiled, compiled.node(name).name or name, mode)


@lru_cache(maxsize=256)
def _strategy(compiled: Model, name: str, mode: Mode) -> SearchStrategy[Any]:
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw: st.DrawFn) -> Any:
        return _document(compiled, name, mode, _DrawSource(draw))

    built: SearchStrategy[Any] = strategy()
    return built


# --- byte-level hostile bodies ----------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """A simulated HTTP response: raw body bytes, status and content type (``None``: no
    Content-Type header), and which mutation of a valid document it is (``kind``)."""

    kind: str
    body: bytes
    status: int = 200
    content_type: str | None = "application/json"


JSON_TYPE = "application/json"
# Date-time spellings: RFC 3339 allows the first five, popular parsers reject them; the last two
# are ISO 8601 forms RFC 3339 rejects, which lenient parsers accept.
_SPELLINGS = {
    "date-time-lowercase": "2026-11-20t08:15:02z",
    "date-time-space": "2026-11-20 08:15:02Z",
    "date-time-leap-second": "2016-12-31T23:59:60Z",
    "date-time-unknown-offset": "2026-11-20T08:15:02-00:00",
    "date-time-nanoseconds": "2026-11-20T08:15:02.123456789Z",
    "date-time-no-seconds": "2026-11-20T08:15Z",
    "date-time-basic": "20261120T081502Z",
}
# Raw JSON text (or not JSON at all) put where a value of the document was.
_RAW = {
    "integer-past-2**64": b"18446744073709551617",
    "number-1e400": b"1e400",
    "nan": b"NaN",
    "infinity": b"-Infinity",
}
DEPTH = 10_000
_ENVELOPES = {
    "error-string": b'{"error":"Something went wrong."}',
    "error-code-number": b'{"error":{"code":5}}',
    "error-type-null": b'{"__type":null,"message":null}',
}
BODY_KINDS: tuple[str, ...] = (
    "invalid-utf8",
    "bom",
    "utf16",
    *_RAW,
    "deep-nesting",
    "duplicate-key",
    *_SPELLINGS,
    "empty-date-time",
    "empty-enum",
    "empty-body",
    "truncated",
    "content-type-html",
    "content-type-missing",
    *_ENVELOPES,
)
_MARKER = "\x00conformance-hostile-bytes\x00"


def _encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )


def _resolve(model: Model, node: Node) -> Node:
    """The node a value really follows: ``$ref``s followed, a nullable ``anyOf``'s non-null."""
    for _ in range(32):
        if node.ref is not None:
            node = model.node(node.ref)
        elif node.options:
            usable = [o for o in node.options if o.allowed(model) != frozenset({"null"})]
            node = usable[0] if usable else node.options[0]
        else:
            break
    return node


def _slots(
    model: Model, node: Node, value: Any, wanted: Callable[[Node], bool]
) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
    """Where a value the predicate ``wanted`` accepts is (present) or may be added (absent):
    (container, key) pairs, in document order."""
    present: list[tuple[Any, Any]] = []
    absent: list[tuple[Any, Any]] = []

    def walk(node: Node, value: Any, depth: int) -> None:
        node = _resolve(model, node)
        if depth > 16:
            return
        if isinstance(value, dict):
            for key, sub in node.properties.items():
                target = _resolve(model, sub)
                if key in value:
                    if wanted(target) and value[key] is not None:
                        present.append((value, key))
                    walk(sub, value[key], depth + 1)
                elif wanted(target):
                    absent.append((value, key))
        elif isinstance(value, list) and node.items is not None:
            for index, item in enumerate(value):
                if wanted(_resolve(model, node.items)):
                    present.append((value, index))
                walk(node.items, item, depth + 1)

    walk(node, value, 0)
    return present, absent


def _is_time(node: Node) -> bool:
    return node.fmt == "date-time" or node.epoch


def _is_enum(node: Node) -> bool:
    return node.enum is not None and any(isinstance(v, str) for v in node.enum)


def _is_number(node: Node) -> bool:
    return bool(node.types & {"integer", "number"})


def _is_string(node: Node) -> bool:
    return "string" in node.types


def _anything(node: Node) -> bool:
    return True


def _place(
    model: Model, root: Node, holder: list[Any], wanted: Callable[[Node], bool], src: Source
) -> tuple[Any, Any]:
    """Where to put a value in ``holder[0]``: a present value the predicate accepts, else an
    absent property it accepts, else any value, else the whole document."""
    for predicate in (wanted, _anything):
        present, absent = _slots(model, root, holder[0], predicate)
        if present or absent:
            found: tuple[Any, Any] = _pick(src, present or absent)
            return found
    return holder, 0


def _with_raw(
    model: Model, root: Node, doc: Any, wanted: Callable[[Node], bool], raw: bytes, src: Source
) -> bytes:
    """The document's bytes with ``raw`` (any bytes) where one of its values was."""
    holder = [copy.deepcopy(doc)]
    container, key = _place(model, root, holder, wanted, src)
    container[key] = _MARKER
    return _encode(holder[0]).replace(_encode(_MARKER), raw, 1)


def _with_value(
    model: Model, root: Node, doc: Any, wanted: Callable[[Node], bool], value: Any, src: Source
) -> bytes:
    return _with_raw(model, root, doc, wanted, _encode(value), src)


def _duplicate(doc: Any, src: Source) -> bytes:
    """A member of the top-level object given a second time with a different value."""
    if not isinstance(doc, dict) or not doc:
        return b'{"value":1,"value":2}'
    key = _pick(src, sorted(doc))
    value = doc[key]
    if isinstance(value, bool) or value is None:
        other: Any = "duplicate"
    elif isinstance(value, int | float):
        other = value + 1
    elif isinstance(value, str):
        other = value + "-duplicate" if value else "duplicate"
    else:
        other = None
    encoded = _encode(doc)
    return encoded[:-1] + b"," + _encode(key) + b":" + _encode(other) + b"}"


def _truncated(data: bytes, src: Source) -> bytes:
    """``data`` cut short at a seeded place, so that it is no longer JSON."""
    if len(data) < 2:
        return b"{"
    cut = src.integer(1, len(data) - 1)
    while cut > 0:
        try:
            json.loads(data[:cut])
        except ValueError:
            return data[:cut]
        cut -= 1
    return b"{"


def _invalid_utf8(model: Model, root: Node, doc: Any, src: Source) -> bytes:
    bad = _pick(src, [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"])
    text = _pick(src, ["sync", "caf", "job-", "Box"])
    return _with_raw(model, root, doc, _is_string, b'"' + text.encode() + bad + b'"', src)


_WANTS: dict[str, Callable[[Node], bool]] = {
    "invalid-utf8": _is_string,
    **dict.fromkeys(_RAW, _is_number),
    **dict.fromkeys([*_SPELLINGS, "empty-date-time"], _is_time),
    "empty-enum": _is_enum,
}


def _body(model: Model, name: str, kind: str, src: Source) -> Body:
    root = model.node(name)
    wanted = _WANTS.get(kind, _anything)
    doc = _document(model, name, "valid", src)
    for _ in range(50):  # a document with a place for the mutation: a date-time, an enum...
        if any(_slots(model, root, doc, wanted)):
            break
        doc = _document(model, name, "valid", src)
    valid = _encode(doc)
    if kind == "invalid-utf8":
        return Body(kind, _invalid_utf8(model, root, doc, src))
    if kind == "bom":
        return Body(kind, b"\xef\xbb\xbf" + valid)
    if kind == "utf16":
        encoding = _pick(src, ["utf-16", "utf-16-le", "utf-16-be"])
        return Body(kind, valid.decode("utf-8", "surrogatepass").encode(encoding, "surrogatepass"))
    if kind in _RAW:
        return Body(kind, _with_raw(model, root, doc, _is_number, _RAW[kind], src))
    if kind == "deep-nesting":
        opener, closer = _pick(src, [(b"[", b"]"), (b'{"a":', b"}")])
        raw = opener * DEPTH + b"1" + closer * DEPTH
        return Body(kind, _with_raw(model, root, doc, _anything, raw, src))
    if kind == "duplicate-key":
        return Body(kind, _duplicate(doc, src))
    if kind in _SPELLINGS:
        return Body(kind, _with_value(model, root, doc, _is_time, _SPELLINGS[kind], src))
    if kind == "empty-date-time":
        return Body(kind, _with_value(model, root, doc, _is_time, "", src))
    if kind == "empty-enum":
        return Body(kind, _with_value(model, root, doc, _is_enum, "", src))
    if kind == "empty-body":
        return Body(kind, b"")
    if kind == "truncated":
        return Body(kind, _truncated(valid, src))
    if kind == "content-type-html":
        return Body(kind, valid, content_type=_pick(src, ["text/html", "text/html; charset=utf-8"]))
    if kind == "content-type-missing":
        return Body(kind, valid, content_type=None)
    if kind in _ENVELOPES:
        return Body(kind, _ENVELOPES[kind], status=_pick(src, [400, 429, 500]))
    raise ValueError(f"unknown body kind {kind!r}: one of {', '.join(BODY_KINDS)}")


def hostile_bodies(
    name: str, count: int, *, seed: int | None = 0, catalog: Catalog | None = None
) -> Iterator[Body]:
    """``count`` byte-level hostile bodies of the schema ``name``: every ``BODY_KINDS`` once,
    in a seeded order, per round of ``len(BODY_KINDS)`` bodies; the same seed gives the same
    bodies."""
    compiled = model(catalog)
    canonical = compiled.node(name).name or name
    src = RandomSource(seed)
    order: list[str] = []
    for _ in range(count):
        if not order:
            order = list(BODY_KINDS)
            for index in range(len(order) - 1, 0, -1):
                swap = src.integer(0, index)
                order[index], order[swap] = order[swap], order[index]
        yield _body(compiled, canonical, order.pop(), src)
