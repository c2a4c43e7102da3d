"""Results as plain data and back, so that they can ride on a test report.

The run's summary and JSON report are made where reports are logged: in the main process, or in
pytest-xdist's controller, which receives the workers' reports serialized. A report carries only
builtin values across that boundary, so a test's results travel as dicts of them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance import Finding, Location, Origin, Result, Rule


def encode(result: Result) -> dict[str, Any]:
    """A result as nested dicts, lists and scalars."""
    return asdict(result)


def decode(data: dict[str, Any]) -> Result:
    """The result ``encode`` made ``data`` from (lists or tuples alike: transports differ)."""
    from conformance import Result

    return Result(
        location=_location(data["location"]),
        schema=data["schema"],
        findings=tuple(_finding(f) for f in data["findings"]),
        origin=_origin(data["origin"]),
        selection=data["selection"],
        resources=data["resources"],
        documents=data["documents"],
        # Absent from what an older encoder made: a skipped exchange is new.
        skipped=data.get("skipped"),
    )


def _location(data: dict[str, Any]) -> Location:
    from conformance import Location

    return Location(**data)


def _origin(data: dict[str, Any] | None) -> Origin | None:
    from conformance import Origin

    if data is None:
        return None
    headers = tuple((str(k), str(v)) for k, v in data["headers"])
    return Origin(data["method"], data["url"], data["status"], headers)


def _rule(data: dict[str, Any] | None) -> Rule | None:
    from conformance import Rule

    return None if data is None else Rule(**data)


def _finding(data: dict[str, Any]) -> Finding:
    from conformance import Finding

    fields = dict(data)
    fields["location"] = _location(fields["location"])
    fields["rule"] = _rule(fields["rule"])
    return Finding(**fields)
