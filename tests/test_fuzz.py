"""``conformance.fuzzing`` catches a fragile client, shrinks its failures, spares a robust one.

The sample clients are Python scripts in ``tests/fuzz_clients``, run as external commands the
way a client in any other language would be.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path

import pytest

from conformance import cli, fuzzing

CLIENTS = Path(__file__).parent / "fuzz_clients"
PYTHON = shlex.quote(sys.executable)
FRAGILE = f"{PYTHON} {shlex.quote(str(CLIENTS / 'fragile.py'))} {{file}}"
ROBUST = f"{PYTHON} {shlex.quote(str(CLIENTS / 'robust.py'))}"
NAME = "graph.synchronizationJob"


def test_a_fragile_client_fails_with_distinct_small_reproducers(tmp_path: Path) -> None:
    """KeyError and TypeError both exit 1 yet are two failures, each shrunk to a reproducer much
    smaller than the document that found it, which still fails the same way."""
    out = tmp_path / "failures"
    report = fuzzing.fuzz(
        NAME, FRAGILE, mode="drifted", max_examples=12, seed=1, jobs=4, out=out, timeout=20
    )
    signatures = {failure.signature for failure in report.failures}
    assert any(s.startswith("exit 1: KeyError") for s in signatures), signatures
    assert any(s.startswith("exit 1: TypeError") for s in signatures), signatures
    assert len(signatures) == len(report.failures)
    for number, failure in enumerate(report.failures, 1):
        assert failure.exit == 1
        assert failure.signal is None
        reproducer = (out / f"{number}.json").read_bytes()
        assert reproducer == failure.reproducer
        assert len(reproducer) <= max(40, len(failure.original) // 4), failure
        assert fuzzing.replay(FRAGILE, reproducer) == failure.signature
        meta = json.loads((out / f"{number}.meta.json").read_text("utf-8"))
        assert meta == {
            "schema": NAME,
            "mode": "drifted",
            "seed": 1,
            "index": failure.index,
            "exit": 1,
            "signal": None,
            "signature": failure.signature,
            "command": FRAGILE,
        }
        assert failure.shrink_runs <= fuzzing.MAX_SHRINK_RUNS


def test_a_robust_client_is_not_flagged(tmp_path: Path) -> None:
    """The robust client reads the document on stdin and survives hostile documents."""
    report = fuzzing.fuzz(
        NAME, ROBUST, mode="hostile", max_examples=12, seed=3, jobs=4, out=tmp_path
    )
    assert report.runs == 12
    assert report.failures == []
    assert list(tmp_path.iterdir()) == []


def test_a_timeout_is_a_failure_and_the_process_group_is_killed() -> None:
    command = f"{PYTHON} -c 'import time; time.sleep(30)'"
    outcome = fuzzing.run_client(command, b"{}\n", timeout=0.5)
    assert outcome.timed_out
    assert outcome.failed
    assert fuzzing.signature(outcome) == "timeout"


def test_a_signal_is_not_an_exit_code() -> None:
    aborts = f"{PYTHON} -c 'import os; os.abort()'"
    exits = f"{PYTHON} -c 'import sys; sys.exit(134)'"
    aborted = fuzzing.run_client(aborts, b"{}\n", timeout=20)
    exited = fuzzing.run_client(exits, b"{}\n", timeout=20)
    assert aborted.signal is not None
    assert aborted.exit is None
    assert fuzzing.signature(aborted).startswith("signal SIGABRT")
    assert exited.exit == 134
    assert exited.signal is None
    assert fuzzing.signature(exited) == "exit 134"


def test_the_signature_normalises_numbers_addresses_and_paths() -> None:
    outcome = fuzzing.Outcome(
        exit=1,
        signal=None,
        timed_out=False,
        stdout="ignored\n",
        stderr="Traceback\nValueError: bad 42 at 0x7ffde1 in /home/me/app/x.py\n\n",
    )
    assert fuzzing.signature(outcome) == "exit 1: ValueError: bad N at ADDR in PATH"


def test_the_same_seed_gives_the_same_failures(tmp_path: Path) -> None:
    first = fuzzing.fuzz(NAME, FRAGILE, mode="hostile", max_examples=6, seed=5, out=None)
    second = fuzzing.fuzz(NAME, FRAGILE, mode="hostile", max_examples=6, seed=5, jobs=3, out=None)
    assert [(f.signature, f.index, f.reproducer) for f in first.failures] == [
        (f.signature, f.index, f.reproducer) for f in second.failures
    ]


def test_the_fuzz_command_lists_each_failure_once_and_exits_1(tmp_path: Path) -> None:
    out = io.StringIO()
    code = cli.main(
        [
            "fuzz",
            NAME,
            "--cmd",
            FRAGILE,
            "--mode",
            "drifted",
            "--max-examples",
            "6",
            "--seed",
            "1",
            "--jobs",
            "3",
            "--out",
            str(tmp_path),
        ],
        out,
    )
    text = out.getvalue()
    assert code == 1
    assert "failure 1: exit 1: " in text
    assert f"reproducer: {tmp_path / '1.json'}" in text
    assert "replay: --seed 1 --max-examples " in text
    assert text.splitlines()[-1].startswith("6 documents, ")


def test_the_fuzz_command_exits_0_for_a_robust_client(tmp_path: Path) -> None:
    out = io.StringIO()
    arguments = ["fuzz", NAME, "--cmd", ROBUST, "--max-examples", "4", "--out", str(tmp_path)]
    assert cli.main(arguments, out) == 0
    assert out.getvalue() == "4 documents, 0 failed: 0 distinct failures\n"


def test_the_fuzz_command_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["fuzz", NAME], io.StringIO())
    assert exited.value.code == 2
    assert cli.main(["fuzz", "graph.nope", "--cmd", ROBUST], io.StringIO()) == 2
