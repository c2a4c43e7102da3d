"""``conformance drift --format html``: the page, its chart and its safety, read two ways.

The corpus is generated with known days: Kendra pages over five days (epoch ``StartTime``, and
ISO strings as capture conversion writes them) in which an undeclared ``QUEUED`` first appears on
day 3, and a Graph HAR whose jobs are dated by the entries' ``startedDateTime``. The page is read
with ``html.parser`` (tables, rows, counts, the marker at day 3, nothing that reaches the
network, document text inert), then opened in headless Chromium (Debian's ``chromium``): the DOM
it builds shows the tables and the marker, and its screenshot is a real picture. Without
chromium the browser tests skip locally; under ``CI`` they fail instead, so that CI never skips
them silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.drift import OTHER, analyze, day_of
from conformance.drift_html import render_html

DAY0 = 1767225600  # 2026-01-01T00:00:00Z
SCRIPT = "<script>alert(1)</script>"


def kendra_ndjson(path: Path) -> Path:
    """Five days, four pages a day: SUCCEEDED and FAILED every day; QUEUED (undeclared) from day
    3 on, once a day; on day 4 an undeclared value that is markup; day 5's times are ISO
    strings, as ``--capture`` conversion writes them; one job with a time that is no time."""
    lines = []
    for d in range(5):
        for k in range(4):
            at = DAY0 + d * 86_400 + k * 3_600

            def when(offset: int, at: int = at, d: int = d) -> Any:
                if d == 4:
                    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at + offset))
                return at + offset

            jobs: list[dict[str, Any]] = [
                {"ExecutionId": f"s{d}{k}", "StartTime": when(0), "Status": "SUCCEEDED"},
                {
                    "ExecutionId": f"f{d}{k}",
                    "StartTime": when(60),
                    "Status": "FAILED",
                    "ErrorCode": "InternalError",
                },
            ]
            if d >= 2 and k == 1:
                jobs.append({"ExecutionId": f"q{d}", "StartTime": when(120), "Status": "QUEUED"})
            if d == 3 and k == 2:
                jobs.append({"ExecutionId": "x", "StartTime": when(0), "Status": SCRIPT})
            lines.append(json.dumps({"History": jobs}))
    lines.append(json.dumps({"History": [{"ExecutionId": "t", "StartTime": "yesterday"}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def graph_har(path: Path) -> Path:
    """Three entries on 2026-01-10, 11 and 12 (``startedDateTime``); the last job's status code
    is undeclared; one entry's startedDateTime is garbage (the jobs stay undated)."""
    base = "https://graph.microsoft.com/v1.0/servicePrincipals/sp/synchronization/jobs"

    def job(n: int, code: str) -> dict[str, Any]:
        return {
            "id": f"AWSEC2.{n}",
            "templateId": "AWSEC2",
            "schedule": {"expiration": None, "interval": "PT40M", "state": "Active"},
            "status": {"code": code, "quarantine": None, "lastExecution": None},
        }

    def entry(started: Any, body: Any) -> dict[str, Any]:
        return {
            "startedDateTime": started,
            "request": {"method": "GET", "url": f"{base}/{body['id']}", "headers": []},
            "response": {
                "status": 200,
                "headers": [],
                "content": {"mimeType": "application/json", "text": json.dumps(body)},
            },
        }

    entries = [
        entry("2026-01-10T08:00:00.123+01:00", job(1, "Active")),
        entry("2026-01-11T23:30:00-02:00", job(2, "Paused")),  # 2026-01-12 in UTC
        entry({"not": "a time"}, job(3, "Active")),
        entry("2026-01-12T10:00:00Z", job(4, "Resting")),
    ]
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    return [kendra_ndjson(tmp_path / "jobs.ndjson"), graph_har(tmp_path / "graph.har")]


# --- the analysis: days ---------------------------------------------------------------------------


def test_day_of_parses_strictly() -> None:
    assert day_of(DAY0) == "2026-01-01"
    assert day_of(DAY0 + 0.5) == "2026-01-01"
    assert day_of("2026-01-01T23:30:00-02:00") == "2026-01-02"
    assert day_of("2026-01-01T00:10:00.123456789+01:00") == "2025-12-31"
    for bad in (
        True,
        -1,
        float("nan"),
        float("inf"),
        10**30,
        "2026-01-01",
        "2026-01-01T00:00:00",  # no zone: no UTC day
        "2026-02-30T00:00:00Z",
        "2026-01-01T00:00:00+24:00",
        "x" * 100,
        None,
        {},
    ):
        assert day_of(bad) is None, bad


def test_values_are_counted_per_day(corpus: list[Path]) -> None:
    report = analyze(corpus)
    status = next(t for t in report.enums if t.pointer == "/Status")
    days = dict(status.per_day)
    assert list(days) == [f"2026-01-0{d}" for d in range(1, 6)]
    assert dict(days["2026-01-01"]) == {"SUCCEEDED": 4, "FAILED": 4}
    assert dict(days["2026-01-03"]) == {"SUCCEEDED": 4, "FAILED": 4, "QUEUED": 1}
    assert dict(days["2026-01-04"])[SCRIPT] == 1
    # Day 5's ISO strings count on their day, like the epoch numbers.
    assert dict(days["2026-01-05"]) == {"SUCCEEDED": 4, "FAILED": 4, "QUEUED": 1}
    queued = next(v for v in status.undeclared if v.value == "QUEUED")
    assert queued.first_day == "2026-01-03"
    assert queued.first_dated is not None
    assert queued.first_dated.pointer == "/History/2/Status"
    # The job whose StartTime is no time has no Status: absent, not dated.
    assert status.undated == 0
    code = next(t for t in report.enums if t.pointer == "/code")
    assert [d for d, _ in code.per_day] == ["2026-01-10", "2026-01-12"]
    assert dict(dict(code.per_day)["2026-01-12"]) == {"Paused": 1, "Resting": 1}
    assert code.undated == 1  # the entry whose startedDateTime is an object
    resting = next(v for v in code.undeclared if v.value == "Resting")
    assert resting.first_day == "2026-01-12"
    data = report.as_json()
    entry = next(e for e in data["enums"] if e["pointer"] == "/Status")
    assert entry["per_day"][0] == {
        "day": "2026-01-01",
        "values": [{"value": "FAILED", "count": 4}, {"value": "SUCCEEDED", "count": 4}],
    }
    assert {v["value"]: v["first_day"] for v in entry["values"]}["QUEUED"] == "2026-01-03"


def test_values_past_the_cap_are_counted_per_day_as_other(corpus: list[Path]) -> None:
    report = analyze(corpus, cap=0)
    status = next(t for t in report.enums if t.pointer == "/Status")
    assert dict(dict(status.per_day)["2026-01-03"])[OTHER] == 1
    assert "(other values" in render_html(report)


# --- the page, parsed ---------------------------------------------------------------------------


class Page(HTMLParser):
    """What the page holds: tables (rows of cell texts), svg titles and descs, marker texts,
    every attribute, every script and style."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts = 0
        self.styles: list[str] = []
        self.markers: list[str] = []
        self.svgs: list[dict[str, str]] = []
        self.svg_text: list[str] = []
        self._cell: list[str] | None = None
        self._stack: list[str] = []
        self._classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        named = {k: v or "" for k, v in attrs}
        self._classes.append(named.get("class", ""))
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        if tag == "script":
            self.scripts += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "svg":
            self.svgs.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        if self._stack:
            self._stack.pop()
            self._classes.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._stack and self._stack[-1] == "style":
            self.styles.append(data)
        if "svg" in self._stack and self._stack[-1] in ("title", "desc", "text"):
            self.svg_text.append(data)
        if self._stack and self._stack[-1] == "text" and self._classes[-1] == "marker":
            self.markers.append(data)


def parsed(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_the_page_shows_the_tables_and_the_chart(corpus: list[Path]) -> None:
    started = time.perf_counter()
    text = render_html(analyze(corpus))
    page = parsed(text)
    rendered = time.perf_counter() - started
    assert rendered < 10
    assert text.startswith("<!DOCTYPE html>")
    status = next(t for t in page.tables if any("QUEUED" in c for row in t for c in row))
    assert status[0] == ["value", "count", "status", "first seen", "first day"]
    rows = {row[0]: row[1:] for row in status[1:]}
    assert rows['"SUCCEEDED"'][:2] == ["20", "declared"]
    assert rows['"FAILED"'][:2] == ["20", "declared"]
    assert rows['"QUEUED"'][0:2] == ["3", "new"]
    assert rows['"QUEUED"'][3] == "2026-01-03"
    assert rows['"SYNCING"'][:2] == ["0", "never seen"]
    assert rows[json.dumps(SCRIPT)][3] == "2026-01-04"
    # The marker at day 3, and the chart's accessible name and description.
    assert '"QUEUED" first seen 2026-01-03' in page.markers
    assert '"Resting" first seen 2026-01-12' in page.markers
    assert all(svg.get("role") == "img" and svg.get("aria-label") for svg in page.svgs)
    assert len(page.svgs) >= 3  # Kendra Status, ErrorCode; Graph status code, schedule state
    title = "Values per day at kendra.DataSourceSyncJob /Status"
    assert any(t.startswith(title) for t in page.svg_text)
    # Undeclared properties table: none in this corpus, so no such section; the headers say so.
    assert all(table[0][0] in ("value", "property") for table in page.tables)


def test_the_page_is_self_contained_and_document_text_is_inert(corpus: list[Path]) -> None:
    text = render_html(analyze(corpus))
    page = parsed(text)
    assert page.scripts == 0
    assert "<script" not in text.lower()
    for tag, name, value in page.attrs:
        if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            raise AssertionError(f"<{tag} {name}={value!r}>: the page must reference nothing")
        assert not re.search(r"https?:|//", value) or name == "aria-label", (tag, name, value)
    css = "".join(page.styles)
    assert "@import" not in css
    for reference in ("url(", "http://", "https://"):
        assert reference not in text
    # The markup value is shown as text: escaped in the table, the chart and its marker.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert any(SCRIPT in m for m in page.markers)


def test_the_command_writes_html(corpus: list[Path], tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "drift.html"
    code = main(["drift", "--output", f"html={out}", "--fail-on", "never", *map(str, corpus)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["drift", "--format", "html", "--fail-on", "never", str(corpus[0])]) == 0
    assert "</html>" in capsys.readouterr().out


# --- the page, in a browser ----------------------------------------------------------------------


def chromium() -> str:
    """The chromium binary; skipped without one, except under CI, where it is a failure."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium); CI never skips this")
    return found


def browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless chromium on a file:// page: a user-data-dir of its own, no network, a timeout."""
    command = [
        chromium(),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=127.0.0.1:9",  # nothing may be fetched; nothing should be asked for
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_shows_the_tables_and_the_marker(corpus: list[Path], tmp_path: Path) -> None:
    page = tmp_path / "drift.html"
    page.write_text(render_html(analyze(corpus)), encoding="utf-8")
    done = browse(page, tmp_path, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = parsed(done.stdout)
    assert dom.scripts == 0  # the markup value stayed text in the DOM the browser built
    assert '"QUEUED" first seen 2026-01-03' in dom.markers
    status = next(t for t in dom.tables if any("QUEUED" in c for row in t for c in row))
    assert status[0] == ["value", "count", "status", "first seen", "first day"]
    assert any(row[:3] == ['"QUEUED"', "3", "new"] for row in status)


def test_chromium_screenshot_is_a_picture(corpus: list[Path], tmp_path: Path) -> None:
    page = tmp_path / "drift.html"
    page.write_text(render_html(analyze(corpus)), encoding="utf-8")
    shot = tmp_path / "drift.png"
    done = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert len(data) > 20_000
    width, height, colors = png_colors(data)
    assert (width, height) == (1280, 2000)
    # Text, tables and bars: many colors, the chart's among them.
    assert len(colors) > 20
    assert (0x2B, 0x6C, 0xB0) in colors  # a declared value's bar
    assert (0xDD, 0x6B, 0x20) in colors  # the first undeclared value's bar


def png_colors(data: bytes) -> tuple[int, int, set[tuple[int, int, int]]]:
    """The size of an 8-bit RGB or RGBA PNG and the colors of its pixels (every filter undone)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    assert color in (2, 6)
    step = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * step
    previous = bytearray(stride)
    colors: set[tuple[int, int, int]] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        if y % 4 == 0:  # every fourth row is enough to see the picture's colors
            for x in range(0, stride, step):
                colors.add((line[x], line[x + 1], line[x + 2]))
        previous = line
    return width, height, colors


def test_days_past_the_cap_are_undated(corpus: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory per location is bounded by DAY_CAP days: the values of later new days are
    counted as undated, never kept."""
    import conformance.drift

    monkeypatch.setattr(conformance.drift, "DAY_CAP", 2)
    status = next(t for t in analyze(corpus).enums if t.pointer == "/Status")
    assert [d for d, _ in status.per_day] == ["2026-01-01", "2026-01-02"]
    assert status.undated == status.presence.value - 16
