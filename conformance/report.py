"""The text report: results grouped by document, a summary line, and the run's exit code."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from conformance.findings import Result

EXIT_OK, EXIT_FOUND, EXIT_UNREADABLE = 0, 1, 2


class TextReport:
    """Prints each result as it comes and a summary at the end."""

    def __init__(self, out: TextIO, *, explain_selection: bool = False) -> None:
        self.out = out
        self.explain_selection = explain_selection
        self.counts: Counter[str] = Counter()
        self.documents = 0

    def add(self, result: Result) -> None:
        """Print one document's result."""
        self.documents += 1
        schema = f"  [{result.schema}]" if result.schema else ""
        if self.explain_selection and result.selection:
            schema += f"  (selected by {result.selection})"
        if not result.findings:
            self.out.write(f"ok    {result.location}{schema}\n")
            return
        status = "FAIL" if not result.conforms else "drift"
        self.out.write(f"{status:<5} {result.location}{schema}\n")
        for finding in result.findings:
            self.counts[finding.kind] += 1
            pointer = finding.pointer or "(document)"
            self.out.write(f"  {finding.kind}  {pointer}: {finding.message}\n")
            if finding.location.line is not None:
                self.out.write(f"      at {finding.location}\n")
            if finding.expected is not None or finding.actual is not None:
                self.out.write(f"      expected {finding.expected}, got {finding.actual}\n")
            if finding.rule is not None and finding.rule.text:
                self.out.write(f"      rule: {finding.rule}\n")

    def finish(self) -> int:
        """Print the summary; return the exit code."""
        parts = [f"{n} {kind}" for kind, n in sorted(self.counts.items())]
        noun = "document" if self.documents == 1 else "documents"
        self.out.write(f"{self.documents} {noun}: {', '.join(parts) or 'all conform'}\n")
        if self.counts["unreadable"]:
            return EXIT_UNREADABLE
        return EXIT_FOUND if self.counts["violation"] else EXIT_OK
