"""The text report: what a person reads in a terminal or a CI log.

Grouped by file, one line per document that starts with its status (``ok``, ``FAIL``, ...) so
that ``grep ^FAIL`` works, each finding under its document with the doc sentence behind the rule,
and a summary line at the end. It streams: nothing of a document is kept once it is printed.
Every piece of text that came from a document or a file name goes through ``visible``, so a
control character in an API error body can neither repaint the terminal nor break the layout.
"""

from __future__ import annotations

from typing import Final

from conformance.findings import Finding, Result
from conformance.report.base import (
    Reporter,
    Status,
    details,
    message_of,
    request_line,
    visible,
)

_LABELS: Final[dict[Status, str]] = {
    "ok": "ok",
    "fail": "FAIL",
    "drift": "drift",
    "warning": "warning",
    "error-response": "error-response",
    "unreadable": "unreadable",
    "skipped": "skip",
}

_RESET: Final = "\x1b[0m"
_BOLD: Final = "\x1b[1m"
_DIM: Final = "\x1b[2m"
_RED: Final = "\x1b[1;31m"
_GREEN: Final = "\x1b[32m"
_YELLOW: Final = "\x1b[33m"
_CYAN: Final = "\x1b[36m"
_MAGENTA: Final = "\x1b[1;35m"

_STATUS_COLORS: Final[dict[Status, str]] = {
    "ok": _GREEN,
    "fail": _RED,
    "drift": _YELLOW,
    "warning": _YELLOW,
    "error-response": _CYAN,
    "unreadable": _MAGENTA,
    "skipped": _DIM,
}
_KIND_COLORS: Final[dict[str, str]] = {
    "violation": _RED,
    "unselected": _RED,
    "enum-drift": _YELLOW,
    "property-drift": _YELLOW,
    "error-response": _CYAN,
    "unreadable": _MAGENTA,
    "rule": _RED,
}


class TextReporter(Reporter):
    """Prints each document as it comes, grouped under a header per file, then a summary."""

    _source: str | None = None  # the file whose header was printed last

    def write_result(self, result: Result) -> None:
        """Print the file header when the file changes, the document line and its findings."""
        lines: list[str] = []
        source = result.location.source
        if source != self._source:
            if self._source is not None:
                lines.append("")
            self._source = source
            lines.append(self._paint(f"== {visible(source)}", _BOLD))
        state = self.status(result)
        schema = f"  [{visible(result.schema)}]" if result.schema else ""
        label = self._paint(f"{_LABELS[state]:<5}", _STATUS_COLORS[state])
        # A run of conforming NDJSON lines is one result that stands for many documents.
        many = f"  ({result.documents} documents)" if result.documents > 1 else ""
        lines.append(f"{label} {visible(str(result.location))}{schema}{many}")
        if result.converted is not None:
            lines.append(self._paint(f"  {visible(result.converted)}", _DIM))
        if self.explain_selection and result.selection is not None:
            lines.append(self._paint(f"  selection: {visible(result.selection)}", _DIM))
        if result.findings and result.origin is not None:
            lines.append(self._paint(f"  request: {visible(request_line(result.origin))}", _DIM))
        shown, more = self.shown(result)
        for finding in shown:
            lines.extend(self._finding(finding))
        if more:
            lines.append(f"  ... and {more} more")
        self.out.write("\n".join(lines) + "\n")

    def _finding(self, finding: Finding) -> list[str]:
        kind = self._paint(finding.kind, _KIND_COLORS.get(finding.kind, ""))
        pointer = visible(finding.pointer) or "(document)"
        lines = [f"  {kind}  {pointer}: {visible(message_of(finding))}"]
        lines.extend(self._paint(f"      {visible(line)}", _DIM) for line in details(finding))
        return lines

    def write_end(self) -> None:
        """Print the summary line, green when the run passes and red when it fails."""
        color = _GREEN if self.exit_code == 0 else _RED
        self.out.write(self._paint(self.summary(), color) + "\n")

    def _paint(self, text: str, color: str) -> str:
        return f"{color}{text}{_RESET}" if self.color and color else text
