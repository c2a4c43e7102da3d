"""The SARIF 2.1.0 report: findings as code-scanning alerts (GitHub, Azure DevOps, IDE viewers).

One run, with ``sync-conformance`` as its driver. A SARIF rule is a check that results refer to:
here one per schema and keyword for violations (``kendra.DataSourceSyncJob/pattern``), one per
schema and kind for drift and error responses, and one for unreadable input; its help lists the
vendor document sentences behind the findings that cite it. Each result points at the file, at
the line and column when the reader knew them (GitHub requires a line, so line 1 stands in
otherwise), and carries the JSON pointer as a logical location and in its properties.

Levels: error for violations and unreadable input, warning for drift (error with ``strict``,
since the run then fails on it), note for error responses. Request headers never appear; the
method, URL and status of a recorded request go in SARIF's own webRequest/webResponse.

A file name is bytes on Linux and need not be UTF-8; Python keeps the bytes it cannot decode as
lone surrogates, which no URI can carry, so such a name's bytes are percent-encoded as they are:
the URI still names the very file.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Any, Final
from urllib.parse import quote

from conformance.findings import Finding, Origin, Result
from conformance.report.base import (
    TOOL_NAME,
    Reporter,
    Spool,
    artifact_uri,
    details,
    message_of,
    relative_path,
    tool_version,
)

SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

_DESCRIPTIONS: Final = {
    "enum-drift": "A value the schema's enumeration does not know yet",
    "property-drift": "A property the schema does not know yet",
    "error-response": "An API error body recorded in traffic",
    "unreadable": "Input that cannot be read as a JSON document",
    "unselected": "A document no schema could be chosen for",
    "rule": "A contract rule beyond the schema (conformance rules lists them)",
}


def rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: ``schema/keyword``, ``schema/kind``, or the bare kind."""
    if finding.kind in ("unreadable", "unselected"):  # about the input, not about a schema
        return finding.kind
    if finding.kind == "rule":  # its own id, whichever resource broke it
        return finding.rule_id
    check = (finding.keyword or finding.kind) if finding.kind == "violation" else finding.kind
    return f"{finding.schema}/{check}" if finding.schema else check


class SarifReporter(Reporter):
    """Collects SARIF results and rules as results come; writes the log at the end."""

    def start(self) -> None:
        """Start with no rules and no results."""
        self._rules: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}  # rule id -> its place in _rules, which results cite
        self._helps: list[list[str]] = []
        self._results = Spool(depth=3)  # flat memory for any number of results
        self._omitted = 0

    def level(self, finding: Finding) -> str:
        """The SARIF level of a finding in this run: error when it fails the run."""
        if self.fails(finding):
            return "error"
        return "warning" if finding.is_drift or finding.kind == "rule" else "note"

    def write_result(self, result: Result) -> None:
        """Turn each shown finding of the document into a SARIF result."""
        shown, more = self.shown(result)
        self._omitted += more
        for finding in shown:
            self._results.add(self._result(result, finding))

    def _rule_index(self, finding: Finding) -> tuple[str, int]:
        rid = rule_id(finding)
        index = self._index.get(rid)
        if index is None:
            if finding.kind == "violation":
                text = f"The {finding.keyword or 'schema'} rule of {finding.schema}"
            else:
                text = _DESCRIPTIONS.get(finding.kind, finding.kind)
                if finding.schema and rid != finding.kind:
                    text += f" ({finding.schema})"
            properties: dict[str, str] = {"kind": finding.kind}
            if finding.schema:
                properties["schema"] = finding.schema
            if finding.keyword and finding.kind == "violation":
                properties["keyword"] = finding.keyword
            index = self._index[rid] = len(self._rules)
            self._rules.append(
                {
                    "id": rid,
                    "shortDescription": {"text": text},
                    "defaultConfiguration": {"level": self.level(finding)},
                    "properties": properties,
                }
            )
            self._helps.append([])
        if finding.rule is not None and finding.rule.text:
            helps = self._helps[index]
            cited = str(finding.rule)
            if cited not in helps:
                helps.append(cited)
        return rid, index

    def _result(self, result: Result, finding: Finding) -> dict[str, Any]:
        rid, index = self._rule_index(finding)
        location = finding.location
        region: dict[str, int] = {"startLine": location.line or 1}
        if location.line is not None and location.column is not None:
            region["startColumn"] = location.column
        sarif_location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(location.source)},
                "region": region,
            }
        }
        if finding.pointer:
            sarif_location["logicalLocations"] = [
                {"fullyQualifiedName": finding.pointer, "kind": "value"}
            ]
        lines = [f"{finding.pointer or '(document)'}: {message_of(finding)}"]
        lines.extend(details(finding, place=False))  # the region says where
        properties: dict[str, Any] = {
            "kind": finding.kind,
            "pointer": finding.pointer,
            "rule": finding.rule_id,
            "severity": finding.severity,
        }
        # The values raw, as the JSON report has them; the message above is for people.
        for key, value in (
            ("schema", finding.schema),
            ("keyword", finding.keyword),
            ("schemaLocation", finding.schema_location),
            ("expected", finding.expected),
            ("actual", finding.actual),
            ("actualType", finding.actual_type),
            ("presence", finding.presence),
            ("entry", result.location.entry),
            ("entryKind", result.location.entry_kind),
            ("selection", result.selection),
            ("converted", result.converted),
        ):
            if value is not None:
                properties[key] = value
        sarif: dict[str, Any] = {
            "ruleId": rid,
            "ruleIndex": index,
            "level": self.level(finding),
            "message": {"text": "\n".join(lines)},
            "locations": [sarif_location],
            "properties": properties,
        }
        if result.origin is not None:
            sarif.update(_web(result.origin))
        return sarif

    def write_end(self) -> None:
        """Write the SARIF log: one run, the rules met, the results."""
        rules = [
            {**rule, "help": {"text": "\n".join(helps)}} if helps else rule
            for rule, helps in zip(self._rules, self._helps, strict=True)
        ]
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": TOOL_NAME,
                    "version": tool_version(),
                    "rules": rules,
                }
            },
            # Columns come from Python's JSON decoder: code points, not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": self._results.placeholder,
            "properties": {
                "documents": self.documents,
                "files": self.files,
                "counts": dict(sorted(self.counts.items())),
                "omittedResults": self._omitted,
                # Recorded exchanges left out, not validated (no alerts): counted per reason.
                "skipped": dict(sorted(self.skipped.items())),
                "strict": self.strict,
                "exitCode": self.exit_code,
            },
        }
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        self._results.write_into(log, self.out)


def _uri(source: str) -> str:
    """``artifact_uri``, also for a file name that is not UTF-8 (its bytes percent-encoded)."""
    try:
        return artifact_uri(source)
    except UnicodeEncodeError:
        path = relative_path(source)
        if PurePath(path).is_absolute():
            return Path(path).as_uri()  # encodes the name's bytes (os.fsencode)
        return quote(os.fsencode(path), safe="/")


def _web(origin: Origin) -> dict[str, Any]:
    web: dict[str, Any] = {}
    request = {
        key: value for key, value in (("method", origin.method), ("target", origin.url)) if value
    }
    if request:
        web["webRequest"] = request
    if origin.status is not None:
        web["webResponse"] = {"statusCode": origin.status}
    return web
