"""Hostile input through the real CLI: nothing crashes, time is linear, memory is capped, and
every reader of a stream splits it alike.

Each input is made on the fly in tmp_path. Runs go through ``conformance.cli.main`` (``--format
json`` to read what was found, and that later documents were still validated), or through a
subprocess where the test needs a resource limit, a FIFO or raw bytes on stdout. Linearity is
asserted by structure (one scan of a document's text whatever the number of findings, a
bounded number of findings made), never by the clock: timing is ``benchmarks/hostile.py``'s.
"""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import documents, jsontext, parallel
from conformance.cli import main
from conformance.documents import Document
from conformance.findings import Finding, Location
from conformance.pipeline import Options, Pipeline
from conformance.sources import TOO_LONG, LineReader

JOB: dict[str, Any] = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
BAD_JOB = {**JOB, "Status": 7, "ErrorMessage": "tab\there"}
JOB_TEXT = json.dumps(JOB)
# Set beside a broken byte in inputs: no message may quote it.
SECRET = "Bearer eyJhbGciOiJIUzI1NiJ9SECRET"


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """Run ``conformance validate --format json ARGS``: the exit code and the report."""
    code = main(["validate", "--format", "json", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out)


def _findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for r in report["results"] for f in r["findings"]]


def _where(finding: dict[str, Any]) -> tuple[Any, ...]:
    loc = finding["location"]
    return finding["kind"], finding["pointer"], loc["line"], loc["column"]


def _conforming(report: dict[str, Any], name: str) -> bool:
    return any(
        r["location"]["source"].endswith(name) and r["status"] == "ok" for r in report["results"]
    )


def _har(tmp_path: Path, body: str) -> Path:
    entry = {
        "request": {"method": "GET", "url": "https://example.test/", "headers": []},
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": body},
        },
    }
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    return path


def _subprocess(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "validate", *args],
        capture_output=True,
        timeout=120,
        check=False,
        **kwargs,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return done


# --- 1. Crashes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pointer", "column"),
    [
        ('{"ExecutionId": "a1", "Status": "\\ud800"}', "/Status", 23),
        ('{"ExecutionId": "a1", "\\udc00x": 1}', "/\udc00x", 23),
        ('{"ExecutionId": "a1", "Metrics": ["ok", "\\uDBFF"]}', "/Metrics/1", 41),
    ],
    ids=["value", "key", "array-item"],
)
def test_a_lone_surrogate_is_a_finding_at_its_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pointer: str, column: int
) -> None:
    """The engine cannot take a lone surrogate (UnicodeEncodeError): it is refused at its
    pointer and position, in a file, in an NDJSON line (with and without the duplicate-key
    check) and in a HAR body, and the documents after it are still validated."""
    (tmp_path / "a.json").write_text(text)
    (tmp_path / "b.ndjson").write_text(f"{text}\n{JOB_TEXT}\n")
    (tmp_path / "z.json").write_text(JOB_TEXT)
    har = _har(tmp_path, text)
    for duplicates in ("auto", "check"):
        code, report = _report(
            capsys,
            str(tmp_path / "a.json"),
            str(tmp_path / "b.ndjson"),
            str(har),
            str(tmp_path / "z.json"),
            "--schema",
            "kendra.DataSourceSyncJob",
            "--duplicate-keys",
            duplicates,
        )
        assert code == 2
        found = _findings(report)
        assert [_where(f) for f in found] == [
            ("unreadable", pointer, 1, column),
            ("unreadable", pointer, 1, column),
            ("unreadable", pointer, None, None),  # a HAR body is a string: its entry is the place
        ]
        assert all("lone UTF-16 surrogate" in f["message"] for f in found)
        assert report["summary"]["documents"] == 5
        assert _conforming(report, "z.json")
        assert _conforming(report, "b.ndjson")


def test_a_python_value_with_a_lone_surrogate_or_infinity_is_refused_too() -> None:
    """The pytest plugin hands parsed values to the pipeline: the same refusals hold."""
    pipeline = Pipeline(Options(schema="kendra.DataSourceSyncJob"))
    for value, pointer in (
        ({"ExecutionId": "\ud800"}, "/ExecutionId"),
        ({"\udfff": 1}, "/\udfff"),
        ({"StartTime": float("inf")}, "/StartTime"),
        ({"StartTime": float("nan")}, "/StartTime"),
    ):
        result = pipeline.check(Document(value, Location("value")))
        assert [(f.kind, f.pointer) for f in result.findings] == [("unreadable", pointer)]


@pytest.mark.parametrize("depth", [200, 256, 300, 1000, 1023, 5000, 100_000])
def test_nesting_past_the_depth_cap_is_refused_before_the_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    """From 256 levels the engine raises "Recursion limit reached" when it explains a failure;
    Python's parser gives up near 1,000 and orjson at 1,024. Whatever the depth, a document
    deeper than the cap (128) is refused with the place where it goes past it, in a file and in
    an NDJSON line, on the bulk path and with the duplicate-key check."""
    deep = '{"ExecutionId": ' + "[" * depth + "]" * depth + "}"
    (tmp_path / "deep.json").write_text(deep)
    (tmp_path / "deep.ndjson").write_text(f"{JOB_TEXT}\n{deep}\n{JOB_TEXT}\n")
    for duplicates in ("auto", "check"):
        code, report = _report(
            capsys,
            str(tmp_path / "deep.json"),
            str(tmp_path / "deep.ndjson"),
            "--schema",
            "kendra.DataSourceSyncJob",
            "--duplicate-keys",
            duplicates,
        )
        assert code == 2
        found = _findings(report)
        # The object is level 1, so the 128th bracket opens level 129: column 17 + 127.
        assert [(f["kind"], f["location"]["line"], f["location"]["column"]) for f in found] == [
            ("unreadable", 1, 144),
            ("unreadable", 2, 144),
        ]
        assert all("deeper than 128 levels (--max-depth)" in f["message"] for f in found)
        assert report["summary"]["documents"] == 4


def test_depth_cap_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-depth lowers the cap; above the engine's 255 it is a usage error, not a crash."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**JOB, "Metrics": {"DocumentsAdded": "1"}}))
    code, report = _report(capsys, str(path), "--max-depth", "1")
    assert code == 2
    [finding] = _findings(report)
    assert (finding["pointer"], "deeper than 1 levels") == ("/Metrics", "deeper than 1 levels")
    code, report = _report(capsys, str(path), "--max-depth", "2")
    assert code == 0
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(path), "--max-depth", "256"])
    assert exited.value.code == 2
    assert "at most 255" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_is_printed_escaped_in_every_format(tmp_path: Path) -> None:
    """A Linux file name is bytes; b"\\xff.json" reaches Python as a lone surrogate. Every format
    prints it escaped (SARIF, which crashed, percent-encodes its bytes), named directly or found
    in a folder."""
    name = b"\xff.json"
    try:
        (tmp_path / os.fsdecode(name)).write_text(json.dumps({**JOB, "Status": 7}))
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    (tmp_path / "ok.json").write_text(JOB_TEXT)
    for fmt in ("sarif", "text", "json", "junit", "github"):
        for paths in ([os.fsdecode(name)], ["."]):
            done = _subprocess(
                *paths, "--format", fmt, "--schema", "kendra.DataSourceSyncJob", cwd=tmp_path
            )
            assert done.returncode == 1, done.stderr
            out = done.stdout.decode("utf-8")  # strict: the output is UTF-8 whatever the name
            if fmt == "sarif":
                uris = {
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    for r in json.loads(out)["runs"][0]["results"]
                }
                assert uris == {"%FF.json"}
            else:
                assert "udcff" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--max-findings", "-1"],
        ["--max-kept-findings", "0"],
        ["--max-document-size", "0"],
        ["--max-document-size", "lots"],
        ["--max-body-size", "-5"],
        ["--max-depth", "0"],
    ],
)
def test_bad_limits_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    path = tmp_path / "job.json"
    path.write_text(JOB_TEXT)
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(path), *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"error: argument {args[0]}: invalid" in err  # named, not a ValueError's traceback
    assert "Traceback" not in err


_FEW_DESCRIPTORS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, ({limit}, {limit}))
from conformance import parallel
parallel.RANGE_BYTES = 4096
{patch}
from conformance.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize(
    ("limit", "patch"),
    [
        (12, ""),
        (24, ""),
        # As if the count of free descriptors could not be told: workers start until the
        # system refuses one (EMFILE), and the run goes on with those.
        (16, "parallel._spare_descriptors = lambda: 1 << 30"),
    ],
)
def test_jobs_with_few_descriptors_left_fall_back(tmp_path: Path, limit: int, patch: str) -> None:
    """--jobs 40 under a low ``ulimit -n``: fewer workers or one process, a note, the same
    report as one process, and the next file still read."""
    path = tmp_path / "pages.ndjson"
    path.write_text("".join(json.dumps({"History": [JOB, BAD_JOB]}) + "\n" for _ in range(3000)))
    (tmp_path / "z.json").write_text(JOB_TEXT)
    args = [str(path), str(tmp_path / "z.json"), "--format", "json"]
    one = _subprocess(*args)
    code = _FEW_DESCRIPTORS.format(limit=limit, patch=patch)
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", "--jobs", "40", *args],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == one.returncode == 1
    assert b"note: --jobs 40: too few file descriptors left" in done.stderr
    report, single = json.loads(done.stdout), json.loads(one.stdout)
    assert report["summary"] == single["summary"]
    assert report["summary"]["documents"] == 3001
    assert [_where(f) for f in _findings(report)] == [_where(f) for f in _findings(single)]


# --- 2. Time linear in the input ----------------------------------------------------------------


class _Watched(jsontext._Scanner):
    """A scanner that records every move of its cursor."""

    made: ClassVar[list[_Watched]] = []

    def __init__(self, text: str) -> None:
        self.moves: list[int] = []
        super().__init__(text)
        _Watched.made.append(self)

    @property
    def i(self) -> int:
        return self._i

    @i.setter
    def i(self, value: int) -> None:
        self._i = value
        self.moves.append(value)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> list[_Watched]:
    """The scanners made during a test, and a guard that no offset is turned into a line by
    counting from the start of the text (what made many findings quadratic)."""
    _Watched.made = []
    monkeypatch.setattr(jsontext, "_Scanner", _Watched)

    def from_the_start(text: str, offset: int) -> tuple[int, int]:
        raise AssertionError("line_column counts from the start of the text for each offset")

    monkeypatch.setattr(jsontext, "line_column", from_the_start)
    return _Watched.made


def _one_forward_scan(scanners: list[_Watched], text: str) -> None:
    [scanner] = scanners
    assert scanner.text == text
    assert scanner.moves == sorted(scanner.moves)  # never back: each character passed once
    assert scanner.moves[-1] <= len(text) + 1


@pytest.mark.parametrize("size", [300, 3000])
def test_unknown_keys_are_positioned_in_one_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], watched: list[_Watched], size: int
) -> None:
    """10,000 unknown keys took 147 s: each finding was looked for from the top. Now the text
    is scanned once, forward, whatever the number of findings; each finding has its key's
    line and column; findings past the cap are counted, not kept."""
    doc = {**JOB, **{f"k{i:05d}": i for i in range(size)}}
    text = json.dumps(doc, indent=1)
    path = tmp_path / "keys.json"
    path.write_text(text)
    code, report = _report(capsys, str(path), "--max-kept-findings", "2000")
    assert code == 0
    _one_forward_scan(watched, text)
    found = _findings(report)
    assert len(found) == min(size, 2000)
    assert report["results"][0]["omitted_findings"] == max(size - 2000, 0)
    assert report["summary"]["counts"]["property-drift"] == size
    assert found[0]["pointer"] == "/k00000"
    assert (found[0]["location"]["line"], found[0]["location"]["column"]) == (5, 2)
    assert (found[-1]["location"]["line"]) == 4 + len(found)


@pytest.mark.parametrize("entries", [200, 2000])
def test_a_page_of_bad_entries_is_positioned_in_one_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], watched: list[_Watched], entries: int
) -> None:
    """A Kendra page with 8,000 bad entries took 96 s; now one scan, and each finding names its
    entry (the resource it falls in) and its own line."""
    text = json.dumps({"History": [BAD_JOB] * entries}, indent=1)
    path = tmp_path / "page.json"
    path.write_text(text)
    code, report = _report(capsys, str(path), "--max-kept-findings", "100000")
    assert code == 1
    _one_forward_scan(watched, text)
    found = _findings(report)
    assert len(found) == 2 * entries
    last = [f for f in found if f["pointer"] == f"/History/{entries - 1}/Status"]
    assert last[0]["location"]["within"] == f"/History/{entries - 1}"
    assert last[0]["schema"] == "kendra.DataSourceSyncJob"
    assert text.splitlines()[last[0]["location"]["line"] - 1].strip() == '"Status": 7,'


def test_a_key_repeated_100000_times_makes_a_capped_number_of_findings(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    watched: list[_Watched],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One key repeated 100,000 times took 40 s. The repeats are found in one scan; only the
    findings kept (1,000 by default) are made, and the rest are counted and printed."""
    made: list[Finding] = []
    real = documents._unreadable

    def counted(*args: Any) -> Finding:
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(documents, "_unreadable", counted)
    text = "{" + ",\n".join(['"Status": "FAILED"'] * 100_000) + "}"
    path = tmp_path / "repeat.json"
    path.write_text(text)
    code, report = _report(capsys, str(path))
    assert code == 2
    _one_forward_scan(watched, text)
    assert len(made) == 1000
    found = _findings(report)
    assert (found[0]["pointer"], found[0]["location"]["line"]) == ("/Status", 2)
    assert report["results"][0]["omitted_findings"] == 99_999 - 1000
    assert report["summary"]["counts"]["unreadable"] == 99_999
    main(["validate", str(path), "--max-findings", "2"])
    assert "... and 99997 more" in capsys.readouterr().out


# --- 3. Memory bounded by documented caps --------------------------------------------------------


def test_a_document_past_the_size_cap_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON file or cassette larger than --max-document-size is refused before it is read (its
    broken JSON is never parsed); the files after it are validated."""
    (tmp_path / "big.json").write_text('{"ExecutionId": "' + "x" * 5000 + '", broken')
    (tmp_path / "big.yaml").write_text("interactions: []\n" + "#" * 5000)
    (tmp_path / "z.json").write_text(JOB_TEXT)
    code, report = _report(capsys, str(tmp_path), "--max-document-size", "4K")
    assert code == 2
    messages = [f["message"] for f in _findings(report)]
    assert (
        messages
        == ["larger than the document size cap of 4 KiB (--max-document-size), so not read"] * 2
    )
    assert _conforming(report, "z.json")


def test_an_ndjson_line_past_the_cap_is_skipped_alike_by_every_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line longer than the cap is reported and skipped; the lines around it are validated, by
    one process, by workers, and from stdin, with the same line numbers."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 4096)
    long = '{"ExecutionId": "' + "x" * 50_000 + '"}'
    lines = [JOB_TEXT, long, json.dumps(BAD_JOB), long + "\r", JOB_TEXT] * 3
    data = "\n".join(lines).encode()  # no final LF: the last line is still a line
    path = tmp_path / "long.ndjson"
    path.write_bytes(data)
    reports = []
    for jobs in ("1", "2"):
        code, report = _report(capsys, str(path), "--max-document-size", "10K", "--jobs", jobs)
        assert code == 2
        reports.append(report)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, report = _report(capsys, "-", "--max-document-size", "10K")
    assert code == 2
    reports.append(report)
    for report in reports:
        assert report["summary"]["documents"] == 15
        skipped = [f for f in _findings(report) if "longer than" in f["message"]]
        assert [f["location"]["line"] for f in skipped] == [2, 4, 7, 9, 12, 14]
        bad = [f["location"]["line"] for f in _findings(report) if f["kind"] == "violation"]
        assert bad == [3, 3, 8, 8, 13, 13]


def test_the_line_reader_never_holds_a_line_past_the_cap(tmp_path: Path) -> None:
    """A 40 MB line with a 1 MiB cap: read in blocks and dropped, never joined (one 200 MB line
    took 1.55 GB); the lines around it come through."""
    path = tmp_path / "long.ndjson"
    with open(path, "wb") as out:
        out.write(b"first\n")
        for _ in range(40):
            out.write(b"y" * 1_000_000)
        out.write(b"\nlast")
    tracemalloc.start()
    with open(path, "rb") as stream:
        reader = LineReader(stream, 1 << 20)
        lines = list(reader)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == [b"first", TOO_LONG, b"last"]
    assert reader.count == 3
    assert peak < 8 << 20


def test_devices_fifos_and_sockets_are_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/dev/zero ended in MemoryError and a FIFO named *.json hung the run: files that are not
    regular are reported, named directly or found in a folder, and never opened."""
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.json")
    server = socket.socket(socket.AF_UNIX)
    monkeypatch.chdir(folder)  # a socket's path is short: bound by its relative name
    try:
        server.bind("sock.json")
        (folder / "z.json").write_text(JOB_TEXT)
        done = _subprocess(
            "/dev/zero",
            "/dev/urandom",
            str(folder / "pipe.json"),
            str(folder),
            "--format",
            "json",
            "--schema",
            "kendra.DataSourceSyncJob",
        )
    finally:
        server.close()
    assert done.returncode == 2
    report = json.loads(done.stdout)
    found = {
        Path(r["location"]["source"]).name: r["findings"][0]["message"]
        for r in report["results"]
        if r["findings"]
    }
    assert found == {
        "zero": "not a regular file (a character device), so not opened",
        "urandom": "not a regular file (a character device), so not opened",
        "pipe.json": "not a regular file (a FIFO), so not opened",
        "sock.json": "not a regular file (a socket), so not opened",
    }
    assert _conforming(report, "z.json")
    assert stat.S_ISFIFO(os.stat(folder / "pipe.json").st_mode)


def test_names_that_cannot_be_opened_are_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name too long for the system (which Path.is_dir raises on), a path through a file, and
    a NUL in a name given through the API: findings, and the next file is read."""
    (tmp_path / "z.json").write_text(JOB_TEXT)
    (tmp_path / "file.json").write_text(JOB_TEXT)
    code, report = _report(
        capsys,
        str(tmp_path / ("a" * 300 + ".json")),
        str(tmp_path / ("a/" * 3000 + "x.json")),
        str(tmp_path / "file.json" / "x.json"),
        str(tmp_path / "z.json"),
    )
    assert code == 2
    assert [f["message"] for f in _findings(report)] == [
        "cannot read: file name too long",
        "cannot read: file name too long",
        "cannot read: not a directory",
    ]
    assert _conforming(report, "z.json")
    results = list(Pipeline(Options()).run(["nul\x00.json", str(tmp_path / "z.json")]))
    assert results[0].findings[0].message == "cannot read: the name holds a NUL character"
    assert results[1].conforms


# --- 4. Wrong or silent results -----------------------------------------------------------------


STDIN_CASES = [
    # Two documents one a line, with blank lines and a broken line between: NDJSON.
    (f"{JOB_TEXT}\n{json.dumps(BAD_JOB)}\n", 2, [2, 2]),
    (f"\n\n{JOB_TEXT}\n\n{json.dumps(BAD_JOB)}", 2, [5, 5]),
    (f"{JOB_TEXT}\n{{broken\n{JOB_TEXT}\n", 3, [2]),
    # One document, over several lines or on one, or none: as before.
    (json.dumps(BAD_JOB, indent=2) + "\n\n", 1, [5, 4]),
    (json.dumps(BAD_JOB) + "\n", 1, [1, 1]),
    ("", 1, [None]),
]


def test_stdin_holding_ndjson_is_read_as_ndjson(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two documents one a line were one document with "Extra data": stdin whose first line
    holds a whole value and which has another is NDJSON; one document stays one document."""
    for stdin, count, lines in STDIN_CASES:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        _, report = _report(capsys, "-", "--schema", "kendra.DataSourceSyncJob")
        assert report["summary"]["documents"] == count, stdin
        assert [f["location"]["line"] for f in _findings(report)] == lines, stdin
        assert not any("Extra data" in f["message"] for f in _findings(report))


def _mixed_line_endings(path: Path, count: int) -> bytes:
    """Lines with CRLF, a bare CR inside, blank and CR-only lines, bad documents, and no LF at
    the end."""
    parts = []
    for i in range(count):
        line = json.dumps({"History": [JOB] * (1 + i % 3), "NextToken": f"t{i}"})
        kind = i % 11
        if kind == 1:
            line += "\r"  # CRLF
        elif kind == 2:
            line = line[:12] + "\r" + line[12:]  # a bare CR between tokens: one line, not two
        elif kind == 3:
            line = json.dumps({"History": [JOB, BAD_JOB]}) + "\r"
        elif kind == 4:
            line = '{"Status": "a\rb"}'  # a CR inside a string: a control character
        elif kind == 5:
            line = "\r" if i % 2 else ""
        parts.append(line)
    data = "\n".join(parts).encode()
    path.write_bytes(data)
    return data


def test_one_process_and_two_jobs_split_lines_exactly_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bare CR inside a line made --jobs 2 see more documents than one process (200,040 vs
    200,000): both split on LF alone now, so the document counts and every finding's line and
    column agree, with many range boundaries."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 2048)
    path = tmp_path / "mixed.ndjson"
    data = _mixed_line_endings(path, 2000)
    assert len(parallel.ranges(str(path))) > 20
    lf_lines = data.split(b"\n")
    expected = sum(1 for line in lf_lines if line.strip())
    _, one = _report(capsys, str(path))
    _, two = _report(capsys, str(path), "--jobs", "2")
    assert one["summary"]["documents"] == two["summary"]["documents"] == expected
    assert one["summary"]["counts"] == two["summary"]["counts"]
    places = [[_where(f) for f in _findings(report)] for report in (one, two)]
    assert places[0] == places[1]
    assert len(places[0]) > 300
    # Every finding's line is the LF-numbered line that holds it.
    for finding in _findings(one):
        line = lf_lines[finding["location"]["line"] - 1]
        assert b"a\rb" in line or b"7" in line or b"\r" in line


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1E+999", "9" * 400 + ".0"])
def test_a_number_past_a_double_is_reported_as_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    """1e400 was read as infinity and reported as `null is not of type "number"`: it is valid
    JSON the API sent, a violation at its pointer and position (a number too large for a 64-bit
    float), and the rest of the document is still validated; in a file, an NDJSON line (which
    orjson refuses) and a HAR body."""
    text = '{"ExecutionId": "a1",\n "StartTime": ' + number + ', "Status": 7}'
    (tmp_path / "n.json").write_text(text)
    (tmp_path / "n.ndjson").write_text(JOB_TEXT + "\n" + text.replace("\n", "") + "\n")
    har = _har(tmp_path, text)
    code, report = _report(
        capsys, str(tmp_path / "n.json"), str(tmp_path / "n.ndjson"), str(har), "--schema",
        "kendra.DataSourceSyncJob",
    )  # fmt: skip
    assert code == 1
    found = _findings(report)
    status = text.splitlines()[1].index('"Status"') + 1
    assert [_where(f) for f in found] == [
        ("violation", "/StartTime", 2, 2),
        ("violation", "/Status", 2, status),
        ("violation", "/StartTime", 2, 23),
        ("violation", "/Status", 2, status + 21),
        ("violation", "/StartTime", None, None),
        ("violation", "/Status", None, None),
    ]
    assert [f["message"] for f in found if f["pointer"] == "/StartTime"] == [
        "a number too large for a 64-bit float: it would read as infinity"
    ] * 3
    assert not any("null" in f["message"] for f in found)


def test_parse_errors_say_where_and_why_never_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken byte beside a bearer token: the message gives the position and the reason."""
    cases = [
        '{"Authorization": "' + SECRET + '" x}',
        '{"Authorization": "' + SECRET + '\x01"}',
        '{"Authorization": "' + SECRET + '", "n": 1e400}',
        '{"Authorization": "' + SECRET + '", "n": NaN}',
        '{"Authorization": "' + SECRET + '", "n": ' + "9" * 5000 + "}",
        '{"Authorization": "' + SECRET + '\\x"}',
    ]
    for index, case in enumerate(cases):
        (tmp_path / f"{index}.json").write_text(case)
    (tmp_path / "all.ndjson").write_bytes(
        "\n".join(cases).encode() + b'\n{"a": "' + SECRET.encode() + b'\xff"}\n'
    )
    _, report = _report(capsys, str(tmp_path))
    assert report["summary"]["documents"] == 2 * len(cases) + 1
    assert all(result["findings"] for result in report["results"])
    found = _findings(report)
    assert all(f["location"]["line"] for f in found if f["kind"] != "unselected")
    for finding in found:
        assert "SECRET" not in finding["message"]
        assert "Bearer" not in finding["message"]


# --- Arbitrary input ----------------------------------------------------------------------------

# JSON values whose leaves are what readers and the engine choke on; keys repeat and hold lone
# surrogates; containers nest past the cap. Written by hand, as no serializer would write them.
_LEAVES = st.sampled_from(
    [
        '"\\ud800"',
        '"x\\udfff"',
        '"\\ud83d\\ude00"',
        '"SUCCEEDED"',
        '"a\rb"',
        "1e400",
        "-1E+999",
        "9" * 400 + ".5",
        "1" * 5000,
        "18446744073709551616",
        "NaN",
        "-Infinity",
        "7",
        "0.5",
        "true",
        "null",
        "[" * 300 + "]" * 300,
        "[" * 1100 + "]" * 1100,
    ]
)
_KEYS = st.sampled_from(
    ['"Status"', '"ExecutionId"', '"History"', '"StartTime"', '"\\ud800"', '"k"', '"\\u0000"']
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(_KEYS, inner), max_size=4).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=10,
)
_BREAKS = st.sampled_from(["\n", "\r\n", "\n\n", "\r", " \r\n", "\n\r\n"])


@st.composite
def _streams(draw: st.DrawFn) -> bytes:
    """Documents separated by line breaks of every kind, the last LF there or not."""
    values = draw(st.lists(_VALUES, min_size=1, max_size=6))
    text = "".join(value + draw(_BREAKS) for value in values)
    if draw(st.booleans()):
        text = text.rstrip("\r\n ")
    return text.encode("utf-8", "surrogatepass")


_INPUT = st.one_of(st.binary(max_size=300), _streams(), _VALUES.map(str.encode))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_INPUT, fmt=st.sampled_from(["json", "text", "sarif", "junit", "github"]))
def test_arbitrary_input_as_a_file_and_as_ndjson(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    fmt: str,
) -> None:
    """Whatever the bytes, nothing escapes (any format, either duplicate-key mode), the file is
    one document or one finding, and every non-blank LF-separated line of an NDJSON stream is
    accounted for, alike in one process, in two workers (a range every few bytes) and on
    stdin."""
    monkeypatch.setattr(parallel, "RANGE_BYTES", 64)
    folder = tmp_path_factory.mktemp("arbitrary")
    (folder / "doc.json").write_bytes(data)
    (folder / "lines.ndjson").write_bytes(data)
    for duplicates in ("auto", "check"):
        out = io.StringIO()
        code = main(["validate", str(folder), "--format", fmt, "--duplicate-keys", duplicates], out)
        assert code in (0, 1, 2)
    single = io.StringIO()
    main(["validate", str(folder / "doc.json"), "--format", "json"], single)
    assert json.loads(single.getvalue())["summary"]["documents"] == 1
    expected = sum(1 for line in data.split(b"\n") if line and not line.isspace())
    seen = []
    for jobs in ("1", "2"):
        report = io.StringIO()
        main(["validate", str(folder / "lines.ndjson"), "--format", "json", "--jobs", jobs], report)
        seen.append(json.loads(report.getvalue()))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    report = io.StringIO()
    main(["validate", "-", "--format", "json"], report)
    stdin = json.loads(report.getvalue())["summary"]["documents"]
    one, two = seen
    assert one["summary"]["documents"] == two["summary"]["documents"] == expected
    assert [_where(f) for f in _findings(one)] == [_where(f) for f in _findings(two)]
    # stdin is NDJSON only when its first line holds a whole value and another follows.
    assert stdin in (1, expected)


def test_a_raw_stream_given_as_lines_is_read_by_the_bounded_reader(tmp_path: Path) -> None:
    """Callers that build ``Lines`` from an open file get the same bounded, LF-only reader."""
    from conformance.sources import Lines

    path = tmp_path / "x.ndjson"
    path.write_bytes(b'{"a": 1}\r{"b": 2}\n\n{"c": 3}')
    with open(path, "rb") as stream:
        lines = Lines(stream, "x")
        assert isinstance(lines.stream, LineReader)
        assert [b.location.line for b in lines.bodies()] == [1, 3]
