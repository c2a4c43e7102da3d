"""Readers of the analysis commands fed arbitrary input: a drift baseline and schema files for
``diff``. Whatever the bytes, the answer is a value or an ``InputError`` naming the file, never
another exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import InputError
from conformance.drift import Baseline
from conformance.schemadiff import diff, load_schemas

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=25,
)
# Baselines as they are, nearly as they are, and anything else.
_BASELINES = st.one_of(
    _JSON,
    st.fixed_dictionaries(
        {
            "version": st.sampled_from([1, 2, "1", None]),
            "values": st.dictionaries(
                st.text(max_size=8),
                st.dictionaries(st.text(max_size=8), st.lists(_JSON, max_size=3) | _JSON),
                max_size=3,
            )
            | _JSON,
            "properties": st.dictionaries(st.text(max_size=8), st.lists(_JSON, max_size=3)) | _JSON,
        }
    ),
)
_TEXT = st.one_of(
    _BASELINES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.just(b"[" * 5000),
)
T = TypeVar("T")


def _attempt(read: Callable[[Path], T], path: Path) -> tuple[T | None, str | None]:
    """What ``read`` gives for ``path``, or the text of the ``InputError`` it raised."""
    try:
        return read(path), None
    except InputError as exc:
        return None, str(exc)


_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(_TEXT)
def test_any_baseline_file_is_read_or_refused_by_name(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(data)
    baseline, error = _attempt(Baseline.read, path)
    if error is not None:
        assert error.startswith(str(path))
        return
    # What was read writes back as a baseline that reads the same.
    assert baseline is not None
    assert Baseline.parse(json.loads(baseline.text())) == baseline


@_SETTINGS
@given(_TEXT, _TEXT)
def test_any_schema_files_are_diffed_or_refused_by_name(
    tmp_path: Path, old: bytes, new: bytes
) -> None:
    sets = []
    for name, data in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.json"
        path.write_bytes(data)
        loaded, error = _attempt(load_schemas, path)
        if error is not None:
            assert str(path) in error
            return
        sets.append(loaded)
    diff(sets[0], sets[1])
