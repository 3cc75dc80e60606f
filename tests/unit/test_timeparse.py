"""The WHEN and DUR forms of CLI.md."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from focusplan.timeparse import TimeParseError, format_duration, parse_duration, parse_when

PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T09:00", dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)),
        ("2026-11-23 09:00", dt.datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)),
        ("2026-11-25", dt.datetime(2026, 11, 25, 0, 0, tzinfo=PARIS)),
        ("now", MONDAY_10),
        ("today 17:00", dt.datetime(2026, 11, 23, 17, 0, tzinfo=PARIS)),
        ("tomorrow", dt.datetime(2026, 11, 24, 0, 0, tzinfo=PARIS)),
        ("yesterday 8:15", dt.datetime(2026, 11, 22, 8, 15, tzinfo=PARIS)),
        ("fri", dt.datetime(2026, 11, 27, 0, 0, tzinfo=PARIS)),
        ("Friday 14:30", dt.datetime(2026, 11, 27, 14, 30, tzinfo=PARIS)),
        ("mon", dt.datetime(2026, 11, 23, 0, 0, tzinfo=PARIS)),
        ("+3d", MONDAY_10 + dt.timedelta(days=3)),
        ("-2h", MONDAY_10 - dt.timedelta(hours=2)),
        ("in 2h", MONDAY_10 + dt.timedelta(hours=2)),
        ("in 45m", MONDAY_10 + dt.timedelta(minutes=45)),
        ("3d ago", MONDAY_10 - dt.timedelta(days=3)),
        ("+1d 9:00", dt.datetime(2026, 11, 24, 9, 0, tzinfo=PARIS)),
        ("today 5pm", dt.datetime(2026, 11, 23, 17, 0, tzinfo=PARIS)),
    ],
)
def test_when_forms(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, now=MONDAY_10) == expected


def test_an_explicit_offset_is_kept() -> None:
    value = parse_when("2026-11-23T09:00+05:30", now=MONDAY_10)
    assert value.utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_local_times_follow_dst_for_their_own_date() -> None:
    summer = parse_when("2026-07-01 09:00", now=MONDAY_10)
    assert summer.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    "text", ["", "someday", "2026-02-30", "2026-13-01 10:00", "today 25:00", "fri 9:75", "+3x"]
)
def test_bad_when_is_refused(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_when(text, now=MONDAY_10)


@pytest.mark.parametrize(
    ("text", "minutes"), [("90", 90), ("1h30m", 90), ("45m", 45), ("2h", 120), ("1h 5m", 65)]
)
def test_duration_forms(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "0", "0m", "h", "1.5h", "abc", "-5"])
def test_bad_duration_is_refused(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_duration(text)


@given(st.integers(min_value=1, max_value=100 * 60))
def test_formatted_durations_read_back(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes


@given(st.text(max_size=40))
def test_any_text_is_a_time_or_a_time_parse_error(text: str) -> None:
    try:
        value = parse_when(text, now=MONDAY_10)
    except TimeParseError:
        return
    assert value.tzinfo is not None


@given(st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1)))
def test_iso_local_times_round_trip(moment: dt.datetime) -> None:
    text = moment.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    parsed = parse_when(text, now=MONDAY_10)
    assert parsed.replace(tzinfo=None) == moment.replace(second=0, microsecond=0)
