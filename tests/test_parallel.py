"""NDJSON in worker processes gives the same results, in the same order, as one process."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

from conformance import parallel
from conformance.findings import Result
from conformance.pipeline import Options, Pipeline

JOB = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}


def _flat(results: list[Result]) -> list[tuple[object, ...]]:
    """A comparable view: adjacent conforming runs merged (workers split runs at range ends)."""
    out: list[list[object]] = []
    for r in results:
        last = r.location.last_line or r.location.line
        if not r.findings and out and out[-1][0] == "run" and out[-1][3] == r.schema:
            out[-1][2] = last
            out[-1][4] = int(str(out[-1][4])) + r.documents
            continue
        if not r.findings:
            out.append(["run", r.location.line, last, r.schema, r.documents])
            continue
        out.append(["doc", r.location.line, r.schema])
        out.extend([f.kind, f.pointer, f.location.line, f.location.column] for f in r.findings)
    return [tuple(row) for row in out]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """3,000 lines: pages, a bad job every 97 lines, broken JSON and blank lines between."""
    lines = []
    for i in range(3000):
        if i % 97 == 13:
            lines.append(json.dumps({"History": [JOB, {**JOB, "Status": 7}]}))
        elif i % 331 == 5:
            lines.append("{broken")
        elif i % 500 == 7:
            lines.append("")
        else:
            lines.append(json.dumps({"History": [JOB] * (1 + i % 3), "NextToken": f"t{i}"}))
    path = tmp_path / "pages.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_two_jobs_match_one(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With small ranges (many range boundaries), --jobs 2 reports exactly what one process does."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 8 * 1024)
    assert len(parallel.ranges(str(corpus))) > 10
    one = list(Pipeline(Options()).run([str(corpus)]))
    two = list(Pipeline(Options(jobs=2)).run([str(corpus)]))
    assert _flat(two) == _flat(one)
    assert sum(r.documents for r in one) == 3000 - 6  # blank lines are not documents
    failing = [r for r in one if r.findings]
    assert [r.location.line for r in failing][:3] == [6, 14, 111]
    assert failing[1].findings[0].pointer == "/History/1/Status"


def test_ranges_end_after_newlines_and_cover_the_file(corpus: Path) -> None:
    """Range boundaries fall just after a newline and the ranges tile the whole file."""
    data = corpus.read_bytes()
    spans = parallel.ranges(str(corpus), size=5000)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(data)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end == start
        assert data[end - 1 : end] == b"\n"


def test_a_big_file_gets_bigger_ranges_not_more(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The range numbers must all fit in a pipe before the workers start: their count is capped,
    and two jobs still report what one process does."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 1024)
    monkeypatch.setattr(parallel, "MAX_RANGES", 5)
    assert 2 <= len(parallel.ranges(str(corpus))) <= 5
    one = list(Pipeline(Options()).run([str(corpus)]))
    two = list(Pipeline(Options(jobs=2)).run([str(corpus)]))
    assert _flat(two) == _flat(one)


def test_a_failing_worker_leaves_its_ranges_to_the_parent(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies (here: every worker, on its second range) costs speed, not results:
    the parent validates what the worker did not send, and the report is the same."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 8 * 1024)
    parent, real = os.getpid(), parallel.check_range
    done: list[int] = []

    def dying(*args: object) -> tuple[int, list[Result]]:
        if os.getpid() != parent:
            done.append(1)
            if len(done) > 1:
                os._exit(3)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "check_range", dying)
    one = list(Pipeline(Options()).run([str(corpus)]))
    two = list(Pipeline(Options(jobs=2)).run([str(corpus)]))
    assert _flat(two) == _flat(one)


def test_stopping_early_ends_and_reaps_the_workers(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consumer that stops after the first result leaves no worker running or unreaped
    (children of this process that other tests started, such as a Dask cluster's, aside)."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 8 * 1024)
    before = _children()
    results = Pipeline(Options(jobs=2)).run([str(corpus)])
    next(results)
    assert _children() - before  # the workers run
    results.close()
    assert _children() - before == set()


def _children() -> set[int]:
    """The processes whose parent is this one, zombies included (read from /proc)."""
    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc")
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended while listed
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(entry))
    return found


def test_ranges_with_results_larger_than_a_pipe_buffer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line failing makes each range's results far larger than a pipe's 64 KiB buffer:
    they still arrive whole and in order."""
    bad = {**JOB, "Status": "QUEUED", "ErrorMessage": "tab\there"}
    path = tmp_path / "bad.ndjson"
    path.write_text("".join(json.dumps({"History": [bad, bad]}) + "\n" for _ in range(3000)))
    monkeypatch.setattr(parallel, "RANGE_BYTES", 128 * 1024)
    assert len(parallel.ranges(str(path))) >= 3
    one = list(Pipeline(Options()).run([str(path)]))
    two = list(Pipeline(Options(jobs=2)).run([str(path)]))
    assert len(one) == 3000
    assert _flat(two) == _flat(one)


def test_each_range_is_a_series_of_its_own(tmp_path: Path) -> None:
    """A worker that checks two ranges of a file does not judge the second by the first (its
    ranges are not consecutive): each range starts a series afresh, whichever worker reads it."""
    metrics = {"DocumentsAdded": "0", "DocumentsDeleted": "0", "DocumentsFailed": "0"}
    first = {**JOB, "Status": "SYNCING", "Metrics": {**metrics, "DocumentsScanned": "10"}}
    later = {**JOB, "Status": "SYNCING", "Metrics": {**metrics, "DocumentsScanned": "5"}}
    path = tmp_path / "polls.ndjson"
    path.write_text(json.dumps(first) + "\n" + json.dumps(later) + "\n")
    size = len(json.dumps(first)) + 1
    together = list(Pipeline(Options()).run([str(path)]))
    assert any(f.rule_id == "kendra.metrics-backwards" for r in together for f in r.findings)
    pipeline = Pipeline(Options())
    parallel.check_range(pipeline, str(path), str(path), (0, size))
    _, results = parallel.check_range(pipeline, str(path), str(path), (size, size * 2))
    assert [f for r in results for f in r.findings] == []
