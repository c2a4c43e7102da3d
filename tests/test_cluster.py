"""Scale-out on Dask: partitions at line boundaries, a LocalCluster of two worker processes, S3
through a moto server on 127.0.0.1, a worker killed part way; every run compared with the same
run in one process."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import Options, check_paths
from conformance.catalog import default_catalog
from conformance.drift import Analysis, render_json
from conformance.findings import Finding, Result
from conformance.partitions import (
    MAX_RANGES,
    UNCOUNTED,
    Partition,
    check,
    newlines,
    number_lines,
    plan,
)
from conformance.strategies import generate

distributed = pytest.importorskip("distributed")

NO_RULES = Options(disabled_rules=("all",))
SCHEMAS = (
    "kendra.ListDataSourceSyncJobsResponse",
    "kendra.DataSourceSyncJob",
    "graph.synchronizationStatus",
    "graph.synchronizationJob",
)


def write_corpus(path: Path, lines: int, seed: int) -> Path:
    """An NDJSON corpus of generated documents in every mode, with lines that are not JSON,
    blank lines and a last line without its LF."""
    out: list[bytes] = []
    streams = [
        generate(name, lines, mode=mode, seed=seed + n)
        for n, (name, mode) in enumerate(
            (name, mode) for name in SCHEMAS for mode in ("valid", "drifted", "hostile")
        )
    ]
    for i in range(lines):
        out.extend(json.dumps(next(s)).encode() for s in streams)
        if i % 40 == 7:
            out.extend([b"{not json", b"", b"   "])
    path.write_bytes(b"\n".join(out))
    return path


def findings(results: Iterator[Result] | list[Result]) -> list[tuple[str, str, str, str]]:
    return [(f.kind, str(f.location), f.pointer, f.message) for r in results for f in r.findings]


def counts(results: list[Result]) -> tuple[int, int]:
    return sum(r.documents for r in results), sum(r.resources for r in results)


def in_partitions(paths: list[str], size: int, options: Options = NO_RULES) -> list[Result]:
    """The run as a cluster makes it, partition by partition, in this process."""
    items = list(plan(paths, size=size))
    split = [i for i in items if isinstance(i, Partition) and i.split]
    numbered = iter(number_lines(split, [newlines(p) for p in split]))
    results: list[Result] = []
    for item in items:
        if isinstance(item, Finding):
            results.append(Result(item.location, None, (item,)))
            continue
        part = next(numbered) if item.split else item
        results.extend(check(options, part).results)
    return results


# --- partitions, in one process ------------------------------------------------------------------


def test_byte_ranges_give_the_findings_and_counts_of_the_whole_file(tmp_path: Path) -> None:
    corpus = str(write_corpus(tmp_path / "c.ndjson", 60, 1))
    # The same file twice in a row: each copy numbered from its own line 1.
    whole = list(check_paths([corpus, corpus], options=NO_RULES))
    for size in (1, 97, 4096, 50_000):
        cut = in_partitions([corpus, corpus], size)
        assert findings(cut) == findings(whole), size
        assert counts(cut) == counts(whole), size


def test_a_plan_covers_every_byte_once_and_keeps_other_inputs_whole(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.ndjson", 10, 2)
    (tmp_path / "one.json").write_text('{"ExecutionId": "a"}')
    items = list(plan([str(tmp_path), str(tmp_path / "missing.ndjson")], size=1000))
    parts = [i for i in items if isinstance(i, Partition) and i.path == str(corpus)]
    assert parts[0].start == 0
    assert parts[-1].end == corpus.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    assert [i.split for i in items if isinstance(i, Partition) and i.path.endswith(".json")] == [
        False
    ]
    assert str(tmp_path / "missing.ndjson") in [i.path for i in items if isinstance(i, Partition)]
    with pytest.raises(ValueError, match="standard input"):
        list(plan(["-"]))
    assert len(list(plan([str(corpus)], size=1))) == min(corpus.stat().st_size, MAX_RANGES)


def test_a_file_without_newlines_is_read_about_once_not_once_per_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2 MiB line cut into 128 ranges: each range after the first stops at its own end
    rather than looking through the rest of the file for the line's end (quadratic reads)."""
    import io

    from conformance import partitions

    path = tmp_path / "one-line.ndjson"
    path.write_bytes(b"x" * (2 << 20))
    read = [0]

    class Counting(io.FileIO):
        def readinto(self, buffer: Any) -> int:
            got = super().readinto(buffer)
            read[0] += got or 0
            return got or 0

    monkeypatch.setattr(partitions, "_open", lambda name: io.BufferedReader(Counting(name)))
    results = in_partitions([str(path)], 16 << 10)
    assert [f.kind for f in findings_of(results)] == ["unreadable"]
    # The ranges' newlines counted, the first range's line read to its end twice (to find the
    # end, then to skip it), and a block past each range's start: linear in the file.
    assert 0 < read[0] < 3 * (2 << 20) + 128 * (64 << 10)


def test_ranges_after_one_that_could_not_be_counted_say_so(tmp_path: Path) -> None:
    """A range whose newlines could not be counted leaves the ranges after it unnumbered: each
    is an unreadable finding naming its bytes, never findings on the wrong lines."""
    corpus = write_corpus(tmp_path / "c.ndjson", 20, 3)
    parts = [p for p in plan([str(corpus)], size=4000) if isinstance(p, Partition)]
    assert newlines(Partition(str(tmp_path / "gone.ndjson"), "gone", 0, 10)) == UNCOUNTED
    counts = [newlines(p) for p in parts]
    counts[1] = UNCOUNTED
    numbered = number_lines(parts, counts)
    assert [p.newlines for p in numbered[2:]] == [UNCOUNTED] * (len(parts) - 2)
    later = check(NO_RULES, numbered[2]).results
    assert [f.kind for f in findings_of(list(later))] == ["unreadable"]
    assert f"bytes {parts[2].start}-{parts[2].end}: its lines cannot be numbered" in (
        later[0].findings[0].message
    )
    assert findings_of(list(check(NO_RULES, numbered[1]).results))  # itself still numbered


def findings_of(results: list[Result]) -> list[Finding]:
    return [f for r in results for f in r.findings]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from(
                [
                    b'{"ExecutionId": "a", "Status": "SUCCEEDED", "StartTime": 1}',
                    b'{"ExecutionId": "b", "Status": "NEW_ONE"}',
                    b'{"History": [{"ExecutionId": "c", "StartTime": "x"}]}',
                    b"\xef\xbb\xbf{}",
                    b"\r",
                ]
            ),
        ),
        max_size=30,
    ),
    last_lf=st.booleans(),
    size=st.integers(1, 300),
)
def test_any_bytes_cut_anywhere_read_as_one_process_reads_them(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], last_lf: bool, size: int
) -> None:
    """Arbitrary bytes (LFs and CRs inside the generated lines too) cut into ranges of any size:
    the same findings, line numbers and counts as the whole file, never an exception."""
    path = tmp_path_factory.mktemp("any") / "any.ndjson"
    path.write_bytes(b"\n".join(lines) + (b"\n" if last_lf else b""))
    whole = list(check_paths([str(path)], options=NO_RULES))
    cut = in_partitions([str(path)], size)
    assert findings(cut) == findings(whole)
    assert counts(cut) == counts(whole)


# --- a LocalCluster of two workers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of two worker processes, for the whole module."""
    from conformance.cluster import connect

    with connect(workers=2) as client:
        yield client.scheduler.address


def cli(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "conformance", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def report_findings(report: dict[str, Any]) -> list[Any]:
    return [(r["location"], f) for r in report["results"] for f in r["findings"]]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus split over several files, as a fleet keeps it: NDJSON, a JSON file, a HAR."""
    folder = tmp_path_factory.mktemp("fleet")
    for n in range(4):
        write_corpus(folder / f"tenant-{n}.ndjson", 40, 10 * n)
    (folder / "one.json").write_text(
        json.dumps({"ExecutionId": "x", "Status": "QUEUED", "StartTime": 1763626502})
    )
    return folder


@pytest.mark.parametrize("command", ["validate", "drift"])
def test_dask_run_equals_the_local_run(scheduler: str, fleet: Path, command: str) -> None:
    """Whole files on the cluster: the JSON report (findings with their locations, counts, exit
    code; the drift tables with their first places) is the local run's, the series rules
    included."""
    argv = [command, str(fleet), "--format", "json"]
    if command == "drift":
        argv += ["--group-by", "source~tenant-([0-9]+)", "--max-examples", "2"]
    local = cli(*argv)
    dask = cli(*argv, "--engine", "dask", "--scheduler", scheduler)
    assert dask[0] == local[0], dask[2]
    ours, theirs = json.loads(dask[1]), json.loads(local[1])
    if command == "validate":
        assert ours["summary"] == theirs["summary"]
        assert ours["summary"]["counts"]["rule"] > 0
        assert report_findings(ours) == report_findings(theirs)
    else:
        assert ours == theirs
        assert ours["enums"]
        keys = [group["key"] for group in ours["groups"]["groups"]]
        assert keys == ["(no match)", "0", "1", "2", "3"]  # one.json names no tenant


def test_split_files_equal_the_local_run_with_a_note_on_series(scheduler: str, fleet: Path) -> None:
    """Byte ranges of 20 KB: every finding and count of the local run, rules off; with the
    series rules on, stderr says they judge each range on its own, and only their findings can
    differ."""
    base = ("validate", str(fleet), "--format", "json")
    dask = ("--engine", "dask", "--scheduler", scheduler, "--partition-size", "20K")
    local = json.loads(cli(*base, "--disable-rule", "all")[1])
    _, out, err = cli(*base, *dask, "--disable-rule", "all")
    assert "byte ranges" not in err
    assert json.loads(out)["summary"] == local["summary"]
    assert report_findings(json.loads(out)) == report_findings(local)

    ruled_local = json.loads(cli(*base)[1])
    _code, out, err = cli(*base, *dask)
    assert "tenant-0.ndjson is checked in" in err
    assert "series rules" in err
    ruled = json.loads(out)

    def not_series(report: dict[str, Any]) -> list[Any]:
        return [
            item
            for item in report_findings(report)
            if not (item[1]["rule_id"] or "").endswith(("transition", "backwards", "token-cycle"))
        ]

    assert not_series(ruled) == not_series(ruled_local)

    grouped = ("--disable-rule", "all", "--group-by", "day", "--max-examples", "2")
    drift_local = cli("drift", str(fleet), "--format", "json", *grouped)
    drift = cli("drift", str(fleet), "--format", "json", *grouped, *dask)
    assert json.loads(drift[1]) == json.loads(drift_local[1])
    assert json.loads(drift[1])["groups"]["groups"]


def test_a_schemas_folder_changed_between_runs_is_compiled_again(
    scheduler: str, tmp_path: Path
) -> None:
    """A long-lived cluster's workers keep each compiled catalog, but not past a change of its
    --schemas folder: the second run judges by the folder as it now stands."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    code, shown, _ = cli("schemas", "show", "kendra.DataSourceSyncJob")
    assert code == 0
    schema = folder / "kendra.DataSourceSyncJob.json"
    schema.write_text(shown)
    document = tmp_path / "job.json"
    job = {"ExecutionId": "e", "Status": "SUCCEEDED", "StartTime": 1, "DataSourceErrorCode": "ab"}
    document.write_text(json.dumps(job))
    argv = ("validate", str(document), "--schemas", str(folder), "--engine", "dask")
    assert cli(*argv, "--scheduler", scheduler)[0] == 0
    # Every worker compiles the folder as it stands now (whichever ran the partition above).
    from conformance import cluster

    with distributed.Client(scheduler) as client:
        client.run(cluster.prepare, Options(schemas=folder))
    strict = json.loads(shown)
    strict["properties"]["DataSourceErrorCode"]["minLength"] = 5
    schema.write_text(json.dumps(strict))
    code, out, err = cli(*argv, "--scheduler", scheduler)
    assert code == 1, out + err
    assert "DataSourceErrorCode" in out


def test_the_bag_holds_the_findings_of_the_local_run(scheduler: str, fleet: Path) -> None:
    from conformance.cluster import bag

    with distributed.Client(scheduler):
        found = bag([str(fleet)], NO_RULES, partition_size=30_000)
        assert found.npartitions > 5
        computed = found.compute()
        violations = found.filter(lambda f: f.kind == "violation").count().compute()
    local = [f for r in check_paths([str(fleet)], options=NO_RULES) for f in r.findings]
    assert computed == local
    assert violations == sum(f.kind == "violation" for f in local) > 0


def test_a_worker_killed_part_way_loses_nothing_and_counts_nothing_twice(fleet: Path) -> None:
    """SIGKILL one of two workers after the first partition came back: the scheduler runs its
    partitions again, and the run's findings, counts and drift are the local run's."""
    from conformance.cluster import check_paths as on_cluster
    from conformance.cluster import connect

    paths = [str(fleet)]
    catalog = default_catalog()
    local_drift = Analysis(catalog)
    local = []
    for result in check_paths(
        paths, options=Options(disabled_rules=("all",), observer=local_drift.observe)
    ):
        local_drift.add(result)
        local.append(result)
    drift = Analysis(catalog)
    with connect(workers=2) as client:
        before = client.run(os.getpid)
        got: list[Result] = []
        killed = False
        for result in on_cluster(
            paths, NO_RULES, client=client, partition_size=8_000, analysis=drift
        ):
            got.append(result)
            if not killed:
                os.kill(next(iter(before.values())), signal.SIGKILL)
                killed = True
        deadline = time.monotonic() + 30
        while len(client.scheduler_info()["workers"]) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        after = client.run(os.getpid)
    assert set(after.values()) != set(before.values())  # the nanny started a new worker
    assert findings(got) == findings(local)
    assert counts(got) == counts(local)
    assert render_json(drift.finish()) == render_json(local_drift.finish())


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["x.ndjson", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler goes with --engine dask"),
        (["x.ndjson", "--workers", "2"], "--workers goes with --engine dask"),
        (["x.ndjson", "--engine", "dask", "--jobs", "2"], "--jobs is for --engine local"),
        (["-", "--engine", "dask"], "not standard input"),
        (["--url", "http://127.0.0.1:9/x", "--engine", "dask"], "a live run"),
        (
            ["x", "--engine", "dask", "--workers", "2", "--scheduler", "tcp://x:1"],
            "--workers sizes",
        ),
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(argv: list[str], said: str) -> None:
    from tests.cli_run import run

    code, _, err = run("validate", *argv)
    assert code == 2
    assert said in err


def test_a_scheduler_that_cannot_be_reached_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    code, _, err = cli(
        "validate", str(tmp_path), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == 2
    assert "cannot reach the scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err


# --- object storage ------------------------------------------------------------------------------

SECRET = "wJalrXUtnFEMI-cluster-test-secret-key"


@pytest.fixture(scope="module")
def bucket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A moto S3 server on loopback holding a corpus split over several objects (one of them
    gzip'd, one a HAR) in a bucket of its own; the environment that reaches it."""
    pytest.importorskip("s3fs")
    pytest.importorskip("moto.server")
    import gzip

    from tests.s3_server import bucket as serve

    folder = tmp_path_factory.mktemp("objects")
    objects = {
        f"polls/tenant-{n}/2026-11-0{n + 1}.ndjson": write_corpus(
            folder / f"{n}.ndjson", 30, 100 + n
        ).read_bytes()
        for n in range(3)
    }
    body = write_corpus(folder / "z.ndjson", 20, 200).read_bytes()
    objects["polls/tenant-z/2026-11-09.ndjson.gz"] = gzip.compress(body)
    har = Path(__file__).parent / "data" / "graph-explorer-session.har"
    objects["polls/tenant-g/session.har"] = har.read_bytes()
    with serve("dask-fleet", objects, SECRET) as env:
        yield env


def test_objects_in_s3_split_across_a_local_cluster_equal_the_local_run(
    bucket: dict[str, str],
) -> None:
    """s3://dask-fleet/polls/ on a LocalCluster the command starts: the uncompressed objects read in
    byte ranges by the workers through s3fs, the gzip'd one whole; the findings, counts and
    drift of the local run, and the secret key nowhere in the output."""
    base = ("s3://dask-fleet/polls/", "--format", "json", "--disable-rule", "all")
    dask = ("--engine", "dask", "--workers", "2", "--partition-size", "16K")
    code, out, _err = cli("validate", *base, env=bucket)
    local = json.loads(out)
    assert local["summary"]["files"] == 5
    assert local["summary"]["counts"]["violation"] > 0
    dcode, dout, derr = cli("validate", *base, *dask, env=bucket)
    assert dcode == code, derr
    ours = json.loads(dout)
    assert ours["summary"] == local["summary"]
    assert report_findings(ours) == report_findings(local)
    assert all(
        r["location"]["source"].startswith("s3://dask-fleet/polls/") for r in ours["results"]
    )
    drift_local = cli("drift", *base, env=bucket)
    drift = cli("drift", *base, *dask, env=bucket)
    assert json.loads(drift[1]) == json.loads(drift_local[1])
    for text in (dout, derr, drift[1], drift[2]):
        assert SECRET not in text


def test_without_dask_the_engine_says_what_to_install(tmp_path: Path) -> None:
    """A machine without distributed (its import blocked): one error line naming the extra,
    exit 2, no traceback."""
    (tmp_path / "a.json").write_text("{}")
    program = (
        "import sys; sys.modules['distributed'] = None\n"
        "from conformance.cli import main\n"
        f"sys.exit(main(['validate', {str(tmp_path)!r}, '--engine', 'dask']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "pip install 'sync-conformance[dask]'" in done.stderr
    assert "Traceback" not in done.stderr
