"""`pattern` and `date-time` on the Python path give jsonschema-rs 0.60.3's verdicts."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from typing import Any

import jsonschema_rs
import pytest

from conformance.formats import ecma_regex, ecma_search, is_date_time

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
    assert ecma_search(P_C, value) is expected
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
def test_pattern_agrees_with_jsonschema_rs(pattern: str, value: str, expected: bool) -> None:
    """Each translated construct gives jsonschema-rs's verdict, pinned as a literal too."""
    assert ecma_search(pattern, value) is expected
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
def test_where_jsonschema_rs_departs_from_ecma_it_is_followed(
    pattern: str, value: str, rs_verdict: bool, ecma_verdict: bool
) -> None:
    """Known departures of jsonschema-rs from ECMA-262 are followed, so the engines agree."""
    assert rs_verdict is not ecma_verdict
    assert rs_search(pattern, value) is rs_verdict
    assert ecma_search(pattern, value) is rs_verdict


# Every code point below U+3000 and one in 97 above (surrogates excepted).
SAMPLE = [
    chr(c) for c in [*range(0x3000), *range(0x3000, 0x110000, 97)] if not 0xD800 <= c <= 0xDFFF
]


@pytest.mark.parametrize("prefix", ["", "(?=[^\\n]?)"], ids=["translated", "look-around"])
@pytest.mark.parametrize(
    "body", [r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", ".", r"[^\d\s]", r"[\w\s]", r"\P{C}"]
)
def test_single_characters_agree_across_unicode(prefix: str, body: str) -> None:
    """Classes, `.`, `\\b` and `\\B` accept the same code points (of one Unicode age) in both."""
    # Code points whose assignment the engines' Unicode tables disagree on are skipped here;
    # test_unicode_versions_of_the_engines pins them.
    known = _rs_validator(r"^\p{Cn}$").is_valid
    same_age = [c for c in SAMPLE if known(c) == ecma_search(r"^\p{Cn}$", c)]
    for pattern in (f"{prefix}^{body}$", f"{prefix}^\\b{body}", f"{prefix}^\\B{body}"):
        compiled, fast = ecma_regex(pattern), _rs_validator(pattern).is_valid
        mismatches = [hex(ord(c)) for c in same_age if (compiled.search(c) is not None) != fast(c)]
        assert mismatches == [], pattern


UNICODE_15_16 = [0x1FAE8, 0x31350, 0x2EBF0, 0x1B132, 0x11F00, 0x1CC00, 0x1FAE9, 0x11BC0, 0x10D40]
UNICODE_17_ON = [0x20C1, 0x1FAEA, 0x323B0, 0x16EA0]


def test_unicode_versions_of_the_engines() -> None:
    r"""`\P{C}` agrees on Unicode 15 and 16 additions and (pinned) disagrees on later ones."""
    # Measured: Python 3.11's unicodedata has Unicode 14.0.0 (it calls all of these Cn); the regex
    # module 2026.11.15 documents Unicode 18.0.0; jsonschema-rs 0.60.3 (regex-syntax tables) knows
    # the 16.0 additions (U+1CC00, U+1FAE9, U+11BC0, U+10D40) and none of 17.0's. So a character
    # assigned in 17.0 or later, such as U+20C1 SAUDI RIYAL SIGN, passes `^\P{C}*$` on the Python
    # path and fails it in jsonschema-rs. A change of either engine's tables fails this test.
    for code_point in UNICODE_15_16:
        assert ecma_search(P_C, chr(code_point)), hex(code_point)
        assert rs_search(P_C, chr(code_point)), hex(code_point)
    for code_point in UNICODE_17_ON:
        assert ecma_search(P_C, chr(code_point)), hex(code_point)
        assert not rs_search(P_C, chr(code_point)), hex(code_point)
    for code_point in (0x0378, 0x2FFFD, 0xE0080):  # unassigned everywhere
        assert not ecma_search(P_C, chr(code_point)), hex(code_point)
        assert not rs_search(P_C, chr(code_point)), hex(code_point)


@pytest.mark.parametrize(
    "pattern",
    ["(", "[abc", "a{", "\\", r"\q", "*", "a**", r"\p{Nope}", r"[\d-z]", r"\uD83D", r"\Z"],
)
def test_an_invalid_pattern_is_a_value_error_naming_it(pattern: str) -> None:
    """A pattern that ECMA-262 and jsonschema-rs reject raises ValueError naming the pattern."""
    with pytest.raises(ValueError, match="pattern") as raised:
        ecma_regex(pattern)
    assert type(raised.value) is ValueError  # neither re.error nor regex.error
    assert repr(pattern) in str(raised.value)
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


@pytest.mark.parametrize("pattern", ["a++", "(?i)a", r"\A"])
def test_rust_only_syntax_is_a_value_error(pattern: str) -> None:
    """Rust syntax that jsonschema-rs accepts but ECMA-262 does not is not translated."""
    _rs_validator(pattern)
    with pytest.raises(ValueError, match="cannot translate"):
        ecma_regex(pattern)


def test_compiled_patterns_are_cached() -> None:
    """The same pattern compiles once."""
    assert ecma_regex(r"^\d+$") is ecma_regex(r"^\d+$")


def test_importing_the_module_does_not_import_regex() -> None:
    """The regex module is imported only when a pattern is first compiled."""
    code = (
        "import sys, conformance.formats\nprint(__import__('json').dumps('regex' in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) is False


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
    # jsonschema-rs's SWAR digit check also takes 0x2A-0x2F for digits; mirrored (see
    # conformance.formats._rs_digits), so the Python path does not report what the fast one passed.
    ("201*-07-19T14:55:58Z", True),
    ("2017-07-1/T14:55:58Z", True),
    ("2017-07-19T1-:55:58Z", True),
    ("2017-07-19T14:55:58+0.:00", True),
    ("2017-0.-19T14:55:58Z", False),  # the odd value is out of range here
    ("2017-07-19T14:5*:58Z", False),
]


@pytest.mark.parametrize(("value", "expected"), DATE_TIMES)
def test_date_time_agrees_with_jsonschema_rs(value: str, expected: bool) -> None:
    """RFC 3339 date-time as jsonschema-rs judges it, pinned as a literal too."""
    assert is_date_time(value) is expected
    assert RS_DATE_TIME.is_valid(value) is expected
