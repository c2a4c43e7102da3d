"""The lifecycle table: what it says, where each fact comes from, and how a bad file is refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import CatalogError, default_catalog, lifecycle

ROOT = Path(__file__).parents[1]
SOURCES = ROOT / "schemas" / "sources"
SHIPPED = json.loads((ROOT / "schemas" / "lifecycle.json").read_text(encoding="utf-8"))


def test_kendra_terminal_states_are_the_four_outcomes() -> None:
    """The four outcomes end a wait; SYNCING, SYNCING_INDEXING and STOPPING do not."""
    life = lifecycle.load().get(lifecycle.KENDRA)
    assert set(life.terminal_states) == {"SUCCEEDED", "FAILED", "INCOMPLETE", "ABORTED"}
    for state in ("SYNCING", "SYNCING_INDEXING", "STOPPING"):
        assert not lifecycle.terminal(lifecycle.KENDRA, state)
    assert life.initial == ("SYNCING",)


def test_graph_quarantine_and_not_run_are_waited_through() -> None:
    """Graph: a poller waits through NotRun and Quarantine and stops at the settled codes."""
    life = lifecycle.load().get(lifecycle.GRAPH)
    assert set(life.terminal_states) == {"Active", "Paused", "NotConfigured"}
    assert not lifecycle.terminal(lifecycle.GRAPH, "Quarantine")
    assert not lifecycle.terminal(lifecycle.GRAPH, "NotRun")


@pytest.mark.parametrize(
    ("kind", "schema", "pointer"),
    [
        (lifecycle.KENDRA, "kendra.DataSourceSyncJob", ("properties", "Status", "enum")),
        (lifecycle.GRAPH, "graph.synchronizationStatusCode", ("enum",)),
    ],
)
def test_states_are_exactly_the_catalog_enum(
    kind: str, schema: str, pointer: tuple[str, ...]
) -> None:
    """Every member of the schema's enum has a row, and no row is for a value the enum lacks."""
    node: Any = default_catalog().schema(schema)
    for key in pointer:
        node = node[key]
    assert {s.name for s in lifecycle.load().get(kind).states} == set(node)


def test_every_fact_has_a_source_that_exists() -> None:
    """A cited document is one of sources/ (and names the section's words); others are inferred."""
    table = lifecycle.load()
    facts = [s.source for life in table.lifecycles for s in life.states]
    facts += [t.source for life in table.lifecycles for t in life.transitions]
    assert any(f.inferred for f in facts)
    assert any(not f.inferred for f in facts)
    for source in facts:
        if source.inferred:
            assert source.reasoning
            assert len(source.reasoning) > 40
        elif source.document is not None:
            text = (SOURCES / source.document).read_text(encoding="utf-8")
            first = (source.section or "").split(",")[0].split(":")[0].strip()
            assert first, source
            assert first in text, (source.document, source.section)
        else:
            assert source.url is not None
            assert source.url.startswith("https://")
        assert source.text()


def test_allowed_transitions() -> None:
    """Listed moves and staying put are allowed; leaving ABORTED, or unknown states, are not."""
    assert lifecycle.allowed(lifecycle.KENDRA, "STOPPING", "ABORTED")
    assert lifecycle.allowed(lifecycle.KENDRA, "SYNCING", "SYNCING")
    assert lifecycle.allowed(lifecycle.KENDRA, "SYNCING_INDEXING", "INCOMPLETE")
    assert not lifecycle.allowed(lifecycle.KENDRA, "ABORTED", "SYNCING")
    assert not lifecycle.allowed(lifecycle.KENDRA, "SUCCEEDED", "FAILED")
    assert not lifecycle.allowed(lifecycle.KENDRA, "SYNCING", "SYNCING_QUEUED")
    assert lifecycle.allowed(lifecycle.GRAPH, "Quarantine", "Active")
    assert lifecycle.transitions(lifecycle.KENDRA)["STOPPING"] == ("ABORTED", "FAILED")
    assert set(lifecycle.sources(lifecycle.GRAPH)) == {
        "NotConfigured",
        "NotRun",
        "Active",
        "Paused",
        "Quarantine",
    }


def test_an_unknown_kind_names_the_known_ones() -> None:
    """Asking for a kind the table lacks is a CatalogError listing the kinds it has."""
    with pytest.raises(CatalogError, match=r"no lifecycle for 'kendra\.Job'.*DataSourceSyncJob"):
        lifecycle.terminal("kendra.Job", "SUCCEEDED")


def _broken(edit: str) -> dict[str, Any]:
    data = copy.deepcopy(SHIPPED)
    kendra = data["kinds"][lifecycle.KENDRA]
    if edit == "no kinds":
        del data["kinds"]
    elif edit == "terminal as text":
        kendra["states"]["SUCCEEDED"]["terminal"] = "yes"
    elif edit == "unsourced":
        del kendra["states"]["SYNCING"]["source"]
    elif edit == "inferred without reasoning":
        del kendra["states"]["SYNCING"]["source"]["reasoning"]
    elif edit == "unknown state":
        kendra["transitions"][0]["to"].append("QUEUED")
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("no kinds", "/kinds must be an object"),
        ("terminal as text", "/states/SUCCEEDED/terminal must be true or false"),
        ("unsourced", "/states/SYNCING/source must be an object"),
        ("inferred without reasoning", "an inferred fact needs its reasoning"),
        ("unknown state", "names states it does not list: QUEUED"),
    ],
)
def test_a_wrong_shape_is_a_catalog_error_saying_where(edit: str, message: str) -> None:
    """Each kind of damage is refused with the place and what is wrong."""
    with pytest.raises(CatalogError, match=message.replace(".", r"\.")):
        lifecycle.parse(_broken(edit))


def test_a_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    """A lifecycle file that is not JSON: a CatalogError with its path."""
    path = tmp_path / "lifecycle.json"
    path.write_bytes(b"{\xff")
    with pytest.raises(CatalogError, match=r"lifecycle\.json: the lifecycle table is not JSON"):
        lifecycle.read(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        JSON,
        st.fixed_dictionaries({"kinds": st.dictionaries(st.text(max_size=5), JSON, max_size=2)}),
    )
)
def test_arbitrary_json_is_a_table_or_a_catalog_error(data: Any) -> None:
    """Whatever the file holds, parse returns a table or raises CatalogError, nothing else."""
    message = ""
    try:
        table = lifecycle.parse(data)
    except CatalogError as exc:
        message = str(exc)
    else:
        assert table.kinds
        return
    assert message.startswith("lifecycle.json: ")


def test_the_table_is_not_a_schema_of_the_catalog() -> None:
    """lifecycle.json sits beside the schemas but is no catalog entry."""
    assert not [e for e in default_catalog() if "lifecycle" in e.name.lower()]
