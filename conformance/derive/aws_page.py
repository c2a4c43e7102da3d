"""Reader for AWS API Reference data-type pages.

An AWS data-type page names the type in the H1 (followed by an anchor), describes it in the first
paragraph and lists its members under ``## Contents``: a bold member name, its description, then
``Type:``, constraint lines (``Length Constraints:``, ``Pattern:``, ``Valid Values:``, ...) and
``Required:``. Constraint lines are kept as written, with their line numbers; ``types`` interprets
them, so an unknown constraint is reported where it stands.
"""

from __future__ import annotations

import re

from conformance.derive import markdown as md
from conformance.derive.model import Constraint, Member, SourceRef, TypeDoc
from conformance.errors import DerivationError

_MEMBER = re.compile(
    r"^\s*\*\*(?P<name>[A-Za-z_][\w.]*)\*\*\s*(?:<a name=\"(?P<anchor>[^\"]*)\"></a>)?\s*$"
)
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z ]*?):\s*(?P<text>.*)$")
_SERVICE_FROM_ANCHOR = re.compile(r"^(?P<service>[A-Za-z0-9]+)-Type-")
_SERVICE_FROM_GOTO = re.compile(r"/goto/\w+/(?P<service>[a-z0-9-]+?)-\d{4}-\d{2}-\d{2}/")


def looks_like_aws_page(text: str) -> bool:
    """True when the page has AWS-style member entries (a bold name, then a ``Type:`` line)."""
    return bool(re.search(r"^##\s+Contents", text, re.M)) and bool(re.search(r"^Type:", text, re.M))


def _service(text: str, anchors: list[str]) -> str | None:
    for anchor in anchors:
        m = _SERVICE_FROM_ANCHOR.match(anchor)
        if m:
            return m.group("service").lower()
    m = _SERVICE_FROM_GOTO.search(text)
    return m.group("service").lower() if m else None


def read_aws_page(text: str, document: str) -> list[TypeDoc]:
    """Read the one type an AWS data-type page defines."""
    lines = md.lines_of(text)
    title_at, title_text = md.title(lines, document)
    name = md.unescape(title_text).strip()
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise DerivationError(
            document, lines[title_at].number, f"the title {name!r} is not a type name"
        )
    description, _ = md.first_paragraph(lines, title_at + 1)

    contents = next(
        (
            i
            for i, ln in enumerate(lines)
            if (h := md.heading(ln.text)) and h[1].lower() == "contents"
        ),
        None,
    )
    if contents is None:
        raise DerivationError(document, lines[title_at].number, "no '## Contents' section found")
    members: list[Member] = []
    anchors: list[str] = []
    i = contents + 1
    while i < len(lines) and md.heading(lines[i].text) is None:
        m = _MEMBER.match(lines[i].text)
        if not m:
            i += 1
            continue
        if m.group("anchor"):
            anchors.append(m.group("anchor"))
        member, i = _member(lines, i, m.group("name"), document)
        members.append(member)
    if not members:
        raise DerivationError(document, lines[contents].number, "'## Contents' lists no members")
    service = _service(text, anchors)
    if service is None:
        raise DerivationError(
            document,
            lines[title_at].number,
            "cannot tell which AWS service the page belongs to (no '<Service>-Type-' anchor and no"
            " SDK link naming the API version)",
        )
    return [
        TypeDoc(
            vendor=service,
            name=name,
            format="aws",
            description=description,
            source=SourceRef(document, name, lines[title_at].number),
            members=tuple(members),
        )
    ]


def _member(lines: list[md.Line], at: int, name: str, document: str) -> tuple[Member, int]:
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
    member = Member(
        name=name,
        doc_type=md.unescape(doc_type),
        description=md.plain_text(md.unescape(" ".join(prose))),
        source=SourceRef(document, "Contents", lines[at].number),
        required=required,
        constraints=tuple(constraints),
        type_line=type_line,
    )
    return member, i
