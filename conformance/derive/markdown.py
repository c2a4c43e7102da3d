"""The little markdown both page formats need: headings, pipe tables, fenced blocks, links.

Doc pages are not parsed into a tree: the readers walk lines and keep line numbers, because every
fact ends up in a schema with the line it was read from.

The pages come in dialects that have changed over the years (a 2017 Graph page, a page published
today, an AWS page with its anchors inline or on a line of their own), so the helpers here accept
what GFM accepts (a table separator of one dash) and know the lines that stand between a title and
its description without being prose: anchors, rules, a ``Namespace:`` line, notes, includes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from conformance.errors import DerivationError

_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")
_HTML_ANCHOR = re.compile(r"<a\s+name=\"[^\"]*\"\s*>\s*</a>")
# Lines between a title and its description that are not prose: a thematic break (AWS pages put
# ``--------`` around their titles), an anchor on its own line (today's AWS pages), Graph's
# ``Namespace: microsoft.graph`` line, a note or other block quote, an include.
_NOT_PROSE = re.compile(
    r"^(?:[-*_](?:\s*[-*_]){2,}|(?:<a\s+name=\"[^\"]*\"\s*>\s*</a>\s*)+|Namespace:\s*[\w.]+|>.*"
    r"|\[!INCLUDE.*|\[!div.*)$",
    re.I,
)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")


@dataclass(frozen=True)
class Line:
    """A line of a document and its 1-based number."""

    number: int
    text: str


@dataclass(frozen=True)
class Block:
    """A fenced code block: its info string, its text and the line of its opening fence."""

    info: str
    text: str
    line: int


@dataclass(frozen=True)
class TableRow:
    """A row of a pipe table: its 1-based position below the header, cells and line."""

    row: int
    cells: tuple[str, ...]
    line: int


def lines_of(text: str) -> list[Line]:
    """Number the lines of a document, skipping a YAML front matter block (kept as blank)."""
    raw = text.splitlines()
    out = [Line(i + 1, t) for i, t in enumerate(raw)]
    if raw and raw[0].strip() == "---":
        for i in range(1, len(raw)):
            if raw[i].strip() == "---":
                return [Line(n.number, "") if n.number <= i + 1 else n for n in out]
    return out


def heading(line: str) -> tuple[int, str] | None:
    """The level and text of an ATX heading, without trailing anchors; None for other lines."""
    m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
    if not m:
        return None
    return len(m.group(1)), _HTML_ANCHOR.sub("", m.group(2)).strip()


def title(lines: list[Line], document: str) -> tuple[int, str]:
    """The index and text of the page's ``# title`` line; a ``DerivationError`` if it has none."""
    for i, line in enumerate(lines):
        found = heading(line.text)
        if found is not None and found[0] == 1:
            return i, found[1]
    raise DerivationError(document, 1, "no '# title' line: cannot tell which type the page defines")


def split_row(line: str) -> tuple[str, ...]:
    """The cells of a pipe-table row; ``\\|`` stays inside a cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return tuple(c.replace("\\|", "|").strip() for c in cells)


def is_separator(line: str) -> bool:
    """True for the ``|:---|---|`` line under a table header (GFM: one dash a cell is enough)."""
    return bool(re.match(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$", line))


def table_at(lines: list[Line], start: int) -> tuple[tuple[str, ...], list[TableRow], int]:
    """Read the pipe table whose header is ``lines[start]``: header cells, rows, index after it."""
    header = split_row(lines[start].text)
    i = start + 1
    if i < len(lines) and is_separator(lines[i].text):
        i += 1
    rows: list[TableRow] = []
    while i < len(lines) and lines[i].text.strip().startswith("|"):
        rows.append(TableRow(len(rows) + 1, split_row(lines[i].text), lines[i].number))
        i += 1
    return header, rows, i


def fenced_blocks(lines: list[Line]) -> Iterator[tuple[int, Block]]:
    """Each fenced block with the index of its opening line."""
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*(```+|~~~+)\s*(\S*)", lines[i].text)
        if not m:
            i += 1
            continue
        fence, info, start = m.group(1), m.group(2).lower(), i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].text.strip().startswith(fence):
            body.append(lines[i].text)
            i += 1
        yield start, Block(info, "\n".join(body), lines[start].number)
        i += 1


def html_comments(text: str) -> Iterator[tuple[int, str]]:
    """Each ``<!-- ... -->`` comment with the line it starts on."""
    for m in re.finditer(r"<!--(.*?)-->", text, re.DOTALL):
        yield text.count("\n", 0, m.start()) + 1, m.group(1)


def plain_text(markdown: str) -> str:
    """Prose as a description: links reduced to their text, anchors and spare space removed."""
    text = _HTML_ANCHOR.sub("", markdown)
    text = _LINK.sub(lambda m: m.group(1), text)
    return re.sub(r"\s+", " ", text).strip()


def unescape(markdown: str) -> str:
    """Undo markdown backslash escapes (``\\.``) outside code spans; code spans stay literal."""
    parts = re.split(r"(`[^`]*`)", markdown)
    return "".join(p if p.startswith("`") else _MD_ESCAPE.sub(r"\1", p) for p in parts)


def link(text: str) -> tuple[str, str] | None:
    """The text and target of a cell that is exactly one markdown link."""
    m = re.fullmatch(r"\s*\[([^\]]+)\]\(([^)]*)\)\s*", text)
    return (m.group(1).strip(), m.group(2).strip()) if m else None


def is_prose(text: str) -> bool:
    """False for lines around a description that are not prose (see ``_NOT_PROSE``)."""
    t = text.strip()
    return (
        bool(t) and not _NOT_PROSE.match(t) and not t.startswith(("|", "#", "<!--", "```", "~~~"))
    )


def first_paragraph(lines: list[Line], start: int) -> tuple[str, int]:
    """The first prose paragraph at or after ``lines[start]`` and the line it begins on.

    Blank lines, HTML comments, includes, anchors, rules, a ``Namespace:`` line, notes and tables
    before it are skipped; it must come before the next heading, and ends at a blank line, a
    heading, a table, a code fence or a line that is not prose.
    """
    i = start
    in_comment = False
    while i < len(lines):
        t = lines[i].text.strip()
        if in_comment or t.startswith("<!--"):
            in_comment = "-->" not in t
        elif heading(t) is not None:
            return "", lines[i].number
        elif is_prose(t):
            break
        i += 1
    if i >= len(lines):
        return "", lines[-1].number if lines else 1
    first = lines[i].number
    para: list[str] = []
    while i < len(lines) and is_prose(lines[i].text):
        para.append(lines[i].text)
        i += 1
    return plain_text(unescape(" ".join(para))), first
