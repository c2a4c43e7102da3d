"""Findings: what a run has to say about one place in one document, as frozen data.

Findings are made by the engine and rendered by the front-ends; nothing else passes between them.
A finding keeps the rule's source (the doc sentence and where it stands) so that a report can say
not only what is wrong but which line of which vendor document says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["violation", "enum-drift", "property-drift", "error-response", "unreadable"]

# Drift is what the schema does not know yet (a new enum value, a new property): reported, but by
# itself not a failure unless the user asks for strictness.
DRIFT_KINDS: frozenset[str] = frozenset({"enum-drift", "property-drift"})

_SHORT = 80


def shorten(value: Any, limit: int = _SHORT) -> str:
    """A JSON rendering of a value, cut in the middle when longer than ``limit`` characters."""
    text = value if isinstance(value, str) and value.startswith("<") else _dump(value)
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


def _dump(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return repr(value)


@dataclass(frozen=True)
class Location:
    """Where a document stands: a file (or ``<stdin>``), and where in it when known."""

    source: str
    line: int | None = None
    column: int | None = None
    # The position of the document inside its source (an NDJSON line, a HAR entry, an example).
    index: int | None = None

    def __str__(self) -> str:
        text = self.source
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.index is not None:
            text += f" #{self.index}"
        return text


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
    """One thing a run found in one document."""

    kind: Kind
    location: Location
    message: str
    schema: str | None = None
    pointer: str = ""
    keyword: str | None = None
    expected: str | None = None
    actual: str | None = None
    rule: Rule | None = None

    @property
    def is_drift(self) -> bool:
        return self.kind in DRIFT_KINDS


@dataclass(frozen=True)
class Result:
    """The findings for one document, most specific first; ``more`` counts the ones left out."""

    location: Location
    schema: str | None
    findings: tuple[Finding, ...] = ()

    @property
    def conforms(self) -> bool:
        return not any(f.kind in ("violation", "unreadable") for f in self.findings)
