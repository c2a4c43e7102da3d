"""`date-time` and `edm-duration` as the engine judges them with our guards, against references.

The references below are hand-written parsers of RFC 3339's ``date-time`` (as JSON Schema means
it) and of OData's ``Edm.Duration`` (XML Schema's dayTimeDuration), written from the grammars
and not from ``conformance.formats``. Hypothesis feeds both the reference and the engine valid
strings built from random fields, near misses (one mutation of a valid string) and garbage, and
the verdicts must agree: through bare schemas of a small catalog and through a property of a
shipped schema, each compiled the way ``conformance`` compiles it; a failure must be told as one
``format`` finding. tests/test_formats.py pins the bare engine, holes included; here they are
closed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import Location
from conformance.catalog import Catalog, default_catalog
from conformance.findings import Finding
from conformance.formats import DATE_TIME_GUARD, EDM_DURATION_PATTERN, exact
from conformance.redaction import redact_text
from conformance.validation import Engine

DIGITS = "0123456789"
HERE = Location("test")
# Enough examples to hit every mutation of every field many times; the file stays under ~20 s.
DIFFERENTIAL = settings(
    max_examples=1500,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow],
)


# --- The references -------------------------------------------------------------------------


def _number(text: str, start: int, length: int) -> int | None:
    """The ASCII digits ``text[start:start + length]`` as a number, or None."""
    part = text[start : start + length]
    if len(part) != length or any(c not in DIGITS for c in part):
        return None
    return int(part)


def _digits_end(text: str, start: int) -> int:
    """Where the run of ASCII digits starting at ``start`` ends."""
    end = start
    while end < len(text) and text[end] in DIGITS:
        end += 1
    return end


def is_leap(year: int) -> bool:
    """Gregorian leap years (RFC 3339 appendix C); year 0 is one."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in(year: int, month: int) -> int:
    """The days of ``month`` in ``year``."""
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def rfc3339_date_time(text: str) -> bool:
    """RFC 3339 section 5.6 ``date-time``, as JSON Schema reads it.

    ``full-date "T" full-time``: T and Z in either case, one or more fractional digits, a
    numeric offset with hours up to 23 and minutes up to 59, days by month and leap year, and
    second 60 only when the time converted to UTC is 23:59:60 (any date: JSON Schema keeps no
    table of leap seconds).
    """
    # full-date: date-fullyear "-" date-month "-" date-mday
    year, month, day = _number(text, 0, 4), _number(text, 5, 2), _number(text, 8, 2)
    if year is None or month is None or day is None or text[4:5] != "-" or text[7:8] != "-":
        return False
    if not 1 <= month <= 12 or not 1 <= day <= days_in(year, month):
        return False
    if text[10:11] not in ("T", "t"):
        return False
    # partial-time: time-hour ":" time-minute ":" time-second [time-secfrac]
    hour, minute, second = _number(text, 11, 2), _number(text, 14, 2), _number(text, 17, 2)
    if hour is None or minute is None or second is None or text[13:14] != ":":
        return False
    if text[16:17] != ":" or hour > 23 or minute > 59 or second > 60:
        return False
    at = 19
    if text[at : at + 1] == ".":
        end = _digits_end(text, at + 1)
        if end == at + 1:
            return False
        at = end
    # time-offset: "Z" / time-numoffset
    offset = text[at:]
    if offset in ("Z", "z"):
        east = 0
    else:
        hours, minutes = _number(offset, 1, 2), _number(offset, 4, 2)
        if len(offset) != 6 or offset[0] not in "+-" or offset[3] != ":":
            return False
        if hours is None or minutes is None or hours > 23 or minutes > 59:
            return False
        east = (hours * 60 + minutes) * (1 if offset[0] == "+" else -1)
    if second == 60:
        return (hour * 60 + minute - east) % (24 * 60) == 23 * 60 + 59
    return True


def edm_duration(text: str) -> bool:
    """OData ``Edm.Duration``: XML Schema's dayTimeDuration, ``-?P(nD)?(T(nH)?(nM)?(n(.n+)?S)?)?``
    with at least one component, at least one after a ``T``, a fraction on seconds only."""
    at = 1 if text.startswith("-") else 0
    if text[at : at + 1] != "P":
        return False
    at += 1
    components = 0
    end = _digits_end(text, at)
    if end > at and text[end : end + 1] == "D":
        components, at = 1, end + 1
    if at == len(text):
        return components > 0
    if text[at] != "T":
        return False
    at += 1
    units = "HMS"
    last = -1
    in_time = 0
    while at < len(text):
        end = _digits_end(text, at)
        if end == at:
            return False
        fraction = text[end : end + 1] == "."
        if fraction:
            after = _digits_end(text, end + 1)
            if after == end + 1:
                return False
            end = after
        unit = units.find(text[end : end + 1]) if end < len(text) else -1
        if unit <= last or (fraction and units[unit] != "S"):
            return False
        last, at, in_time = unit, end + 1, in_time + 1
    return in_time > 0


# --- What is generated ----------------------------------------------------------------------

HOLE = "*+,-./"  # what jsonschema-rs 0.60.3's date-time digit check also takes
NOISE = DIGITS + HOLE + ":-TtZzPDHMSYW.+ _aA\u0663\uff12\n"


@st.composite
def date_time_fields(draw: st.DrawFn) -> dict[str, Any]:
    """The fields of a valid date-time: any, a leap day, a leap second, or the smallest."""
    shape = draw(st.sampled_from(["any", "any", "leap day", "leap second", "minimum"]))
    if shape == "minimum":
        return {"Y": 1, "M": 1, "D": 1, "h": 0, "m": 0, "s": 0, "frac": "", "T": "T", "off": "Z"}
    year = draw(st.integers(0, 9999))
    if shape == "leap day":
        year = draw(st.integers(0, 2499)) * 4
        year += 4 if not is_leap(year) else 0
        month, day = 2, 29
    else:
        month = draw(st.integers(1, 12))
        day = draw(st.integers(1, days_in(year, month)))
    east = draw(st.one_of(st.none(), st.integers(-(23 * 60 + 59), 23 * 60 + 59)))
    if shape == "leap second":
        # Local time whose UTC reading is 23:59:60.
        hour, minute = divmod((23 * 60 + 59 + (east or 0)) % (24 * 60), 60)
        second = 60
    else:
        hour, minute, second = (draw(st.integers(0, top)) for top in (23, 59, 59))
    if east is None:
        offset = draw(st.sampled_from("Zz"))
    else:
        sign = "+" if east > 0 else draw(st.sampled_from("+-")) if east == 0 else "-"
        offset = f"{sign}{abs(east) // 60:02}:{abs(east) % 60:02}"
    fraction = draw(st.text(DIGITS, min_size=0, max_size=9))
    return {
        "Y": year,
        "M": month,
        "D": day,
        "h": hour,
        "m": minute,
        "s": second,
        "frac": "." + fraction if fraction else "",
        "T": draw(st.sampled_from("Tt")),
        "off": offset,
    }


def render_date_time(f: dict[str, Any]) -> str:
    """A date-time from its fields, numbers zero-padded (a field may be out of range)."""
    return (
        f"{f['Y']:04}-{f['M']:02}-{f['D']:02}{f['T']}{f['h']:02}:{f['m']:02}:{f['s']:02}"
        f"{f['frac']}{f['off']}"
    )


@st.composite
def out_of_range_date_time(draw: st.DrawFn) -> str:
    """A valid date-time with one field out of its range."""
    f = draw(date_time_fields())
    field = draw(st.sampled_from(["M", "D", "h", "m", "s", "offh", "offm"]))
    if field == "M":
        f["M"] = draw(st.sampled_from([0, *range(13, 100)]))
    elif field == "D":
        f["D"] = draw(st.sampled_from([0, *range(days_in(f["Y"], f["M"]) + 1, 100)]))
    elif field in ("h", "m", "s"):
        f[field] = draw(st.integers({"h": 24, "m": 60, "s": 60}[field], 99))
    else:
        sign = draw(st.sampled_from("+-"))
        hours, minutes = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        if field == "offh":
            hours = draw(st.integers(24, 99))
        else:
            minutes = draw(st.integers(60, 99))
        f["off"] = f"{sign}{hours:02}:{minutes:02}"
    return render_date_time(f)


@st.composite
def durations(draw: st.DrawFn) -> str:
    """A valid duration from random components (at least one, at least one after a T)."""
    number = st.integers(0, 10**12).map(str)
    days = draw(st.one_of(st.none(), number))
    hours, minutes, seconds = (draw(st.one_of(st.none(), number)) for _ in range(3))
    if seconds is not None and draw(st.booleans()):
        seconds += "." + draw(st.text(DIGITS, min_size=1, max_size=9))
    time = "".join(
        f"{value}{unit}"
        for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
        if value is not None
    )
    if days is None and not time:
        days = draw(number)
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}P{days + 'D' if days is not None else ''}{'T' + time if time else ''}"


@st.composite
def near_miss(draw: st.DrawFn, valid: st.SearchStrategy[str]) -> str:
    """One mutation of a valid string: a digit replaced by a hole character or a letter, one
    character deleted, inserted or duplicated."""
    text = draw(valid)
    how = draw(st.sampled_from(["digit", "delete", "insert", "duplicate"]))
    if how == "digit":
        digits = [i for i, c in enumerate(text) if c in DIGITS]
        at = draw(st.sampled_from(digits))
        return text[:at] + draw(st.sampled_from(HOLE + "aZTSxé\u0663")) + text[at + 1 :]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
    at = draw(st.integers(0, len(text) - 1))
    return text[:at] + (text[at] * 2 if how == "duplicate" else "") + text[at + 1 :]


VALID_DATE_TIMES = date_time_fields().map(render_date_time)
DATE_TIMES = st.one_of(
    VALID_DATE_TIMES,
    near_miss(VALID_DATE_TIMES),
    out_of_range_date_time(),
    st.text(),
    st.text(NOISE, max_size=30),
)
DURATIONS = st.one_of(
    durations(),
    near_miss(durations()),
    st.text(),
    st.text("PTDHMSYW.-+0123456789", max_size=20),
)


# --- Where the engine is asked ----------------------------------------------------------------


def _schema(name: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:sync-conformance:{name}",
        **body,
        "x-source": {"document": f"{name}.md", "section": "Test", "line": 1},
        "x-catalog": {"name": name, "kind": "resource"},
    }


def _property(description: str, line: int, **body: Any) -> dict[str, Any]:
    return {
        "description": description,
        **body,
        "x-source": {"document": "test.md", "section": "Properties", "line": line},
    }


SCHEMAS = {
    "test.DateTime": _schema("test.DateTime", {"type": "string", "format": "date-time"}),
    "test.Duration": _schema("test.Duration", {"type": "string", "format": "edm-duration"}),
    "test.Schedule": _schema(
        "test.Schedule",
        {
            "type": "object",
            "properties": {
                "interval": _property("How often.", 2, type="string", format="edm-duration"),
                "window": _property(
                    "How long, if known.",
                    3,
                    anyOf=[{"type": "string", "format": "edm-duration"}, {"type": "null"}],
                ),
                # A pattern of its own: the guard goes under allOf, and both hold.
                "stamped": _property(
                    "When, this century.", 4, type="string", format="date-time", pattern="^20"
                ),
                # Through the registry.
                "started": _property(
                    "When it started.", 5, **{"$ref": "urn:sync-conformance:test.DateTime"}
                ),
            },
            "examples": [{"interval": "P1Y", "format": "date-time"}],
        },
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An engine over a small catalog of bare format schemas and one object using them."""
    folder = tmp_path_factory.mktemp("schemas")
    for name, schema in SCHEMAS.items():
        (folder / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
    return Engine(Catalog(Path(folder)))


SHIPPED = Engine()
PROGRESS = "graph.synchronizationProgress"
OBSERVED = "progressObservationDateTime"


def _agrees(
    engine: Engine, schema: str, prop: str | None, value: str, name: str, expected: bool
) -> list[Finding]:
    """Checks the verdict on ``value`` (the document, or its property ``prop``) is ``expected``
    and, when it fails, that the findings are one ``format`` finding with a rule; returns them.
    """
    document = value if prop is None else {prop: value}
    assert engine.validator(schema).is_valid(document) is expected, value
    found = engine.findings(document, schema, HERE)
    summary = [(f.keyword, f.kind, f.pointer, f.expected) for f in found]
    pointer = "" if prop is None else f"/{prop}"
    assert summary == ([] if expected else [("format", "violation", pointer, name)])
    if found:
        # Messages are free text, cleared of what could be a secret ("token=..." as a value).
        message = redact_text(f'{json.dumps(value, ensure_ascii=False)} is not a "{name}"')
        assert found[0].message == message
        assert found[0].rule is not None
    return found


# --- The differential tests -------------------------------------------------------------------


@DIFFERENTIAL
@given(DATE_TIMES)
def test_date_time_matches_rfc_3339(engine: Engine, value: str) -> None:
    """A bare date-time schema's verdict, and a failure's single finding, match the reference."""
    expected = rfc3339_date_time(value)
    _agrees(engine, "test.DateTime", None, value, "date-time", expected)
    _agrees(engine, "test.Schedule", "started", value, "date-time", expected)


@DIFFERENTIAL
@given(DATE_TIMES)
def test_date_time_of_a_shipped_schema_matches_rfc_3339(value: str) -> None:
    """So do a shipped Graph property's, with the property's rule."""
    found = _agrees(SHIPPED, PROGRESS, OBSERVED, value, "date-time", rfc3339_date_time(value))
    rule = default_catalog().schema(PROGRESS)["properties"][OBSERVED]["description"]
    assert all(f.rule is not None and f.rule.text == rule for f in found)


@DIFFERENTIAL
@given(DURATIONS)
def test_edm_duration_matches_day_time_duration(engine: Engine, value: str) -> None:
    """A bare edm-duration schema's verdict, and a failure's single finding, match the
    reference; so do a property's, and a nullable property's."""
    expected = edm_duration(value)
    _agrees(engine, "test.Duration", None, value, "edm-duration", expected)
    for prop in ("interval", "window"):
        _agrees(engine, "test.Schedule", prop, value, "edm-duration", expected)


# --- Examples -------------------------------------------------------------------------------

DATE_TIME_EXAMPLES = [
    ("2017-07-19T14:55:58.5434447Z", True),
    ("0001-01-01T00:00:00Z", True),
    ("2024-02-29T12:00:00z", True),
    ("1998-12-31T15:59:60.123-08:00", True),
    ("2017-07-19T25:00:00Z", False),
    ("2100-02-29T12:00:00Z", False),
    ("1998-12-31T22:59:60Z", False),
    # What jsonschema-rs 0.60.3 alone lets through, its digit check taking *+,-./
    ("201*-07-19T14:55:58Z", False),
    ("2017-07-1/T14:55:58Z", False),
    ("2017-07-19T1-:55:58Z", False),
    ("2017-07-19T14:55:58+0.:00", False),
    ("2017-07-19T14:55:5.Z", False),
    ("6-14-09-03T13:54:38Z", False),
]
DURATION_EXAMPLES = [
    ("P10675199DT2H48M5.4775807S", True),  # .NET's TimeSpan.MaxValue
    ("PT40M", True),
    ("-P1D", True),
    ("PT0S", True),
    ("P1DT1M", True),
    ("P1Y", False),
    ("P", False),
    ("PT", False),
    ("P1DT", False),
    ("PT.5S", False),
    ("P1W", False),
    ("P1M", False),  # a month, not minutes
    ("+P1D", False),
    ("PT1.5M", False),
    ("PT1S1M", False),
    ("P1D\n", False),
]


@pytest.mark.parametrize(("value", "expected"), DATE_TIME_EXAMPLES)
def test_date_time_examples(engine: Engine, value: str, expected: bool) -> None:
    """The reference and the guarded engine on named cases, the engine's holes included."""
    assert rfc3339_date_time(value) is expected
    _agrees(engine, "test.DateTime", None, value, "date-time", expected)
    _agrees(engine, "test.Schedule", "started", value, "date-time", expected)
    _agrees(SHIPPED, PROGRESS, OBSERVED, value, "date-time", expected)


@pytest.mark.parametrize(("value", "expected"), DURATION_EXAMPLES)
def test_edm_duration_examples(engine: Engine, value: str, expected: bool) -> None:
    """The reference and the guarded engine on named cases."""
    assert edm_duration(value) is expected
    _agrees(engine, "test.Duration", None, value, "edm-duration", expected)


def test_a_guard_beside_a_pattern_of_its_own(engine: Engine) -> None:
    """A date-time with its own pattern keeps both: each failure is reported as what it is,
    with the property's rule, and a value failing the format twice is one finding."""

    def found(value: str) -> list[tuple[str | None, object, int | None]]:
        return [
            (f.keyword, f.expected, f.rule.line if f.rule else None)
            for f in engine.findings({"stamped": value}, "test.Schedule", HERE)
        ]

    assert found("2017-07-19T14:55:58Z") == []
    assert found("1917-07-19T14:55:58Z") == [("pattern", "^20", 4)]
    assert found("201*-07-19T14:55:58Z") == [("format", "date-time", 4)]
    assert found("2017-07-19T25:00:00Z") == [("format", "date-time", 4)]
    assert sorted(found("x")) == [("format", "date-time", 4), ("pattern", "^20", 4)]


def test_a_pattern_spelled_like_a_guard_stays_a_pattern(tmp_path: Path) -> None:
    """A schema's own pattern equal to a guard, with no such format, is reported as a pattern."""
    schema = _schema("test.Code", {"type": "string", "pattern": EDM_DURATION_PATTERN})
    (tmp_path / "test.Code.json").write_text(json.dumps(schema), encoding="utf-8")
    found = Engine(Catalog(tmp_path)).findings("P1Y", "test.Code", HERE)
    assert [(f.keyword, f.rule is not None) for f in found] == [("pattern", True)]


def test_exact_guards_a_copy_and_only_schemas() -> None:
    """`exact` leaves its input alone, looks only where subschemas stand, and is idempotent."""
    schema = SCHEMAS["test.Schedule"]
    before = copy.deepcopy(schema)
    guarded = exact(schema)
    assert schema == before
    props = guarded["properties"]
    assert props["interval"]["pattern"] == EDM_DURATION_PATTERN
    assert props["window"]["anyOf"][0]["pattern"] == EDM_DURATION_PATTERN
    assert props["stamped"]["pattern"] == "^20"
    assert props["stamped"]["allOf"] == [{"pattern": DATE_TIME_GUARD}]
    assert guarded["examples"] == before["examples"]  # data, not a schema
    assert "pattern" not in guarded["x-source"]
    assert exact(guarded) == guarded
    named = {"properties": {"format": {"type": "string"}, "examples": {"format": "date-time"}}}
    assert exact(named) == {
        "properties": {
            "format": {"type": "string"},
            "examples": {"format": "date-time", "pattern": DATE_TIME_GUARD},
        }
    }
    # JSON Schema's own duration (RFC 3339 appendix A) is another format, left to the engine.
    assert exact({"format": "duration"}) == {"format": "duration"}
