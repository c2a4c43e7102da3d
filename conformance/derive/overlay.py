"""Reader for the overlay: hand-written facts the source pages point to but do not contain.

Each overlay type names its source. Its members are written with the same type words and
constraint lines as the page format it imitates (``"format": "aws"`` or ``"graph"``), so they pass
through the same type table as the pages and get no special treatment. ``corrections`` replace a
sentence of a source page that is known to be wrong, and record why.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from conformance.derive.model import Constraint, Example, Member, SourceRef, TypeDoc
from conformance.errors import DerivationError


class _Lines:
    """Finds the line of a key in the overlay text, so every overlay fact has a line too."""

    def __init__(self, text: str) -> None:
        self.text = text

    def of(self, needle: str, after: int = 0) -> int:
        at = self.text.find(needle, self._offset(after))
        return self.text.count("\n", 0, at) + 1 if at >= 0 else max(after, 1)

    def _offset(self, line: int) -> int:
        offset = 0
        for _ in range(max(line - 1, 0)):
            offset = self.text.find("\n", offset) + 1
        return offset


def _require(entry: dict[str, Any], key: str, document: str, line: int) -> Any:
    if key not in entry:
        raise DerivationError(document, line, f"overlay entry lacks {key!r}")
    return entry[key]


def read_overlay(text: str, document: str) -> tuple[list[TypeDoc], list[dict[str, Any]]]:
    """The overlay's types and its corrections (applied by ``apply_corrections``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DerivationError(
            document, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    lines = _Lines(text)
    types: list[TypeDoc] = []
    for entry in data.get("types", []):
        name = entry.get("name", "")
        line = lines.of(f'"name": "{name}"')
        for key in ("vendor", "name", "description", "source"):
            _require(entry, key, document, line)
        members = []
        for m in entry.get("members", []):
            mline = lines.of(f'"name": "{m.get("name", "")}"', line)
            _require(m, "name", document, mline)
            constraints = []
            for c in m.get("constraints", []):
                label, sep, rest = c.partition(":")
                if not sep:
                    raise DerivationError(document, mline, f"constraint {c!r} is not 'Label: text'")
                constraints.append(Constraint(label.strip(), rest.strip(), lines.of(c[:30], mline)))
            members.append(
                Member(
                    name=m["name"],
                    doc_type=_require(m, "type", document, mline),
                    description=m.get("description", ""),
                    source=SourceRef(document, name, mline),
                    required=bool(m.get("required", False)),
                    constraints=tuple(constraints),
                )
            )
        kind = entry.get("kind", "enum" if "enum" in entry else "resource")
        types.append(
            TypeDoc(
                vendor=entry["vendor"],
                name=name,
                format=entry.get("format", "graph" if entry["vendor"] == "graph" else "aws"),
                description=entry["description"],
                source=SourceRef(document, name, line),
                kind=kind,
                members=tuple(members),
                enum=tuple(entry.get("enum", ())),
                aliases=tuple(entry.get("aliases", ())),
                doc_issues=tuple(entry.get("doc_issues", ())),
                origin=entry["source"],
                overlay=True,
                examples=tuple(
                    Example(
                        value, SourceRef(document, f"{name} example", lines.of('"examples"', line))
                    )
                    for value in entry.get("examples", ())
                ),
            )
        )
        if kind == "enum" and not types[-1].enum:
            raise DerivationError(document, line, f"enum type {name} lists no values")
    corrections = list(data.get("corrections", []))
    for c in corrections:
        c["_line"] = lines.of(f'"member": "{c.get("member", "")}"')
    return types, corrections


def apply_corrections(
    types: list[TypeDoc], corrections: list[dict[str, Any]], document: str
) -> list[TypeDoc]:
    """Replace the member descriptions the overlay corrects, each recorded as a doc issue."""
    by_name = {t.qualified_name: i for i, t in enumerate(types)}
    out = list(types)
    for c in corrections:
        line = int(c.get("_line", 1))
        for key in ("type", "member", "description", "issue", "source"):
            _require(c, key, document, line)
        index = by_name.get(c["type"])
        if index is None:
            raise DerivationError(document, line, f"correction names unknown type {c['type']!r}")
        target = out[index]
        members = list(target.members)
        at = next((i for i, m in enumerate(members) if m.name == c["member"]), None)
        if at is None:
            raise DerivationError(document, line, f"{c['type']} has no member {c['member']!r}")
        m = members[at]
        issue = (
            f"{c['issue']} The document says: {m.description!r}. Replaced from {document}"
            f" (source: {c['source']})."
        )
        members[at] = replace(m, description=c["description"], doc_issues=(*m.doc_issues, issue))
        out[index] = replace(target, members=tuple(members))
    return out
