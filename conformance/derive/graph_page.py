"""Reader for Microsoft Graph resource pages and enum pages.

A Graph resource page names its type in the H1, describes it in the first paragraph, lists its
properties in a ``Property | Type | Description`` table under ``## Properties``, may describe nested
types in sub-sections with tables of the same shape, and shows a JSON representation and JSON
examples. The reader keeps every row's line; it maps no types (``types`` does), so the same page
can be read whatever types the rest of the run knows.

The pages have changed since the 2017-2019 drafts, and both dialects are read:

- today's pages put ``Namespace: microsoft.graph`` between the title and the description;
- their JSON representation shows literal values (``true``, ``1024``, ``"String (timestamp)"``)
  where the drafts wrote type names (``"Boolean"``, ``"Int32"``). A block under a representation
  heading is the representation either way; its literal values are read as the type word of the
  table they agree with (so that agreement is not reported as a defect) or as the JSON type they
  show (so that a disagreement is). Only a draft page (no ``Namespace:`` line) whose block holds
  sample values and no placeholder at all quoted a sample there, kept as its example too: the 2019
  progress page does, and its shipped schema carries that example;
- enums are described by an enum page (``# x enum type`` with a ``Member | Value | Description``
  table) or by a ``### x values`` sub-section of a resource page; each becomes an enum type, whose
  members are the names the service sends (Graph serialises enum members by name, so the Value
  column is not used). An evolvable enum's ``unknownFutureValue`` sentinel is a member like any
  other: services send it to clients that have not opted in to newer members.
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
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_PROPERTY_TABLE = re.compile(r"^\s*\|\s*Property\s*\|\s*Type\s*\|\s*Description", re.M | re.I)
# ``# synchronizationStatusCode enum type``, ``# quarantineReason values``.
_ENUM_TITLE = re.compile(
    r"^`?(?P<name>[A-Za-z_][\w.]*)`?\s+(?:enum(?:eration)?(?:\s+type)?|values)$", re.I
)
# ``### quarantineReason values`` inside a resource page.
_ENUM_SECTION = re.compile(r"^`?(?P<name>[A-Za-z_][\w.]*)`?\s+values$", re.I)
# The first header cell of a table that lists enum members.
_MEMBER_HEADERS = frozenset({"member", "members", "value", "values", "name"})
_MEMBER_TABLE = re.compile(r"^\s*\|\s*(?:Member|Members|Value|Values|Name)\s*(?:\||$)", re.M | re.I)
_NAMESPACE = re.compile(r"^\s*Namespace:\s*[\w.]+\s*$", re.M)
_COLLECTION = re.compile(r".+ collection|Collection\(.+\)", re.I)
_QUALIFIED_PLACEHOLDER = re.compile(r"\w+ \(.+\)")
# What JSON value each table type word travels as, to judge a representation's literal values.
_STRING_TYPES = frozenset(
    {
        "string",
        "datetimeoffset",
        "date",
        "timeofday",
        "guid",
        "duration",
        "binary",
        "string (datetime)",
        "string (datetimeoffset)",
    }
)
_INTEGER_TYPES = frozenset({"int16", "int32", "int64", "integer", "byte", "sbyte"})
_NUMBER_TYPES = frozenset({"double", "single", "decimal", "number"})
_SCALAR_TYPES = _STRING_TYPES | _INTEGER_TYPES | _NUMBER_TYPES | {"boolean"}


def looks_like_graph_page(text: str) -> bool:
    """True for a page with a Graph ``Property | Type | Description`` table, or a page of enums."""
    if _PROPERTY_TABLE.search(text):
        return True
    if not _MEMBER_TABLE.search(text):
        return False
    headings = [h for ln in md.lines_of(text) if (h := md.heading(ln.text)) is not None]
    title = next((h[1] for h in headings if h[0] == 1), None)
    return (title is not None and bool(_ENUM_TITLE.match(title))) or any(
        h[0] >= 2 and _ENUM_SECTION.match(h[1]) for h in headings
    )


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
        if not re.fullmatch(r"[A-Za-z_@][\w.@-]*", name):
            raise DerivationError(
                document,
                row.line,
                f"row {row.row} of the {section} table names no property ({row.cells[0]!r}):"
                " its first cell is the property's name as the service sends it",
            )
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
    shape, problem = _parse_json(m.group(0))
    if problem is not None:
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
    """Read the types a Graph page defines: its own first, then nested ones and enums."""
    lines = md.lines_of(text)
    title_at, title_text = md.title(lines, document)
    if not _PROPERTY_TABLE.search(text):
        # A page of enums only: one enum (``# x enum type``), or several in ``### x values``
        # sub-sections under a title that names no type (Graph's ``# Enum values`` page).
        enums = [
            enum
            for i, line in enumerate(lines[title_at + 1 :], title_at + 1)
            if (h := md.heading(line.text)) and h[0] >= 2 and (values := _ENUM_SECTION.match(h[1]))
            for enum in _enum_section(lines, i, document, h[1], values.group("name"))
        ]
        if enums:
            return enums
        enum_title = _ENUM_TITLE.match(title_text)
        if enum_title:
            return [_enum_page(lines, title_at, title_text, enum_title.group("name"), document)]
    name = type_name_from_title(title_text)
    if not _IDENTIFIER.fullmatch(name):
        raise DerivationError(
            document, lines[title_at].number, f"cannot make a type name of the title {title_text!r}"
        )
    description, _ = md.first_paragraph(lines, title_at + 1)

    members: list[Member] = []
    nested: list[TypeDoc] = []
    examples: list[Example] = []
    shown: dict[str, Any] | None = None
    issues: list[str] = []
    section = ""
    i = title_at + 1
    while i < len(lines):
        h = md.heading(lines[i].text)
        if h is not None:
            section = h[1]
            values = _ENUM_SECTION.match(section)
            if values and h[0] >= 2:
                nested.extend(_enum_section(lines, i, document, section, values.group("name")))
            elif h[0] == 3 and section.lower() not in ("properties", "relationships"):
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

    draft = not _NAMESPACE.search(text)
    for index, block in md.fenced_blocks(lines):
        if block.info not in ("json", ""):
            continue
        where = _section_of(lines, index)
        if "json" not in where.lower() and "example" not in where.lower():
            continue
        source = SourceRef(document, where, block.line + 1)
        value, problem = _parse_json(block.text)
        if problem is not None:
            issues.append(
                f"the JSON block at line {block.line} ({where}) is not valid JSON ({problem});"
                " it was not used."
            )
            continue
        if "representation" in where.lower():
            # Under a representation heading the block shows the shape, whatever its values
            # look like; only a draft's block of sample values (no placeholder) is also an example.
            if isinstance(value, dict):
                shown = value
                if draft and value and not any(_is_placeholder(v) for v in value.values()):
                    examples.append(Example(value, source))
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
        representation=None if shown is None else _representation(shown, members),
        doc_issues=tuple(issues),
    )
    return [own, *nested]


def _parse_json(text: str) -> tuple[Any, str | None]:
    """The value of a JSON block, or why it has none (never an exception: the block is prose)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at its line {exc.lineno}"
    except RecursionError:
        return None, "nested too deep to read"
    except ValueError as exc:  # an integer of more digits than Python converts
        return None, str(exc).split(";")[0]


def _representation(shown: dict[str, Any], members: list[Member]) -> dict[str, Any]:
    """The representation as placeholders: each property's value as the type word it stands for.

    OData control information (``"@odata.type": "#microsoft.graph.x"``) is no property and is left
    out. A literal value is read as the table's type word when the value fits that type, so the
    builder sees agreement; otherwise as the JSON type it is, so the builder reports the
    disagreement in the table's terms.
    """
    declared = {m.name: m.doc_type for m in members}
    return {
        key: _placeholder(value, declared.get(key))
        for key, value in shown.items()
        if not key.startswith("@") and "@odata." not in key
    }


def _placeholder(value: Any, declared: str | None) -> Any:
    if declared is None or not isinstance(value, (str, int, float)):
        return value  # objects, arrays, null and properties the table lacks: as shown
    if isinstance(value, str) and value.strip().lower() in PLACEHOLDERS:
        return value  # a type name, as the drafts write them: compared as written
    linked = md.link(declared)
    said = re.sub(r"\s+", " ", linked[0] if linked else declared).strip()
    kind = said.lower()
    if _COLLECTION.fullmatch(said):
        fits = False
    elif isinstance(value, bool):
        fits = kind == "boolean"
    elif isinstance(value, int):
        fits = kind in _INTEGER_TYPES or kind in _NUMBER_TYPES
    elif isinstance(value, float):
        fits = kind in _NUMBER_TYPES
    elif kind not in _SCALAR_TYPES:
        # An enum travels as a string, a complex type does not; only the builder knows which
        # the name is, and it judges a "String" placeholder accordingly.
        return "String"
    else:
        fits = kind in _STRING_TYPES
    if not fits:
        return _json_type_word(value)
    if kind == "number" and isinstance(value, int) and not isinstance(value, bool):
        return "Integer"  # an integer shown for a Number: the evidence a count needs
    return said


def _json_type_word(value: str | int | float) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Double"
    return value if _QUALIFIED_PLACEHOLDER.fullmatch(value) else "String"


def _enum_page(
    lines: list[md.Line], title_at: int, title_text: str, written: str, document: str
) -> TypeDoc:
    """The enum an enum page (``# x enum type``, ``## Members`` table) defines."""
    name = _enum_name(written)
    if name is None:
        raise DerivationError(
            document,
            lines[title_at].number,
            f"cannot make an enum type name of the title {title_text!r}",
        )
    for j in range(title_at + 1, len(lines)):
        if lines[j].text.strip().startswith("|"):
            header, rows, _ = md.table_at(lines, j)
            if header and header[0].strip("` *").lower() in _MEMBER_HEADERS:
                description, _ = md.first_paragraph(lines, title_at + 1)
                return _enum(
                    name,
                    _enum_members(rows, document, name, lines[j].number),
                    description,
                    SourceRef(document, title_text, lines[title_at].number),
                )
    raise DerivationError(
        document,
        lines[title_at].number,
        f"the enum page {title_text!r} has no 'Member | Value | Description' table of its members",
    )


def _enum_section(
    lines: list[md.Line], at: int, document: str, section: str, written: str
) -> list[TypeDoc]:
    """The enum a ``### x values`` sub-section of a resource page defines (none without a table)."""
    name = _enum_name(written)
    if name is None:
        return []  # a namespaced enum (microsoft.graph.security.x): not among the types read
    j = at + 1
    while j < len(lines) and md.heading(lines[j].text) is None:
        if lines[j].text.strip().startswith("|"):
            header, rows, _ = md.table_at(lines, j)
            if not header or header[0].strip("` *").lower() not in _MEMBER_HEADERS:
                return []
            description, starts = md.first_paragraph(lines, at + 1)
            return [
                _enum(
                    name,
                    _enum_members(rows, document, name, lines[j].number),
                    description if starts < lines[j].number else "",
                    SourceRef(document, section, lines[at].number),
                )
            ]
        j += 1
    return []


def _enum_name(written: str) -> str | None:
    name = written.removeprefix("microsoft.graph.")
    return name if _IDENTIFIER.fullmatch(name) else None


def _enum_members(rows: list[md.TableRow], document: str, name: str, header_line: int) -> list[str]:
    """The member names of an enum table, each checked: a name, and listed once."""
    members: list[str] = []
    seen: dict[str, int] = {}
    for row in rows:
        cell = row.cells[0] if row.cells else ""
        member = cell.strip().strip("`*").strip()
        if not _IDENTIFIER.fullmatch(member):
            raise DerivationError(
                document,
                row.line,
                f"row {row.row} of the {name} table names no enum member ({cell!r}): its first"
                " cell is the member's name, as the service sends it",
            )
        if member in seen:
            raise DerivationError(
                document,
                row.line,
                f"enum member {member} of {name} is listed twice (also at line {seen[member]})",
            )
        seen[member] = row.line
        members.append(member)
    if not members:
        raise DerivationError(document, header_line, f"the {name} table lists no members")
    return members


def _enum(name: str, members: list[str], description: str, source: SourceRef) -> TypeDoc:
    return TypeDoc(
        vendor="graph",
        name=name,
        format="graph",
        description=description or f"The members of the {name} enumeration.",
        source=source,
        kind="enum",
        enum=tuple(members),
    )


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
