"""The WHEN and DUR forms of CLI.md."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from focusplan.timeparse import (
    TimeParseError,
    WorkWeek,
    format_duration,
    parse_due,
    parse_duration,
    parse_when,
)

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


# "1.5h" was refused until CLI.md listed it among the DUR forms (December 2026).
@pytest.mark.parametrize("text", ["", "0", "0m", "h", "abc", "-5", "1:75", "1.5h30", "2 apples"])
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


# --- the friendly forms of CLI.md (December 2026) ------------------------------------------

TUESDAY_DEC_1 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9am", dt.datetime(2026, 12, 1, 9, 0)),
        ("3pm", dt.datetime(2026, 12, 1, 15, 0)),
        ("17:00", dt.datetime(2026, 12, 1, 17, 0)),
        ("noon", dt.datetime(2026, 12, 1, 12, 0)),
        ("tmrw", dt.datetime(2026, 12, 2, 0, 0)),
        ("tomorrow at 9am", dt.datetime(2026, 12, 2, 9, 0)),
        ("fri 5pm", dt.datetime(2026, 12, 4, 17, 0)),
        ("next monday", dt.datetime(2026, 12, 7, 0, 0)),
        # "tue" is today; "next tue" is the one after it.
        ("tue", dt.datetime(2026, 12, 1, 0, 0)),
        ("next tue", dt.datetime(2026, 12, 8, 0, 0)),
        ("next monday 9am", dt.datetime(2026, 12, 7, 9, 0)),
        ("Dec 3", dt.datetime(2026, 12, 3, 0, 0)),
        ("3 dec", dt.datetime(2026, 12, 3, 0, 0)),
        ("december 3rd 14:00", dt.datetime(2026, 12, 3, 14, 0)),
        ("dec 3 2027", dt.datetime(2027, 12, 3, 0, 0)),
        # Without a year, the nearest: a January date in December is next year's ...
        ("jan 5", dt.datetime(2027, 1, 5, 0, 0)),
        # ... and a date a few days back is this year's (back-filling with --at).
        ("nov 28", dt.datetime(2026, 11, 28, 0, 0)),
        ("in 3 days", dt.datetime(2026, 12, 4, 10, 0)),
        ("2 weeks ago", dt.datetime(2026, 11, 17, 10, 0)),
        ("in 90 minutes", dt.datetime(2026, 12, 1, 11, 30)),
        ("eod", dt.datetime(2026, 12, 1, 17, 0)),
        ("eow", dt.datetime(2026, 12, 4, 17, 0)),
    ],
)
def test_friendly_when_forms(text: str, expected: dt.datetime) -> None:
    assert parse_when(text, now=TUESDAY_DEC_1, work=WorkWeek()) == expected.replace(tzinfo=PARIS)


def test_eod_and_eow_follow_the_working_week() -> None:
    work = WorkWeek(end=dt.time(18, 30), days=(0, 1, 2, 3))
    assert parse_when("eod", now=TUESDAY_DEC_1, work=work).time() == dt.time(18, 30)
    assert parse_when("eow", now=TUESDAY_DEC_1, work=work).date() == dt.date(2026, 12, 3)
    friday_evening = dt.datetime(2026, 12, 4, 19, 0, tzinfo=PARIS)
    # Once this week's end has passed, "end of week" is next week's.
    assert parse_when("eow", now=friday_evening, work=WorkWeek()).date() == dt.date(2026, 12, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fri", dt.datetime(2026, 12, 4, 23, 59)),
        ("tomorrow", dt.datetime(2026, 12, 2, 23, 59)),
        ("2026-12-10", dt.datetime(2026, 12, 10, 23, 59)),
        ("Dec 3", dt.datetime(2026, 12, 3, 23, 59)),
        # A clock time is kept as given.
        ("fri 9am", dt.datetime(2026, 12, 4, 9, 0)),
        ("in 2h", dt.datetime(2026, 12, 1, 12, 0)),
    ],
)
def test_a_due_day_alone_means_the_end_of_that_day(text: str, expected: dt.datetime) -> None:
    assert parse_due(text, now=TUESDAY_DEC_1, work=WorkWeek()) == expected.replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("1h30", 90),
        ("1.5h", 90),
        ("1:30", 90),
        ("2 hours", 120),
        ("45 min", 45),
        ("0.25h", 15),
        ("1h 30m", 90),
    ],
)
def test_every_duration_form_of_the_contract(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["03.12.2026", "2026-02-30", "32 dec", "feb 30 2027"])
def test_unreadable_dates_get_our_words_not_pythons(text: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_when(text, now=TUESDAY_DEC_1)
    message = str(caught.value)
    assert "month must be" not in message and "Invalid isoformat" not in message
    assert text in message


def test_error_examples_are_never_in_the_past() -> None:
    with pytest.raises(TimeParseError) as caught:
        parse_when("someday", now=TUESDAY_DEC_1)
    assert "2026-11" not in str(caught.value)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2900, 12, 31)))
def test_a_due_day_is_the_last_minute_of_that_same_day(day: dt.date) -> None:
    due = parse_due(day.isoformat(), now=TUESDAY_DEC_1)
    assert due.date() == day and due.time() == dt.time(23, 59)


@given(
    st.sampled_from(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    ),
    st.integers(min_value=1, max_value=28),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2900, 12, 31)),
)
def test_a_month_day_without_a_year_is_within_half_a_year(
    month: str, day: int, today: dt.date
) -> None:
    now = dt.datetime.combine(today, dt.time(10), tzinfo=PARIS)
    for text in (f"{month} {day}", f"{day} {month}"):
        parsed = parse_when(text, now=now).date()
        assert parsed.day == day
        assert abs((parsed - today).days) <= 183
