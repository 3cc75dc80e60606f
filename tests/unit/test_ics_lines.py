"""Content lines split the quick way (`ics_lines`) parse into what icalendar makes of the text."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.timezone import tzp

from focusplan.exchange.ics_lines import content_lines

FIXTURES = Path(__file__).parents[1] / "fixtures"


def described(value: Any) -> object:
    if isinstance(value, list):
        return [described(item) for item in value]
    params = dict(getattr(value, "params", {}) or {})
    try:
        text = value.to_ical()
    except Exception as exc:  # a broken property: how it breaks is what counts
        text = f"{type(exc).__name__}: {exc}"
    try:
        moment = str(getattr(value, "dt", ""))
    except Exception as exc:  # a broken property raises on `.dt`
        moment = f"{type(exc).__name__}: {exc}"
    return type(value).__name__, text, params, moment


def tree(component: Any) -> object:
    return (
        component.name,
        [(key, described(value)) for key, value in component.items()],
        list(component.errors),
        [tree(child) for child in component.subcomponents],
    )


def parsed(source: Any) -> object:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            calendars = icalendar.Calendar.from_ical(source, multiple=True)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        result = [tree(calendar) for calendar in calendars]
    return result, [str(warning.message) for warning in caught]


def cold(source: Any) -> object:
    # icalendar remembers the zones it guessed, and warns only the first time: each parse
    # starts afresh, and leaves nothing remembered for the tests after it.
    tzp.use_default()
    try:
        return parsed(source)
    finally:
        tzp.use_default()


def same(text: str) -> None:
    assert cold(content_lines(text)) == cold(text)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.ics")), ids=lambda path: path.name)
def test_real_calendars_parse_the_same(path: Path) -> None:
    same(path.read_text(encoding="utf-8-sig"))


NAMES = [
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "UID",
    "X-FOO",
    "summary",
    " DTEND",
    "BAD NAME",
    "",
    "RRULE",
    "SUMMARY\x0b",
    "\u00a0UID",
    "DT\tEND",
]
PARAMS = ["", "", ";TZID=Europe/Paris", ";VALUE=DATE", ';X-P="a:b"', ";", ";X=\\;", " ;TZID = UTC"]
VALUES = [
    "20261203T090000Z",
    "20261203",
    "Meeting: a\\, b\\; c",
    '"quoted" text',
    "",
    "a\\nb",
    "x:y:z",
    "FREQ=DAILY;COUNT=2",
    "soon",
]
lines = st.builds(
    lambda name, params, sep, value: f"{name}{params}{sep}{value}",
    st.sampled_from(NAMES),
    st.sampled_from(PARAMS),
    st.sampled_from([":", ":", ";", "\\:", '":']),
    st.sampled_from(VALUES),
)


def folded(line: str, at: int) -> str:
    return line if not 0 < at < len(line) else f"{line[:at]}\r\n {line[at:]}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(lines, st.integers(0, 30)), min_size=1, max_size=8))
def test_generated_lines_parse_the_same(items: list[tuple[str, int]]) -> None:
    body = [folded(line, at) for line, at in items]
    text = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *body, "END:VEVENT", "END:VCALENDAR"]
    )
    same(text + "\r\n")


def test_junk_fails_alike() -> None:
    for text in ("", "hello", "BEGIN:VCALENDAR\r\n:no name\r\nEND:VCALENDAR", "END:VEVENT"):
        same(text)
