"""Findings: what a run has to say about one place in one document, as frozen data.

Findings are made by the engine and rendered by the front-ends; nothing else passes between them.
A finding keeps the rule's source (the doc sentence and where it stands) so that a report can say
not only what is wrong but which line of which vendor document says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from conformance.redaction import redact_text

Kind = Literal[
    "violation", "enum-drift", "property-drift", "error-response", "unreadable", "unselected"
]

# Kinds that fail a run whatever the options: a wrong document, one that cannot be read, and one
# for which no schema could be chosen (never a silent guess).
FAILING_KINDS: frozenset[str] = frozenset({"violation", "unreadable", "unselected"})

# Drift is what the schema does not know yet (a new enum value, a new property): reported, but by
# itself not a failure unless the user asks for strictness.
DRIFT_KINDS: frozenset[str] = frozenset({"enum-drift", "property-drift"})

_SHORT = 80


def shorten(value: Any, limit: int = _SHORT) -> str:
    """A JSON rendering of a value, cut in the middle when longer than ``limit`` characters.

    Secrets the text quotes are redacted before it is cut: a cut could leave half of a token
    without the name or shape that would have told it was one.
    """
    text = value if isinstance(value, str) and value.startswith("<") else _dump(value)
    text = redact_text(text)
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


def _dump(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return repr(value)


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
    """One thing a run found in one document.

    ``pointer`` is the JSON pointer of the value inside the body the document came in (so it
    includes ``location.within``); ``location`` is where that value stands in the file, when the
    reader could tell, else where the document stands. ``message`` and ``actual`` are cleared of
    the secrets ``conformance.redaction.redact_text`` recognises when the finding is made.
    """

    kind: Kind
    location: Location
    message: str
    schema: str | None = None
    pointer: str = ""
    keyword: str | None = None
    expected: str | None = None
    actual: str | None = None
    rule: Rule | None = None

    def __post_init__(self) -> None:
        # Whoever makes a finding (the engine, a reader, a front-end), the texts that quote a
        # document or a recording leave it without the secrets ``redact_text`` recognises.
        object.__setattr__(self, "message", redact_text(self.message))
        if self.actual is not None:
            object.__setattr__(self, "actual", redact_text(self.actual))

    @property
    def is_drift(self) -> bool:
        return self.kind in DRIFT_KINDS


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
        """Nothing of a failing kind (drift and error responses do not count)."""
        return not any(f.kind in FAILING_KINDS for f in self.findings)

    def fails(self, strict: bool = False) -> bool:
        """Whether this result fails a run: violations, unreadable input, and drift when strict."""
        return not self.conforms or (strict and any(f.is_drift for f in self.findings))
