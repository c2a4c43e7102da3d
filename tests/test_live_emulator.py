"""The live front-ends together: validate --url against the emulator, and serve --scenario.

The emulator runs in this process (``conformance.emulator.start``) or as the real
``conformance serve`` command; ``validate --url`` talks to it over loopback HTTP.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cli_run import run

from conformance import scenarios
from conformance.emulator import emulator_app, start
from conformance.wire import KENDRA_TARGET

JOBS = "/beta/servicePrincipals/sp-1/synchronization/jobs"
KENDRA = ("--aws-target", KENDRA_TARGET, "--data", '{"Id": "ds-1", "IndexId": "%s"}' % ("0" * 36))


@pytest.mark.parametrize("service", ["graph", "kendra"])
@pytest.mark.parametrize(("mode", "exit_code"), [("valid", 0), ("drifted", 0), ("hostile", 1)])
def test_validate_url_against_the_emulator(service: str, mode: str, exit_code: int) -> None:
    """Valid and drifted emulators pass (drift is no failure), a hostile one is exit 1 with
    violations, never 2: its bodies are JSON that can be read."""
    with start(emulator_app(mode=mode, seed=4, jobs=23, page_size=5)) as server:
        if service == "graph":
            argv = ["--url", server.url + JOBS]
        else:
            argv = ["--url", server.url + "/", *KENDRA, "--sign", "never"]
        code, out, err = run("validate", *argv, "--format", "json")
    assert code == exit_code, err
    report = json.loads(out)
    assert len(report["results"]) >= 5  # every page: 23 jobs, 5 a page
    counts = report["summary"]["counts"]
    if mode == "hostile":
        assert counts["violation"] > 0
        assert counts["unreadable"] == 0
    if mode == "drifted":
        assert counts["enum-drift"] + counts["property-drift"] > 0


def test_validate_url_rides_out_throttling() -> None:
    """Every 3rd request throttled (429, Retry-After 0): the pages still all arrive."""
    with start(emulator_app(seed=1, jobs=20, page_size=5, throttle_every=3, retry_after=0)) as s:
        code, out, err = run("validate", "--url", s.url + JOBS, "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["results"]) == 4


def test_record_then_validate_the_recording(tmp_path: Path) -> None:
    """A live run against the hostile emulator, recorded, gives the same findings offline."""
    with start(emulator_app(mode="hostile", seed=2, jobs=10, page_size=5)) as server:
        code, live, _ = run(
            "validate", "--url", server.url + JOBS, "--record", str(tmp_path), "--format", "json"
        )
    assert code == 1
    code, recorded, _ = run("validate", str(tmp_path / "cassette.yaml"), "--format", "json")
    assert code == 1
    assert json.loads(recorded)["summary"]["counts"] == json.loads(live)["summary"]["counts"]


def test_serve_scenario_plays_a_life_over_polls() -> None:
    """``conformance serve --scenario kendra-stop`` serves SYNCING, STOPPING, STOPPING, then
    ABORTED to successive polls, with the ids its banner prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0", "--scenario", "kendra-stop"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        banner = [process.stdout.readline() for _ in range(5)]
        played = scenarios.scenario("kendra-stop", 0)
        assert f"  a correct poller ends with: {played.final}\n" in banner
        body = json.dumps({"Id": played.ids["id"], "IndexId": played.ids["index_id"]})
        headers = {"X-Amz-Target": KENDRA_TARGET, "Content-Type": "application/x-amz-json-1.1"}
        seen = []
        for _ in range(4):
            page = requests.post(url + "/", data=body, headers=headers, timeout=10).json()
            seen.append(page["History"][0]["Status"])
        assert seen == ["SYNCING", "STOPPING", "STOPPING", "ABORTED"]
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_serve_scenario_names_in_the_help_are_the_scenarios() -> None:
    """The --scenario help lists exactly the scenarios there are."""
    from conformance.cli import _parser, _subparser

    text = _subparser(_parser(), "serve").format_help()
    listed = "".join(text.split())  # argparse wraps lines at hyphens too
    assert all(f"{name}," in listed or f"{name};" in listed for name in scenarios.NAMES)


def test_serve_scenario_refuses_throttling_and_unknown_names() -> None:
    """An unknown scenario suggests close names; throttling a scenario is a usage error."""
    code, _, err = run("serve", "--scenario", "kendra-stp")
    assert code == 2
    assert "Did you mean kendra-stop" in err
    code, _, err = run("serve", "--scenario", "kendra-stop", "--throttle-every", "2")
    assert code == 2
    assert "--throttle-every is for generated jobs" in err
