"""Reader for Microsoft Graph resource pages.

A Graph resource page names its type in the H1, describes it in the first paragraph, lists its
properties in a ``Property | Type | Description`` table under ``## Properties``, may describe nested
types in sub-sections with tables of the same shape, and shows a JSON representation (type names as
placeholders) and JSON examples. The reader keeps every row's line; it maps no types (``types``
does), so the same page can be read whatever types the rest of the run knows.
"""

from __future__ import annotations

import json
import re
from typing import Any

from conformance.derive import markdown as md
from conformance.derive.model import Example, Member, SourceRef, TypeDoc
from conformance.errors import DerivationError

# Placeholders the JSON representation block uses instead of values.
PLACEHOLDERS = frozenset(
    {
        "string",
        "boolean",
        "integer",
        "int16",
        "int32",
        "int64",
        "number",
        "double",
        "single",
        "decimal",
        "datetimeoffset",
        "date",
        "duration",
        "guid",
        "binary",
        "timeofday",
    }
)
_TITLE_SUFFIX = re.compile(r"\s+(resource|complex|entity)?\s*type\s*$|\s+resource\s*$", re.I)
_INLINE_OBJECT = re.compile(r"\{[^{}]*\}")


def looks_like_graph_page(text: str) -> bool:
    """True when the page has a Graph ``Property | Type | Description`` table."""
    return bool(re.search(r"^\|\s*Property\s*\|\s*Type\s*\|\s*Description", text, re.M | re.I))


def type_name_from_title(title: str) -> str:
    """``Synchronization status`` -> ``synchronizationStatus``; ``x resource type`` -> ``x``."""
    words = _TITLE_SUFFIX.sub("", title).split()
    if not words:
        return ""
    first = words[0][:1].lower() + words[0][1:]
    return first + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _is_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return value.split("(")[0].strip().lower() in PLACEHOLDERS
    if isinstance(value, dict):
        return set(value) == {"@odata.type"}
    if isinstance(value, list):
        return all(_is_placeholder(v) for v in value)
    return False


def _members(
    rows: list[md.TableRow], document: str, section: str, header_line: int
) -> tuple[list[Member], list[TypeDoc]]:
    """Members of a property table, and the types some descriptions define inline."""
    members: list[Member] = []
    inline: list[TypeDoc] = []
    for row in rows:
        if len(row.cells) < 3:
            raise DerivationError(
                document, row.line, f"table row has {len(row.cells)} cells; expected 3"
            )
        name = row.cells[0].strip("` *")
        doc_type = row.cells[1].replace("`", "").strip()
        description = md.plain_text(row.cells[2])
        source = SourceRef(document, section, row.line, row.row)
        members.append(Member(name, doc_type, description, source))
        found = _inline_type(doc_type, description, source)
        if found is not None:
            inline.append(found)
    return members, inline


def _inline_type(doc_type: str, description: str, source: SourceRef) -> TypeDoc | None:
    """A type that has no section of its own but whose description spells out its properties.

    The 2017 status page types ``error`` as ``synchronizationError`` and lists that type's members
    only as ``{ "code": "String", ... }`` inside the description; such a shape becomes a type.
    """
    if not re.fullmatch(r"[A-Za-z_]\w*", doc_type) or doc_type.lower() in PLACEHOLDERS:
        return None
    m = _INLINE_OBJECT.search(description)
    if not m:
        return None
    try:
        shape = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    if (
        not isinstance(shape, dict)
        or not shape
        or not all(_is_placeholder(v) for v in shape.values())
    ):
        return None
    members = tuple(Member(k, str(v), "", source) for k, v in shape.items())
    issue = (
        f"{doc_type} has no section or page of its own in {source.document}; its properties are"
        f" read from the shape quoted in a description (line {source.line})."
    )
    return TypeDoc(
        vendor="graph",
        name=doc_type,
        format="graph",
        description=f"{doc_type} as the shape quoted in the source document describes it.",
        source=source,
        members=members,
        doc_issues=(issue,),
    )


def read_graph_page(text: str, document: str) -> list[TypeDoc]:
    """Read the types a Graph resource page defines: its own first, then nested ones."""
    lines = md.lines_of(text)
    title_at, title_text = md.title(lines, document)
    name = type_name_from_title(title_text)
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise DerivationError(
            document, lines[title_at].number, f"cannot make a type name of the title {title_text!r}"
        )
    description, _ = md.first_paragraph(lines, title_at + 1)

    members: list[Member] = []
    nested: list[TypeDoc] = []
    examples: list[Example] = []
    representation: dict[str, Any] | None = None
    issues: list[str] = []
    section = ""
    i = title_at + 1
    while i < len(lines):
        h = md.heading(lines[i].text)
        if h is not None:
            section = h[1]
            if h[0] == 3 and section.lower() not in ("properties", "relationships"):
                nested.extend(_nested(lines, i, document, section))
            i += 1
            continue
        if section.lower() == "properties" and lines[i].text.strip().startswith("|"):
            header, rows, i = md.table_at(lines, i)
            if [c.lower() for c in header[:3]] != ["property", "type", "description"]:
                raise DerivationError(
                    document, lines[i - len(rows) - 2].number, f"unexpected table header {header}"
                )
            found, inline = _members(rows, document, section, lines[i - 1].number)
            members.extend(found)
            nested.extend(inline)
            continue
        i += 1

    for index, block in md.fenced_blocks(lines):
        if block.info not in ("json", ""):
            continue
        where = _section_of(lines, index)
        if "json" not in where.lower() and "example" not in where.lower():
            continue
        source = SourceRef(document, where, block.line + 1)
        try:
            value = json.loads(block.text)
        except json.JSONDecodeError as exc:
            issues.append(
                f"the JSON block at line {block.line} ({where}) is not valid JSON"
                f" ({exc.msg} at its line {exc.lineno}); it was not used."
            )
            continue
        if (
            "representation" in where.lower()
            and isinstance(value, dict)
            and all(_is_placeholder(v) for v in value.values())
        ):
            representation = value
        elif isinstance(value, dict):
            examples.append(Example(value, source))

    for line_no, comment in md.html_comments(text):
        m = re.search(r'"@odata\.type"\s*:\s*"(?:#?microsoft\.graph\.)?(\w+)"', comment)
        if m and m.group(1) != name and '"blockType"' in comment:
            issues.append(
                f"the annotation at line {line_no} names microsoft.graph.{m.group(1)}, but the page"
                f" defines {name} (its title and table); the title is followed."
            )

    if not members:
        raise DerivationError(document, lines[title_at].number, "no '## Properties' table found")
    own = TypeDoc(
        vendor="graph",
        name=name,
        format="graph",
        description=description,
        source=SourceRef(document, title_text, lines[title_at].number),
        members=tuple(members),
        examples=tuple(examples),
        representation=representation,
        doc_issues=tuple(issues),
    )
    return [own, *nested]


def _section_of(lines: list[md.Line], index: int) -> str:
    for j in range(index, -1, -1):
        h = md.heading(lines[j].text)
        if h is not None:
            return h[1]
    return ""


def _nested(lines: list[md.Line], at: int, document: str, section: str) -> list[TypeDoc]:
    """The type a ``### typeName`` sub-section with a property table defines (and inline ones)."""
    description, _ = md.first_paragraph(lines, at + 1)
    j = at + 1
    while j < len(lines) and md.heading(lines[j].text) is None:
        if lines[j].text.strip().startswith("|"):
            header, rows, _ = md.table_at(lines, j)
            if [c.lower() for c in header[:3]] != ["property", "type", "description"]:
                return []
            name = section.strip("` ")
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                raise DerivationError(
                    document,
                    lines[at].number,
                    f"sub-section {section!r} has a property table but"
                    " its heading is not a type name",
                )
            found, inline = _members(rows, document, section, lines[j].number)
            own = TypeDoc(
                vendor="graph",
                name=name,
                format="graph",
                description=description,
                source=SourceRef(document, section, lines[at].number),
                members=tuple(found),
            )
            return [own, *inline]
        j += 1
    return []
