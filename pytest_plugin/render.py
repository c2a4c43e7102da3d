"""How findings read in pytest's output: failure messages and JUnit properties.

A failure reads like the CLI's text report (the same finding line, the same ``details`` under it:
expected and got, the doc sentence behind the rule, the place), with the schema of the resource
each finding falls in spelled out, since a test's output has no file header to hang it on. The
first line stands alone, because pytest's short summary shows only that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance import Finding, Result


def failure_message(results: Sequence[Result], strict: bool) -> str:
    """The whole message for documents that fail: a headline, then each document's findings."""
    lines = [headline(results, strict)]
    for result in results:
        lines.append("")
        lines.extend(result_lines(result))
    return "\n".join(lines)


def headline(results: Sequence[Result], strict: bool) -> str:
    """One line: what failed (counted by kind), and where when it is one document."""
    from conformance.report import plural, visible

    counts = Counter(f.kind for r in results for f in r.findings if _fails(f, strict))
    what = ", ".join(plural(n, kind) for kind, n in sorted(counts.items())) or "failure"
    if len(results) == 1:
        result = results[0]
        schema = f" [{visible(result.schema)}]" if result.schema else ""
        return f"conformance: {what} in {visible(str(result.location))}{schema}"
    return f"conformance: {what} in {len(results)} documents"


def result_lines(result: Result) -> list[str]:
    """A document's lines: where it is, its schema, the request it answered, every finding."""
    from conformance.report import request_line, visible

    schema = f"  [{visible(result.schema)}]" if result.schema else ""
    lines = [f"{visible(str(result.location))}{schema}"]
    if result.converted is not None:
        lines.append(f"  {visible(result.converted)}")
    if result.origin is not None:
        lines.append(f"  request: {visible(request_line(result.origin))}")
    if result.selection is not None and result.schema is not None:
        lines.append(f"  selected by: {visible(_selection(result.selection))}")
    for finding in result.findings:
        lines.extend(finding_lines(finding))
    return lines


def finding_lines(finding: Finding) -> list[str]:
    """The CLI's finding line and details, with the schema the finding's resource is held to."""
    from conformance.report import details, visible

    pointer = visible(finding.pointer) or "(document)"
    lines = [f"  {finding.kind}  {pointer}: {visible(finding.message)}"]
    if finding.schema is not None:
        lines.append(f"      schema: {visible(finding.schema)}")
    lines.extend(f"      {visible(line)}" for line in details(finding))
    return lines


def property_value(finding: Finding) -> str:
    """One line for a JUnit property: kind, pointer, schema, message, expected and got, rule."""
    from conformance.report import details, visible

    pointer = finding.pointer or "(document)"
    schema = f" [{finding.schema}]" if finding.schema else ""
    parts = [f"{finding.kind} {pointer}{schema}: {finding.message}", *details(finding)]
    return visible("; ".join(parts))


def _selection(reason: str) -> str:
    # The engine words a forced schema for the command line; in a test it was the argument.
    return "the schema argument" if reason == "forced by --schema" else reason


def _fails(finding: Finding, strict: bool) -> bool:
    return finding.fails(strict)
