"""First-day annoyances, each pinned: what a new user trips over in the first hour.

Each section reproduces one complaint (an empty folder passing, a config glob that excluded
nothing, a config value of the wrong type taken silently, the top-level usage for a subcommand's
mistake, "2 violation", a derive message that named no file, one report format per run) and
checks the fix.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.findings import Finding, Location, Result
from conformance.report import REPORTERS, plural

JOB = {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED"}
SCHEMA = "kendra.DataSourceSyncJob"


def _violation(n: int) -> Finding:
    return Finding("violation", Location("job.json", n, 1), f"bad {n}", SCHEMA, f"/P{n}")


# --- 5. plurals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (1, "violation", "1 violation"),
        (2, "violation", "2 violations"),
        (0, "violation", "0 violations"),
        (2, "enum-drift", "2 enum-drifts"),
        (2, "error-response", "2 error-responses"),
        (2, "unreadable", "2 unreadable"),
        (2, "unselected", "2 unselected"),
        (1, "file", "1 file"),
    ],
)
def test_plural(n: int, noun: str, text: str) -> None:
    """A count agrees with its noun; the kinds that are adjectives stay as they are."""
    assert plural(n, noun) == text


@pytest.mark.parametrize(("n", "summary"), [(1, "1 violation"), (2, "2 violations")])
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_summary_line_counts_agree(n: int, summary: str, fmt: str) -> None:
    """The summary line of the text and GitHub reports: "1 violation", "2 violations"."""
    out = io.StringIO()
    report = REPORTERS[fmt](out)
    report.add(Result(Location("job.json"), SCHEMA, tuple(_violation(i + 1) for i in range(n))))
    assert report.finish() == 1
    assert out.getvalue().splitlines()[-1] == f"1 file, 1 document: {summary}"


def test_cli_summary_plural(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end: two violations in one document are "2 violations"."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**JOB, "Status": 1, "ExecutionId": 2}), encoding="utf-8")
    assert main(["validate", str(path), "--schema", SCHEMA]) == 1
    assert capsys.readouterr().out.rstrip().endswith("1 file, 1 document: 2 violations")


def test_plugin_headline_plural() -> None:
    """The pytest plugin's failure headline counts as the CLI does."""
    from pytest_plugin.render import headline

    one = Result(Location("job.json"), SCHEMA, (_violation(1),))
    two = Result(Location("job.json"), SCHEMA, (_violation(1), _violation(2)))
    assert headline([one], False).startswith("conformance: 1 violation in ")
    assert headline([two], False).startswith("conformance: 2 violations in ")
