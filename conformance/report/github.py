"""The GitHub Actions report: workflow commands that annotate the files of a pull request.

Each shown finding becomes one ``::error``, ``::warning`` or ``::notice`` line, which the runner
turns into an annotation at the file, line and column; the log keeps a plain summary line at the
end. A workflow command is one line read by the runner, so everything from a document is escaped
by GitHub's rules (a newline in a message must not start a command of its own), and other
control characters are shown as escapes like in the text report.
"""

from __future__ import annotations

from conformance.findings import Finding, Result
from conformance.report.base import Reporter, details, message_of, relative_path, visible


def escape_data(text: str) -> str:
    """A command's message escaped as the runner reads it: ``%``, CR and LF."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(escaped)


def escape_property(text: str) -> str:
    """A command property escaped as the runner reads it: also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHubReporter(Reporter):
    """Prints one workflow command per shown finding, and the summary line at the end."""

    def command(self, finding: Finding) -> str:
        """The annotation level of a finding kind: error, warning (error when strict) or notice."""
        if self.fails(finding):
            return "error"
        return "warning" if finding.is_drift or finding.kind == "rule" else "notice"

    def write_result(self, result: Result) -> None:
        """Print the document's annotations (nothing for a document that conforms)."""
        shown, more = self.shown(result)
        for finding in shown:
            self.out.write(self.annotation(finding, result.converted) + "\n")
        if more:
            self.out.write(f"... and {more} more in {visible(str(result.location))}\n")

    def annotation(self, finding: Finding, converted: str | None = None) -> str:
        """``::error file=...,line=...,col=...,title=...::message`` for one finding; ``converted``
        says what was done to its document before validation (``--capture``)."""
        location = finding.location
        properties: list[tuple[str, str]] = []
        if not location.source.startswith("<"):  # <stdin> is no file to annotate
            properties.append(("file", relative_path(location.source)))
        if location.line is not None:
            properties.append(("line", str(location.line)))
            if location.column is not None:
                properties.append(("col", str(location.column)))
        title = f"{finding.kind} {finding.pointer or '(document)'}"
        if finding.schema:
            title += f" [{finding.schema}]"
        properties.append(("title", title))
        # line= and col= say where
        lines = [message_of(finding), *details(finding, place=False)]
        if converted is not None:
            lines.append(converted)
        listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
        message = escape_data("\n".join(lines))
        return f"::{self.command(finding)} {listed}::{message}"

    def write_end(self) -> None:
        """Print the summary line, plain, for the log."""
        self.out.write(self.summary() + "\n")
