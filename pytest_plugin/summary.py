"""The run's record: the drift table of the terminal summary, and ``--conformance-report``.

A ``Ledger`` is registered as a plugin in the process that logs reports: the main process, or
pytest-xdist's controller, to which the workers send their reports. Each report carries the
results its test recorded (see ``codec``), so the ledger sees every document of the run, in the
order tests finished, whichever process checked it. The JSON report is the CLI's own reporter,
fed the same results.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from .codec import decode
from .state import Run

if TYPE_CHECKING:
    from conformance import Finding, Result
    from conformance.report import Reporter

# The attribute of a test report that carries its results (builtin values only; see codec).
REPORT_ATTRIBUTE = "sync_conformance_results"


@dataclass
class Drift:
    """One kind of drift: where, what was unknown, how often, and the first test that saw it."""

    schema: str
    pointer: str
    unknown: str
    count: int
    first: str


class Ledger:
    """Counts every checked document, keeps the drift, writes the JSON report at the end."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.documents = 0
        self.counts: Counter[str] = Counter()
        self.drift: dict[tuple[str, str, str], Drift] = {}
        self._report: Reporter | None = None
        self._report_text = io.StringIO()

    def add(self, result: Result, nodeid: str) -> None:
        """Count one result, keep its drift, and hand it to the JSON report when one is asked."""
        self.documents += result.documents
        self.counts.update(f.kind for f in result.findings)
        for finding in result.findings:
            if finding.is_drift:
                self._drift(finding, nodeid)
        if self.run.settings.report is not None:
            if self._report is None:
                from conformance.report import REPORTERS

                self._report = REPORTERS["json"](self._report_text, strict=self.run.strict)
            self._report.add(result)

    def _drift(self, finding: Finding, nodeid: str) -> None:
        # The pointer inside the resource, so that /History/0/Status and /History/3/Status of
        # the same schema count as the same drift.
        pointer = finding.resource_pointer
        if finding.kind == "property-drift":
            name = finding.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            unknown = f"property {name!r}"
        else:
            from conformance.report import clip

            unknown = f"value {clip(finding.actual)}"
        key = (finding.schema or "?", pointer, unknown)
        found = self.drift.get(key)
        if found is None:
            self.drift[key] = Drift(key[0], pointer or "(document)", unknown, 1, nodeid)
        else:
            found.count += 1

    # --- hooks ---------------------------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Take the results a test's report carries."""
        data: Any = getattr(report, REPORT_ATTRIBUTE, None)
        for item in data or ():
            self.add(decode(item), report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write ``--conformance-report`` (an empty run writes an empty report)."""
        path = self.run.settings.report
        if path is None:
            return
        if self._report is None:
            from conformance.report import REPORTERS

            self._report = REPORTERS["json"](self._report_text, strict=self.run.strict)
        self._report.finish()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self._report_text.getvalue(), encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """A ``conformance`` section: the documents checked, and the drift table."""
        if not self.documents and self.run.settings.report is None:
            return
        tr = terminalreporter
        tr.write_sep("=", "conformance")
        from conformance.report import plural

        counts = ", ".join(plural(n, kind) for kind, n in sorted(self.counts.items()))
        tr.write_line(f"{plural(self.documents, 'document')} checked: {counts or 'all conform'}")
        if self.drift and self.run.settings.drift != "ignore":
            tr.write_line("drift (what the schemas do not know yet):")
            for line in drift_table(list(self.drift.values())):
                tr.write_line(line)
        if self.run.settings.report is not None:
            tr.write_line(f"report: {self.run.settings.report}")


def drift_table(rows: list[Drift]) -> list[str]:
    """The drift as aligned columns: schema, pointer, unknown, count, first test seen."""
    from conformance.report import visible

    header = ("schema", "pointer", "unknown", "count", "first seen in")
    cells: list[tuple[str, ...]] = [header]
    for r in sorted(rows, key=lambda r: (r.schema, r.pointer, r.unknown)):
        row = (r.schema, r.pointer, r.unknown, str(r.count), r.first)
        cells.append(tuple(visible(c) for c in row))
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in cells
    ]
