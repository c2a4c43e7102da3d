"""The JSON and SARIF reports keep their results in a ``Spool``: the same text as one
``dump_json`` of the whole document, from a temporary file past its memory."""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.report.base import Spool, dump_json

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def written(items: list[Any], memory: int, shape: Any) -> str:
    """``shape(list)`` written through a spool of ``items``."""
    spool = Spool(1 if shape is report else 3, memory)
    for item in items:
        spool.add(item)
    out = io.StringIO()
    spool.write_into(shape(spool.placeholder), out)
    return out.getvalue()


def report(results: Any) -> Any:
    return {"version": 2, "summary": {"documents": 3}, "results": results}


def sarif(results: Any) -> Any:
    return {"runs": [{"tool": {"driver": {}}, "results": results, "properties": {"n": 1}}]}


@settings(max_examples=200, deadline=None)
@given(items=st.lists(JSON, max_size=6), memory=st.sampled_from([0, 64, 1 << 20]))
def test_the_text_is_the_one_dump_json_writes(items: list[Any], memory: int) -> None:
    """Items of any JSON, the spool in memory or on disk, at the JSON report's depth and at
    SARIF's: the text is exactly dump_json's of the document holding the list."""
    for shape in (report, sarif):
        assert written(items, memory, shape) == dump_json(shape(items)) + "\n"


def test_a_value_that_names_a_placeholder_is_only_a_value() -> None:
    """An input value cannot stand in for the list: the placeholder is random per report."""
    first, second = Spool(1), Spool(1)
    assert first.placeholder != second.placeholder
    first.add({"actual": second.placeholder})
    out = io.StringIO()
    first.write_into({"results": first.placeholder, "note": second.placeholder}, out)
    document = json.loads(out.getvalue())
    assert document["results"] == [{"actual": second.placeholder}]
    assert document["note"] == second.placeholder


def test_a_document_with_the_list_elsewhere_is_refused() -> None:
    spool = Spool(3)
    with pytest.raises(ValueError, match="depth"):
        spool.write_into({"results": spool.placeholder}, io.StringIO())


def test_a_spool_never_written_is_let_go_without_a_warning() -> None:
    """A run that stops part way leaves no open temporary file behind (the suite turns
    ResourceWarning into an error)."""
    spool = Spool(1, 0)
    spool.add({"a": 1})
    del spool
    gc.collect()


def test_the_junit_report_is_the_document_elementtree_writes(tmp_path: Path) -> None:
    """Suites written one by one as their files end: the text is what ElementTree writes for
    the whole tree, indented (parsed back and written again, it comes out the same)."""
    from xml.etree.ElementTree import ElementTree, fromstring, indent

    from tests.cli_run import run

    (tmp_path / "b.ndjson").write_text('{"ExecutionId": "x", "Status": "QUEUED"}\n\n{"a":\n')
    data = Path(__file__).parent / "data"
    examples = Path(__file__).parents[1] / "examples"
    code, out, _ = run("validate", str(examples), str(data), str(tmp_path), "--format", "junit")
    assert code == 2  # the broken line
    root = fromstring(out.split("\n", 1)[1])
    assert len(root.findall("testsuite")) > 3
    indent(root)
    again = io.StringIO()
    ElementTree(root).write(again, encoding="unicode", xml_declaration=True)
    assert out == again.getvalue() + "\n"
