"""Golden documents: tests/data/<schema>/{valid,invalid}/, the expected findings beside each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.pipeline import Options, Pipeline

DATA = Path(__file__).parent / "data"
CASES = sorted(
    p
    for p in DATA.glob("*.*/*/*.json")
    if p.parent.name in ("valid", "invalid") and not p.name.endswith(".expected.json")
)


def _id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("path", CASES, ids=[_id(p) for p in CASES])
def test_golden_document(path: Path) -> None:
    """Each golden document has exactly its expected findings, each placed at a line and column."""
    schema = path.parents[1].name
    [result] = Pipeline(Options(schema=schema)).run([str(path)])
    found = [[f.kind, f.pointer, f.keyword] for f in result.findings]
    expected = (
        json.loads(path.with_name(path.stem + ".expected.json").read_text())
        if path.parent.name == "invalid"
        else []
    )
    assert found == expected
    for finding in result.findings:
        assert finding.location.line is not None, finding
        assert finding.location.column is not None, finding
        assert finding.schema is not None
        assert finding.rule is not None


@pytest.mark.parametrize("path", CASES, ids=[_id(p) for p in CASES])
def test_golden_document_selects_its_schema_by_shape(path: Path) -> None:
    """Without --schema, each golden document is validated against the schema of its folder."""
    [result] = Pipeline(Options()).run([str(path)])
    assert result.schema == path.parents[1].name, result.selection
