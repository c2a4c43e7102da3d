"""JSON Schema `pattern` and `format: date-time` with the meaning jsonschema-rs gives them.

The fast verdict comes from jsonschema-rs; the explanation of a failure comes from the Python
`jsonschema` library. The two must agree, but Python's `re` cannot compile ECMA-262 property
escapes such as `\\P{C}`, its `$` also matches before a final newline and its `\\d`, `\\w`, `\\s`
are Unicode-wide; and jsonschema's own `date-time` check (rfc3339-validator) judges leap seconds
otherwise. So this module gives the Python path the verdicts of jsonschema-rs 0.60.3. Those are
ECMA-262's, except where jsonschema-rs measurably differs, which is followed here on purpose:

* `.` matches everything but `\\n` (ECMA also excludes `\\r`, U+2028 and U+2029);
* `\\b` and `\\B` use Unicode word characters (ECMA: ASCII ones);
* a pattern with a look-around or a backreference keeps Unicode `\\d`, `\\w`, `\\s`, because
  jsonschema-rs hands such patterns to fancy-regex untranslated;
* `date-time` digits are checked as loosely as jsonschema-rs checks them (see `_rs_digits`).

The engines' Unicode tables differ (tests/test_formats.py pins the versions), so code points
assigned in the newest Unicode versions can still get different verdicts.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex

__all__ = ["ecma_regex", "ecma_search", "is_date_time"]

# ECMA-262 WhiteSpace and LineTerminator: TAB, VT, FF, the Zs category, BOM; LF, CR, LS, PS.
_ECMA_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Rust's (UTS #18) Unicode word character: jsonschema-rs's \b, and \w where left untranslated.
_UNICODE_WORD = r"\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}"
# Set bodies for \d \w \s: (translated to ECMA, left Unicode as in look-around patterns).
_CLASSES = {
    "d": ("0-9", r"\p{Nd}"),
    "w": ("A-Za-z0-9_", _UNICODE_WORD),
    "s": (_ECMA_SPACE, r"\p{White_Space}"),
}
_W = f"[{_UNICODE_WORD}]"
_BOUNDARY = {
    "b": f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))",
    "B": f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))",
}
_CONTROL = {"t": 0x09, "n": 0x0A, "v": 0x0B, "f": 0x0C, "r": 0x0D}
# General categories, scripts and binary properties, which the regex module also knows.
_PROPERTY = re.compile(r"\{[A-Za-z0-9_]+(?:=[A-Za-z0-9_]+)?\}")
_HEX_ESCAPE = re.compile(r"x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]+)\}")
_QUANTIFIER = re.compile(r"[*+?]|\{[0-9]+(?:,[0-9]*)?\}")
_LOOK_AROUND = ("(?=", "(?!", "(?<=", "(?<!")
_GROUP = re.compile(r"\((?!\?)|\(\?(?:[:=!]|<[=!]|<[A-Za-z_][A-Za-z0-9_]*>)")
_BACKREFERENCE = re.compile(r"[1-9][0-9]*|k<([A-Za-z_][A-Za-z0-9_]*)>")
# Outside a class: ^ and $ anchor the whole string (no m flag); . stops only at \n, as in Rust.
_OPERATORS = {"^": r"\A", "$": r"\Z", ".": r"[^\n]", "|": "|", ")": ")"}


class _Untranslatable(Exception):
    """A pattern construct that ECMA-262 (Unicode mode) rejects or this module does not support."""


def _char(code: int) -> str:
    # Escaping every other literal keeps it inert both in and out of character classes.
    if chr(code).isascii() and chr(code).isalnum():
        return chr(code)
    if 0xD800 <= code <= 0xDFFF:
        raise _Untranslatable("lone surrogates are not supported (jsonschema-rs rejects them)")
    if code > 0x10FFFF:
        raise _Untranslatable(f"code point {code:#x} is out of range")
    return f"\\U{code:08x}"


def _escape(p: str, i: int, ecma: bool, in_class: bool) -> tuple[str, int, bool]:
    """Translate the escape whose letter is at `p[i]`: (source, next index, is one character)."""
    if i >= len(p):
        raise _Untranslatable("the pattern ends with a lone backslash")
    c = p[i]
    if c.lower() in _CLASSES:
        body = _CLASSES[c.lower()][0 if ecma else 1]
        return (f"[{body}]" if c.islower() else f"[^{body}]"), i + 1, False
    if c in "pP":
        if (m := _PROPERTY.match(p, i + 1)) is None:
            raise _Untranslatable(f"\\{c} needs a {{Name}} or {{Name=Value}}")
        return f"\\{c}{m.group(0)}", m.end(), False
    if c in "bB":
        if not in_class:
            return _BOUNDARY[c], i + 1, False
        if c == "b":  # [\b] is a backspace
            return _char(0x08), i + 1, True
    if c in _CONTROL:
        return _char(_CONTROL[c]), i + 1, True
    if c == "c" and i + 1 < len(p) and p[i + 1].isascii() and p[i + 1].isalpha():
        return _char(ord(p[i + 1]) % 32), i + 2, True
    if c == "0" and not p[i + 1 : i + 2].isdigit():
        return _char(0), i + 1, True
    if (m := _HEX_ESCAPE.match(p, i)) is not None:
        return _char(int(next(g for g in m.groups() if g is not None), 16)), m.end(), True
    if c.isascii() and not c.isalnum():  # identity escape: \$ \. \\ \/ \- ...
        return _char(ord(c)), i + 1, True
    raise _Untranslatable(f"unsupported escape \\{c}")


def _class(p: str, i: int, ecma: bool) -> tuple[str, int]:
    """Translate the character class whose body starts at `p[i]` (after the `[`)."""
    negated = p.startswith("^", i)
    i += negated
    chars: list[str] = []  # characters and ranges, for one plain set
    sets: list[str] = []  # class and property escapes, each a set of its own
    while True:
        if i >= len(p):
            raise _Untranslatable("unterminated character class")
        # A first ] is a literal, as in jsonschema-rs (ECMA's [] and [^] are rejected there).
        if p[i] == "]" and (chars or sets):
            break
        atom, i, single = (
            _escape(p, i + 1, ecma, True) if p[i] == "\\" else (_char(ord(p[i])), i + 1, True)
        )
        if not single and p.startswith("--", i):  # Annex B, as jsonschema-rs: [\s--] is \s - -
            sets.append(atom)
            chars.append(_char(0x2D))
            i += 2
        elif p.startswith("-", i) and i + 1 < len(p) and p[i + 1] != "]":
            if p[i + 1] == "\\":
                end, i, single_end = _escape(p, i + 2, ecma, True)
            else:
                end, i, single_end = _char(ord(p[i + 1])), i + 2, True
            if not (single and single_end):
                raise _Untranslatable("a class escape cannot bound a range")
            chars.append(f"{atom}-{end}")
        else:
            (chars if single else sets).append(atom)
    if not sets:
        return f"[{'^' if negated else ''}{''.join(chars)}]", i + 1
    # A union of alternatives rather than nested sets: the regex module (2026.11.15) gets negated
    # nested sets wrong, e.g. it lets [^\p{Nd}[^\p{Nd}]] (V1) match every character.
    union = "|".join(([f"[{''.join(chars)}]"] if chars else []) + sets)
    return (f"(?:(?!{union})(?s:.))" if negated else f"(?:{union})"), i + 1


def _translate(p: str, ecma: bool) -> tuple[str, bool]:
    """The regex-module source for `p`, and whether `p` has a look-around or backreference."""
    out: list[str] = []
    fancy = False
    prev = "open"  # what a quantifier here would repeat: "atom", "quantifier" or nothing
    i = 0
    while i < len(p):
        c, kind = p[i], "atom"
        if c == "\\" and (m := _BACKREFERENCE.match(p, i + 1)) is not None:
            fancy = True
            out.append(f"(?:\\g<{m.group(1) or m.group(0)}>)")
            i = m.end()
        elif c == "\\":
            kind = "assertion" if p[i + 1 : i + 2] in ("b", "B") else "atom"
            piece, i, _ = _escape(p, i + 1, ecma, in_class=False)
            out.append(piece)
        elif c == "[":
            piece, i = _class(p, i + 1, ecma)
            out.append(piece)
        elif c in "*+?{":
            m = _QUANTIFIER.match(p, i)
            if m is None:  # ECMA's Unicode mode has no literal {
                raise _Untranslatable(f"a lone '{{' at offset {i}")
            if c == "?" and prev == "quantifier":
                kind = "lazy"
            elif prev == "atom":
                kind = "quantifier"
            else:  # also rejects a++ and a**, which the regex module would accept as possessive
                raise _Untranslatable(f"nothing to repeat at offset {i}")
            out.append(m.group(0))
            i = m.end()
        elif c == "(":
            m = _GROUP.match(p, i)
            if m is None:
                raise _Untranslatable(f"unsupported group syntax at offset {i}")
            fancy = fancy or m.group(0) in _LOOK_AROUND
            out.append(m.group(0))
            i, kind = m.end(), "open"
        else:
            out.append(_OPERATORS.get(c) or _char(ord(c)))
            kind = {"^": "assertion", "$": "assertion", "|": "open"}.get(c, "atom")
            i += 1
        prev = kind
    return "".join(out), fancy


@functools.lru_cache(maxsize=1024)
def ecma_regex(pattern: str) -> regex.Pattern[str]:
    """Compile a JSON Schema `pattern` (ECMA-262, Unicode mode, no flags) for the regex module.

    The result means what jsonschema-rs 0.60 means by the pattern when used as a search, as JSON
    Schema does (the pattern is not anchored). Raises ValueError naming the pattern when it cannot
    be translated or compiled.
    """
    import regex  # deferred: the CLI must start without it

    try:
        source, fancy = _translate(pattern, ecma=True)
        if fancy:
            # jsonschema-rs passes such patterns to fancy-regex as they are: Unicode \d \w \s.
            source, _ = _translate(pattern, ecma=False)
        return regex.compile(source)
    except _Untranslatable as exc:
        raise ValueError(f"cannot translate the pattern {pattern!r}: {exc}") from None
    except regex.error as exc:
        raise ValueError(f"cannot compile the pattern {pattern!r}: {exc}") from None


def ecma_search(pattern: str, value: str) -> bool:
    """Whether `value` matches the JSON Schema `pattern`, i.e. the pattern is found in it."""
    return ecma_regex(pattern).search(value) is not None


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_FRACTION = re.compile(r"\.[0-9]+")


def _rs_digits(text: str) -> int | None:
    """ASCII digits read as jsonschema-rs reads them, by its SWAR arithmetic, borrows included.

    That arithmetic also takes `*+,-./` (0x2A-0x2F) for digits, with odd values, so that e.g.
    `201*-07-19T14:55:58Z` is a date-time to jsonschema-rs 0.60.3; mirrored, for agreement.
    """
    ones = int("01" * len(text), 16)
    sub = (int.from_bytes(text.encode(), "little") - 0x30 * ones) % (1 << 8 * len(text))
    if (sub + 0x06 * ones) & (0xF0 * ones):
        return None
    return functools.reduce(
        lambda acc, b: acc * 10 + (b & 0x0F), sub.to_bytes(len(text), "little"), 0
    )


def is_date_time(value: str) -> bool:
    """Whether `value` is an RFC 3339 `date-time`, exactly as jsonschema-rs 0.60.3 judges it.

    Any number of fractional digits, lower-case `t`/`z` and year 0000 are accepted; a leap second
    (`:60`) only where the time converted to UTC is 23:59, on any date. The steps are those of
    jsonschema-rs's parser, lenient digit check included (see `_rs_digits`).
    """
    # Every non-ASCII character would land on a position that jsonschema-rs checks byte by byte.
    t = next((i for i, c in enumerate(value) if c in "Tt"), -1)  # the first T splits, as in Rust
    if not value.isascii() or t != 10 or value[4] != "-" or value[7] != "-":
        return False
    time = value[t + 1 :]
    if len(time) < 9 or time[2] != ":" or time[5] != ":":
        return False
    texts = (value[:4], value[5:7], value[8:10], time[:2], time[3:5], time[6:8])
    fields = [n for n in map(_rs_digits, texts) if n is not None]
    if len(fields) < len(texts):
        return False
    year, month, day, hour, minute, second = fields
    leap = month == 2 and ((year % 4 == 0 and year % 100 != 0) or year % 400 == 0)
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1] + leap):
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    fraction = _FRACTION.match(time, 8)
    offset = time[fraction.end() if fraction else 8 :]
    utc = hour * 60 + minute
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        offset_hour, offset_minute = _rs_digits(offset[1:3]), _rs_digits(offset[4:6])
        if offset_hour is None or offset_minute is None or offset_hour > 23 or offset_minute > 59:
            return False
        utc -= (1 if offset[0] == "+" else -1) * (offset_hour * 60 + offset_minute)
    elif offset not in ("Z", "z"):
        return False
    return second != 60 or utc % (24 * 60) == 23 * 60 + 59
