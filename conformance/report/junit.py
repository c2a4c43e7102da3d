"""The JUnit XML report: sync-conformance results in the test tab of any CI.

Each source file is a ``<testsuite>`` and each document a ``<testcase>``, named by where it stands
in its file (entry number and resource pointer, not line numbers, so that a test's identity and
history survive an edit above it). Violations are a ``<failure>``, unreadable input an
``<error>``; drift (a failure only with ``strict``), error responses and the schema selection are
told in ``<system-out>``. XML 1.0 cannot hold most control characters, even escaped, so text is
cleaned of them before it goes in; the tree is built with ElementTree, which escapes the rest.
"""

from __future__ import annotations

from conformance.findings import Finding, Location, Result
from conformance.report.base import TOOL_NAME, Reporter, details, message_of, request_line

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
    """Builds the XML tree as results come (one suite per file) and writes it at the end."""

    def start(self) -> None:
        """Start an empty ``<testsuites>`` (ElementTree is imported only for this format)."""
        from xml.etree.ElementTree import Element

        self._root = Element("testsuites", name=TOOL_NAME)
        self._suites: dict[str, Element] = {}

    def write_result(self, result: Result) -> None:
        """Add the document's ``<testcase>`` to its file's ``<testsuite>``."""
        from xml.etree.ElementTree import SubElement

        source = result.location.source
        suite = self._suites.get(source)
        if suite is None:
            suite = SubElement(self._root, "testsuite", name=xml_text(source))
            self._suites[source] = suite
        case = SubElement(
            suite,
            "testcase",
            name=xml_text(case_name(result.location, result.schema)),
            classname=xml_text(source),
        )
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

    def write_end(self) -> None:
        """Count tests, failures and errors per suite and in all, and write the document."""
        from xml.etree.ElementTree import ElementTree, indent

        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for suite in self._suites.values():
            cases = suite.findall("testcase")
            counts = {
                "tests": len(cases),
                "failures": sum(1 for c in cases if c.find("failure") is not None),
                "errors": sum(1 for c in cases if c.find("error") is not None),
                "skipped": sum(1 for c in cases if c.find("skipped") is not None),
            }
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
        for key, value in totals.items():
            self._root.set(key, str(value))
        indent(self._root)
        ElementTree(self._root).write(self.out, encoding="unicode", xml_declaration=True)
        self.out.write("\n")
