"""Inputs by URL (fsspec): S3 through a moto server on 127.0.0.1 started here, file:// URLs,
globs, prefixes and compressed NDJSON, read as local files are read."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import remote, sources
from tests.s3_server import bucket

pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

SECRET = "wJalrXUtnFEMI-remote-test-secret-key"
GOOD = {"History": [{"ExecutionId": "e1", "StartTime": 1763626502, "Status": "SUCCEEDED"}]}
DRIFT = {"History": [{"ExecutionId": "e2", "StartTime": 1763626502, "Status": "QUEUED"}]}
BAD = {"History": [{"ExecutionId": "e3", "StartTime": "yesterday", "Status": "SUCCEEDED"}]}
LINES = "".join(json.dumps(d) + "\n" for d in (GOOD, DRIFT, BAD)).encode()


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, str]]:
    """A moto S3 server on loopback with a bucket of polls; the environment that reaches it."""
    objects = {
        "polls/tenant-a.ndjson": LINES,
        "polls/tenant-b.ndjson.gz": gzip.compress(LINES),
        "polls/notes.txt": b"not a document",
    }
    with bucket("fleet", objects, SECRET) as env:
        yield env


def validate(env: dict[str, str], *argv: str) -> tuple[int, dict[str, object], str]:
    """``conformance validate ... --format json`` as a process with ``env``."""
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "validate", *argv, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, report, done.stdout + done.stderr


def test_an_s3_prefix_is_read_as_a_folder(s3: dict[str, str], tmp_path: Path) -> None:
    """s3://bucket/prefix/ reads the NDJSON objects under it (gzip undone, .txt left out by the
    include globs) with the findings a local copy gets; no secret in the output."""
    local = tmp_path / "tenant-a.ndjson"
    local.write_bytes(LINES)
    code, report, text = validate(s3, "s3://fleet/polls/")
    assert code == 1, text
    sources = sorted({r["location"]["source"] for r in report["results"]})  # type: ignore[index]
    assert sources == ["s3://fleet/polls/tenant-a.ndjson", "s3://fleet/polls/tenant-b.ndjson.gz"]
    _, expected, _ = validate(s3, str(local))
    counts = report["summary"]["counts"]  # type: ignore[index]
    one = expected["summary"]["counts"]  # type: ignore[index]
    assert counts == {kind: 2 * n for kind, n in one.items()}
    assert SECRET not in text


def test_a_glob_of_objects(s3: dict[str, str]) -> None:
    """A glob picks the objects it matches."""
    code, report, _ = validate(s3, "s3://fleet/polls/*.gz")
    assert code == 1
    assert {r["location"]["source"] for r in report["results"]} == {  # type: ignore[index]
        "s3://fleet/polls/tenant-b.ndjson.gz"
    }


def test_a_missing_object_is_unreadable_and_the_rest_goes_on(s3: dict[str, str]) -> None:
    """An object that is not there is an unreadable finding (exit 2); the others are read."""
    code, report, text = validate(
        s3, "s3://fleet/polls/gone.ndjson", "s3://fleet/polls/tenant-a.ndjson"
    )
    assert code == 2
    findings = [f for r in report["results"] for f in r["findings"]]  # type: ignore[index]
    assert any("no such object" in f["message"] for f in findings)
    assert report["summary"]["documents"] == 4  # type: ignore[index]  # 3 lines, 1 unreadable
    assert "Traceback" not in text


def test_credentials_in_an_object_url_reach_no_report(s3: dict[str, str]) -> None:
    """User info in an S3 URL, which the file system takes as part of the bucket's name and
    its error quotes: the finding names the error's kind, never its text."""
    code, report, text = validate(s3, "s3://AKIAFAKEKEY:s3cretVALUE123@fleet/polls/a.ndjson")
    assert code == 2
    assert "s3cretVALUE123" not in text
    messages = [f["message"] for r in report["results"] for f in r["findings"]]  # type: ignore[index]
    assert messages
    assert all(m.startswith(("cannot read", "no such object", "permission")) for m in messages)


def test_exclude_globs_apply_to_objects_by_name(tmp_path: Path) -> None:
    """--exclude skips objects under a URL prefix by their name, or a "folder" of their key,
    as it skips local files."""
    (tmp_path / "archive").mkdir()
    for name in ("a.ndjson", "skip.ndjson", "archive/b.ndjson"):
        (tmp_path / name).write_bytes(LINES)
    found = list(sources.expand([f"file://{tmp_path}/"], exclude=["skip.ndjson", "archive"]))
    assert found == [f"file://{tmp_path}/a.ndjson"]


def test_file_urls_with_compression(tmp_path: Path) -> None:
    """file:// URLs read like paths, .gz and .zst undone by their suffix."""
    zstandard = pytest.importorskip("zstandard")
    (tmp_path / "a.ndjson.gz").write_bytes(gzip.compress(LINES))
    (tmp_path / "b.ndjson.zst").write_bytes(zstandard.ZstdCompressor().compress(LINES))
    code, report, _ = validate(dict(os.environ), f"file://{tmp_path}/*")
    assert code == 1
    assert report["summary"]["documents"] == 6  # type: ignore[index]


def test_an_http_url_as_a_path_says_to_use_url() -> None:
    """An http(s) URL given as PATH is a live service: the finding says to use --url."""
    code, report, _ = validate(
        dict(os.environ), "https://example.invalid/jobs.ndjson", "--allow-empty"
    )
    assert code == 2
    [result] = report["results"]  # type: ignore[index]
    assert "validate --url URL" in result["findings"][0]["message"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_url_helpers_take_any_text(text: str) -> None:
    """Whether a text is a URL, and its format name, for any text: no exception."""
    assert isinstance(remote.is_url(text), bool)
    assert text.startswith(remote.base_name(text))
