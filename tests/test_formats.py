"""ECMA-262 patterns and RFC 3339 date-times mean: the Python path agrees with jsonschema-rs."""

from __future__ import annotations

import unicodedata

import jsonschema_rs
import pytest

from conformance.formats import ecma_regex, ecma_search, is_date_time

P_C = r"^\P{C}*$"


def _rs_pattern(pattern: str, value: str) -> bool:
    return bool(jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(value))


_RS_DATE_TIME = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", True),
        ("", True),
        ("同期ジョブが失敗しました", True),
        ("sync failed 😀", True),
        ("line\u2028separator", True),
        ("tab\there", False),
        ("nul\x00", False),
        ("zero\u200bwidth", False),
        ("soft\u00adhyphen", False),
        ("private\ue000use", False),
        ("unassigned\u0378", False),
        ("trailing newline\n", False),
    ],
)
def test_kendra_error_message_pattern(value: str, expected: bool) -> None:
    r"""`^\P{C}*$` rejects control, format, private-use and unassigned characters and a final LF."""
    assert ecma_search(P_C, value) is expected
    assert _rs_pattern(P_C, value) is expected


PATTERN_CORPUS = [
    ("(([1-9][0-9]*)|0)", "x1y", True),  # unanchored: a search
    ("^(?:(([1-9][0-9]*)|0))$", "x1y", False),
    ("^(?:(([1-9][0-9]*)|0))$", "10", True),
    ("^(?:(([1-9][0-9]*)|0))$", "01", False),
    ("^a$", "a\n", False),  # $ is the very end
    ("^a$", "a", True),
    (r"^\d+$", "\u0663", False),  # Arabic-Indic three is not an ECMA digit
    (r"^\d+$", "123", True),
    (r"^\w+$", "é", False),
    (r"^\w+$", "a_1", True),
    (r"^\s$", "\ufeff", True),
    (r"^\s$", "\x1c", False),
    (r"^[\s]$", "\ufeff", True),
    (r"^[\d-]+$", "1-2", True),
    (r"^[^\d]+$", "abc", True),
    ("^.$", "\n", False),
    ("^.$", "\r", True),
    ("^.$", "\u2028", True),
    (r"\$", "cost $5", True),
    (r"\$", "cost 5", False),
    (r"^\\d$", "\\d", True),
    (r"^\u{1F600}$", "😀", True),
    (r"^\u00e9$", "é", True),
    (r"\bfoo\b", "a foo b", True),
    (r"\bfoo\b", "afoob", False),
    (r"^\p{Lu}+$", "ÀB", True),
    (r"^[a-z]{2,3}$", "abcd", False),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), PATTERN_CORPUS)
def test_patterns_agree_with_jsonschema_rs(pattern: str, value: str, expected: bool) -> None:
    """Each translated construct gives jsonschema-rs's verdict (and the one ECMA-262 intends)."""
    assert ecma_search(pattern, value) is expected
    assert _rs_pattern(pattern, value) is expected


def test_unicode_newer_than_pythons_tables_agrees() -> None:
    r"""Code points newer than Python's Unicode tables get the same `\P{C}` verdict in both engines.

    Python 3.11's own tables are Unicode 14; the regex module and jsonschema-rs carry newer ones,
    so U+1B11F (assigned in Unicode 15) is a letter to both, while `unicodedata` calls it Cn.
    """
    assert unicodedata.unidata_version.startswith("14.")
    for code_point in (0x1B11F, 0x1FAE8, 0x31350, 0x1CC00, 0x11F00, 0x2EBF0):
        value = chr(code_point)
        assert ecma_search(P_C, value) == _rs_pattern(P_C, value), hex(code_point)
    assert ecma_search(P_C, chr(0x1B11F))


def test_an_invalid_pattern_is_a_value_error_naming_it() -> None:
    """A pattern that cannot compile raises ValueError with the pattern, never re.error."""
    with pytest.raises(ValueError, match=r"'\('"):
        ecma_regex("(")
    with pytest.raises(ValueError, match="unterminated"):
        ecma_regex("[abc")


DATE_TIMES = [
    ("2017-07-19T14:55:58.5434447Z", True),
    ("0001-01-01T00:00:00Z", True),
    ("0000-01-01T00:00:00Z", True),
    ("0000-02-29T00:00:00Z", True),
    ("2017-07-19t14:55:58z", True),
    ("2017-07-19T14:55:58+01:00", True),
    ("2017-07-19T14:55:58-23:59", True),
    ("2000-02-29T00:00:00Z", True),
    ("1998-12-31T23:59:60Z", True),
    ("1998-12-31T15:59:60.123-08:00", True),
    ("1999-01-01T00:59:60+01:00", True),
    ("2017-07-19T14:55:58.1234567890123Z", True),
    ("2017-07-19T25:00:00Z", False),
    ("2017-07-19T14:60:00Z", False),
    ("1998-12-31T22:59:60Z", False),
    ("1998-12-31T23:58:60Z", False),
    ("1998-12-31T23:59:61Z", False),
    ("2017-07-19T14:55:58+24:00", False),
    ("2017-07-19T14:55:58+00:60", False),
    ("1900-02-29T00:00:00Z", False),
    ("0001-02-29T00:00:00Z", False),
    ("2017-02-30T00:00:00Z", False),
    ("2017-13-01T00:00:00Z", False),
    ("2017-07-19T14:55:58", False),
    ("2017-07-19 14:55:58Z", False),
    ("2017-07-19T14:55:58.Z", False),
    ("2017-07-19T14:55:58,5Z", False),
    ("\uff12017-07-19T14:55:58Z", False),  # a full-width digit two
    ("2017-07-19T14:55:58Z\n", False),
]


@pytest.mark.parametrize(("value", "expected"), DATE_TIMES)
def test_date_time_agrees_with_jsonschema_rs(value: str, expected: bool) -> None:
    """RFC 3339: 7 fractional digits and year 1 pass; hour 25 and misplaced leap seconds fail."""
    assert is_date_time(value) is expected
    assert bool(_RS_DATE_TIME.is_valid(value)) is expected
