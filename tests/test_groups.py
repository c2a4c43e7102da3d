"""Drift per group (``conformance drift --group-by``): keys of the origin and JSON pointers, first
places and capped examples, bounded groups, secrets withheld, and merges equal to one pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance import Options, check_paths
from conformance.errors import InputError
from conformance.groups import ABSENT, KEY_LIMIT, NO_MATCH, OTHER_GROUPS, Grouping, Key
from conformance.partitions import Collect, Partition, check, newlines, number_lines, plan
from tests.cli_run import run

DATA = Path(__file__).parent / "data"


def job(execution: str, status: str, start: int, **extra: Any) -> dict[str, Any]:
    return {"ExecutionId": execution, "Status": status, "StartTime": start, **extra}


DAY1, DAY2 = 1_763_596_800, 1_763_683_200  # 2025-11-20 and 2025-11-21, 00:00 UTC


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """Two tenants' polls: tenant a sees QUEUED three times, tenant b once and a new property."""
    (tmp_path / "tenant=a").mkdir()
    (tmp_path / "tenant=b").mkdir()
    a = [job(f"a{n}", "QUEUED", DAY1 + n) for n in range(3)] + [job("a9", "SUCCEEDED", DAY2)]
    b = [job("b1", "QUEUED", DAY2), job("b2", "SUCCEEDED", DAY2, Region="eu-west-1")]
    (tmp_path / "tenant=a" / "polls.ndjson").write_text("".join(json.dumps(d) + "\n" for d in a))
    (tmp_path / "tenant=b" / "polls.ndjson").write_text("".join(json.dumps(d) + "\n" for d in b))
    return tmp_path


def groups_of(*argv: str) -> dict[str, Any]:
    code, out, err = run("drift", *argv, "--format", "json", "--fail-on", "never")
    assert code == 0, err
    groups: dict[str, Any] = json.loads(out)["groups"]
    return groups


def test_groups_by_a_part_of_the_source_with_first_places_and_capped_examples(fleet: Path) -> None:
    found = groups_of(str(fleet), "--group-by", "source~tenant=([^/]+)", "--max-examples", "2")
    assert found["counted"] == "documents"
    by_key = {g["key"]: g for g in found["groups"]}
    assert sorted(by_key) == ["a", "b"]
    assert by_key["a"]["count"] == 4
    (queued,) = by_key["a"]["drift"]
    assert (queued["kind"], queued["pointer"], queued["value"], queued["count"]) == (
        "enum-drift",
        "/Status",
        "QUEUED",
        3,
    )
    assert queued["first"].endswith("tenant=a/polls.ndjson:1:23")  # at the Status value
    assert len(queued["examples"]) == 2  # three seen, two places kept
    assert queued["examples"][0] == queued["first"]
    kinds = sorted((d["kind"], d["value"]) for d in by_key["b"]["drift"])
    assert kinds == [("enum-drift", "QUEUED"), ("property-drift", "Region")]


def test_groups_by_day_and_by_pointer_count_resources(fleet: Path) -> None:
    by_day = groups_of(str(fleet), "--group-by", "day")
    assert by_day["counted"] == "resources"
    days = {g["key"]: (g["count"], sum(d["count"] for d in g["drift"])) for g in by_day["groups"]}
    assert days == {"2025-11-20": (3, 3), "2025-11-21": (3, 2)}
    by_status = groups_of(str(fleet), "--group-by", "/Status")
    statuses = {g["key"]: g["count"] for g in by_status["groups"]}
    assert statuses == {"QUEUED": 4, "SUCCEEDED": 2}


def test_groups_by_the_recorded_request_host(tmp_path: Path) -> None:
    found = groups_of(str(DATA / "graph-explorer-session.har"), "--group-by", "origin.host")
    keys = [g["key"] for g in found["groups"]]
    assert "graph.microsoft.com" in keys


def test_text_and_markdown_list_the_groups_after_the_tables(fleet: Path) -> None:
    code, out, _ = run("drift", str(fleet), "--group-by", "source~tenant=([^/]+)")
    assert code == 1  # new drift, as without --group-by
    assert "Drift by source~tenant=([^/]+): 2 groups" in out
    assert "  a: 4 documents, 1 drift value" in out
    assert 'enum-drift kendra.DataSourceSyncJob /Status "QUEUED": 3, first' in out
    code, out, _ = run("drift", str(fleet), "--group-by", "source", "--format", "markdown")
    assert "| group | drift | value | count | first seen |" in out
    code, out, _ = run("drift", str(fleet), "--group-by", "/Status", "--format", "html")
    assert "<h2>Drift by <code>/Status</code></h2>" in out
    assert "<td>QUEUED</td><td>enum-drift kendra.DataSourceSyncJob /Status</td>" in out
    assert out.rstrip().endswith("</html>")


def test_an_unknown_key_or_a_bad_expression_is_a_usage_error(fleet: Path) -> None:
    code, _, err = run("drift", str(fleet), "--group-by", "tenant")
    assert code == 2
    assert "give one of source, day, origin.url" in err
    code, _, err = run("drift", str(fleet), "--group-by", "source~(")
    assert code == 2
    assert "the regular expression" in err
    assert "Traceback" not in err


def test_groups_past_the_cap_are_counted_together(fleet: Path) -> None:
    found = groups_of(str(fleet), "--group-by", "/ExecutionId", "--max-groups", "2")
    keys = [g["key"] for g in found["groups"]]
    assert len(keys) == 3
    assert OTHER_GROUPS in keys
    assert sum(g["count"] for g in found["groups"]) == 6


def test_a_secret_in_a_key_is_withheld(tmp_path: Path) -> None:
    token = (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    doc = job("x", "QUEUED", DAY1, ErrorMessage=token)
    (tmp_path / "a.ndjson").write_text(json.dumps(doc) + "\n")
    code, out, _ = run("drift", str(tmp_path), "--group-by", "/ErrorMessage", "--format", "json")
    assert token not in out
    assert "<redacted>" in [g["key"] for g in json.loads(out)["groups"]["groups"]]
    assert code in (0, 1)


@settings(max_examples=200, deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=10,
    ),
    pointer=st.lists(st.text(max_size=4), max_size=3).map(lambda t: "/" + "/".join(t)),
    regex=st.sampled_from(["", "~(.)", "~x", "~^(a)(b)?"]),
)
def test_any_resource_gives_a_short_key_or_absent(value: Any, pointer: str, regex: str) -> None:
    """A key read from any JSON value at any pointer is a string of bounded length, never an
    exception."""
    key = Key.parse(pointer + regex)
    got = key.of_resource("kendra.DataSourceSyncJob", value)
    assert isinstance(got, str)
    assert got in (ABSENT, NO_MATCH) or len(got) <= KEY_LIMIT


def partitioned(path: Path, size: int, collect: Collect) -> Grouping:
    """The grouping of a file as a cluster builds it: one per byte range, merged in order."""
    items = [i for i in plan([str(path)], size=size) if isinstance(i, Partition)]
    split = [i for i in items if i.split]
    numbered = number_lines(split, [newlines(p) for p in split]) if split else items
    merged: Grouping | None = None
    for part in numbered:
        got = check(Options(), part, collect).grouping
        if merged is None:
            merged = got
        else:
            merged.merge(got)
    assert merged is not None
    return merged


@settings(max_examples=25, deadline=None)
@given(
    statuses=st.lists(st.sampled_from(["QUEUED", "SUCCEEDED", "NEW", "FAILED"]), max_size=40),
    size=st.integers(20, 400),
    key=st.sampled_from(["/Status", "day", "source"]),
)
def test_a_grouping_merged_from_byte_ranges_is_the_one_pass_grouping(
    tmp_path_factory: pytest.TempPathFactory, statuses: list[str], size: int, key: str
) -> None:
    path = tmp_path_factory.mktemp("merge") / "polls.ndjson"
    lines = [json.dumps(job(f"e{n}", s, DAY1 + 50_000 * n)) for n, s in enumerate(statuses)]
    path.write_text("\n".join(lines) + "\n")
    one = Grouping(Key.parse(key), max_examples=2)
    for result in check_paths([str(path)], options=Options(observer=one.observe)):
        one.add(result)
    merged = partitioned(path, size, Collect(group_by=Key.parse(key), max_examples=2))
    assert merged.finish() == one.finish()


def test_the_python_api_rejects_a_bad_key() -> None:
    with pytest.raises(InputError):
        Key.parse("origin.nothing")


def test_a_pointers_escapes_are_not_taken_for_the_expression() -> None:
    key = Key.parse("/a~1b/c~0d~^(x)")
    assert key.field == "/a~1b/c~0d"
    assert key.pattern is not None
    assert key.pattern.pattern == "^(x)"
    assert key.of_resource("kendra.DataSourceSyncJob", {"a/b": {"c~d": "xyz"}}) == "x"


@pytest.mark.parametrize("key", ["day", "/id", "/Status"])
def test_a_key_told_per_resource_counts_every_resource_once(key: str) -> None:
    """Every resource the drift tables count is in one group, dated by a HAR entry's start
    when it has no time of its own."""
    path = str(DATA / "graph-explorer-session.har")
    code, out, err = run("drift", path, "--group-by", key, "--format", "json", "--fail-on", "never")
    assert code == 0, err
    report = json.loads(out)
    resources = sum(n for n in report["resources"].values())
    assert resources > 0
    assert sum(g["count"] for g in report["groups"]["groups"]) == resources


def test_a_key_is_escaped_in_the_html_page(tmp_path: Path) -> None:
    doc = job("x", "QUEUED", DAY1, ErrorMessage="<script>alert(1)</script>")
    (tmp_path / "a.ndjson").write_text(json.dumps(doc) + "\n")
    code, out, _ = run("drift", str(tmp_path), "--group-by", "/ErrorMessage", "--format", "html")
    assert code == 1
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_a_value_under_a_secret_name_is_withheld_as_a_key() -> None:
    """A member named like a secret, or a value beside its secret name, never names a group,
    whatever the value looks like; a token past the key's length cut is still recognised."""
    resource = {"clientSecret": "hunter2-plain", "settings": [{"name": "apiKey", "value": "s3"}]}
    assert Key.parse("/clientSecret").of_resource("x", resource) == "<redacted>"
    assert Key.parse("/settings/0/value").of_resource("x", resource) == "<redacted>"
    long = {"note": "x" * (KEY_LIMIT - 10) + " Bearer abcdefghijklmnopqrstuvwxyz0123"}
    assert "abcdef" not in Key.parse("/note").of_resource("x", long)


def test_an_expression_whose_group_takes_no_part_groups_by_the_whole_match(fleet: Path) -> None:
    found = groups_of(str(fleet), "--group-by", "source~(tenant=a)|tenant=b")
    assert sorted(g["key"] for g in found["groups"]) == ["tenant=a", "tenant=b"]
