"""Sources: where documents come from, read into Python values or an ``unreadable`` finding.

A document that cannot be read is a finding with its file, line and column, collected like any
other, so that one bad file never stops a run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.findings import Finding, Location


@dataclass(frozen=True)
class Document:
    """A parsed JSON document and where it was read."""

    value: Any
    location: Location


def read_json_file(path: Path) -> Document | Finding:
    """The JSON document in ``path``, or an ``unreadable`` finding that says why."""
    where = Location(str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _unreadable(where, "no such file")
    except IsADirectoryError:
        return _unreadable(where, "is a directory")
    except PermissionError:
        return _unreadable(where, "permission denied")
    except OSError as exc:
        return _unreadable(where, f"cannot read: {exc.strerror}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _unreadable(where, f"not UTF-8 (invalid byte at offset {exc.start})")
    if not text.strip():
        return _unreadable(where, "empty file: expected a JSON document")
    try:
        return Document(json.loads(text, parse_constant=_reject_constant), where)
    except json.JSONDecodeError as exc:
        return _unreadable(Location(str(path), exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
    except ValueError as exc:
        return _unreadable(where, str(exc))
    except RecursionError:
        return _unreadable(where, "JSON nested too deeply to read")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not valid JSON: {name} is not a JSON number")


def _unreadable(location: Location, message: str) -> Finding:
    return Finding(kind="unreadable", location=location, message=message)
