"""The JUnit XML report: sync-conformance results in the test tab of any CI.

Each source file is a ``<testsuite>`` and each document a ``<testcase>``, named by where it stands
in its file (entry number and resource pointer, not line numbers, so that a test's identity and
history survive an edit above it). Violations are a ``<failure>``, unreadable input an
``<error>``; drift (a failure only with ``strict``), error responses and the schema selection are
told in ``<system-out>``. XML 1.0 cannot hold most control characters, even escaped, so text is
cleaned of them before it goes in; the elements are built with ElementTree, which escapes the
rest. Results come file by file, so each case is written to a temporary file as it comes and
each suite when its file ends: memory holds counts, not the run's cases, and the document is
the one ElementTree writes for the whole tree (a file met again after another is a suite of its
own).
"""

from __future__ import annotations

import secrets
import weakref
from typing import IO, TYPE_CHECKING, Any

from conformance.findings import Finding, Location, Result
from conformance.report.base import TOOL_NAME, Reporter, details, message_of, request_line

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# What XML 1.0 forbids (its Char production), even as character references: C0 controls but
# TAB, LF and CR, lone surrogates, U+FFFE and U+FFFF. They are shown as escapes instead, so
# nothing of a message is lost and the document still parses.
_NOT_XML = {code: f"\\x{code:02x}" for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]}
_NOT_XML.update({code: f"\\u{code:04x}" for code in [*range(0xD800, 0xE000), 0xFFFE, 0xFFFF]})


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry shown as escapes."""
    return text.translate(_NOT_XML)


def case_name(location: Location, schema: str | None) -> str:
    """A test case name: ``path entry 3 /History/2 [kendra.DataSourceSyncJob]``."""
    name = location.source
    if location.entry_kind == "line" and location.last_line not in (None, location.entry):
        name += f" lines {location.entry}-{location.last_line}"  # a run of conforming lines
    elif location.entry is not None:
        name += f" {location.entry_kind or 'entry'} {location.entry}"
    if location.within:
        name += f" {location.within}"
    if schema:
        name += f" [{schema}]"
    return name


class JUnitReporter(Reporter):
    """Writes the cases as results come (one suite per file) and the document at the end."""

    def start(self) -> None:
        """Start with no suite. Results come file by file: each ``<testcase>`` is written to
        a temporary file as it comes, and each ``<testsuite>`` (whose counts lead it) when the
        next file starts, so memory holds counts, not cases."""
        self._cases = _spool()  # the current suite's cases
        self._done = _spool()  # the suites written so far
        # Closed, and their disk space given back, also when the report is never written.
        weakref.finalize(self, self._cases.close)
        weakref.finalize(self, self._done.close)
        self._source: str | None = None
        self._counts = dict.fromkeys(_COUNTS, 0)  # the current suite's
        self._totals = dict.fromkeys(_COUNTS, 0)
        self._suites = 0

    def write_result(self, result: Result) -> None:
        """Write the document's ``<testcase>`` into its file's ``<testsuite>``."""
        from xml.etree.ElementTree import Element, indent, tostring

        source = result.location.source
        if source != self._source or not self._counts["tests"]:
            self._close_suite()
            self._source = source
        case = Element(
            "testcase",
            name=xml_text(case_name(result.location, result.schema)),
            classname=xml_text(source),
        )
        self._fill(case, result)
        self._counts["tests"] += 1
        for element, count in (
            ("failure", "failures"),
            ("error", "errors"),
            ("skipped", "skipped"),
        ):
            if case.find(element) is not None:
                self._counts[count] += 1
        indent(case, level=2)
        separator = "\n    " if self._counts["tests"] > 1 else ""
        self._cases.write(separator + tostring(case, encoding="unicode"))

    def _fill(self, case: Element, result: Result) -> None:
        """The case's ``<skipped>``, ``<failure>`` or ``<error>``, and ``<system-out>``."""
        from xml.etree.ElementTree import SubElement

        if result.skipped is not None:
            SubElement(case, "skipped", message=xml_text(result.skipped))
            return
        shown, more = self.shown(result)
        failing = [f for f in shown if self.fails(f)]
        if failing:
            unreadable = any(f.kind == "unreadable" for f in failing)
            first = failing[0]
            element = SubElement(
                case,
                "error" if unreadable else "failure",
                type=first.kind,
                message=xml_text(message_of(first)),
            )
            element.text = xml_text(self._details(failing, more))
        told = [f for f in shown if not self.fails(f)]
        out: list[str] = []
        if self.explain_selection and result.selection is not None:
            out.append(f"selection: {result.selection}")
        if result.findings and result.origin is not None:
            out.append(f"request: {request_line(result.origin)}")
        if result.converted is not None:
            out.append(result.converted)
        if told:
            out.append(self._details(told, 0 if failing else more))
        if out:
            SubElement(case, "system-out").text = xml_text("\n".join(out))

    def write_skipped(self, result: Result) -> None:
        """A ``<testcase>`` marked ``<skipped>`` with the reason: CI shows it as skipped, never
        as a failure, and the suite still accounts for every entry of the recording."""
        self.write_result(result)

    def _details(self, findings: list[Finding], more: int) -> str:
        lines: list[str] = []
        for finding in findings:
            message = message_of(finding)
            lines.append(f"{finding.kind}  {finding.pointer or '(document)'}: {message}")
            lines.extend(f"    {line}" for line in details(finding))
        if more:
            lines.append(f"... and {more} more")
        return "\n".join(lines)

    def _close_suite(self) -> None:
        """Write the finished suite, its counts in its tag, indented as it stands in the
        document; start the next one empty."""
        from xml.etree.ElementTree import Element

        if self._source is None or not self._counts["tests"]:
            return
        suite = Element("testsuite", name=xml_text(self._source))
        for key, value in self._counts.items():
            suite.set(key, str(value))
            self._totals[key] += value
        head, tail = _tags(suite)
        self._done.write(("\n  " if self._suites else "") + head + "\n    ")
        _copy(self._cases, self._done)
        self._done.write("\n  " + tail)
        self._cases.seek(0)
        self._cases.truncate()
        self._counts = dict.fromkeys(_COUNTS, 0)
        self._suites += 1

    def write_end(self) -> None:
        """Close the last suite, and write the document: the totals, then every suite."""
        from xml.etree.ElementTree import Element, ElementTree

        self._close_suite()
        root = Element("testsuites", name=TOOL_NAME)
        for key, value in self._totals.items():
            root.set(key, str(value))
        with self._cases, self._done:
            if not self._suites:
                ElementTree(root).write(self.out, encoding="unicode", xml_declaration=True)
                self.out.write("\n")
                return
            head, tail = _tags(root)
            declaration = "<?xml version='1.0' encoding='utf-8'?>\n"
            self.out.write(declaration + head + "\n  ")
            _copy(self._done, self.out)
            self.out.write("\n" + tail + "\n")


_COUNTS = ("tests", "failures", "errors", "skipped")


def _spool() -> IO[str]:
    """A text file in memory up to 8 MiB, on disk past it."""
    import tempfile

    return tempfile.SpooledTemporaryFile(  # closed by write_end or at exit
        max_size=8 << 20, mode="w+", encoding="utf-8", newline="\n"
    )


def _tags(element: Element) -> tuple[str, str]:
    """The start and end tags of ``element`` as ElementTree writes them (attributes escaped)."""
    from xml.etree.ElementTree import tostring

    marker = f"content-{secrets.token_hex(16)}"
    element.text = marker
    head, _, tail = tostring(element, encoding="unicode").partition(marker)
    element.text = None
    return head, tail


def _copy(source: IO[str], target: IO[str] | Any) -> None:
    source.seek(0)
    while chunk := source.read(1 << 20):
        target.write(chunk)
