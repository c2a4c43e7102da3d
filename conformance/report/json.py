"""The JSON report: one document for programs, described by ``report.schema.json``.

It is the only format that carries everything a result holds, the request's (already redacted)
headers included, because its readers are programs that may need them; it writes text exactly
as given, since JSON escapes what a terminal would not survive. One document means the results
are collected, as the small dicts that will be printed, and written at the end with the summary.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from conformance.findings import Finding, Origin, Result
from conformance.report.base import (
    KINDS,
    TOOL_NAME,
    Reporter,
    Spool,
    tool_version,
)

# 2: findings carry raw values (expected, actual), presence, actual_type, schema_location,
# rule_id, severity and resource_pointer; in 1, expected and actual were shortened strings.
FORMAT_VERSION = 2


def _finding(finding: Finding) -> dict[str, Any]:
    """Every field of a finding, values raw, and the pointer within its resource."""
    return {**asdict(finding), "resource_pointer": finding.resource_pointer}


def _origin(origin: Origin | None) -> dict[str, Any] | None:
    """Every field of the origin but ``started``, which only ``conformance drift`` reads: the
    report's documented shape (report.schema.json) stays as it was."""
    if origin is None:
        return None
    data = asdict(origin)
    del data["started"]
    return data


class JsonReporter(Reporter):
    """Collects results as JSON objects and writes the report document at the end."""

    def start(self) -> None:
        """Start with no results (kept in a ``Spool``: flat memory for any number)."""
        self._results = Spool(depth=1)

    def write_result(self, result: Result) -> None:
        """Keep the JSON object for one document (findings capped by ``max_findings``)."""
        shown, more = self.shown(result)
        self._results.add(
            {
                "location": asdict(result.location),
                "status": self.status(result),
                "schema": result.schema,
                "selection": result.selection,
                "documents": result.documents,
                "resources": result.resources,
                # Every field of the frozen data, so the report cannot fall behind the model.
                "origin": _origin(result.origin),
                "findings": [_finding(f) for f in shown],
                "omitted_findings": more,
                "converted": result.converted,
                "skipped": None,
            }
        )

    def write_skipped(self, result: Result) -> None:
        """Keep a skipped exchange as a result with ``"skipped": reason``: no document, nothing
        validated, so that a program can still account for every entry of a recording."""
        self._results.add(
            {
                "location": asdict(result.location),
                "status": "skipped",
                "schema": None,
                "selection": None,
                "documents": 0,
                "resources": 0,
                "origin": _origin(result.origin),
                "findings": [],
                "omitted_findings": 0,
                "converted": None,
                "skipped": result.skipped,
            }
        )

    def write_end(self) -> None:
        """Write the whole report: version, tool, summary and results."""
        document = {
            "version": FORMAT_VERSION,
            "tool": {"name": TOOL_NAME, "version": tool_version()},
            "summary": {
                "files": self.files,
                "documents": self.documents,
                "counts": {kind: self.counts[kind] for kind in KINDS},
                "strict": self.strict,
                "exit_code": self.exit_code,
                "skipped": dict(sorted(self.skipped.items())),
            },
            "results": self._results.placeholder,
        }
        self._results.write_into(document, self.out)
