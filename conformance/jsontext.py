"""Positions in JSON text: where JSON pointers stand, how deep it nests, which keys repeat.

Parsers return values, not positions, and the fast ones keep no trace of the text. Findings want
``file:line:column``, so this scanner walks the text again, only for documents that have findings,
and once per document however many findings it has: the pointers wanted are gathered into a tree,
the text is walked once following only that tree's branches (every other value is skipped with
the standard library's C scanner) and no further than the last of them, and the offsets found
become lines and columns in one forward pass. Walking from the top for each finding, and
counting lines from the start for each offset, made a page with thousands of findings cost time
quadratic in its size (minutes for a megabyte).

It also finds duplicate keys, which parsers resolve silently and differently (the last value wins
in Python, the first in some other parsers), hiding a violation behind another value, and the
place where a text first nests deeper than a limit, for text too deep to be parsed at all.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Unrolled, so that a long string costs one pass of the regex engine without backtracking.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"[^,\]}\s]+")
# What a bracket counter must look at: strings (skipped whole, even unterminated) and brackets.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
# The C scanner behind json.loads: (text, offset) -> (value, end offset).
_SCAN_VALUE: Callable[[str, int], tuple[object, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def space(self) -> None:
        # Compact JSON has no space between tokens: look before calling the regex.
        if self.text[self.i : self.i + 1] in (" ", "\t", "\r", "\n"):
            m = _SPACE.match(self.text, self.i)
            self.i = m.end() if m else self.i

    def string(self) -> str:
        m = _STRING.match(self.text, self.i)
        if m is None:
            raise ValueError(f"expected a string at offset {self.i}")
        self.i = m.end()
        raw = m.group(0)[1:-1]
        return raw if "\\" not in raw else _unescape(raw)

    def skip(self) -> None:
        """Skip one value: containers at C speed, unless they hold what ``json`` refuses."""
        self.space()
        c = self.text[self.i : self.i + 1]
        if c == '"':
            self.string()
        elif c in ("[", "{"):
            try:
                _, self.i = _SCAN_VALUE(self.text, self.i)
            except (StopIteration, ValueError, RecursionError):
                self._skip_container()
        else:
            m = _SCALAR.match(self.text, self.i)
            self.i = m.end() if m else self.i + 1

    def _skip_container(self) -> None:
        """Skip a container by counting brackets (an integer too long for ``int``, say)."""
        depth = 0
        for m in _STRUCTURE.finditer(self.text, self.i):
            c = self.text[m.start()]
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    self.i = m.end()
                    return
        self.i = len(self.text)

    def members(self) -> Iterator[tuple[str, int]]:
        """Keys of the object at the cursor, each with the offset of its key (cursor at the
        value when yielded; the consumer moves it past the value)."""
        self.i += 1  # the {
        while True:
            self.space()
            if self.text[self.i : self.i + 1] in ("}", ""):
                self.i += 1
                return
            key_at = self.i
            key = self.string()
            self.space()
            self.i += 1  # the :
            self.space()
            yield key, key_at
            self.space()
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1

    def items(self) -> Iterator[int]:
        """Indexes of the array at the cursor (cursor at each item when yielded)."""
        self.i += 1  # the [
        index = 0
        while True:
            self.space()
            if self.text[self.i : self.i + 1] in ("]", ""):
                self.i += 1
                return
            yield index
            index += 1
            self.space()
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1


def _unescape(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return str(value)


def _tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of one offset (columns count characters).

    For many offsets of one text use ``lines_columns``: this counts from the start each time.
    """
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def lines_columns(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """1-based line and column of each offset, in one forward pass over the text."""
    found: dict[int, tuple[int, int]] = {}
    line, line_start, at = 1, 0, 0
    for offset in sorted(set(offsets)):
        newlines = text.count("\n", at, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", at, offset) + 1
        at = offset
        found[offset] = (line, offset - line_start + 1)
    return found


# The key under which a node of the pointer tree holds the pointer that ends there.
_HERE = ""


class _AllFound(Exception):
    """Every pointer wanted has been found: the rest of the text need not be read."""


def offsets(text: str, pointers: Iterable[str]) -> dict[str, int]:
    """The offset of the value at each pointer (of its key, for an object member), found in one
    walk of the text; pointers the text does not hold (or the scanner cannot follow) are left
    out. Where a key repeats, its first occurrence is the one followed."""
    tree: dict[str, Any] = {}
    wanted = 0
    for pointer in pointers:
        node = tree
        for token in _tokens(pointer):
            node = node.setdefault("/" + token, {})  # "/" keeps a key apart from _HERE
        wanted += _HERE not in node
        node[_HERE] = pointer
    found: dict[str, int] = {}
    scan = _Scanner(text)

    def record(node: dict[str, Any], offset: int) -> None:
        found[node[_HERE]] = offset
        if len(found) == wanted:
            raise _AllFound

    def walk(node: dict[str, Any]) -> None:
        """Follow ``node``'s branches into the value at the cursor; leave the cursor past it."""
        c = scan.text[scan.i : scan.i + 1]
        if len(node) == (_HERE in node):  # nothing below: skip the whole value at C speed
            scan.skip()
        elif c == "{":
            seen: set[str] = set()
            for key, key_at in scan.members():
                child = node.get("/" + key)
                if child is None or key in seen:
                    scan.skip()
                    continue
                seen.add(key)
                if _HERE in child:
                    record(child, key_at)
                walk(child)
        elif c == "[":
            for index in scan.items():
                child = node.get(f"/{index}")
                if child is None:
                    scan.skip()
                    continue
                if _HERE in child:
                    record(child, scan.i)
                walk(child)
        else:
            scan.skip()

    # A walk that cannot follow the text keeps what it found up to there.
    with contextlib.suppress(_AllFound, ValueError, IndexError, RecursionError):
        if not wanted:
            return found
        scan.space()
        if _HERE in tree:
            record(tree, scan.i)
        walk(tree)
    return found


def locate_all(text: str, pointers: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Line and column of the value at each pointer (of the key, for object members), in one
    pass; pointers the text does not hold are left out."""
    at = offsets(text, pointers)
    places = lines_columns(text, at.values())
    return {pointer: places[offset] for pointer, offset in at.items()}


def locate(text: str, pointer: str) -> tuple[int, int] | None:
    """Line and column of the value at ``pointer`` in ``text`` (of the key, for object members).

    None when the text does not hold that pointer (or is not JSON the scanner can follow).
    """
    return locate_all(text, [pointer]).get(pointer)


def too_deep(text: str, limit: int) -> int | None:
    """The offset of the first bracket that opens a level deeper than ``limit``, or None.

    Read from the text alone, so it holds for text nested too deeply for a parser to follow.
    """
    if text.count("[") + text.count("{") <= limit:  # cannot nest deeper: a scan at C speed
        return None
    depth = 0
    for m in _STRUCTURE.finditer(text):
        c = text[m.start()]
        if c in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif c in "]}":
            depth -= 1
    return None


def duplicate_keys(text: str) -> list[tuple[str, int, int]]:
    """Every duplicated object key as (JSON pointer of the repeat, line, column)."""
    return repeated_keys(text)[0]


def repeated_keys(text: str, keep: int | None = None) -> tuple[list[tuple[str, int, int]], int]:
    """The first ``keep`` (all, for None) duplicated object keys as (JSON pointer of the repeat,
    line, column), found in one scan, and how many there are in all."""
    found: list[tuple[str, int]] = []
    total = 0
    scan = _Scanner(text)

    def walk(pointer: str) -> None:
        nonlocal total
        scan.space()
        c = scan.text[scan.i : scan.i + 1]
        if c == "{":
            seen: set[str] = set()
            for key, key_at in scan.members():
                child = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                if key in seen:
                    total += 1
                    if keep is None or len(found) < keep:
                        found.append((child, key_at))
                seen.add(key)
                walk(child)
        elif c == "[":
            for index in scan.items():
                walk(f"{pointer}/{index}")
        else:
            scan.skip()

    # A scan that cannot follow the text reports what it found up to there.
    with contextlib.suppress(ValueError, IndexError, RecursionError):
        walk("")
    places = lines_columns(text, (offset for _, offset in found))
    return [(pointer, *places[offset]) for pointer, offset in found], total
