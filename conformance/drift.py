"""Drift over a corpus: which enum values and properties the traffic uses, declared or not.

``conformance validate`` says, document by document, that a value is not declared. Over a corpus
of recorded traffic the questions are others: which declared values does the service actually
send, and how often; which undeclared ones, how often and where first; which declared values
never come; which properties no schema declares, on which object type, with which JSON types; and
how often a field is absent, ``null`` or ``""`` (three different things for a client: Graph's own
example sends ``""`` in the date-time and enum fields of an inactive quarantine). This module
answers them in one streaming pass over ``Result`` objects::

    import conformance
    from conformance.drift import Analysis

    analysis = Analysis(conformance.default_catalog())
    options = conformance.Options(observer=analysis.observe)
    for result in conformance.check_paths(["recordings/"], options=options):
        analysis.add(result)
    report = analysis.finish()          # frozen tables: report.enums, report.properties

or ``analyze(paths)``, which does the same. The enum-typed locations are read from the catalog's
schemas (each schema's properties, ``$ref`` followed to schemas of ``x-catalog`` kind ``enum`` or
with an ``enum`` keyword, nullable and array forms included), and the value at each location of
each validated resource is read through the ``observer`` hook of ``Options``, so the values of
conforming documents count too (they leave no finding). A location is named as findings name
it: the schema of the resource it falls in and the JSON pointer inside that resource, array
indexes as ``*`` (``kendra.DataSourceSyncJob /Status``, ``graph.synchronizationStatus
/quarantine/reason``: a Graph job's status is a resource of its own, as in every report).
Undeclared properties come from the ``property-drift`` findings, per object type (the schema
whose ``additionalProperties`` refused them).

Memory is bounded by the number of distinct keys kept: declared values are bounded by the
schemas, and at most ``cap`` (default ``DEFAULT_CAP``) distinct undeclared values and properties
are kept over the whole run; past it, each table counts the rest as ``other``. A value kept is
the raw JSON value as the findings keep it, secrets withheld the same way
(``conformance.redaction``): a member named like a secret, or a JWT or credential in a string,
is ``<redacted>``.

Where a resource carries a time, its values are also counted per day (UTC date), for the chart
of ``conformance drift --format html`` (``conformance.drift_html``) and the ``per_day`` member of
the JSON report. The time is the resource's own where its schema has one: Kendra's ``StartTime``
(epoch seconds on the wire, an ISO 8601 string after capture conversion); for a Graph job's
status, the ``progressObservationDateTime`` of its first ``progress`` item, else
``lastExecution.timeBegan`` (the run whose state the status reports: the Graph schemas offer no
time of the response itself). Otherwise, for a HAR entry, the entry's ``startedDateTime``: when
the response was seen. Times are untrusted input: a number must be a finite epoch within years
1..9999, a string an ISO 8601 date-time with a zone of at most 64 characters; anything else
leaves the resource undated (counted, never charted). Per location, at most ``DAY_CAP`` days are
kept (the values of later new days counted as ``undated``); within a day, the values are those
the tables keep, the rest counted as ``other``. Each undeclared value keeps the earliest day it
was seen on and where (``ValueCount.first_day``, ``first_dated``).

A ``Baseline`` lists the undeclared values and properties a project has accepted; a report
compared with one (``DriftReport.against``) tells new drift from known drift, so that CI fails
only on drift it has not seen before. ``propose`` turns a report into overlay refinements
(``schemas/sources/overlay.json`` format: ``values`` and ``members``) that make the derived
schemas accept what was observed, each value and property with its first location as its source.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from conformance.api import Checker
from conformance.catalog import Catalog, load_catalog
from conformance.errors import InputError
from conformance.findings import Finding, Location, Result, json_type, presence_of
from conformance.pipeline import Options
from conformance.redaction import REDACTED, redact_deep, secret_at
from conformance.report import plural

__all__ = [
    "BASELINE_VERSION",
    "DAY_CAP",
    "DEFAULT_CAP",
    "RENDERERS",
    "Analysis",
    "Baseline",
    "DriftReport",
    "EnumLocation",
    "EnumTable",
    "Place",
    "Presence",
    "PropertyCount",
    "PropertyTable",
    "ValueCount",
    "analyze",
    "day_of",
    "enum_locations",
    "merge_overlay",
    "observers",
    "propose",
    "render_json",
    "render_markdown",
    "render_text",
    "resource_day",
    "summary",
]

# Distinct undeclared values and properties kept over a run; the rest are counted as "other".
DEFAULT_CAP = 10_000
BASELINE_VERSION = 1
# Days kept per enum location for the per-day counts (a little over three years of daily runs).
DAY_CAP = 1_200
# What every proposed refinement says of itself (the overlay asks each fact for its source).
PROPOSED_BY = (
    "conformance drift: observed in recorded traffic, not in the vendor's documents or models"
)


# --- where the enums are -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnumLocation:
    """An enum-typed location of a resource schema, and the enum that declares its values.

    ``enum_type`` is the schema that holds the ``enum`` keyword: an enum schema
    (``graph.quarantineReason``, ``member`` None), or the object whose property declares its
    values inline (``kendra.DataSourceSyncJob``, ``member`` ``Status``): what an overlay
    refinement names to add a value.
    """

    schema: str
    pointer: str
    declared: tuple[Any, ...]
    enum_type: str
    member: str | None
    schema_location: str


def enum_locations(catalog: Catalog) -> dict[str, tuple[EnumLocation, ...]]:
    """The enum-typed locations of every schema of the catalog, by schema name.

    A schema's walk stops where a resource of its own begins (an envelope's properties that
    refer to other object schemas: the jobs of a page, a Graph job's status), since those are
    walked as resources of their own, as the pipeline places findings in them.
    """
    found: dict[str, tuple[EnumLocation, ...]] = {}
    for entry in catalog:
        schema = catalog.schema(entry.name)
        out: list[EnumLocation] = []
        _walk(catalog, entry.name, schema, "", None, entry.kind == "envelope", (entry.name,), out)
        unique = {(e.pointer): e for e in out}
        found[entry.name] = tuple(unique[p] for p in sorted(unique))
    return found


def _walk(
    catalog: Catalog,
    owner: str,
    node: Any,
    pointer: str,
    member: str | None,
    envelope: bool,
    path: tuple[str, ...],
    out: list[EnumLocation],
    at: str = "",
) -> None:
    """Collect the enum locations under ``node``, a (sub)schema of ``owner`` at ``at``."""
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = catalog.name_of(ref)
        if target is not None and target not in path:
            schema = catalog.schema(target)
            kind = catalog.get(target).kind
            # An envelope's own properties that refer to object schemas hold resources, walked
            # as resources of their own; an enum is a value wherever it stands.
            resource = envelope and pointer.count("/") == 1 + pointer.endswith("/*")
            if kind == "enum" or "enum" in schema or not resource:
                _walk(catalog, target, schema, pointer, None, False, (*path, target), out)
    if isinstance(node.get("enum"), list):
        out.append(
            EnumLocation(
                schema=path[0],
                pointer=pointer,
                declared=tuple(node["enum"]),
                enum_type=owner,
                member=member,
                schema_location=f"{owner}#{at}/enum",
            )
        )
    for keyword in ("anyOf", "oneOf", "allOf"):
        options = node.get(keyword)
        if isinstance(options, list):
            for index, option in enumerate(options):
                where = f"{at}/{keyword}/{index}"
                _walk(catalog, owner, option, pointer, member, envelope, path, out, where)
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            where = f"{at}/properties/{_escape(name)}"
            child = f"{pointer}/{_escape(name)}"
            _walk(catalog, owner, sub, child, name, envelope, path, out, where)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(catalog, owner, items, f"{pointer}/*", member, envelope, path, out, f"{at}/items")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


# --- the tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where something was first seen: the place in the file (``jobs.ndjson:2:480``,
    ``traffic.har entry 3``) and the JSON pointer in the body (``/History/1/Status``)."""

    location: str
    pointer: str = ""

    def __str__(self) -> str:
        return f"{self.location} {self.pointer}" if self.pointer else self.location

    def as_json(self) -> dict[str, str]:
        return {"location": self.location, "pointer": self.pointer}


@dataclass(frozen=True)
class Presence:
    """How often a location held no member (``absent``), ``null``, ``""`` (``empty``) or any
    other value. At a location without ``*``, the four add up to the resources of its schema;
    with ``*``, each array item counts once, and a resource with no item counts as absent."""

    absent: int = 0
    null: int = 0
    empty: int = 0
    value: int = 0

    @property
    def total(self) -> int:
        return self.absent + self.null + self.empty + self.value

    def as_json(self) -> dict[str, int]:
        return {"absent": self.absent, "null": self.null, "empty": self.empty, "value": self.value}


@dataclass(frozen=True)
class ValueCount:
    """One value seen at an enum location: the raw JSON value (secrets withheld), how often,
    its JSON type, where first, whether the schema declares it, and whether a baseline lists it
    (``known``; declared values are never drift)."""

    value: Any
    count: int
    json_type: str
    first: Place | None
    declared: bool
    known: bool = False
    # The earliest day (UTC, ``YYYY-MM-DD``) the value was seen on, and where; None when it was
    # only seen in undated resources.
    first_day: str | None = None
    first_dated: Place | None = None

    @property
    def status(self) -> str:
        """``declared``, ``baseline`` (undeclared, accepted) or ``new``."""
        return "declared" if self.declared else "baseline" if self.known else "new"


@dataclass(frozen=True)
class EnumTable:
    """What one enum-typed location held over the corpus."""

    location: EnumLocation
    presence: Presence
    # Declared values seen, most frequent first; then the undeclared ones, likewise.
    declared_seen: tuple[ValueCount, ...]
    undeclared: tuple[ValueCount, ...]
    never_seen: tuple[Any, ...]
    # Undeclared values past the run's cap: counted, not kept.
    other: int = 0
    # Values per day where the resource carried a time: (day, ((value, count), ...)), days in
    # order, values most frequent first; ``OTHER`` stands for the values past the cap.
    per_day: tuple[tuple[str, tuple[tuple[Any, int], ...]], ...] = ()
    # Values counted in resources without a usable time (or past ``DAY_CAP`` days).
    undated: int = 0

    @property
    def schema(self) -> str:
        return self.location.schema

    @property
    def pointer(self) -> str:
        return self.location.pointer


@dataclass(frozen=True)
class PropertyCount:
    """One property an object type does not declare: how often, the JSON types of its values,
    their presence (``null``, ``""`` or a value), where first, and whether a baseline lists it."""

    name: str
    count: int
    types: tuple[tuple[str, int], ...]
    presence: Presence
    first: Place
    known: bool = False

    @property
    def status(self) -> str:
        return "baseline" if self.known else "new"


@dataclass(frozen=True)
class PropertyTable:
    """The undeclared properties of one object type (the schema whose ``additionalProperties``
    refused them: ``kendra.DataSourceSyncJobMetrics``)."""

    type: str
    properties: tuple[PropertyCount, ...]
    other: int = 0


@dataclass(frozen=True)
class DriftReport:
    """The drift of a corpus, as frozen tables (see the module)."""

    documents: int
    # Resources validated, by schema: what each enum location's presence adds up to.
    resources: tuple[tuple[str, int], ...]
    enums: tuple[EnumTable, ...]
    properties: tuple[PropertyTable, ...]
    # Findings of the run by kind (violations and unselected documents are not drift, but a
    # reader of the tables should know the corpus had them).
    findings: tuple[tuple[str, int], ...] = ()
    files: int = 0
    cap: int = DEFAULT_CAP
    # Whether the cap was reached: some undeclared values or properties are only counted.
    capped: bool = False
    # Whether a baseline was given (without one, every undeclared value is new).
    baseline: bool = False

    def undeclared_values(self) -> Iterator[tuple[EnumTable, ValueCount]]:
        for table in self.enums:
            for seen in table.undeclared:
                yield table, seen

    def undeclared_properties(self) -> Iterator[tuple[PropertyTable, PropertyCount]]:
        for table in self.properties:
            for prop in table.properties:
                yield table, prop

    @property
    def drift(self) -> int:
        """How many distinct undeclared values and properties (the ``other`` ones included)."""
        return sum(len(t.undeclared) + t.other for t in self.enums) + sum(
            len(t.properties) + t.other for t in self.properties
        )

    @property
    def new(self) -> int:
        """How many of them no baseline lists (past the cap, all counted as new)."""
        return (
            sum(1 for _, v in self.undeclared_values() if not v.known)
            + sum(1 for _, p in self.undeclared_properties() if not p.known)
            + sum(t.other for t in self.enums)
            + sum(t.other for t in self.properties)
        )

    def against(self, baseline: Baseline) -> DriftReport:
        """This report with every undeclared value and property the baseline lists marked
        ``known``."""
        enums = tuple(
            replace(
                t,
                undeclared=tuple(
                    replace(v, known=baseline.has_value(t.schema, t.pointer, v.value))
                    for v in t.undeclared
                ),
            )
            for t in self.enums
        )
        properties = tuple(
            replace(
                t,
                properties=tuple(
                    replace(p, known=baseline.has_property(t.type, p.name)) for p in t.properties
                ),
            )
            for t in self.properties
        )
        return replace(self, enums=enums, properties=properties, baseline=True)

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data (``conformance drift --format json``)."""
        return {
            "version": 1,
            "documents": self.documents,
            "files": self.files,
            "resources": dict(self.resources),
            "findings": dict(self.findings),
            "cap": self.cap,
            "capped": self.capped,
            "baseline": self.baseline,
            "summary": {
                "undeclared_values": sum(len(t.undeclared) for t in self.enums),
                "undeclared_properties": sum(len(t.properties) for t in self.properties),
                "other": sum(t.other for t in self.enums) + sum(t.other for t in self.properties),
                "new": self.new,
            },
            "enums": [
                {
                    "schema": t.schema,
                    "pointer": t.pointer,
                    "enum": {
                        "type": t.location.enum_type,
                        "member": t.location.member,
                        "schema_location": t.location.schema_location,
                        "declared": list(t.location.declared),
                    },
                    "presence": t.presence.as_json(),
                    "values": [
                        {
                            "value": v.value,
                            "type": v.json_type,
                            "count": v.count,
                            "status": v.status,
                            "first": v.first.as_json() if v.first else None,
                            "first_day": v.first_day,
                            "first_dated": v.first_dated.as_json() if v.first_dated else None,
                        }
                        for v in (*t.declared_seen, *t.undeclared)
                    ],
                    "never_seen": list(t.never_seen),
                    "other": t.other,
                    "per_day": [
                        {
                            "day": day,
                            "values": [
                                {"value": None, "other": True, "count": n}
                                if v is OTHER
                                else {"value": v, "count": n}
                                for v, n in counts
                            ],
                        }
                        for day, counts in t.per_day
                    ],
                    "undated": t.undated,
                }
                for t in self.enums
            ],
            "properties": [
                {
                    "type": t.type,
                    "properties": [
                        {
                            "name": p.name,
                            "count": p.count,
                            "types": dict(p.types),
                            "presence": p.presence.as_json(),
                            "status": p.status,
                            "first": p.first.as_json(),
                        }
                        for p in t.properties
                    ],
                    "other": t.other,
                }
                for t in self.properties
            ],
        }


# --- the analysis --------------------------------------------------------------------------------


class _Values:
    """The counts of one enum location while the run lasts."""

    __slots__ = (
        "absent",
        "counts",
        "days",
        "empty",
        "first_days",
        "firsts",
        "null",
        "other",
        "undated",
        "value",
    )

    def __init__(self) -> None:
        self.absent = self.null = self.empty = self.value = self.other = self.undated = 0
        # By key (the value's canonical JSON text): count, the value as kept, its type, first.
        self.counts: Counter[str] = Counter()
        self.firsts: dict[str, tuple[Any, str, Place]] = {}
        # Per day, per key ("" for the values past the cap): how often.
        self.days: dict[str, Counter[str]] = {}
        # Per undeclared key: the earliest day seen and where.
        self.first_days: dict[str, tuple[str, Place]] = {}

    def dated(self, day: str | None, key: str) -> None:
        """Count one value of key ``key`` on ``day`` (None: the resource had no time)."""
        self.dated_many(day, key, 1)

    def dated_many(self, day: str | None, key: str, count: int) -> None:
        """Count ``count`` values of key ``key`` on ``day`` (None: the resource had no time)."""
        if day is None:
            self.undated += count
            return
        counts = self.days.get(day)
        if counts is None:
            if len(self.days) >= DAY_CAP:
                self.undated += count
                return
            counts = self.days[day] = Counter()
        counts[key] += count


class _Other:
    """What stands for the values past the cap in ``EnumTable.per_day``."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER: Any = _Other()


class _Property:
    __slots__ = ("count", "first", "presence", "types")

    def __init__(self, first: Place) -> None:
        self.count = 0
        self.first = first
        self.types: Counter[str] = Counter()
        self.presence: Counter[str] = Counter()


class Analysis:
    """One streaming pass: ``observe`` (the ``Options.observer``) sees every resource's values,
    ``add`` every result; ``finish`` builds the frozen report.

    Memory holds, per enum location, the declared values' counts and at most ``cap`` distinct
    undeclared values and properties over the whole run (the rest counted as ``other``), never
    documents or results.
    """

    def __init__(self, catalog: Catalog, cap: int = DEFAULT_CAP) -> None:
        if cap < 0:
            raise ValueError(f"cap must be 0 or more, not {cap}")
        self.catalog = catalog
        self.cap = cap
        self._locations = enum_locations(catalog)
        self._values: dict[tuple[str, str], _Values] = {}
        # Per schema: each enum location's table, its declared strings, its pointer's tokens
        # (unescaped) and whether it has a ``*``.
        self._plan: dict[str, list[tuple[_Values, frozenset[str], list[str], bool]]] = {}
        self._properties: dict[str, dict[str, _Property]] = {}
        self._property_other: Counter[str] = Counter()
        self._resources: Counter[str] = Counter()
        self._findings: Counter[str] = Counter()
        self._files: set[str] = set()
        self._documents = 0
        self._kept = 0
        self._capped = False
        # Undeclared values first seen in the document being checked, placed only by where the
        # document stands: the finding at their pointer, when its result comes, places them
        # to the line and column (key of the location, value key, full pointer).
        self._pending: list[tuple[_Values, str, str]] = []
        # Values of the HAR entry being checked whose resource had no time of its own: dated by
        # the entry's ``startedDateTime`` when its result comes (table, key, place).
        self._undated: list[tuple[_Values, str, Place]] = []
        self._day: str | None = None
        self._entry = False
        for schema, locations in self._locations.items():
            for loc in locations:
                table = self._values[(schema, loc.pointer)] = _Values()
                declared = frozenset(v for v in loc.declared if isinstance(v, str))
                tokens = [_unescape(t) for t in loc.pointer.split("/")[1:]]
                star = "*" in loc.pointer.split("/")
                self._plan.setdefault(schema, []).append((table, declared, tokens, star))

    def observe(self, schema: str, value: Any, location: Location) -> None:
        """Count the values at the enum locations of one resource (``Options.observer``).

        Runs for every resource of every line of a bulk stream, so a location without ``*`` is
        read inline, and a declared value costs a set lookup and a count.
        """
        self._resources[schema] += 1
        plan = self._plan.get(schema)
        if not plan:
            return
        # Kendra's epoch StartTime, the bulk of a stream, inline; every other time by day_of.
        raw = value.get("StartTime") if schema == _KENDRA_JOB and type(value) is dict else None
        day: str | None
        if (raw.__class__ is int or raw.__class__ is float) and 0 <= raw <= _MAX_EPOCH:
            # NaN and infinities fail the comparisons.
            number = int(raw) // 86_400
            day = _EPOCH_DAYS.get(number) or _epoch_day(number)
        else:
            day = resource_day(schema, value)
        self._day = day
        if day is None:
            self._entry = location.entry_kind == "entry"
        for table, declared, tokens, star in plan:
            if star:
                for path, found in _at(value, tokens, ()):
                    self._count(table, declared, value, found, location, path)
                continue
            node = value
            for name in tokens:
                node = node.get(name, _ABSENT) if type(node) is dict else _ABSENT
                if node is _ABSENT:
                    break
            if node is _ABSENT:
                table.absent += 1
            elif node is None:
                table.null += 1
            elif node == "":
                table.empty += 1
            elif node.__class__ is str and node in declared and node in table.firsts:
                table.value += 1
                table.counts[node] += 1
                if day is not None:
                    # The common case inline: a declared value on a day already kept.
                    counts = table.days.get(day)
                    if counts is not None:
                        counts[node] += 1
                    else:
                        table.dated(day, node)
                elif self._entry:
                    self._undated.append((table, node, _NOWHERE))
                else:
                    table.undated += 1
            else:
                self._count(table, declared, value, node, location, tuple(tokens))

    def _count(
        self,
        table: _Values,
        declared: frozenset[str],
        resource: Any,
        found: Any,
        location: Location,
        path: tuple[str | int, ...],
    ) -> None:
        """Count one value found at ``path`` of ``resource`` (a resource of ``location``)."""
        if found is _ABSENT:
            table.absent += 1
            return
        if found is None:
            table.null += 1
            return
        if found == "":
            table.empty += 1
            return
        table.value += 1
        within = location.within
        if isinstance(found, str) and found in declared:
            if found not in table.firsts:
                table.firsts[found] = (found, "string", _place(location, within, path))
            table.counts[found] += 1
            self._date(table, found)
            return
        kept = REDACTED if secret_at(resource, path) else redact_deep(found)
        # Apart from the declared values' keys (the strings themselves): 5 is not "5".
        text = "\0" + _key(kept)
        if text not in table.firsts:
            if self._kept >= self.cap:
                table.other += 1
                self._capped = True
                self._date(table, "")
                return
            self._kept += 1
            pointer = within + "".join(f"/{_escape(str(t))}" for t in path)
            table.firsts[text] = (kept, json_type(found), _place(location, within, path))
            self._pending.append((table, text, pointer))
        table.counts[text] += 1
        # An undeclared value also keeps its earliest day, its place made only when kept.
        day = self._day
        if day is None:
            if self._entry:
                self._undated.append((table, text, _place(location, within, path)))
            else:
                table.undated += 1
            return
        table.dated(day, text)
        known = table.first_days.get(text)
        if known is None or day < known[0]:
            table.first_days[text] = (day, _place(location, within, path))

    def _date(self, table: _Values, key: str) -> None:
        """Count a declared value (or one past the cap) of the resource being observed on its
        day; a HAR entry's waits for the entry's time."""
        day = self._day
        if day is None:
            if self._entry:
                self._undated.append((table, key, _NOWHERE))
            else:
                table.undated += 1
            return
        table.dated(day, key)

    def add(self, result: Result) -> None:
        """Count one result: its documents, its findings, and the undeclared properties of its
        ``property-drift`` findings; and place the undeclared values its document held."""
        if result.skipped is not None:
            self._files.add(result.location.source)
            return
        self._documents += result.documents
        self._files.add(result.location.source)
        self._findings.update(f.kind for f in result.findings)
        self._findings.update(dict(result.dropped))
        if self._undated:
            started = result.origin.started if result.origin is not None else None
            day = day_of(started) if started is not None else None
            for table, key, place in self._undated:
                table.dated(day, key)
                if day is not None and place is not _NOWHERE:
                    known = table.first_days.get(key)
                    if known is None or day < known[0]:
                        table.first_days[key] = (day, place)
            self._undated.clear()
        if self._pending:
            at = {f.pointer: f.location for f in result.findings}
            for table, text, pointer in self._pending:
                found = at.get(pointer)
                if found is not None:
                    value, kind, _ = table.firsts[text]
                    where = replace(found, within="")
                    table.firsts[text] = (value, kind, Place(str(where), pointer))
            self._pending.clear()
        for finding in result.findings:
            if finding.kind == "property-drift":
                self._property(finding)

    def _property(self, finding: Finding) -> None:
        owner = (finding.schema_location or "").removesuffix("/additionalProperties")
        owner = owner.removesuffix("#") or finding.schema or "?"
        name = _unescape(finding.pointer.rsplit("/", 1)[-1])
        props = self._properties.setdefault(owner, {})
        prop = props.get(name)
        if prop is None:
            if self._kept >= self.cap:
                self._property_other[owner] += 1
                self._capped = True
                return
            self._kept += 1
            where = replace(finding.location, within="")
            prop = props[name] = _Property(Place(str(where), finding.pointer))
        prop.count += 1
        prop.types[finding.actual_type or json_type(finding.actual)] += 1
        prop.presence[finding.presence or presence_of(finding.actual)] += 1

    def __getstate__(self) -> dict[str, Any]:
        """What a worker sends back (``conformance.partitions``): the counts, without the
        catalog and the plans made from it, which the receiving analysis has of its own."""
        state = self.__dict__.copy()
        for shared in ("catalog", "_locations", "_plan"):
            state[shared] = None
        return state

    def merge(self, later: Analysis) -> None:
        """Add what ``later`` counted over the documents that come after those of this
        analysis (a partition of the corpus checked elsewhere), as if this analysis had seen
        them itself: first places stay the earliest, earliest days the earliest. While neither
        reached its cap the merged tables are those of one pass over the whole corpus; past a
        cap, which distinct values are kept may differ (their total counts do not)."""
        for where, theirs in later._values.items():
            self._merge_values(self._values.setdefault(where, _Values()), theirs)
        for owner, props in later._properties.items():
            mine = self._properties.setdefault(owner, {})
            for name, prop in props.items():
                kept = mine.get(name)
                if kept is None:
                    if self._kept >= self.cap:
                        self._property_other[owner] += prop.count
                        self._capped = True
                        continue
                    self._kept += 1
                    kept = mine[name] = _Property(prop.first)
                kept.count += prop.count
                kept.types.update(prop.types)
                kept.presence.update(prop.presence)
        self._property_other.update(later._property_other)
        self._resources.update(later._resources)
        self._findings.update(later._findings)
        self._files |= later._files
        self._documents += later._documents
        self._capped = self._capped or later._capped

    def _merge_values(self, table: _Values, theirs: _Values) -> None:
        table.absent += theirs.absent
        table.null += theirs.null
        table.empty += theirs.empty
        table.value += theirs.value
        table.other += theirs.other
        table.undated += theirs.undated
        dropped: set[str] = set()
        for key, count in theirs.counts.items():
            if key not in table.firsts:
                if key.startswith("\0"):  # undeclared: kept while under the cap
                    if self._kept >= self.cap:
                        table.other += count
                        self._capped = True
                        dropped.add(key)
                        continue
                    self._kept += 1
                table.firsts[key] = theirs.firsts[key]
            table.counts[key] += count
        for day, counts in theirs.days.items():
            for key, count in counts.items():
                table.dated_many(day, "" if key in dropped else key, count)
        for key, (day, place) in theirs.first_days.items():
            known = table.first_days.get(key)
            if key not in dropped and (known is None or day < known[0]):
                table.first_days[key] = (day, place)

    def finish(self) -> DriftReport:
        """The frozen report of everything added so far."""
        enums: list[EnumTable] = []
        for schema in sorted(self._locations):
            if not self._resources[schema]:
                continue
            for loc in self._locations[schema]:
                table = self._values.get((schema, loc.pointer)) or _Values()
                declared_seen: list[ValueCount] = []
                undeclared: list[ValueCount] = []
                for text, count in sorted(table.counts.items(), key=lambda kv: (-kv[1], kv[0])):
                    value, kind, first = table.firsts[text]
                    is_declared = isinstance(value, str) and value in loc.declared
                    dated = None if is_declared else table.first_days.get(text)
                    seen = ValueCount(
                        value,
                        count,
                        kind,
                        first,
                        is_declared,
                        first_day=dated[0] if dated else None,
                        first_dated=dated[1] if dated else None,
                    )
                    (declared_seen if is_declared else undeclared).append(seen)
                per_day = tuple(
                    (
                        day,
                        tuple(
                            (OTHER if key == "" else table.firsts[key][0], n)
                            for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                        ),
                    )
                    for day, counts in sorted(table.days.items())
                )
                seen_values = {v.value for v in declared_seen}
                enums.append(
                    EnumTable(
                        location=loc,
                        presence=Presence(table.absent, table.null, table.empty, table.value),
                        declared_seen=tuple(declared_seen),
                        undeclared=tuple(undeclared),
                        never_seen=tuple(v for v in loc.declared if v not in seen_values),
                        other=table.other,
                        per_day=per_day,
                        undated=table.undated,
                    )
                )
        properties = []
        for owner in sorted(set(self._properties) | set(self._property_other)):
            props = self._properties.get(owner, {})
            rows = tuple(
                PropertyCount(
                    name=name,
                    count=p.count,
                    types=tuple(sorted(p.types.items())),
                    presence=Presence(
                        0, p.presence["null"], p.presence["empty"], p.presence["value"]
                    ),
                    first=p.first,
                )
                for name, p in sorted(props.items(), key=lambda kv: (-kv[1].count, kv[0]))
            )
            properties.append(PropertyTable(owner, rows, self._property_other[owner]))
        return DriftReport(
            documents=self._documents,
            resources=tuple(sorted(self._resources.items())),
            enums=tuple(enums),
            properties=tuple(properties),
            findings=tuple(sorted(self._findings.items())),
            files=len(self._files),
            cap=self.cap,
            capped=self._capped,
        )


_ABSENT = object()
# The place of a value that needs none: a declared one keeps no earliest day.
_NOWHERE = Place("")

# A date-time as ISO 8601 writes it, with a zone: what Graph and HAR send, and what capture
# conversion makes of Kendra's epoch seconds.
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,12})?)?"
    r"(?:[Zz]|([+-])(\d{2}):?(\d{2}))"
)
_MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z
_KENDRA_JOB = "kendra.DataSourceSyncJob"


def day_of(value: Any) -> str | None:
    """The UTC date (``YYYY-MM-DD``) of a time as documents send it, or None.

    The value is untrusted: an epoch number (seconds; finite, not a boolean, years 1970..9999)
    or an ISO 8601 date-time string of at most 64 characters with a zone (a time without one
    names no day in UTC). Anything else, or a date that does not exist, is None.
    """
    if value.__class__ is int:
        if not 0 <= value <= _MAX_EPOCH:
            return None
        number = value // 86_400
        return _EPOCH_DAYS.get(number) or _epoch_day(number)
    if value.__class__ is float:
        if not math.isfinite(value) or not 0 <= value <= _MAX_EPOCH:
            return None
        return _epoch_day(int(value) // 86_400)
    if value.__class__ is not str or len(value) > 64:
        return None
    match = _ISO.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, sign, zh, zm = match.groups()
    try:
        when = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
        )
        if sign is not None:
            if int(zh) > 23 or int(zm) > 59:
                return None
            offset = timedelta(hours=int(zh), minutes=int(zm))
            when = when - offset if sign == "+" else when + offset
        return when.date().isoformat()
    except (ValueError, OverflowError):
        return None


_EPOCH_DAYS: dict[int, str] = {}


def _epoch_day(number: int) -> str:
    """The date of a day number since 1970-01-01, remembered: a stream's jobs share few days."""
    day = _EPOCH_DAYS.get(number)
    if day is None:
        day = datetime.fromtimestamp(number * 86_400, UTC).date().isoformat()
        if len(_EPOCH_DAYS) < 100_000:
            _EPOCH_DAYS[number] = day
    return day


def resource_day(schema: str, value: Any) -> str | None:
    """The day of a resource's own time, where its schema has one (see the module)."""
    if type(value) is not dict:
        return None
    if schema == _KENDRA_JOB:
        return day_of(value.get("StartTime"))
    if schema == "graph.synchronizationStatus":
        progress = value.get("progress")
        if type(progress) is list and progress and type(progress[0]) is dict:
            day = day_of(progress[0].get("progressObservationDateTime"))
            if day is not None:
                return day
        execution = value.get("lastExecution")
        if type(execution) is dict:
            return day_of(execution.get("timeBegan"))
    return None


def _at(node: Any, tokens: list[str], path: tuple[str | int, ...]) -> Iterator[tuple[Any, Any]]:
    """The values at a pointer (its tokens unescaped) whose ``*`` tokens stand for every array
    index, as (path, value), ``_ABSENT`` where there is none."""
    if not tokens:
        yield path, node
        return
    token, rest = tokens[0], tokens[1:]
    if token == "*":
        if isinstance(node, list) and node:
            for index, item in enumerate(node):
                yield from _at(item, rest, (*path, index))
        else:
            yield path, _ABSENT
        return
    if isinstance(node, dict) and token in node:
        yield from _at(node[token], rest, (*path, token))
    else:
        yield path, _ABSENT


def _place(location: Location, within: str, path: tuple[str | int, ...]) -> Place:
    return Place(
        str(replace(location, within="")), within + "".join(f"/{_escape(str(t))}" for t in path)
    )


def _key(value: Any) -> str:
    """A value's canonical JSON text: the key it is counted and compared by."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # an integer past Python's digit limit, say
        return f"<{json_type(value)}>"


def observers(
    *each: Callable[[str, Any, Location], None],
) -> Callable[[str, Any, Location], None] | None:
    """Several ``Options.observer`` functions as one (None for none, the one for one): the
    drift tables and the drift per group (``conformance.groups``) see the same values."""
    if len(each) < 2:
        return each[0] if each else None

    def observe(schema: str, value: Any, location: Location) -> None:
        for one in each:
            one(schema, value, location)

    return observe


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    *,
    options: Options | None = None,
    catalog: Catalog | None = None,
    cap: int = DEFAULT_CAP,
    stdin: IO[bytes] | None = None,
    results: list[Result] | None = None,
) -> DriftReport:
    """The drift report of the documents in files and folders (as ``check_paths`` reads them).

    ``options`` (``conformance.Options``) say how to read; their ``observer`` is replaced by the
    analysis'. ``results``, when given, receives every result too (for a caller that reports on
    them as well).
    """
    base = options if options is not None else Options()
    catalog = catalog if catalog is not None else load_catalog(base.schemas)
    analysis = Analysis(catalog, cap)
    checker = Checker(replace(base, observer=analysis.observe), catalog)
    for result in checker.check_paths(paths, stdin=stdin):
        analysis.add(result)
        if results is not None:
            results.append(result)
    return analysis.finish()


# --- baseline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """Accepted drift: undeclared values by schema and pointer, undeclared properties by object
    type. The file (``.conformance-baseline.json``) is JSON with sorted keys and sorted lists,
    so that it diffs well in git::

        {"properties": {"kendra.DataSourceSyncJob": ["SyncMode"]},
         "values": {"kendra.DataSourceSyncJob": {"/Status": ["QUEUED"]}},
         "version": 1}

    It holds no counts or places, which change from run to run.
    """

    values: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    properties: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def has_value(self, schema: str, pointer: str, value: Any) -> bool:
        return _key(value) in self.values.get(schema, {}).get(pointer, frozenset())

    def has_property(self, owner: str, name: str) -> bool:
        return name in self.properties.get(owner, frozenset())

    @classmethod
    def of(cls, report: DriftReport) -> Baseline:
        """The baseline that accepts all the drift of ``report``."""
        values: dict[str, dict[str, set[str]]] = {}
        for table, seen in report.undeclared_values():
            values.setdefault(table.schema, {}).setdefault(table.pointer, set()).add(
                _key(seen.value)
            )
        properties: dict[str, set[str]] = {}
        for ptable, prop in report.undeclared_properties():
            properties.setdefault(ptable.type, set()).add(prop.name)
        return cls(
            {s: {p: frozenset(v) for p, v in by.items()} for s, by in values.items()},
            {o: frozenset(n) for o, n in properties.items()},
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "version": BASELINE_VERSION,
            "values": {
                schema: {
                    pointer: [json.loads(k) for k in sorted(keys)]
                    for pointer, keys in sorted(by.items())
                }
                for schema, by in sorted(self.values.items())
            },
            "properties": {
                owner: sorted(names) for owner, names in sorted(self.properties.items())
            },
        }

    def text(self) -> str:
        """The file's text: sorted keys, two-space indent, a final newline."""
        return json.dumps(self.as_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Baseline:
        """A baseline file; an ``InputError`` that names the file and says what is wrong."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(
                f"{path}: no such baseline file; write one with --update-baseline"
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read the baseline: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
        except RecursionError:
            raise InputError(f"{path}: not a baseline: nested too deeply") from None
        return cls.parse(data, str(path))

    @classmethod
    def parse(cls, data: Any, name: str = "<baseline>") -> Baseline:
        """A baseline from its JSON data; an ``InputError`` for any other shape."""
        shape = (
            '{"version": 1, "values": {SCHEMA: {POINTER: [VALUE, ...]}},'
            ' "properties": {TYPE: [NAME, ...]}}'
        )
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
            raise InputError(f"{name}: not a drift baseline (version {BASELINE_VERSION}): {shape}")
        values = data.get("values", {})
        properties = data.get("properties", {})
        ok = (
            isinstance(values, dict)
            and all(
                isinstance(by, dict)
                and all(isinstance(v, list) for v in by.values())
                and all(isinstance(p, str) for p in by)
                for by in values.values()
            )
            and isinstance(properties, dict)
            and all(
                isinstance(n, list) and all(isinstance(x, str) for x in n)
                for n in properties.values()
            )
        )
        if not ok:
            raise InputError(f"{name}: not a drift baseline: expected {shape}")
        return cls(
            {
                schema: {p: frozenset(_key(v) for v in vs) for p, vs in by.items()}
                for schema, by in values.items()
            },
            {owner: frozenset(names) for owner, names in properties.items()},
        )


# --- proposing an overlay patch ------------------------------------------------------------------

# The page words of each vendor's format for a JSON type, for a property the overlay adds.
_TYPE_WORDS: dict[str, dict[str, str]] = {
    "graph": {"string": "String", "boolean": "Boolean", "integer": "Int64", "number": "Double"},
    "aws": {"string": "String", "boolean": "Boolean", "integer": "Long", "number": "Double"},
}


def propose(report: DriftReport, catalog: Catalog) -> tuple[list[dict[str, Any]], list[str]]:
    """Overlay refinements that declare the report's undeclared values and properties, and what
    could not be proposed (and why).

    A value is proposed for the enum that declares its location's values (``values``: the
    value, and ``member`` for an inline enum), a property for the object type that refused it
    (``members``: its name, the page word of its values' JSON type, ``nullable`` where it was
    seen ``null``), each with its first location as ``source``. Not proposed: a value that is no
    string, or withheld as a secret; a property whose values are objects or arrays (no page word
    says "any object"), or of two types; one of a type the catalog does not name.
    """
    values: dict[str, list[dict[str, Any]]] = {}
    members: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    taken: set[tuple[str, str | None, str]] = set()
    for table, seen in report.undeclared_values():
        loc = table.location
        where = f"{loc.schema} {loc.pointer}"
        if not isinstance(seen.value, str) or seen.value in ("", REDACTED):
            skipped.append(
                f"{where}: {_key(seen.value)} is a {seen.json_type}, not a value an enum of"
                " strings can declare"
                if not isinstance(seen.value, str)
                else f"{where}: a withheld value is not proposed"
            )
            continue
        key = (loc.enum_type, loc.member, seen.value)
        if key in taken:
            continue
        taken.add(key)
        entry: dict[str, Any] = {}
        if loc.member is not None:
            entry["member"] = loc.member
        entry["value"] = seen.value
        entry["source"] = str(seen.first) if seen.first else "recorded traffic"
        values.setdefault(loc.enum_type, []).append(entry)
    for ptable, prop in report.undeclared_properties():
        owner = ptable.type
        if owner not in catalog:
            skipped.append(f"{owner} {prop.name}: not a type of the catalog")
            continue
        kinds = {k for k, _ in prop.types} - {"null"}
        if kinds == {"integer", "number"}:
            kinds = {"number"}
        vendor = "graph" if owner.startswith("graph.") else "aws"
        word = _TYPE_WORDS[vendor].get(next(iter(kinds))) if len(kinds) == 1 else None
        if word is None:
            said = ", ".join(k for k, _ in prop.types)
            skipped.append(
                f"{owner} {prop.name}: its values are {said}; the overlay's type words name"
                " scalars of one type"
            )
            continue
        member: dict[str, Any] = {"name": prop.name, "type": word}
        if prop.presence.null and vendor == "graph":
            member["nullable"] = True
        member["description"] = f"Not in the vendor's documents; observed at {prop.first}."
        member["source"] = str(prop.first)
        members.setdefault(owner, []).append(member)
    refinements = []
    for owner in sorted(set(values) | set(members)):
        refinement: dict[str, Any] = {"type": owner, "source": PROPOSED_BY}
        if owner in values:
            refinement["values"] = values[owner]
        if owner in members:
            refinement["members"] = members[owner]
        refinements.append(refinement)
    return refinements, skipped


def merge_overlay(overlay: Any, refinements: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``overlay`` (parsed JSON; None for a new patch) with ``refinements`` appended, leaving out
    the values and members an earlier refinement of the same type already adds."""
    out: dict[str, Any] = dict(overlay) if isinstance(overlay, dict) else {}
    if not out:
        out["$comment"] = (
            "Overlay refinements proposed by 'conformance drift --propose': undeclared enum values"
            " and properties observed in recorded traffic, each with its first location as its"
            " source. Append them to the overlay's refinements (or propose into the overlay"
            " itself) and derive the schemas again."
        )
    existing = list(out.get("refinements", []))
    have_values = {
        (r.get("type"), v.get("member"), v.get("value"))
        for r in existing
        if isinstance(r, dict)
        for v in r.get("values", [])
        if isinstance(v, dict)
    }
    have_members = {
        (r.get("type"), m.get("name"))
        for r in existing
        if isinstance(r, dict)
        for m in r.get("members", [])
        if isinstance(m, dict)
    }
    for refinement in refinements:
        owner = refinement["type"]
        new = dict(refinement)
        if "values" in new:
            new["values"] = [
                v for v in new["values"] if (owner, v.get("member"), v["value"]) not in have_values
            ]
            if not new["values"]:
                del new["values"]
        if "members" in new:
            new["members"] = [m for m in new["members"] if (owner, m["name"]) not in have_members]
            if not new["members"]:
                del new["members"]
        if "values" in new or "members" in new:
            existing.append(new)
    out["refinements"] = existing
    return out


# --- rendering for people ------------------------------------------------------------------------


def summary(report: DriftReport) -> str:
    """One line: what was read and how much drift it held, new drift apart."""
    values = sum(len(t.undeclared) for t in report.enums)
    properties = sum(len(t.properties) for t in report.properties)
    other = sum(t.other for t in report.enums) + sum(t.other for t in report.properties)
    named = "undeclared property" if properties == 1 else "undeclared properties"
    said = f"{plural(values, 'undeclared value')}, {properties} {named}"
    if other:
        said += f", {other} more past the cap of {report.cap}"
    if report.drift:
        said += f" ({report.new} new)" if report.baseline else ""
    else:
        said = "no drift"
    read = f"{plural(report.documents, 'document')} in {plural(report.files, 'file')}"
    return f"{read}: {said}"


def _value(value: Any) -> str:
    from conformance.report import clip, visible

    return visible(clip(value))


def _presence(presence: Presence) -> str:
    return (
        f"{plural(presence.value, 'value')}, {presence.absent} absent, {presence.null} null,"
        f' {presence.empty} ""'
    )


def _types(types: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in types)


def _rows(table: EnumTable) -> list[tuple[str, str, str, str]]:
    rows = [
        (_value(v.value), str(v.count), v.status, str(v.first) if v.first else "")
        for v in (*table.declared_seen, *table.undeclared)
    ]
    rows.extend((_value(v), "0", "never seen", "") for v in table.never_seen)
    if table.other:
        rows.append(("(other values)", str(table.other), "new", "past the cap"))
    return rows


def _property_rows(table: PropertyTable) -> list[tuple[str, str, str, str, str]]:
    from conformance.report import visible

    rows = [
        (
            visible(p.name),
            str(p.count),
            _types(p.types),
            p.status,
            visible(str(p.first)),
        )
        for p in table.properties
    ]
    if table.other:
        rows.append(("(other properties)", str(table.other), "", "new", "past the cap"))
    return rows


def _aligned(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], indent: str) -> list[str]:
    cells = [header, *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    numeric = {i for i, name in enumerate(header) if name == "count"}
    out = []
    for row in cells:
        parts = [
            (c.rjust(w) if i in numeric else c.ljust(w))
            for i, (c, w) in enumerate(zip(row, widths, strict=False))
        ]
        out.append((indent + "  ".join([*parts, row[-1]])).rstrip())
    return out


def render_text(report: DriftReport) -> str:
    """The report as aligned tables for a terminal or a log (``--format text``)."""
    from conformance.report import visible

    lines: list[str] = []
    for table in report.enums:
        loc = table.location
        enum = f"{loc.enum_type} {loc.member}" if loc.member else loc.enum_type
        lines.append(f"== {table.schema} {table.pointer or '(resource)'}  [enum {enum}]")
        lines.append(f"  {_presence(table.presence)}")
        lines.extend(_aligned(("value", "count", "status", "first seen"), _rows(table), "  "))
        lines.append("")
    for ptable in report.properties:
        lines.append(f"== undeclared properties of {visible(ptable.type)}")
        header = ("property", "count", "types", "status", "first seen")
        lines.extend(_aligned(header, _property_rows(ptable), "  "))
        lines.append("")
    findings = ", ".join(plural(n, kind) for kind, n in report.findings if kind not in _DRIFT)
    tail = f"; also {findings} (see 'conformance validate')" if findings else ""
    lines.append(f"drift: {summary(report)}{tail}")
    return "\n".join(lines) + "\n"


_DRIFT = frozenset({"enum-drift", "property-drift"})


def _md(text: str) -> str:
    """A table cell's code span: pipes escaped, backticks fenced by longer runs."""
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(report: DriftReport) -> str:
    """The report as GitHub-flavoured Markdown tables (``--format markdown``), for a pull
    request comment or a job summary."""
    from conformance.report import visible

    lines = ["## Drift", "", f"{summary(report)}.", ""]
    for table in report.enums:
        loc = table.location
        enum = f"{loc.enum_type} {loc.member}" if loc.member else loc.enum_type
        lines.append(f"### {_md(table.schema)} {_md(table.pointer or '(resource)')}")
        lines.append("")
        p = table.presence
        values = plural(p.value, "value")
        lines.append(
            f"Enum {_md(enum)}. Presence: {values}, {p.absent} absent, {p.null} null,"
            f' {p.empty} empty (`""`).'
        )
        lines.append("")
        lines.append("| value | count | status | first seen |")
        lines.append("|---|---:|---|---|")
        for value, count, status, first in _rows(table):
            lines.append(
                f"| {_md(value)} | {count} | {status} | {_md(visible(first)) if first else ''} |"
            )
        lines.append("")
    for ptable in report.properties:
        lines.append(f"### Undeclared properties of {_md(visible(ptable.type))}")
        lines.append("")
        lines.append("| property | count | types | status | first seen |")
        lines.append("|---|---:|---|---|---|")
        for name, count, types, status, first in _property_rows(ptable):
            lines.append(f"| {_md(name)} | {count} | {types} | {status} | {_md(first)} |")
        lines.append("")
    return "\n".join(lines)


def render_json(report: DriftReport) -> str:
    """The report as JSON (``--format json``): ``DriftReport.as_json``."""
    from conformance.report import dump_json

    return dump_json(report.as_json()) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
