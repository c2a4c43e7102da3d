"""The JSON report: one document for programs, described by ``report.schema.json``.

It is the only format that carries everything a result holds, the request's (already redacted)
headers included, because its readers are programs that may need them; it writes text exactly
as given, since JSON escapes what a terminal would not survive. One document means the results
are collected, as the small dicts that will be printed, and written at the end with the summary.
"""

from __future__ import annotations

from typing import Any

from conformance.findings import Finding, Origin, Result, Rule
from conformance.report import (
    KINDS,
    TOOL_NAME,
    Reporter,
    dump_json,
    location_json,
    tool_version,
)

FORMAT_VERSION = 1


class JsonReporter(Reporter):
    """Collects results as JSON objects and writes the report document at the end."""

    def start(self) -> None:
        """Start with no results."""
        self._results: list[dict[str, Any]] = []

    def write_result(self, result: Result) -> None:
        """Keep the JSON object for one document (findings capped by ``max_findings``)."""
        shown, more = self.shown(result)
        self._results.append(
            {
                "location": location_json(result.location),
                "status": self.status(result),
                "schema": result.schema,
                "selection": result.selection,
                "documents": result.documents,
                "resources": result.resources,
                "origin": _origin(result.origin),
                "findings": [_finding(f) for f in shown],
                "omitted_findings": more,
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
            },
            "results": self._results,
        }
        self.out.write(dump_json(document) + "\n")


def _origin(origin: Origin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    return {
        "method": origin.method,
        "url": origin.url,
        "status": origin.status,
        "headers": [[name, value] for name, value in origin.headers],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "message": finding.message,
        "schema": finding.schema,
        "pointer": finding.pointer,
        "keyword": finding.keyword,
        "expected": finding.expected,
        "actual": finding.actual,
        "rule": _rule(finding.rule),
        "location": location_json(finding.location),
    }


def _rule(rule: Rule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "text": rule.text,
        "document": rule.document,
        "section": rule.section,
        "line": rule.line,
        "row": rule.row,
    }
