"""What `pattern` and `date-time` mean to the engine, jsonschema-rs 0.60.3, pinned case by case.

The engine gives both the verdict and its explanation, so there is no second meaning to keep in
step; these tests pin the meaning itself (ECMA-262, and where jsonschema-rs departs from it), so
that an upgrade of the engine that changes it fails here, and the README's account stays true.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
import pytest

P_C = r"^\P{C}*$"  # the AWS Kendra pattern for error messages and other free text


@functools.cache
def _rs_validator(pattern: str) -> Any:
    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


def rs_search(pattern: str, value: str) -> bool:
    return bool(_rs_validator(pattern).is_valid(value))


RS_DATE_TIME = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", True),
        ("", True),
        ("同期ジョブが失敗しました", True),
        ("sync failed 😀", True),
        ("line\u2028separator", True),  # Zl, not C
        ("tab\there", False),
        ("nul\x00", False),
        ("zero\u200bwidth", False),  # Cf
        ("soft\u00adhyphen", False),  # Cf
        ("private\ue000use", False),  # Co
        ("unassigned\u0378", False),  # Cn
        ("trailing newline\n", False),
    ],
)
def test_kendra_pattern_rejects_other_characters(value: str, expected: bool) -> None:
    r"""`^\P{C}*$` rejects control, format, private-use and unassigned characters and a final LF."""
    assert rs_search(P_C, value) is expected


NUMBER = r"^(?:(([1-9][0-9]*)|0))$"
PATTERNS = [
    # JSON Schema's pattern is a search; ^ and $ anchor the whole string, never a line.
    ("(([1-9][0-9]*)|0)", "x1y", True),
    ("(([1-9][0-9]*)|0)", "xy", False),
    (NUMBER, "x1y", False),
    (NUMBER, "10", True),
    (NUMBER, "0", True),
    (NUMBER, "01", False),
    (NUMBER, "10\n", False),
    ("^a$", "a", True),
    ("^a$", "a\n", False),
    ("abc$", "abc\r\n", False),
    ("^a", "\na", False),
    ("^a|b$", "xb", True),
    ("^a|b$", "b\n", False),
    # \d and \w are ASCII; \s is ECMA's list (with U+FEFF, without U+001C-U+001F and U+0085).
    (r"^\d+$", "123", True),
    (r"^\d+$", "\u0663", False),  # ARABIC-INDIC DIGIT THREE
    (r"^\D$", "\u0663", True),
    (r"^\d$", "\uff12", False),  # FULLWIDTH DIGIT TWO
    (r"^\w+$", "a_1Z", True),
    (r"^\w+$", "é", False),
    (r"^\W$", "é", True),
    (r"^\w$", "\u212a", False),  # KELVIN SIGN
    (r"\bfoo\b", "a foo b", True),
    (r"\bfoo\b", "afoob", False),
    (r"^\s$", "\ufeff", True),
    (r"^\s$", "\u3000", True),
    (r"^\s$", "\xa0", True),
    (r"^\s$", "\u2028", True),
    (r"^\s$", "\x1c", False),
    (r"^\s$", "\x85", False),
    (r"^\s$", "\u180e", False),
    (r"^\S$", "\x1c", True),
    (".", "", False),
    ("^.$", "\n", False),
    ("^.$", "\x85", True),
    ("^.$", "😀", True),
    # Character classes holding escapes.
    (r"^[\d]$", "\u0663", False),
    (r"^[^\d]$", "\u0663", True),
    (r"^[\D]$", "\u0663", True),
    (r"^[\w]$", "é", False),
    (r"^[^\w]$", "é", True),
    (r"^[\W]$", "é", True),
    (r"^[\s]$", "\ufeff", True),
    (r"^[\s]$", "\x1c", False),
    (r"^[^\s]$", "\x1c", True),
    (r"^[^\S]$", "\ufeff", True),
    (r"^[\d-]+$", "1-2", True),
    (r"^[^\d\s]+$", "ab", True),
    (r"^[^\d\s]+$", "a b", False),
    (r"^[\u0041-\u0043]+$", "ABC", True),
    (r"^[\u0041-\u0043]+$", "D", False),
    (r"^[\u{1F600}-\u{1F64F}]$", "😃", True),
    (r"^[\]a]$", "]", True),
    (r"^[a-z-0]$", "-", True),
    (r"^[.]$", "a", False),
    (r"^[$^]+$", "$^", True),
    (r"^[\p{Lu}\d]+$", "A1", True),
    (r"^[^\p{Lu}]$", "A", False),
    (r"^[\s--]$", "-", True),  # Annex B: a class escape does not start a range
    # Escaped characters stay literal.
    (r"\$", "cost $5", True),
    (r"\$", "cost 5", False),
    (r"^\\d$", "\\d", True),
    (r"^\\d$", "5", False),
    (r"^\.$", "a", False),
    (r"^\/$", "/", True),
    (r"^\-$", "-", True),
    # Character escapes.
    (r"^\u00e9$", "é", True),
    (r"^\u{1F600}$", "😀", True),
    (r"^\x41$", "A", True),
    (r"^\cJ$", "\n", True),
    (r"^\t\v\f$", "\t\x0b\x0c", True),
    # Unicode properties.
    (r"^\p{Lu}+$", "ÀB", True),
    (r"^\p{Lu}$", "ǅ", False),  # Lt
    (r"^\p{Script=Greek}+$", "αβ", True),
    (r"^\p{sc=Grek}$", "a", False),
    (r"^\p{gc=Nd}$", "\u0663", True),
    (r"^\P{L}$", "1", True),
    # Quantifiers, groups, look-arounds, backreferences.
    (r"^[a-z]{2,3}$", "abcd", False),
    (r"^a{2}$", "aa", True),
    (r"^a+?$", "aaa", True),
    (r"^(a)\1$", "aa", True),
    (r"^(?<x>a)b$", "ab", True),
    (r"a(?=b)", "ab", True),
    (r"a(?!b)", "ab", False),
    (r"(?<=a)b", "ab", True),
    (r"(?<!a)b", "ab", False),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), PATTERNS)
def test_pattern_is_an_ecma_262_search(pattern: str, value: str, expected: bool) -> None:
    """Searches, anchors, lazy quantifiers, backreferences, named groups and look-arounds."""
    assert rs_search(pattern, value) is expected


# (pattern, value, jsonschema-rs's verdict, ECMA-262's verdict)
DEVIATIONS = [
    ("^.$", "\r", True, False),  # Rust's . stops at \n alone
    ("^.$", "\u2028", True, False),
    ("^.$", "\u2029", True, False),
    (r"\bé", "xé", False, True),  # Rust's \b is Unicode-aware
    (r"^\B", "é", False, True),
    (r"(?=.)^\d$", "\u0663", True, False),  # look-around: the pattern is left untranslated
    (r"(?=.)^\w$", "é", True, False),
    (r"(?=.)^\s$", "\ufeff", False, True),
    (r"(?<=\d)a", "\u0663a", True, False),
    (r"^(a)\1\d$", "aa\u0663", True, False),  # so is one with a backreference
    ("^[]a]$", "]", True, False),  # ECMA: [] then "a]"; Rust: a class of ] and a
]


@pytest.mark.parametrize(("pattern", "value", "rs_verdict", "ecma_verdict"), DEVIATIONS)
def test_where_jsonschema_rs_departs_from_ecma(
    pattern: str, value: str, rs_verdict: bool, ecma_verdict: bool
) -> None:
    """Known departures of jsonschema-rs from ECMA-262, which the README lists."""
    assert rs_verdict is not ecma_verdict
    assert rs_search(pattern, value) is rs_verdict


UNICODE_15_16 = [0x1FAE8, 0x31350, 0x2EBF0, 0x1B132, 0x11F00, 0x1CC00, 0x1FAE9, 0x11BC0, 0x10D40]
UNICODE_17_ON = [0x20C1, 0x1FAEA, 0x323B0, 0x16EA0]


def test_the_unicode_version_of_the_engine() -> None:
    r"""`\P{C}` accepts Unicode 15 and 16 additions and rejects later ones as unassigned."""
    # Measured: jsonschema-rs 0.60.3 (regex-syntax tables) knows the 16.0 additions (U+1CC00,
    # U+1FAE9, U+11BC0, U+10D40) and none of 17.0's, so a character assigned in 17.0 or later,
    # such as U+20C1 SAUDI RIYAL SIGN, fails `^\P{C}*$`. (Python 3.11's own tables are Unicode
    # 14.0.0.) A change of the engine's tables fails this test.
    for code_point in UNICODE_15_16:
        assert rs_search(P_C, chr(code_point)), hex(code_point)
    for code_point in UNICODE_17_ON:
        assert not rs_search(P_C, chr(code_point)), hex(code_point)
    for code_point in (0x0378, 0x2FFFD, 0xE0080):  # unassigned everywhere
        assert not rs_search(P_C, chr(code_point)), hex(code_point)


DATE_TIMES = [
    ("2017-07-19T14:55:58.5434447Z", True),
    ("2017-07-19T14:55:58.000000000000000000001Z", True),
    ("2017-07-19T14:55:58.123456789+05:30", True),
    ("0001-01-01T00:00:00Z", True),
    ("0000-01-01T00:00:00Z", True),
    ("0000-02-29T00:00:00Z", True),  # year 0 is a leap year
    ("9999-12-31T23:59:59Z", True),
    ("2017-07-19t14:55:58z", True),
    ("2017-07-19T14:55:58+01:00", True),
    ("2017-07-19T14:55:58-23:59", True),
    ("2017-07-19T14:55:58+23:59", True),
    ("2017-07-19T14:55:58-00:00", True),
    ("2000-02-29T00:00:00Z", True),
    ("2024-02-29T12:00:00Z", True),
    ("2400-02-29T12:00:00Z", True),
    # A leap second only at 23:59 UTC, on any date.
    ("1998-12-31T23:59:60Z", True),
    ("1998-12-31T23:59:60.5Z", True),
    ("1998-12-31T15:59:60.123-08:00", True),
    ("1999-01-01T00:59:60+01:00", True),
    ("1998-12-31T00:00:60+00:01", True),
    ("2017-01-15T23:59:60Z", True),
    ("1998-12-31T22:59:60Z", False),
    ("1998-12-31T23:58:60Z", False),
    ("1998-12-31T23:59:61Z", False),
    ("1999-01-01T00:59:60+01:01", False),
    ("1998-12-31T23:59:60+23:59", False),
    ("1998-12-31T00:00:60-00:01", False),
    # Out of range.
    ("2017-07-19T25:00:00Z", False),
    ("2017-07-19T24:00:00Z", False),
    ("2017-07-19T14:60:00Z", False),
    ("2017-07-19T14:55:58+24:00", False),
    ("2017-07-19T14:55:58+00:60", False),
    ("1900-02-29T00:00:00Z", False),
    ("2100-02-29T12:00:00Z", False),
    ("0001-02-29T00:00:00Z", False),
    ("2017-02-30T00:00:00Z", False),
    ("2017-04-31T00:00:00Z", False),
    ("2017-13-01T00:00:00Z", False),
    ("2017-00-01T00:00:00Z", False),
    ("2017-01-00T00:00:00Z", False),
    # Malformed.
    ("", False),
    ("2017-07-19T14:55:58", False),
    ("2017-07-19 14:55:58Z", False),
    ("2017-07-19_14:55:58Z", False),
    ("2017-07-19T14:55:58.Z", False),
    ("2017-07-19T14:55:58,5Z", False),
    ("2017-07-19T14:55Z", False),
    ("2017-07-19T1:55:58Z", False),
    ("17-07-19T14:55:58Z", False),
    ("12017-07-19T14:55:58Z", False),
    ("2017-7-19T14:55:58Z", False),
    ("2017/07/19T14:55:58Z", False),
    ("2017-07-19T14:55:58+0100", False),
    ("2017-07-19T14:55:58+01", False),
    ("2017-07-19T14:55:58UTC", False),
    ("2017-07-19T14:55:58Zabc", False),
    ("2017-07-19T14:55:58Z+01:00", False),
    (" 2017-07-19T14:55:58Z", False),
    ("2017-07-19T14:55:58Z ", False),
    ("2017-07-19T14:55:58Z\n", False),
    ("2017-07-19T14:55:58+01:00\n", False),
    ("\uff12017-07-19T14:55:58Z", False),  # FULLWIDTH DIGIT TWO
    ("2017-07-19T14:55:5\uff12Z", False),
    ("2017-07-19T14:55:58.\u0663Z", False),
    ("2017-07-19\u200bT14:55:58Z", False),
    # jsonschema-rs's SWAR digit check also takes 0x2A-0x2F for digits.
    ("201*-07-19T14:55:58Z", True),
    ("2017-07-1/T14:55:58Z", True),
    ("2017-07-19T1-:55:58Z", True),
    ("2017-07-19T14:55:58+0.:00", True),
    ("2017-0.-19T14:55:58Z", False),  # the odd value is out of range here
    ("2017-07-19T14:5*:58Z", False),
]


@pytest.mark.parametrize(("value", "expected"), DATE_TIMES)
def test_date_time_as_the_engine_judges_it(value: str, expected: bool) -> None:
    """RFC 3339 date-time as jsonschema-rs judges it."""
    assert RS_DATE_TIME.is_valid(value) is expected
