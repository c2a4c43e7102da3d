"""Captures: Kendra responses as users record them, turned into the wire form before validation.

The Kendra schemas describe the AWS JSON 1.1 wire form, where a timestamp is a number of epoch
seconds. Few people capture the wire, though: ``aws kendra list-data-source-sync-jobs`` prints
timestamps as ISO 8601 strings (``"2026-11-20T08:15:02.123000+00:00"``), and boto3 returns
``datetime`` objects and adds a ``ResponseMetadata`` member. Validated as they are, both fail for
what the capture tool did, not for what the API sent (``is not of type "number"``, or a document
the engine cannot read). This module undoes the tool's work: each timestamp becomes epoch seconds
(the fraction kept as the CLI printed it: ``.123000`` is ``.123``), ``ResponseMetadata`` is dropped,
and the result says what was converted, so that a report never hides that the document validated
is not the one captured.

Which members are timestamps is read from the catalog, not listed here: a property of a Kendra
schema typed ``number`` whose ``$comment`` says epoch seconds (``StartTime`` and ``EndTime`` of a
``DataSourceSyncJob``). Such a member is converted wherever it stands in the document. A value
that is not a timestamp of the capture's form (garbage, an ISO string without an offset, whose
instant is unknown) is left as it is, and gets the schema's violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from conformance.catalog import Catalog

Capture = Literal["wire", "aws-cli", "boto3", "auto"]
CAPTURES: tuple[Capture, ...] = ("wire", "aws-cli", "boto3", "auto")

_LABELS = {"aws-cli": "AWS CLI output", "boto3": "a boto3 response"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Converted:
    """A document turned into the wire form, and what was done to it."""

    value: Any
    capture: Capture
    timestamps: int = 0
    dropped_metadata: bool = False

    @property
    def note(self) -> str | None:
        """What a report says of the document ("converted from AWS CLI output (2 timestamps)"),
        or None when nothing was changed."""
        if self.capture == "wire" or not (self.timestamps or self.dropped_metadata):
            return None
        count = f"{self.timestamps} timestamp{'' if self.timestamps == 1 else 's'}"
        dropped = ", ResponseMetadata dropped" if self.dropped_metadata else ""
        return f"converted from {_LABELS[self.capture]} ({count}{dropped})"


def timestamp_members(catalog: Catalog) -> frozenset[str]:
    """The member names the Kendra schemas type as epoch-second timestamps."""
    names: set[str] = set()
    for entry in catalog:
        if not entry.name.startswith("kendra."):
            continue
        properties = catalog.schema(entry.name).get("properties", {})
        for name, sub in properties.items():
            if not isinstance(sub, dict) or sub.get("type") != "number":
                continue
            if "epoch seconds" in str(sub.get("$comment", "")).lower():
                names.add(name)
    return frozenset(names)


def detect(value: Any, members: Iterable[str]) -> Capture:
    """The capture a document certainly is, else ``wire``.

    Certain means: a top-level ``ResponseMetadata`` object, or a ``datetime`` at a timestamp
    member, is boto3; a timestamp member holding an ISO 8601 string with an offset is AWS CLI
    output. A document with neither is left as it is.
    """
    if isinstance(value, dict) and isinstance(value.get("ResponseMetadata"), dict):
        return "boto3"
    found: Capture = "wire"
    for stamp in _stamps(value, frozenset(members)):
        if isinstance(stamp, dt.datetime):
            return "boto3"
        if isinstance(stamp, str) and _parse(stamp) is not None:
            found = "aws-cli"
    return found


def is_boto3(value: Any) -> bool:
    """Whether a Python value is a boto3 response: a top-level ``ResponseMetadata`` object, or a
    ``datetime`` anywhere in it (which no parsed JSON holds)."""
    if isinstance(value, dict) and isinstance(value.get("ResponseMetadata"), dict):
        return True
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, dt.date):
            return True
    return False


def convert(value: Any, capture: Capture, members: Iterable[str]) -> Converted:
    """The document in the wire form (a copy; ``value`` is not changed)."""
    names = frozenset(members)
    if capture == "auto":
        capture = detect(value, names)
    if capture == "wire":
        return Converted(value, "wire")
    dropped = False
    if isinstance(value, dict) and "ResponseMetadata" in value:
        value = {k: v for k, v in value.items() if k != "ResponseMetadata"}
        dropped = True
    count = [0]
    converted = _convert(value, names, count)
    return Converted(converted, capture, count[0], dropped)


def foreign_values(value: Any, limit: int = 100) -> list[tuple[str, str]]:
    """(pointer, Python type name) of values no JSON document holds: a ``datetime``, a set, a
    ``Decimal``..., at most ``limit`` of them."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack and len(found) < limit:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            for key, child in reversed(list(node.items())):
                if not isinstance(key, str):
                    found.append((pointer, f"{type(key).__name__} key"))
                    continue
                stack.append((child, f"{pointer}/{_escape(key)}"))
        elif isinstance(node, list | tuple):
            stack.extend((child, f"{pointer}/{i}") for i, child in reversed(list(enumerate(node))))
        elif node is not None and not isinstance(node, str | int | float | bool):
            found.append((pointer, type(node).__name__))
    return found


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _stamps(value: Any, names: frozenset[str]) -> Iterator[Any]:
    """The values at timestamp members, anywhere in the document."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if key in names and not isinstance(child, dict | list):
                    yield child
                else:
                    stack.append(child)
        elif isinstance(node, list | tuple):
            stack.extend(node)


def _convert(node: Any, names: frozenset[str], count: list[int]) -> Any:
    # Recursion is bounded: documents nested past the depth cap are refused before this runs.
    if isinstance(node, dict):
        out: dict[Any, Any] = {}
        for key, child in node.items():
            if key in names:
                seconds = _seconds(child)
                if seconds is not None:
                    count[0] += 1
                    out[key] = seconds
                    continue
            out[key] = _convert(child, names, count)
        return out
    if isinstance(node, list | tuple):
        return [_convert(child, names, count) for child in node]
    return node


def _seconds(value: Any) -> int | float | None:
    """Epoch seconds for a timestamp of a capture (``datetime``, or ISO 8601 text with an
    offset), or None for anything else. A whole second is an integer; a fraction is kept as
    written (``.123000`` is ``0.123``), to the nearest double."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return None
        instant = value
        fraction = Decimal(value.microsecond) / 1_000_000
    elif isinstance(value, str):
        parsed = _parse(value)
        if parsed is None:
            return None
        instant, fraction = parsed
    else:
        return None
    whole = int((instant.replace(microsecond=0) - _EPOCH).total_seconds())
    if not fraction:
        return whole
    return float(Decimal(whole) + fraction)


def _parse(text: str) -> tuple[dt.datetime, Decimal] | None:
    """An ISO 8601 date-time with an offset, and its fraction of a second as written."""
    if len(text) > 64 or not text[:4].isdigit():
        return None
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if instant.tzinfo is None or instant.utcoffset() is None:
        return None
    fraction = Decimal(0)
    time = text[10:]
    dot = time.find(".")
    if dot < 0:
        dot = time.find(",")
    if dot >= 0:
        digits = ""
        for char in time[dot + 1 :]:
            if not char.isdigit():
                break
            digits += char
        if digits:
            fraction = Decimal(f"0.{digits}")
    return instant, fraction
