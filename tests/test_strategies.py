"""The strategies of ``conformance.strategies`` make what their modes promise, for every schema.

Valid documents have no findings, drifted ones only drift findings, hostile ones at least one
violation: checked for the Hypothesis strategies (which shrink) and for the seeded generator
behind ``conformance generate`` (which is fast), since both come from one compiled model.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import conformance
from conformance import cli, strategies
from conformance.strategies import Mode

NAMES = [entry.name for entry in conformance.default_catalog()]
CHECKER = conformance.Checker()
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _kinds(document: Any, name: str) -> set[str]:
    # As JSON text: an enum schema's document is a bare string, which check() would read as text.
    result = CHECKER.check(json.dumps(document, ensure_ascii=False), schema=name)
    return {finding.kind for finding in result.findings}


def _conforms(mode: Mode, kinds: set[str]) -> bool:
    if mode == "valid":
        return not kinds
    if mode == "drifted":
        return kinds <= set(conformance.DRIFT_KINDS)
    # Hostile: wrong by the schema, or by a contract rule beyond it (conformance.rules).
    return bool(kinds & {"violation", "rule"})


@pytest.mark.parametrize("mode", strategies.MODES)
@pytest.mark.parametrize("name", NAMES)
def test_strategy_keeps_its_mode(name: str, mode: Mode) -> None:
    @SETTINGS
    @given(strategies.documents(name, mode))
    def check(document: Any) -> None:
        kinds = _kinds(document, name)
        assert _conforms(mode, kinds), (document, kinds)

    check()


@pytest.mark.parametrize("mode", strategies.MODES)
@pytest.mark.parametrize("name", NAMES)
def test_generator_keeps_its_mode(name: str, mode: Mode) -> None:
    for document in strategies.generate(name, 200, mode=mode, seed=7):
        kinds = _kinds(document, name)
        assert _conforms(mode, kinds), (document, kinds)


def test_same_seed_same_documents() -> None:
    name = "graph.synchronizationJobCollection"
    for mode in strategies.MODES:
        first = list(strategies.generate(name, 50, mode=mode, seed=3))
        assert first == list(strategies.generate(name, 50, mode=mode, seed=3))
        assert first != list(strategies.generate(name, 50, mode=mode, seed=4))


def test_values_are_realistic() -> None:
    """The generator reaches the values the issue names: the sentinel, 0 to 7 fractional
    digits, offsets, astral characters, the largest duration, epoch seconds, unknown enum
    values and undeclared properties."""
    valid = [json.dumps(d, ensure_ascii=False) for n in NAMES for d in strategies.generate(n, 300)]
    text = "\n".join(valid)
    assert strategies.SENTINEL in text
    assert strategies.MAX_DURATION in text
    assert any(ord(c) > 0xFFFF for c in text)
    assert ".1" in text or ".0" in text
    assert "+05:30" in text or "-09:30" in text
    jobs = list(strategies.generate("kendra.DataSourceSyncJob", 300))
    starts = [j["StartTime"] for j in jobs if "StartTime" in j]
    assert starts
    assert all(strategies.EPOCH_MIN <= s <= strategies.EPOCH_MAX + 1 for s in starts)
    for job in jobs:
        if "StartTime" in job and "EndTime" in job:
            assert job["EndTime"] >= job["StartTime"]
    drifted = [
        conformance.check(json.dumps(d), schema="kendra.DataSourceSyncJob")
        for d in strategies.generate("kendra.DataSourceSyncJob", 300, mode="drifted")
    ]
    kinds = {f.kind for r in drifted for f in r.findings}
    assert kinds == {"enum-drift", "property-drift"}


def test_counts_agree() -> None:
    for progress in strategies.generate("graph.synchronizationProgress", 300):
        if "completedUnits" in progress and "totalUnits" in progress:
            done, total = progress["completedUnits"], progress["totalUnits"]
            assert total < 0 or done <= total
    for metrics in strategies.generate("kendra.DataSourceSyncJobMetrics", 300):
        parts = [int(v) for k, v in metrics.items() if k != "DocumentsScanned"]
        if "DocumentsScanned" in metrics:
            assert int(metrics["DocumentsScanned"]) >= sum(parts)


def test_unknown_name_and_mode() -> None:
    with pytest.raises(conformance.CatalogError, match="Did you mean"):
        strategies.documents("kendra.DataSourceSyncJb")
    with pytest.raises(ValueError, match="unknown mode"):
        strategies.documents("kendra.DataSourceSyncJob", "broken")  # type: ignore[arg-type]


def _generate(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "generate", *args], capture_output=True, check=False
    )


def test_generate_same_seed_same_bytes() -> None:
    args = ["graph.synchronizationJobCollection", "--count", "40", "--mode", "hostile"]
    first = _generate(*args, "--seed", "11")
    assert first.returncode == 0, first.stderr
    assert first.stdout == _generate(*args, "--seed", "11").stdout
    assert first.stdout != _generate(*args, "--seed", "12").stdout
    lines = first.stdout.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert len(lines) == 41
    for text in lines[:-1]:
        result = conformance.check(text, schema="graph.synchronizationJobCollection")
        assert "violation" in {f.kind for f in result.findings}


def test_generate_writes_one_file_per_document(tmp_path: Path) -> None:
    out = io.StringIO()
    code = cli.main(
        ["generate", "kendra.DataSourceSyncJob", "--count", "5", "--out", str(tmp_path)], out
    )
    assert code == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"{n:06d}.json" for n in range(5)]
    for path in tmp_path.iterdir():
        assert conformance.check(path, schema="kendra.DataSourceSyncJob").conforms
    ndjson = io.StringIO()
    cli.main(["generate", "kendra.DataSourceSyncJob", "--count", "5"], ndjson)
    joined = "".join((tmp_path / name).read_text("utf-8") for name in files)
    assert joined == ndjson.getvalue()


def test_generate_unknown_name_exits_2_with_close_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["generate", "kendra.DataSourceSyncJb"], io.StringIO()) == 2
    assert "Did you mean kendra.DataSourceSyncJob" in capsys.readouterr().err


def test_hostile_reaches_every_kind_of_violation() -> None:
    """Hostile documents break types, formats, patterns (control characters included), enums,
    bounds, lengths and required properties, not only types."""
    keywords: set[str | None] = set()
    control = False
    for name in NAMES:
        for document in strategies.generate(name, 300, mode="hostile", seed=1):
            result = CHECKER.check(json.dumps(document), schema=name)
            keywords |= {f.keyword for f in result.findings}
            control |= any(
                f.keyword == "pattern"
                and isinstance(f.actual, str)
                and any(c in f.actual for c in ("\x00", "\t", "\n", "\x1b", "\u200b"))
                for f in result.findings
            )
    assert keywords >= {
        "type",
        "format",
        "pattern",
        "enum",
        "maximum",
        "minimum",
        "minLength",
        "maxLength",
        "required",
    }
    assert control


def test_strategies_are_cached_per_name_and_mode() -> None:
    name = "graph.synchronizationJob"
    assert strategies.documents(name, "hostile") is strategies.documents(name, "hostile")
    assert strategies.documents(name, "valid") is not strategies.documents(name, "hostile")
