"""The verdict and its explanation agree on the same corpus, hard cases included.

jsonschema-rs decides every verdict and lists the errors behind a failure. These tests hold the
two to the same answer, document by document, at the points where JSON Schema libraries are
known to differ (leap seconds, `1.0` as an integer, lower-case `t`/`z`, `\\P{C}`, code points
newer than Python's Unicode tables).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conformance import Location
from conformance.validation import Engine

ENGINE = Engine()
HERE = Location("corpus")
DATA = Path(__file__).parent / "data"

JOB: dict[str, Any] = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
STATUS: dict[str, Any] = {
    "code": "Active",
    "countSuccessiveCompleteFailures": 0,
    "lastExecution": {"timeBegan": "2017-07-19T14:55:58.5434447Z", "countImported": 3},
}


def _variants() -> list[tuple[str, str, Any]]:
    """(id, schema, document): edits of conforming documents at the known points of difference."""
    out: list[tuple[str, str, Any]] = []
    messages = {
        "tab": "a\tb",
        "nul": "a\x00b",
        "zero-width": "a\u200bb",
        "soft-hyphen": "a\u00adb",
        "private-use": "a\ue000b",
        "unassigned": "a\u0378b",
        "trailing-lf": "ab\n",
        "cjk": "同期",
        "emoji": "😀",
        "line-separator": "a\u2028b",
        "unicode-15": "a\U0001b11fb",
        "unicode-16": "a\U0001cc00b",
        "empty": "",
    }
    for name, text in messages.items():
        out.append(
            (f"ErrorMessage-{name}", "kendra.DataSourceSyncJob", {**JOB, "ErrorMessage": text})
        )
    times = {
        "7-digits": "2017-07-19T14:55:58.5434447Z",
        "year-1": "0001-01-01T00:00:00Z",
        "hour-25": "2017-07-19T25:00:00Z",
        "leap-second-utc": "2016-12-31T23:59:60Z",
        "leap-second-offset": "2016-12-31T15:59:60-08:00",
        "leap-second-wrong-hour": "2016-12-31T22:59:60Z",
        "lower-t-z": "2017-07-19t14:55:58z",
        "no-offset": "2017-07-19T14:55:58",
        "feb-30": "2017-02-30T00:00:00Z",
    }
    for name, text in times.items():
        doc = copy.deepcopy(STATUS)
        doc["lastExecution"]["timeBegan"] = text
        out.append((f"timeBegan-{name}", "graph.synchronizationStatus", doc))
    numbers: dict[str, Any] = {
        "one-point-zero": 1.0,
        "one-point-five": 1.5,
        "big": 2**70,
        "negative": -1,
    }
    for name, value in numbers.items():
        out.append(
            (
                f"count-{name}",
                "graph.synchronizationStatus",
                {**STATUS, "countSuccessiveCompleteFailures": value},
            )
        )
        out.append((f"units-{name}", "graph.synchronizationProgress", {"completedUnits": value}))
    metrics = {
        "zero": "0",
        "leading-zero": "01",
        "inner": "x1y",
        "digits": "120",
        "arabic-indic": "\u0661",
    }
    for name, value in metrics.items():
        out.append(
            (
                f"metric-{name}",
                "kendra.DataSourceSyncJob",
                {**JOB, "Metrics": {"DocumentsAdded": value}},
            )
        )
    for path in sorted(DATA.glob("*.*/*/*.json")):
        if path.parent.name in ("valid", "invalid") and not path.name.endswith(".expected.json"):
            out.append(
                (
                    f"golden-{path.parents[1].name}-{path.stem}",
                    path.parents[1].name,
                    json.loads(path.read_text()),
                )
            )
    return out


VARIANTS = _variants()


@pytest.mark.parametrize(
    ("schema", "document"), [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_verdict_and_explanation_agree(schema: str, document: Any) -> None:
    """The verdict is "valid" exactly when the explanation finds nothing."""
    validator = ENGINE.validator(schema)
    explained = validator.explain(document, HERE)
    assert validator.is_valid(document) == (explained == [])


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2016-12-31T23:59:60Z", True),
        ("2017-07-19t14:55:58z", True),
        ("2016-12-31T22:59:60Z", False),
    ],
)
def test_known_library_differences_are_judged_and_explained_alike(value: str, valid: bool) -> None:
    """Leap seconds and lower-case t/z, where jsonschema's own checker differs, agree here."""
    doc = {"steadyStateFirstAchievedTime": value}
    validator = ENGINE.validator("graph.synchronizationStatus")
    assert validator.is_valid(doc) is valid
    assert (validator.explain(doc, HERE) == []) is valid


def test_a_code_point_newer_than_the_engines_tables_is_explained() -> None:
    """U+20C1 (Unicode 17) is unassigned to jsonschema-rs's tables: the document fails, and the
    explanation names the pattern, as the verdict and the explanation come from one engine."""
    doc = {**JOB, "ErrorMessage": "price \u20c1"}
    findings = ENGINE.findings(doc, "kendra.DataSourceSyncJob", HERE)
    assert [(f.kind, f.pointer, f.keyword) for f in findings] == [
        ("violation", "/ErrorMessage", "pattern")
    ]
