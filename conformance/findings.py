"""Findings: what a run has to say about one place in one document, as frozen data.

Findings are made by the engine and rendered by the front-ends; nothing else passes between them.
A finding keeps the rule's source (the doc sentence and where it stands) so that a report can say
not only what is wrong but which line of which vendor document says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.redaction import redact_deep, redact_text

Kind = Literal[
    "violation",
    "enum-drift",
    "property-drift",
    "error-response",
    "unreadable",
    "unselected",
    "rule",
]

# Kinds that fail a run whatever the options: a wrong document, one that cannot be read, and one
# for which no schema could be chosen (never a silent guess).
FAILING_KINDS: frozenset[str] = frozenset({"violation", "unreadable", "unselected"})

# Drift is what the schema does not know yet (a new enum value, a new property): reported, but by
# itself not a failure unless the user asks for strictness.
DRIFT_KINDS: frozenset[str] = frozenset({"enum-drift", "property-drift"})

Severity = Literal["error", "warning", "note"]

# How much a finding matters by itself, whatever a run then makes of it (``--strict`` fails a run
# on drift, but drift stays a warning): a wrong or unreadable document is an error, what the
# schema does not know yet a warning, an API's own error response a note.
SEVERITIES: dict[str, Severity] = {
    "violation": "error",
    "unreadable": "error",
    "unselected": "error",
    "enum-drift": "warning",
    "property-drift": "warning",
    "error-response": "note",
    # A contract rule beyond the schema (``conformance.rules``) has its own severity: an error
    # fails a run, a warning only a strict one.
    "rule": "error",
}

# Whether there was a value where a finding points: no member at all, ``null``, the empty string
# (a placeholder, as in Graph's documented job response), or any other value.
Presence = Literal["absent", "null", "empty", "value"]


def presence_of(value: Any) -> Presence:
    """The presence word for a value that is there (``absent`` is for the caller to say)."""
    if value is None:
        return "null"
    return "empty" if value == "" else "value"


def json_type(value: Any) -> str:
    """The JSON type of a parsed value, as JSON Schema's ``type`` names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


EntryKind = Literal["line", "entry", "interaction", "example"]


@dataclass(frozen=True)
class Location:
    """Where something stands: a file (or ``<stdin>``) and, when known, the place inside it.

    ``line`` and ``column`` are 1-based positions in the file itself. ``entry`` numbers the
    document inside its container (1-based): an NDJSON line, a HAR entry, a cassette interaction,
    an example of a schema; ``entry_kind`` says which. ``within`` is the JSON pointer of a
    resource inside its body (``/History/3`` of a Kendra list page), empty for the whole body.
    """

    source: str
    line: int | None = None
    column: int | None = None
    entry: int | None = None
    entry_kind: EntryKind | None = None
    within: str = ""
    # The last line of a run of conforming NDJSON lines reported as one result.
    last_line: int | None = None

    def __str__(self) -> str:
        text = self.source
        if self.line is not None:
            text += f":{self.line}"
            if self.last_line is not None and self.last_line != self.line:
                text += f"-{self.last_line}"
            elif self.column is not None:
                text += f":{self.column}"
        if self.entry is not None and self.entry_kind != "line":
            text += f" {self.entry_kind or 'entry'} {self.entry}"
        if self.within:
            text += f" {self.within}"
        return text


@dataclass(frozen=True)
class Origin:
    """The request a recorded response answered, with secrets already redacted."""

    method: str | None = None
    url: str | None = None
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # When the exchange began, as the recording says (a HAR entry's ``startedDateTime``): kept
    # as read, untrusted, for ``conformance.drift`` to date the values it saw (it parses the
    # text strictly); not part of the JSON report, whose shape it would change.
    started: str | None = field(default=None, compare=False)

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)


@dataclass(frozen=True)
class Rule:
    """The doc sentence behind a schema rule, and where it was read."""

    text: str
    document: str
    section: str
    line: int
    row: int | None = None

    def __str__(self) -> str:
        where = f"{self.document}, {self.section}"
        if self.row is not None:
            where += f" row {self.row}"
        return f'"{self.text}" ({where}, line {self.line})'


@dataclass(frozen=True)
class Finding:
    """One thing a run found in one document, as data: values raw, shortening left to renderers.

    ``pointer`` is the JSON pointer of the value inside the body the document came in (so it
    includes ``location.within``, the resource it falls in; ``resource_pointer`` is the rest);
    ``location`` is where that value stands in the file, when the reader could tell, else where
    the document stands.

    ``actual`` is the observed value as parsed (``presence`` tells a ``null`` from no member at
    all), ``actual_type`` its JSON type; ``expected`` is what the schema asks, raw: the whole
    enum list, the declared property names (for an unknown property), the missing property's
    name (``required``), the type, the format's name, the pattern, the bound. ``schema_location``
    is the failed keyword's place in the catalog (``schema#/json/pointer``, ``$ref`` followed),
    and ``rule_id`` a stable name for the rule: the same as ``schema_location`` for the schemas'
    rules, a dotted word for the tool's own (``document.unreadable``, ``selection.unselected``).
    ``severity`` is how much the finding matters by itself, apart from its kind and the run's
    ``--strict``.

    Secrets never stay in a finding, whoever makes it: ``message`` goes through ``redact_text``
    and ``actual`` through ``redact_deep`` (a member named like a secret is withheld whole, a
    JWT or credential in a string too) when the finding is made.
    """

    kind: Kind
    location: Location
    message: str
    schema: str | None = None
    pointer: str = ""
    keyword: str | None = None
    # Raw JSON values: lists and dicts stay out of the hash, the rest of the finding is frozen.
    expected: Any = field(default=None, hash=False)
    actual: Any = field(default=None, hash=False)
    rule: Rule | None = None
    presence: Presence | None = None
    actual_type: str | None = None
    schema_location: str | None = None
    rule_id: str = ""
    severity: Severity | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", redact_text(self.message))
        if self.actual is not None:
            object.__setattr__(self, "actual", redact_deep(self.actual))
        if self.severity is None:
            object.__setattr__(self, "severity", SEVERITIES[self.kind])
        if not self.rule_id:
            object.__setattr__(self, "rule_id", self.schema_location or _TOOL_RULES[self.kind])

    @property
    def is_drift(self) -> bool:
        return self.kind in DRIFT_KINDS

    def fails(self, strict: bool = False) -> bool:
        """Whether this finding fails a run: violations, unreadable and unselected documents and
        rules of severity error always; drift and rule warnings when the run is strict."""
        if self.kind in FAILING_KINDS:
            return True
        if self.kind == "rule":
            return self.severity == "error" or strict
        return strict and self.kind in DRIFT_KINDS

    @property
    def resource_pointer(self) -> str:
        """The pointer inside the resource the finding falls in (``location.within``)."""
        within = self.location.within
        if within and (self.pointer == within or self.pointer.startswith(within + "/")):
            return self.pointer[len(within) :]
        return self.pointer


# The rule ids of findings the tool makes itself, when the maker names none more precise.
_TOOL_RULES: dict[str, str] = {
    "violation": "document.violation",
    "unreadable": "document.unreadable",
    "unselected": "selection.unselected",
    "enum-drift": "schema.enum-drift",
    "property-drift": "schema.property-drift",
    "error-response": "response.error",
    "rule": "rule",
}


@dataclass(frozen=True)
class Result:
    """What a run found in one document (a resource, an error body, or an unreadable input).

    ``findings`` come most specific first; a reporter that shows only the first says how many
    more there are. ``selection`` says why ``schema`` was chosen (for ``--explain-selection``).
    ``skipped`` says why a recorded exchange was not validated at all (and it is then no document).
    """

    location: Location
    schema: str | None
    findings: tuple[Finding, ...] = ()
    origin: Origin | None = None
    selection: str | None = None
    # How many resources the document held (the jobs of a list page), all validated.
    resources: int = 1
    # How many documents this result stands for: conforming NDJSON lines come in runs
    # (``location.line`` to ``location.last_line``), so that a bulk stream costs one result per
    # run rather than one per line.
    documents: int = 1
    # Findings past the per-document cap (``--max-kept-findings``), not kept but counted: (kind,
    # count) pairs. A document with 100,000 findings must not cost 100,000 of them in memory.
    dropped: tuple[tuple[str, int], ...] = ()
    # What was done to the document before validation, when it was not validated as captured
    # ("converted from AWS CLI output (2 timestamps)"; see conformance.captures).
    converted: str | None = None
    # Why a recorded exchange was left out rather than validated ("not JSON (text/html)",
    # "preflight", "URL not matched"; see ``conformance.sources.Skipped``): no findings, no schema.
    skipped: str | None = None

    @property
    def conforms(self) -> bool:
        """Nothing that fails a run by itself (drift, rule warnings and error responses do not
        count)."""
        return not any(f.fails() for f in self.findings)

    def fails(self, strict: bool = False) -> bool:
        """Whether this result fails a run: violations, unreadable input, rule errors, and drift
        and rule warnings when strict."""
        return any(f.fails(strict) for f in self.findings)
