"""Reader for AWS API Reference pages: data-type pages and operation pages.

An AWS data-type page names the type in the H1 (an anchor follows it, inline or on its own line),
describes it in the first paragraph and lists its members under ``## Contents``: a bold member name
(``**Name**`` in older pages, `` ** Name ** `` or a bold link to the syntax block in today's), its
description, then ``Type:``, constraint lines (``Length Constraints:``, ``Pattern:``,
``Valid Values:``, ...) and ``Required:``. Constraint lines are kept as written, with their line
numbers; ``types`` interprets them, so an unknown constraint is reported where it stands.

An operation page (``# ListDataSourceSyncJobs``) describes a call: its request and its response.
What a response body may hold is what a conformance check needs, so its ``## Response Elements``
are read into a type named as botocore names the output shape, ``<Operation>Response``; the
request is not read. The ``## Response Syntax`` block shows placeholders (``"string"``,
``number``) and is not even JSON, so it is never taken for an example.
"""

from __future__ import annotations

import re

from conformance.derive import markdown as md
from conformance.derive.model import Constraint, Member, SourceRef, TypeDoc, TypeKind
from conformance.errors import DerivationError

_NAME = r"[A-Za-z_][\w.]*"
_MEMBER = re.compile(
    rf"^\s*\*\*\s*(?:\[\s*(?P<linked>{_NAME})\s*\]\([^)\s]*\)|(?P<name>{_NAME}))\s*\*\*"
    r"\s*(?:<a\s+name=\"(?P<anchor>[^\"]*)\"\s*>\s*</a>)?\s*$"
)
# A line that starts like a member entry but is not one this reader can read.
_MEMBER_LIKE = re.compile(r"^\s*\*\*")
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ]*?):\s*(?P<text>.*)$")
# ``Kendra-Type-DataSourceSyncJob-Status`` on data-type pages,
# ``kendra-ListDataSourceSyncJobs-response-History`` on operation pages.
_SERVICE_FROM_ANCHOR = re.compile(
    r"^(?P<service>[A-Za-z0-9]+)-(?:Type-|[A-Za-z0-9]+-(?:request|response)-)"
)
_SERVICE_FROM_GOTO = re.compile(r"/goto/\w+/(?P<service>[a-z0-9-]+?)-\d{4}-\d{2}-\d{2}/")
_OBJECT_ARRAY = re.compile(r"Array of .+ objects?", re.I)
_EMPTY_BODY = re.compile(r"empty HTTP body", re.I)
# Constraint numbers are lengths, counts and ranges; AWS's widest is a 64-bit integer (19 digits).
# Anything far longer is not a constraint, and would only make int() refuse it further on.
_LONG_NUMBER = re.compile(r"\d{40,}")


def looks_like_aws_page(text: str) -> bool:
    """True for an AWS data-type page (``## Contents`` with ``Type:`` lines) or operation page."""
    data_type = bool(re.search(r"^##\s+Contents", text, re.M)) and bool(
        re.search(r"^Type:", text, re.M)
    )
    return data_type or _is_operation(text)


def _is_operation(text: str) -> bool:
    return bool(re.search(r"^##\s+Response Elements", text, re.M)) and bool(
        re.search(r"^##\s+Request (?:Syntax|Parameters)", text, re.M)
    )


def _service(text: str, anchors: list[str]) -> str | None:
    for anchor in anchors:
        m = _SERVICE_FROM_ANCHOR.match(anchor)
        if m:
            return m.group("service").lower()
    m = _SERVICE_FROM_GOTO.search(text)
    return m.group("service").lower() if m else None


def _section(lines: list[md.Line], title: str) -> int | None:
    """The index of the ``## title`` heading (anchors stripped), if the page has one."""
    for i, line in enumerate(lines):
        h = md.heading(line.text)
        if h is not None and h[0] == 2 and h[1].lower() == title.lower():
            return i
    return None


def read_aws_page(text: str, document: str) -> list[TypeDoc]:
    """Read the one type an AWS page defines: a data type, or an operation's response."""
    lines = md.lines_of(text)
    title_at, title_text = md.title(lines, document)
    title_line = lines[title_at].number
    name = md.unescape(title_text).strip()
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise DerivationError(document, title_line, f"the title {name!r} is not a type name")
    description, _ = md.first_paragraph(lines, title_at + 1)
    if not description:
        raise DerivationError(
            document,
            title_line,
            f"no description after the title '# {name}': the first paragraph of prose below it"
            " (past anchors and rules) describes the type; the page has none before the next"
            " heading",
        )

    operation = _section(lines, "Response Elements") is not None
    heading = "Response Elements" if operation else "Contents"
    at = _section(lines, heading)
    if at is None:
        raise DerivationError(
            document,
            title_line,
            "no '## Contents' section found (a data-type page lists its members there, an"
            " operation page under '## Response Elements')",
        )
    members, anchors, prose = _members(lines, at, document, heading)
    if not members and not (operation and _EMPTY_BODY.search(prose)):
        raise DerivationError(
            document,
            lines[at].number,
            f"'## {heading}' lists no members: expected entries of a bold name (with its anchor),"
            " its description and a 'Type:' line"
            + (", or a sentence saying the response has an empty HTTP body" if operation else ""),
        )
    service = _service(text, anchors)
    if service is None:
        raise DerivationError(
            document,
            title_line,
            "cannot tell which AWS service the page belongs to (no '<Service>-Type-' or"
            " '<Service>-<Operation>-response-' anchor and no SDK link naming the API version)",
        )
    kind: TypeKind = "resource"
    if operation:
        # A list call's body is a page of resources (``History[]``) plus a token: an envelope,
        # whose findings name the resource they fall in.
        if any(_OBJECT_ARRAY.fullmatch(m.doc_type.strip()) for m in members):
            kind = "envelope"
        description = f"The response of the {name} operation. {description}"
    return [
        TypeDoc(
            vendor=service,
            name=f"{name}Response" if operation else name,
            format="aws",
            description=description,
            source=SourceRef(document, name, title_line),
            kind=kind,
            members=tuple(members),
        )
    ]


def _members(
    lines: list[md.Line], at: int, document: str, section: str
) -> tuple[list[Member], list[str], str]:
    """The member entries of the section at ``lines[at]``, their anchors, and the prose around."""
    members: list[Member] = []
    anchors: list[str] = []
    prose: list[str] = []
    seen: dict[str, int] = {}
    i = at + 1
    while i < len(lines) and md.heading(lines[i].text) is None:
        m = _MEMBER.match(lines[i].text)
        if not m:
            if _MEMBER_LIKE.match(lines[i].text):
                raise DerivationError(
                    document,
                    lines[i].number,
                    f"a bold line in '## {section}' that is not a member name:"
                    f" {lines[i].text.strip()!r}; a member entry starts with its name alone in"
                    " bold (maybe a link), optionally followed by its anchor",
                )
            prose.append(lines[i].text)
            i += 1
            continue
        name = m.group("linked") or m.group("name")
        if name in seen:
            raise DerivationError(
                document,
                lines[i].number,
                f"member {name} is listed twice in '## {section}' (also at line {seen[name]})",
            )
        seen[name] = lines[i].number
        if m.group("anchor"):
            anchors.append(m.group("anchor"))
        member, i = _member(lines, i, name, document, section)
        members.append(member)
    return members, anchors, " ".join(prose)


def _member(
    lines: list[md.Line], at: int, name: str, document: str, section: str
) -> tuple[Member, int]:
    """One member entry starting at its bold name; returns it and the index after it."""
    prose: list[str] = []
    doc_type: str | None = None
    type_line = lines[at].number
    constraints: list[Constraint] = []
    required = False
    i = at + 1
    while i < len(lines):
        text = lines[i].text.strip()
        if _MEMBER.match(lines[i].text) or md.heading(lines[i].text) is not None:
            break
        i += 1
        if not text:
            if doc_type is not None:
                break
            continue
        label = _LABEL.match(text)
        if doc_type is None:
            if label and label.group("label") == "Type":
                doc_type, type_line = label.group("text").strip(), lines[i - 1].number
                if not doc_type:
                    raise DerivationError(
                        document, type_line, f"member {name} has an empty 'Type:' line"
                    )
            else:
                prose.append(text)
        elif label and label.group("label") == "Required":
            required = label.group("text").strip().lower().startswith("yes")
        elif label:
            constraints.append(
                Constraint(label.group("label"), label.group("text").strip(), lines[i - 1].number)
            )
        elif constraints:
            # A constraint that wraps onto the next line.
            last = constraints[-1]
            constraints[-1] = Constraint(last.label, f"{last.text} {text}", last.line)
        else:
            raise DerivationError(
                document, lines[i - 1].number, f"unexpected line in member {name}: {text!r}"
            )
    if doc_type is None:
        raise DerivationError(document, lines[at].number, f"member {name} has no 'Type:' line")
    for constraint in constraints:
        if _LONG_NUMBER.search(constraint.text):
            raise DerivationError(
                document,
                constraint.line,
                f"constraint {constraint.label} of member {name} holds a number of 40 or more"
                " digits, which no AWS length, count or range has",
            )
    member = Member(
        name=name,
        doc_type=md.unescape(doc_type),
        description=md.plain_text(md.unescape(" ".join(prose))),
        source=SourceRef(
            document, "Contents" if section == "Contents" else section, lines[at].number
        ),
        required=required,
        constraints=tuple(constraints),
        type_line=type_line,
    )
    return member, i
