"""Reader for the overlay: hand-written facts the source pages point to but do not contain.

The overlay holds only what neither the pages nor the vendors' models say, each fact with its
source. Each overlay type names its source. Its members are written with the same type words and
constraint lines as the page format it imitates (``"format": "aws"`` or ``"graph"``), so they pass
through the same type table as the pages and get no special treatment. ``corrections`` replace a
sentence of a source page that is known to be wrong (a member's, or without ``member`` the
type's), and record why. ``refinements`` add to a type that a page or model defines what only we
can say: its kind in our catalog (``envelope``), names it is linked by, examples of our own, doc
issues, and a description where the sources give none (Graph's CSDL fragments carry none).
A refinement may also declare what the services were seen to send and the sources do not say
(``conformance drift --propose`` writes these): ``values`` adds values to an enum type, or with
``member`` to a member's inline enum (AWS ``Valid Values``), and ``members`` adds properties,
written as the overlay's types write theirs; each with its own ``source`` (where it was seen),
which the schema keeps as a doc issue, so that nothing added is mistaken for the vendor's word.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from conformance.derive import jsondoc
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


def _nullable(member: dict[str, Any], document: str, line: int) -> bool | None:
    value = member.get("nullable")
    if value is not None and not isinstance(value, bool):
        raise DerivationError(document, line, f"'nullable' must be true or false, not {value!r}")
    return value


@dataclass(frozen=True)
class Overlay:
    """What an overlay file holds, read and checked."""

    types: list[TypeDoc]
    corrections: list[dict[str, Any]]
    refinements: list[dict[str, Any]]


def read_overlay(text: str, document: str) -> Overlay:
    """The overlay's types, its corrections (``apply_corrections``) and its refinements
    (``apply_refinements``)."""
    data = jsondoc.load(text, document)
    if not isinstance(data, dict):
        raise DerivationError(document, 1, "the overlay must be a JSON object")
    for key in ("types", "corrections", "refinements"):
        if not isinstance(data.get(key, []), list) or not all(
            isinstance(e, dict) for e in data.get(key, [])
        ):
            raise DerivationError(document, 1, f"{key!r} must be a list of objects")
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
                    nullable=_nullable(m, document, mline),
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
        needle = f'"member": "{c["member"]}"' if "member" in c else f'"type": "{c.get("type", "")}"'
        c["_line"] = lines.of(needle)
    refinements = list(data.get("refinements", []))
    for r in refinements:
        r["_line"] = lines.of(f'"type": "{r.get("type", "")}"')
        for key in ("type", "source"):
            _require(r, key, document, r["_line"])
        r["_examples"] = [
            Example(
                value,
                SourceRef(document, f"{r['type']} example", lines.of('"examples"', r["_line"])),
            )
            for value in r.get("examples", ())
        ]
    return Overlay(types, corrections, refinements)


def apply_corrections(
    types: list[TypeDoc], corrections: list[dict[str, Any]], document: str
) -> list[TypeDoc]:
    """Replace the member descriptions the overlay corrects, each recorded as a doc issue."""
    by_name = {t.qualified_name: i for i, t in enumerate(types)}
    out = list(types)
    for c in corrections:
        line = int(c.get("_line", 1))
        for key in ("type", "description", "issue", "source"):
            _require(c, key, document, line)
        index = by_name.get(c["type"])
        if index is None:
            raise DerivationError(document, line, f"correction names unknown type {c['type']!r}")
        target = out[index]
        if "member" not in c:
            issue = (
                f"{c['issue']} The source says: {target.description!r}. Replaced from {document}"
                f" (source: {c['source']})."
            )
            out[index] = replace(
                target, description=c["description"], doc_issues=(*target.doc_issues, issue)
            )
            continue
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


def apply_refinements(
    types: list[TypeDoc], refinements: list[dict[str, Any]], document: str
) -> list[TypeDoc]:
    """Add our kinds, link names, examples and doc issues to types the sources define."""
    out = list(types)
    index = {f"{t.vendor}.{n}": i for i, t in enumerate(out) for n in (t.name, *t.aliases)}
    for r in refinements:
        line = int(r.get("_line", 1))
        at = index.get(r["type"])
        if at is None:
            raise DerivationError(
                document, line, f"refinement names {r['type']!r}, which no source defines"
            )
        target = out[at]
        kind = r.get("kind", target.kind)
        if kind not in ("resource", "envelope", "enum") or (kind == "enum") != (
            target.kind == "enum"
        ):
            raise DerivationError(document, line, f"kind {kind!r} does not fit {r['type']}")
        aliases = r.get("aliases", [])
        issues = r.get("doc_issues", [])
        if not all(isinstance(a, str) for a in [*aliases, *issues]):
            raise DerivationError(document, line, "aliases and doc_issues must be strings")
        description = r.get("description", target.description)
        if not isinstance(description, str):
            raise DerivationError(document, line, "description must be a string")
        out[at] = replace(
            target,
            description=description,
            kind=kind,
            aliases=(*target.aliases, *aliases),
            examples=(*target.examples, *r["_examples"]),
            doc_issues=(*target.doc_issues, *issues),
        )
        for alias in aliases:
            index[f"{target.vendor}.{alias}"] = at
        out[at] = _observed(out[at], r, document, line)
    return out


def _observed(target: TypeDoc, r: dict[str, Any], document: str, line: int) -> TypeDoc:
    """``target`` with the refinement's ``values`` and ``members`` added, each recorded as a doc
    issue that names its source."""
    values, members = r.get("values", []), r.get("members", [])
    if not isinstance(values, list) or not all(
        isinstance(v, dict) and isinstance(v.get("value"), str) and isinstance(v.get("source"), str)
        for v in values
    ):
        raise DerivationError(
            document, line, "'values' must be a list of {value, source} (and member) objects"
        )
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise DerivationError(document, line, "'members' must be a list of objects")
    name = target.qualified_name
    for v in values:
        value, member = v["value"], v.get("member")
        issue = (
            f"the value {value!r} is in none of the sources; it was observed (at {v['source']})"
            f" and is added by the overlay ({document})."
        )
        if member is None:
            if target.kind != "enum":
                raise DerivationError(
                    document, line, f"{name} is no enum: name the 'member' whose values to extend"
                )
            if value in target.enum:
                raise DerivationError(
                    document, line, f"{name} already has the value {value!r}: remove it here"
                )
            target = replace(
                target, enum=(*target.enum, value), doc_issues=(*target.doc_issues, issue)
            )
            continue
        found = [i for i, m in enumerate(target.members) if m.name == member]
        if not found:
            raise DerivationError(document, line, f"{name} has no member {member!r}")
        at = found[0]
        m = target.members[at]
        extended = _with_value(m, value, document, line)
        if m.page is not None:
            # The page's view gets the value too, so that the value is not taken for a
            # disagreement between the page and the model.
            extended = replace(extended, page=_with_value(m.page, value, document, line, True))
        extended = replace(extended, doc_issues=(*extended.doc_issues, issue))
        target = replace(
            target, members=tuple(extended if i == at else x for i, x in enumerate(target.members))
        )
    added = []
    for m in members:
        mline = int(line)
        _require(m, "name", document, mline)
        _require(m, "source", document, mline)
        if any(x.name == m["name"] for x in target.members):
            raise DerivationError(
                document, mline, f"{name} already has a member {m['name']!r}: remove it here"
            )
        here = SourceRef(document, target.name, mline)
        added.append(
            Member(
                name=m["name"],
                doc_type=_require(m, "type", document, mline),
                description=m.get("description", ""),
                source=here,
                nullable=_nullable(m, document, mline),
                doc_issues=(
                    f"the property {m['name']!r} is in none of the sources; it was observed"
                    f" (at {m['source']}) and is added by the overlay ({document}).",
                ),
                # Stated by the overlay as a model states a member: not one of the page's rows,
                # so that a Graph page's JSON representation is not said to omit it.
                model=here,
            )
        )
    if added:
        target = replace(target, members=(*target.members, *added))
    return target


def _with_value(
    member: Member, value: str, document: str, line: int, lenient: bool = False
) -> Member:
    """``member`` with ``value`` added to its ``Valid Values`` constraint (``lenient``: a member
    without one, a page's view, is left as it is)."""
    constraints = list(member.constraints)
    at = next((i for i, c in enumerate(constraints) if c.label == "Valid Values"), None)
    if at is None:
        if lenient:
            return member
        raise DerivationError(
            document, line, f"member {member.name!r} has no enum (Valid Values) to extend"
        )
    text = constraints[at].text
    inner = text[1:-1] if text.startswith("`") and text.endswith("`") else text
    present = [v.strip() for v in inner.split("|") if v.strip()]
    if value in present:
        if lenient:
            return member
        raise DerivationError(
            document, line, f"member {member.name!r} already has the value {value!r}: remove it"
        )
    constraints[at] = replace(constraints[at], text=f"`{' | '.join([*present, value])}`")
    return replace(member, constraints=tuple(constraints))
