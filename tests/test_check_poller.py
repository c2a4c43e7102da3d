"""``conformance check-poller``: sample pollers judged scenario by scenario, and hostile pollers."""

from __future__ import annotations

import io
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import cli, pollers, scenarios

POLLERS = Path(__file__).parent / "pollers"
PYTHON = shlex.quote(sys.executable)
KENDRA_ARGS = "{url} {id} {index_id} {execution_id}"
GRAPH_ARGS = "{url} {service_principal_id} {job_id}"


def _command(poller: str, args: str) -> str:
    return f"{PYTHON} {shlex.quote(str(POLLERS / poller))} {args}"


def _check(cmd: str, *options: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = cli.main(["check-poller", "--cmd", cmd, "--format", "json", *options], out=out)
    return code, json.loads(out.getvalue())


def _exit_code(args: list[str]) -> int:
    """The exit code, whether the CLI returns it or argparse exits with it."""
    try:
        return cli.main(args, out=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0)


def _verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {run["scenario"]: run["verdict"] for run in report["scenarios"]}


def test_naive_kendra_poller_fails_where_public_pollers_do() -> None:
    """STOPPING taken as the end, INCOMPLETE matching no branch, History[0] of the first page,
    a KeyError on ErrorMessage and token cycles followed: each scenario catches its bug."""
    code, report = _check(_command("kendra_naive.py", KENDRA_ARGS), "--scenario", "kendra")
    assert code == 1
    assert _verdicts(report) == {
        "kendra-success": "pass",
        "kendra-incomplete": "looped",
        "kendra-failed": "pass",
        "kendra-failed-no-message": "crashed",
        "kendra-stop": "wrong final state",
        "kendra-unknown-status": "pass",
        "kendra-page-two": "wrong final state",
        "kendra-empty-history": "crashed",
        "kendra-empty-page": "pass",
        "kendra-token-cycle": "looped",
        "kendra-token-repeat": "looped",
    }
    runs = {run["scenario"]: run for run in report["scenarios"]}
    assert runs["kendra-failed-no-message"]["stderr"] == "KeyError: 'ErrorMessage'"
    assert runs["kendra-failed-no-message"]["exit_code"] == 1
    assert runs["kendra-empty-history"]["stderr"].startswith("IndexError")
    assert (runs["kendra-stop"]["printed"], runs["kendra-stop"]["expected"]) == (
        "STOPPING",
        "ABORTED",
    )
    assert runs["kendra-page-two"]["printed"] == "ABORTED"
    assert "after INCOMPLETE was served" in runs["kendra-incomplete"]["looped"]
    # Following a token the service sent before: looping from the page that repeats it.
    assert "requests after FAULT was served" in runs["kendra-token-repeat"]["looped"]
    for name in ("kendra-incomplete", "kendra-token-cycle"):
        assert runs[name]["ended"] is False
        assert runs[name]["exit_code"] is None
    assert (report["passed"], report["failed"]) == (4, 7)


def test_careful_kendra_poller_passes_every_kendra_scenario() -> None:
    """The careful poller ends on each right state and reports both token faults."""
    code, report = _check(_command("kendra_careful.py", KENDRA_ARGS), "--scenario", "kendra")
    assert code == 0
    assert set(_verdicts(report).values()) == {"pass"}
    runs = {run["scenario"]: run for run in report["scenarios"]}
    assert runs["kendra-token-cycle"]["printed"].startswith("FAULT")
    assert runs["kendra-stop"]["printed"] == "ABORTED"
    assert len(runs) == len([n for n in scenarios.NAMES if n.startswith("kendra-")])


def test_graph_pollers() -> None:
    """Naive: Quarantine taken as the end, "" parsed as a date, a new reason a KeyError.
    Careful: Active every time."""
    code, naive = _check(_command("graph_naive.py", GRAPH_ARGS), "--scenario", "graph")
    assert code == 1
    assert _verdicts(naive) == {
        "graph-quarantine": "wrong final state",
        "graph-empty-dates": "crashed",
        "graph-new-reason": "crashed",
    }
    runs = {run["scenario"]: run for run in naive["scenarios"]}
    assert runs["graph-quarantine"]["printed"] == "Quarantine"
    assert runs["graph-empty-dates"]["stderr"].startswith("ValueError")
    assert runs["graph-new-reason"]["stderr"] == f"KeyError: '{scenarios.NEW_REASON}'"
    code, careful = _check(_command("graph_careful.py", GRAPH_ARGS), "--scenario", "graph")
    assert code == 0
    assert [r["printed"] for r in careful["scenarios"]] == ["Active"] * 3


def test_as_a_real_subprocess_with_text_output() -> None:
    """The installed command prints a line per scenario and a summary; exit 1 on a failure."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance",
            "check-poller",
            "--cmd",
            _command("kendra_naive.py", KENDRA_ARGS),
            "--scenario",
            "kendra-stop",
            "--scenario",
            "kendra-success",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("pass  kendra-success  printed SUCCEEDED (5 requests, ")
    assert lines[1].startswith(
        "FAIL  kendra-stop     printed STOPPING before ABORTED was served, expected ABORTED ("
    )
    assert lines[2] == "2 scenarios: 1 passed, 1 failed (1 wrong final state)"
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--scenario", "kendra-sucess"], "Did you mean kendra-success, "),
        (["--cmd", "python 'unbalanced"], "--cmd cannot be split into words"),
        (["--cmd", "   "], "--cmd is empty"),
        (["--cmd", "/nonexistent/poller {url}"], "cannot run the poller"),
        (["--timeout", "0"], "expected seconds above 0"),
    ],
)
def test_usage_errors_exit_2(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown scenario, a command that cannot be split or run, a bad timeout: exit 2."""
    args = ["check-poller", "--cmd", "true", "--scenario", "kendra-success", *options]
    assert _exit_code(args) == 2
    assert message in capsys.readouterr().err


def test_a_poller_that_never_ends_is_killed_at_the_timeout() -> None:
    """A poller still running at --timeout has looped and is killed with its process group."""
    cmd = f"{PYTHON} -c 'import time; time.sleep(60)'"
    code, report = _check(cmd, "--scenario", "kendra-success", "--timeout", "1")
    assert code == 1
    [run] = report["scenarios"]
    assert run["verdict"] == "looped"
    assert run["looped"] == "still running after 1 s (0 requests)"


def test_a_poller_killed_by_a_signal_crashed() -> None:
    """A poller that dies of a signal is a crash that names the signal."""
    cmd = f"{PYTHON} -c 'import os, signal; os.kill(os.getpid(), signal.SIGKILL)'"
    code, report = _check(cmd, "--scenario", "graph-quarantine")
    assert code == 1
    [run] = report["scenarios"]
    assert (run["verdict"], run["signal"], run["exit_code"]) == ("crashed", 9, None)


def test_placeholders_and_environment_carry_the_ids() -> None:
    """{execution_id} in the command and CONFORMANCE_EXECUTION_ID hold the scenario's id;
    CONFORMANCE_POLL_INTERVAL is small."""
    script = (
        "import os, sys; e = os.environ;"
        " print(sys.argv[1] == e['CONFORMANCE_EXECUTION_ID'] == e.get('EXPECTED'),"
        " e['CONFORMANCE_URL'] == sys.argv[2], e['CONFORMANCE_SCENARIO'],"
        " e['CONFORMANCE_POLL_INTERVAL'])"
    )
    execution_id = scenarios.scenario("kendra-stop").ids["execution_id"]
    cmd = f"env EXPECTED={execution_id} {PYTHON} -c {shlex.quote(script)} {{execution_id}} {{url}}"
    _, report = _check(cmd, "--scenario", "kendra-stop")
    [run] = report["scenarios"]
    assert run["printed"] == "True True kendra-stop 0.01"
    assert run["verdict"] == "wrong final state"
    assert run["saw_final"] is False  # it never polled: a right guess would not pass either


def test_hostile_output_is_bounded_escaped_and_redacted() -> None:
    """30 MB of stdout costs no memory; the last lines shown are escaped, cut and redacted."""
    script = (
        "import sys; out = sys.stdout.buffer; chunk = b'x' * 65536 + b'\\n'\n"
        "for _ in range(480): out.write(chunk)\n"
        "out.write(b'\\x1b[31mSUCCEEDED\\n'); out.flush()\n"
        "sys.stderr.write('\\nAuthorization: Bearer abc.def.ghi\\n')\n"
        "sys.exit(1)"
    )
    cmd = f"{PYTHON} -c {shlex.quote(script)}"
    _, report = _check(cmd, "--scenario", "kendra-success")
    [run] = report["scenarios"]
    assert run["printed"] == "\\x1b[31mSUCCEEDED"
    assert run["verdict"] == "crashed"
    assert run["stderr"] == "Authorization: <redacted>"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
    shown = pollers._last_line(f"token {jwt} {'y' * 500}\n\n".encode())
    assert shown is not None
    assert jwt not in shown
    assert len(shown) == pollers.LINE_LIMIT


def test_a_fault_is_not_passed_by_a_guess() -> None:
    """A poller that prints FAULT without reading the pages that show the fault guessed: the
    fault scenarios fail it, as the others fail a poller that ends before the job does."""
    code, report = _check(f"{PYTHON} -c \"print('FAULT')\"", "--scenario", "kendra-token-cycle")
    assert code == 1
    assert _verdicts(report) == {"kendra-token-cycle": "wrong final state"}


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("X-Custom-Token: abcdef123456", "abcdef123456"),
        ("client_secret: hunter2hunter2", "hunter2hunter2"),
        ("api_key=abc123", "abc123"),
        ("> Authorization: Bearer short123", "short123"),
        ("> Cookie: sid=abc", "sid=abc"),
    ],
)
def test_a_secret_named_line_of_a_pollers_output_is_redacted(line: str, secret: str) -> None:
    """A debug line names its secret (a header, a setting, curl -v's request lines): its value
    never reaches the report, whatever shape it has."""
    shown = pollers._last_line(f"{line}\n".encode())
    assert shown is not None
    assert secret not in shown
    assert "<redacted>" in shown


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_last_line_of_any_bytes_is_one_short_printable_line(data: bytes) -> None:
    """Whatever a poller prints, what is shown of it is one printable line of bounded length."""
    line = pollers._last_line(data)
    if line is not None:
        assert line
        assert len(line) <= pollers.LINE_LIMIT
        assert "\n" not in line
        assert "\r" not in line


def test_help_lists_every_scenario_and_groups_expand_in_table_order() -> None:
    """--help names each scenario; all, kendra and graph expand to the table's names, in order."""
    from conformance.commands import check_poller

    assert check_poller.EPILOG.split("exit codes:")[0].split()[8:] == list(scenarios.NAMES)
    assert pollers.expand(["graph-new-reason", "all"]) == scenarios.NAMES
    assert pollers.expand(["graph", "kendra-stop"]) == (
        "kendra-stop",
        "graph-quarantine",
        "graph-empty-dates",
        "graph-new-reason",
    )
