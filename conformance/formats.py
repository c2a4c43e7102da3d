"""Regular expressions and ``date-time`` as JSON Schema means them, for the Python engine.

JSON Schema's ``pattern`` is an ECMA-262 regular expression used as a search. Python's ``re``
cannot compile Unicode property escapes (Kendra's ``^\\P{C}*$``) and its ``$``, ``\\d``, ``\\w``,
``\\s`` and ``.`` mean other things. The fast engine (jsonschema-rs) implements ECMA-262; this
module translates a pattern for the ``regex`` module so that the explaining engine reaches the same
verdict, and checks RFC 3339 ``date-time`` exactly as jsonschema-rs does (leap seconds included),
which jsonschema's own checker does not. The tests hold both to jsonschema-rs's verdicts.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex

_WORD = "A-Za-z0-9_"
_ECMA_SPACE = (
    "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
# ECMA's "." excludes CR, LF, U+2028 and U+2029; jsonschema-rs's excludes LF alone. The verdicts
# must agree, so "." follows the engine that decides (a known, tested deviation from ECMA-262).
_DOT = "[^\\n]"
_BOUNDARY = f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
_NOT_BOUNDARY = f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))"

# ECMA class escapes: (outside a class, inside a class).
_CLASS_ESCAPES = {
    "d": ("[0-9]", "0-9"),
    "D": ("[^0-9]", None),
    "w": (f"[{_WORD}]", _WORD),
    "W": (f"[^{_WORD}]", None),
    "s": (f"[{_ECMA_SPACE}]", _ECMA_SPACE),
    "S": (f"[^{_ECMA_SPACE}]", None),
}


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape starting at ``pattern[i] == '\\\\'``; return it and the next index."""
    if i + 1 >= len(pattern):
        raise ValueError(f"pattern {pattern!r} ends with a lone backslash")
    c = pattern[i + 1]
    if c in _CLASS_ESCAPES:
        outside, inside = _CLASS_ESCAPES[c]
        if not in_class:
            return outside, i + 2
        if inside is None:
            raise ValueError(
                f"pattern {pattern!r}: \\{c} inside a character class is not supported"
            )
        return inside, i + 2
    if c in "pP":
        m = re.match(r"\{[A-Za-z_=]+\}", pattern[i + 2 :])
        if not m:
            raise ValueError(f"pattern {pattern!r}: \\{c} needs a {{Property}} name")
        return f"\\{c}{m.group(0)}", i + 2 + len(m.group(0))
    if c == "b":
        return ("\\x08" if in_class else _BOUNDARY), i + 2
    if c == "B" and not in_class:
        return _NOT_BOUNDARY, i + 2
    if c == "u":
        m = re.match(r"\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{4})", pattern[i + 2 :])
        if not m:
            raise ValueError(f"pattern {pattern!r}: malformed \\u escape")
        return f"\\U{int(m.group(1) or m.group(2), 16):08x}", i + 2 + len(m.group(0))
    if c == "k" and (m := re.match(r"<(\w+)>", pattern[i + 2 :])):
        return f"(?P={m.group(1)})", i + 2 + len(m.group(0))
    if c == "c" and i + 2 < len(pattern) and pattern[i + 2].isalpha():
        return f"\\x{ord(pattern[i + 2]) % 32:02x}", i + 3
    if c == "0" and not pattern[i + 2 : i + 3].isdigit():
        return "\\x00", i + 2
    return pattern[i : i + 2], i + 2


def translate(pattern: str) -> str:
    """The ``regex``-module source for an ECMA-262 pattern (Unicode mode, no flags)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            piece, i = _escape(pattern, i, in_class)
            out.append(piece)
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append("\\[" if c == "[" else c)
        elif c == "[":
            if pattern.startswith("[]", i):  # ECMA: the empty class matches nothing
                out.append("(?!)")
                i += 2
                continue
            if pattern.startswith("[^]", i):  # ECMA: any character at all
                out.append("[\\s\\S]")
                i += 3
                continue
            in_class = True
            out.append(c)
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif c == ".":
            out.append(_DOT)
        elif c == "$":
            out.append("\\Z")  # ECMA's $ (no m flag) is the very end, not before a final \n
        elif c == "(" and pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    if in_class:
        raise ValueError(f"pattern {pattern!r}: unterminated character class")
    return "".join(out)


@lru_cache(maxsize=512)
def ecma_regex(pattern: str) -> regex.Pattern[str]:
    """Compile a JSON Schema (ECMA-262) pattern for the ``regex`` module, with its meaning kept."""
    import regex

    source = translate(pattern)
    try:
        return regex.compile(source, regex.VERSION0)
    except regex.error as exc:
        raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from None


def ecma_search(pattern: str, value: str) -> bool:
    """True when the ECMA-262 ``pattern`` is found in ``value``, as JSON Schema's ``pattern``."""
    return ecma_regex(pattern).search(value) is not None


_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)


def is_date_time(value: str) -> bool:
    """RFC 3339 ``date-time`` as jsonschema-rs judges it (a leap second only at 23:59 UTC)."""
    m = _DATE_TIME.fullmatch(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not 1 <= month <= 12:
        return False
    # Year 0 is a leap year in the proleptic Gregorian calendar; ``calendar`` starts at year 1.
    days = 29 if (year == 0 and month == 2) else calendar.monthrange(max(year, 1), month)[1]
    if not 1 <= day <= days:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = 0
    if m.group(7):
        off_hour, off_minute = int(m.group(8)), int(m.group(9))
        if off_hour > 23 or off_minute > 59:
            return False
        offset = (off_hour * 60 + off_minute) * (1 if m.group(7) == "+" else -1)
    if second == 60:
        return (hour * 60 + minute - offset) % (24 * 60) == 23 * 60 + 59
    return True
