"""Drift per group: per tenant, per day, per object, with first places and a few examples each.

``conformance drift --group-by KEY`` answers, over a fleet's corpus, "which tenants (or days)
see which undeclared values and properties, how often, where first": each group lists its drift
(an ``enum-drift`` value or a ``property-drift`` property at a pointer of a resource's schema)
with its count, the first place it was seen and at most ``max_examples`` places in all, so that
memory grows with the number of groups and distinct drift values, never with the corpus.

A key is a field of where a document came from, or a JSON pointer into each resource:

- ``source``: the file or object the document was read from;
- ``origin.url``, ``origin.host``, ``origin.method``, ``origin.status``: the request a recorded
  response answered (HAR, cassettes; ``(none)`` for NDJSON and JSON files, which record none);
- ``day``: the UTC day of the resource's own time (``conformance.drift``: Kendra's
  ``StartTime``, a Graph status's observation or run), else of a HAR entry's start, else
  ``(undated)``;
- ``/a/json/pointer``: the value at that pointer in each resource (the Kendra job, the Graph
  job's status: where findings are placed), ``(absent)`` where there is none.

A field may end in ``~REGEX``: the group is the regular expression's first group (or its whole
match) searched in the field's text, ``(no match)`` where it does not match. ``source~tenant=
([^/]+)`` groups the objects of ``s3://polls/tenant=contoso/2026-11-01.ndjson`` by tenant.

Memory is bounded by caps: at most ``max_groups`` groups (the documents of later new groups are
counted in ``(other groups)``), ``cap`` distinct drift entries over all groups (later new ones
counted per group as ``other``), ``max_examples`` places per entry, and a key's text cut at
``KEY_LIMIT`` characters. Keys are document content: a secret in them is withheld
(``conformance.redaction``). A grouping built over part of a corpus merges into one built over
the parts before it (``merge``), as a cluster's workers' do.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from conformance.drift import day_of, resource_day
from conformance.errors import InputError
from conformance.findings import DRIFT_KINDS, Finding, Location, Result
from conformance.redaction import REDACTED, redact_deep, redact_text, secret_at

DEFAULT_MAX_EXAMPLES = 3
DEFAULT_MAX_GROUPS = 1_000
DEFAULT_CAP = 10_000
KEY_LIMIT = 200
FIELDS = ("source", "day", "origin.url", "origin.host", "origin.method", "origin.status")
NONE, ABSENT, NO_MATCH, OTHER_GROUPS, UNDATED = (
    "(none)",
    "(absent)",
    "(no match)",
    "(other groups)",
    "(undated)",
)


@dataclass(frozen=True)
class Key:
    """How a document's or resource's group is told: a field or a JSON pointer, and a regular
    expression that picks part of it."""

    field: str
    pattern: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> Key:
        """``source``, ``day``, ``origin.*``, or ``/pointer``, each with an optional ``~REGEX``."""
        # The first ~ that is not a JSON pointer's escape (~0, ~1) starts the expression.
        split = _SPLIT.fullmatch(text)
        assert split is not None  # the pattern matches every text
        field, expression = split.group(1), split.group(2)
        tilde = expression is not None
        if field not in FIELDS and not field.startswith("/"):
            raise InputError(
                f"--group-by {text!r}: give one of {', '.join(FIELDS)} or a JSON pointer"
                " (/Status), optionally with ~REGEX"
            )
        pattern = None
        if tilde:
            try:
                pattern = re.compile(expression or "")
            except re.error as exc:
                raise InputError(f"--group-by {text!r}: the regular expression: {exc}") from None
        return cls(field, pattern)

    @property
    def per_resource(self) -> bool:
        """Whether the group is told per resource (a day, a pointer) rather than per document."""
        return self.field == "day" or self.field.startswith("/")

    def __str__(self) -> str:
        return self.field + (f"~{self.pattern.pattern}" if self.pattern else "")

    def of_document(self, result: Result) -> str:
        """The group of a document by where it came from."""
        if self.field == "source":
            return self._picked(result.location.source)
        if self.field == "day":
            started = result.origin.started if result.origin is not None else None
            return (day_of(started) if started is not None else None) or UNDATED
        origin = result.origin
        if origin is None:
            return NONE
        name = self.field.removeprefix("origin.")
        if name == "host":
            url = origin.url or ""
            try:
                raw: object = urlsplit(url).hostname if url else None
            except ValueError:
                raw = None
        else:
            raw = getattr(origin, name, None)
        return NONE if raw is None else self._picked(str(raw))

    def of_resource(self, schema: str, value: Any) -> str | None:
        """The group of one resource, or None when it is told by the document (``day`` with no
        time of the resource's own: the HAR entry's start then tells)."""
        if self.field == "day":
            return resource_day(schema, value)
        node = value
        path: list[str | int] = []
        for token in self.field.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if type(node) is dict:
                node = node.get(token, _ABSENT)
                path.append(token)
            elif (
                type(node) is list
                and token.isascii()
                and token.isdigit()
                and int(token) < len(node)
            ):
                node = node[int(token)]
                path.append(int(token))
            else:
                node = _ABSENT
            if node is _ABSENT:
                return ABSENT
        if secret_at(value, path):  # a member named like a secret, or inside one
            return REDACTED
        text = node if type(node) is str else json.dumps(redact_deep(node), sort_keys=True)
        return self._picked(text)

    def _picked(self, text: str) -> str:
        # Redacted before the cut, so that a token that straddles it is still recognised.
        text = redact_text(text[: 4 * KEY_LIMIT])[:KEY_LIMIT]
        if self.pattern is None:
            return text
        found = self.pattern.search(text)
        if found is None:
            return NO_MATCH
        # The first group, or the whole match where there is none or it took no part.
        picked = found.group(1) if found.re.groups else None
        return picked if picked is not None else found.group(0)


_ABSENT = object()
_SPLIT = re.compile(r"((?:[^~]|~[01])*)(?:~(.*))?", re.DOTALL)


@dataclass(frozen=True)
class Drift:
    """One undeclared value or property in one group: where in which schema, how often, the
    first place it was seen and a few places in all (the first among them)."""

    kind: str
    schema: str | None
    pointer: str  # in the resource, array indexes as *
    value: Any  # the raw value (secrets withheld), or the property's name
    count: int
    first: str
    examples: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "schema": self.schema,
            "pointer": self.pointer,
            "value": self.value,
            "count": self.count,
            "first": self.first,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class Group:
    """One group's drift, most frequent first. ``count`` is how many documents (a key told per
    document) or resources (a key told per resource) the group had; ``other`` the drift past the
    run's cap of distinct entries, counted only."""

    key: str
    count: int
    drift: tuple[Drift, ...]
    other: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "count": self.count,
            "drift": [d.as_json() for d in self.drift],
            "other": self.other,
        }


class _Entry:
    __slots__ = ("count", "examples")

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []


class Grouping:
    """One streaming pass, as ``conformance.drift.Analysis`` makes one: ``observe`` (an
    ``Options.observer``) sees every resource, ``add`` every result; ``finish`` the groups."""

    def __init__(
        self,
        key: Key,
        *,
        max_examples: int = DEFAULT_MAX_EXAMPLES,
        max_groups: int = DEFAULT_MAX_GROUPS,
        cap: int = DEFAULT_CAP,
    ) -> None:
        if max_examples < 1 or max_groups < 1 or cap < 0:
            raise ValueError("max_examples and max_groups must be at least 1, cap at least 0")
        self.key, self.max_examples, self.max_groups, self.cap = key, max_examples, max_groups, cap
        self._documents: Counter[str] = Counter()
        # Per group: per (kind, schema, pointer, value's JSON text): count and examples; and
        # each value as kept, by its text.
        self._drift: dict[str, dict[tuple[str, str | None, str, str], _Entry]] = {}
        self._values: dict[str, Any] = {}
        self._other: Counter[str] = Counter()
        self._kept = 0
        # The groups of the resources of the document being checked, by their pointer in it.
        self._at: tuple[str, int | None, int | None] | None = None
        self._resources: dict[str, str | None] = {}
        # Resources of the HAR entry being checked that wait for its start to tell their day.
        self._deferred = 0

    def observe(self, schema: str, value: Any, location: Location) -> None:
        """Tell the group of one resource (for a key told per resource), and count it."""
        if not self.key.per_resource:
            return
        where = (location.source, location.line, location.entry)
        if where != self._at:  # a new document: the last one's result has come and gone
            self._at = where
            self._resources.clear()
        group = self.key.of_resource(schema, value)
        if group is None and location.entry_kind == "entry":
            # Undated, in a HAR entry: the entry's start tells its day when its result comes.
            self._deferred += 1
        else:
            group = self._group(group if group is not None else UNDATED)
            self._documents[group] += 1
        self._resources[location.within] = group

    def add(self, result: Result) -> None:
        """Count a document (for a key told per document) and place its drift in its groups."""
        document: str | None = None
        if not self.key.per_resource:
            document = self._group(self.key.of_document(result))
            self._documents[document] += result.documents
        elif self._deferred:
            self._documents[self._group(self.key.of_document(result))] += self._deferred
            self._deferred = 0
        for finding in result.findings:
            if finding.kind not in DRIFT_KINDS:
                continue
            if document is not None:
                group = document
            else:
                told = self._resources.get(finding.location.within)
                group = self._group(told if told is not None else self.key.of_document(result))
            self._count(group, finding)

    def _group(self, key: str) -> str:
        """The group ``key`` is counted in: itself, listed from now on, while there is room
        for another group; else ``OTHER_GROUPS``."""
        if key in self._documents:
            return key
        if len(self._documents) < self.max_groups:
            self._documents[key] = 0
            return key
        return OTHER_GROUPS

    def _count(self, group: str, finding: Finding) -> None:
        value: Any = finding.actual
        if finding.kind == "property-drift":
            value = finding.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        text = json.dumps(value, sort_keys=True, default=str)
        pointer = "/".join("*" if t.isdigit() else t for t in finding.resource_pointer.split("/"))
        entries = self._drift.setdefault(group, {})
        name = (finding.kind, finding.schema, pointer, text)
        entry = entries.get(name)
        if entry is None:
            if self._kept >= self.cap:
                self._other[group] += 1
                return
            self._kept += 1
            entry = entries[name] = _Entry()
            self._values.setdefault(text, value)
        entry.count += 1
        if len(entry.examples) < self.max_examples:
            entry.examples.append(str(finding.location))

    def merge(self, later: Grouping) -> None:
        """Add what ``later`` counted over the documents after those of this grouping: first
        places and examples stay the earliest, as one pass over both would keep them. Exact
        while neither reached a cap."""
        for group, count in later._documents.items():
            self._documents[self._group(group)] += count
        for group, entries in later._drift.items():
            mine = self._drift.setdefault(self._group(group), {})
            for name, theirs in entries.items():
                entry = mine.get(name)
                if entry is None:
                    if self._kept >= self.cap:
                        self._other[self._group(group)] += theirs.count
                        continue
                    self._kept += 1
                    entry = mine[name] = _Entry()
                    self._values.setdefault(name[3], later._values[name[3]])
                entry.count += theirs.count
                room = self.max_examples - len(entry.examples)
                entry.examples.extend(theirs.examples[:room])
        for group, count in later._other.items():
            self._other[self._group(group)] += count

    def finish(self) -> tuple[Group, ...]:
        """The groups, by key, each one's drift most frequent first."""
        groups = []
        for key in sorted(set(self._documents) | set(self._drift) | set(self._other)):
            entries = self._drift.get(key, {})
            drift = tuple(
                Drift(
                    kind,
                    schema,
                    pointer,
                    self._values[text],
                    e.count,
                    e.examples[0],
                    (*e.examples,),
                )
                for (kind, schema, pointer, text), e in sorted(
                    entries.items(),
                    key=lambda kv: (-kv[1].count, kv[0][0], str(kv[0][1]), kv[0][2], kv[0][3]),
                )
            )
            groups.append(Group(key, self._documents[key], drift, self._other[key]))
        return tuple(groups)


def as_json(key: Key, groups: tuple[Group, ...], max_examples: int) -> dict[str, Any]:
    """The ``groups`` member of ``conformance drift --format json``."""
    return {
        "key": str(key),
        "counted": "resources" if key.per_resource else "documents",
        "max_examples": max_examples,
        "groups": [group.as_json() for group in groups],
    }


def _rows(group: Group) -> list[tuple[str, str, str, str, str]]:
    """Per drift entry of a group: its group, what, value (shortened), count, first place."""
    from conformance.report import clip, visible

    rows = []
    for d in group.drift:
        shown = visible(d.value) if d.kind == "property-drift" else visible(clip(d.value))
        what = f"{d.kind} {d.schema or '?'} {d.pointer or '/'}"
        rows.append((visible(group.key), what, shown, str(d.count), visible(d.first)))
    return rows


def render_text(key: Key, groups: tuple[Group, ...]) -> str:
    """The groups as text: one line per group, then its drift one line each."""
    from conformance.report import plural, visible

    noun = "resource" if key.per_resource else "document"
    lines = [f"Drift by {visible(str(key))}: {plural(len(groups), 'group')}"]
    for group in groups:
        lines.append(
            f"  {visible(group.key)}: {plural(group.count, noun)},"
            f" {plural(len(group.drift), 'drift value')}"
        )
        for _, what, shown, count, first in _rows(group):
            lines.append(f"    {what} {shown}: {count}, first {first}")
        if group.other:
            lines.append(f"    and {group.other} more, past the cap of distinct entries")
    return "\n".join(lines) + "\n"


def render_markdown(key: Key, groups: tuple[Group, ...]) -> str:
    """The groups as one Markdown table."""
    from conformance.report import visible

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"## Drift by {cell(visible(str(key)))}", ""]
    lines += ["| group | drift | value | count | first seen |", "|---|---|---|---:|---|"]
    lines += [
        "| " + " | ".join(cell(c) for c in row) + " |" for group in groups for row in _rows(group)
    ]
    return "\n".join(lines) + "\n"


def render_html(key: Key, groups: tuple[Group, ...]) -> str:
    """The groups as a section of ``conformance drift --format html``: one table."""
    from html import escape

    from conformance.report import visible

    rows = [
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for group in groups
        for row in _rows(group)
    ]
    title = escape(visible(str(key)))
    return "\n".join(
        [
            '<section class="groups">',
            f"<h2>Drift by <code>{title}</code></h2>",
            "<table>",
            f"<caption>Undeclared values and properties by {title}</caption>",
            "<thead><tr>"
            + "".join(
                f'<th scope="col">{h}</th>'
                for h in ("group", "drift", "value", "count", "first seen")
            )
            + "</tr></thead>",
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
            "</section>",
        ]
    )
