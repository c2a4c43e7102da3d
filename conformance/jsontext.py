"""Positions in JSON text: where a JSON pointer stands, and which object keys are duplicated.

Parsers return values, not positions, and the fast ones keep no trace of the text. Findings want
``file:line:column``, so this scanner walks the text again, but only for documents that have
findings: it follows the pointer key by key, skips the values it does not need with the standard
library's C scanner, and stops at the target. It also finds duplicate keys, which parsers resolve
silently and differently (the last value wins in Python, the first in some other parsers), hiding
a violation behind another value.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"[^,\]}\s]+")
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
        while self.i < len(self.text):
            c = self.text[self.i]
            if c == '"':
                self.string()
                continue
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return
            self.i += 1

    def members(self) -> Iterator[tuple[str, int]]:
        """Keys of the object at the cursor, each with the offset of its value (cursor there)."""
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
    import json

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
    """1-based line and column of an offset (columns count characters)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def locate(text: str, pointer: str) -> tuple[int, int] | None:
    """Line and column of the value at ``pointer`` in ``text`` (of the key, for object members).

    None when the text does not hold that pointer (or is not JSON the scanner can follow).
    """
    scan = _Scanner(text)
    try:
        scan.space()
        at = scan.i
        for token in _tokens(pointer):
            c = scan.text[scan.i : scan.i + 1]
            found = False
            if c == "{":
                for key, key_at in scan.members():
                    if key == token:
                        at, found = key_at, True
                        break
                    scan.skip()
            elif c == "[" and token.isdigit():
                for index in scan.items():
                    if index == int(token):
                        at, found = scan.i, True
                        break
                    scan.skip()
            if not found:
                return None
        return line_column(text, at)
    except (ValueError, IndexError, RecursionError):
        return None


def duplicate_keys(text: str) -> list[tuple[str, int, int]]:
    """Every duplicated object key as (JSON pointer of the repeat, line, column)."""
    found: list[tuple[str, int, int]] = []
    scan = _Scanner(text)

    def walk(pointer: str) -> None:
        scan.space()
        c = scan.text[scan.i : scan.i + 1]
        if c == "{":
            seen: set[str] = set()
            for key, key_at in scan.members():
                child = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                if key in seen:
                    found.append((child, *line_column(text, key_at)))
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
    return found
