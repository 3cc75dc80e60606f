"""Repeat rules: what people type, and where the next instance of a series falls."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.recurrence import (
    MAX_INTERVAL,
    RecurrenceError,
    RecurrenceRule,
    next_after_completion,
    next_dates,
    next_occurrence,
    parse_rule,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = st.sampled_from([PARIS, NEW_YORK, ZoneInfo("Australia/Sydney"), dt.UTC])


def at(text: str, zone: dt.tzinfo = PARIS) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


rules = st.one_of(
    st.just(RecurrenceRule("day", 1, weekdays_only=True)),
    st.builds(
        RecurrenceRule,
        unit=st.sampled_from(["day", "week", "month", "year"]),
        interval=st.integers(1, 40),
    ),
)
walls = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31))


def _aware(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


def _exists(wall: dt.datetime, zone: dt.tzinfo) -> bool:
    return _aware(wall, zone).replace(tzinfo=None) == wall


# --- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("daily", "daily"),
        ("Weekdays", "weekdays"),
        ("weekly", "weekly"),
        ("monthly", "monthly"),
        ("yearly", "yearly"),
        ("every 3 days", "every 3 days"),
        ("every 2 weeks", "every 2 weeks"),
        ("every 1 month", "monthly"),
        ("every week", "weekly"),
        ("3d", "every 3 days"),
        ("2w", "every 2 weeks"),
        ("1m", "monthly"),
        ("1y", "yearly"),
        ("2weeks", "every 2 weeks"),  # Taskwarrior writes durations this way
        ("biweekly", "every 2 weeks"),
        ("quarterly", "every 3 months"),
        ("annual", "yearly"),
        ("P1W", "weekly"),
        ("  every   4  months ", "every 4 months"),
    ],
)
def test_a_rule_reads_as_people_and_other_planners_write_it(text: str, canonical: str) -> None:
    assert parse_rule(text).text == canonical


@pytest.mark.parametrize(
    "text", ["", "fortnite", "every", "0d", "every 0 days", "3", "day", "1000d"]
)
def test_a_rule_that_cannot_be_read_is_refused_with_what_is_accepted(text: str) -> None:
    with pytest.raises(RecurrenceError, match="repeat"):
        parse_rule(text)


@given(rules)
def test_the_canonical_text_reads_back_to_the_same_rule(rule: RecurrenceRule) -> None:
    assert parse_rule(rule.text) == rule


@given(st.sampled_from(["d", "w", "m", "y"]), st.integers(1, MAX_INTERVAL))
def test_short_forms_and_every_forms_agree(letter: str, count: int) -> None:
    unit = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[letter]
    assert parse_rule(f"{count}{letter}") == parse_rule(f"every {count} {unit}")


# --- the next date -------------------------------------------------------------------------------


@settings(max_examples=300)
@given(rules, walls, walls, ZONES)
def test_the_next_date_is_always_after_the_previous(
    rule: RecurrenceRule, anchor: dt.datetime, after: dt.datetime, zone: dt.tzinfo
) -> None:
    anchor_at, after_at = _aware(anchor, zone), _aware(after, zone)
    following = next_occurrence(rule, after_at, anchor_at, zone)
    assert following > after_at
    assert next_occurrence(rule, following, anchor_at, zone) > following


@settings(max_examples=200)
@given(rules, walls, st.integers(0, 400), ZONES)
def test_no_date_of_the_series_is_skipped(
    rule: RecurrenceRule, anchor: dt.datetime, days_later: int, zone: dt.tzinfo
) -> None:
    """Walking the series one date at a time from its anchor meets the same dates as
    asking for the next one after any moment in between."""
    anchor_at = _aware(anchor, zone)
    after = anchor_at + dt.timedelta(days=days_later, hours=5)
    walked = next_occurrence(rule, anchor_at - dt.timedelta(seconds=1), anchor_at, zone)
    while walked <= after:
        walked = next_occurrence(rule, walked, anchor_at, zone)
    assert next_occurrence(rule, after, anchor_at, zone) == walked


@settings(max_examples=200)
@given(
    st.integers(1, 31),
    st.integers(2000, 2080),
    st.integers(1, 12),
    st.integers(1, 12),
    st.integers(1, 30),
)
def test_months_stay_on_the_anchor_day_clipped_to_short_months(
    day: int, year: int, month: int, interval: int, steps: int
) -> None:
    if day > calendar.monthrange(year, month)[1]:
        day = calendar.monthrange(year, month)[1]
    anchor = at(f"{year:04d}-{month:02d}-{day:02d}T09:00")
    rule = RecurrenceRule("month", interval)
    current = anchor
    for _ in range(steps):
        current = next_occurrence(rule, current, anchor, PARIS)
        last = calendar.monthrange(current.year, current.month)[1]
        assert current.day == min(day, last)
        assert (current.hour, current.minute) == (9, 0)


def test_jan_31_monthly_falls_on_feb_28_then_mar_31() -> None:
    rule = parse_rule("monthly")
    anchor = at("2026-01-31T09:00")
    february = next_occurrence(rule, anchor, anchor, PARIS)
    march = next_occurrence(rule, february, anchor, PARIS)
    assert (february, march) == (at("2026-02-28T09:00"), at("2026-03-31T09:00"))


def test_feb_29_yearly_is_feb_28_until_the_next_leap_year() -> None:
    rule = parse_rule("yearly")
    anchor = at("2028-02-29T08:00")
    dates = [anchor]
    for _ in range(4):
        dates.append(next_occurrence(rule, dates[-1], anchor, PARIS))
    assert [d.date().isoformat() for d in dates[1:]] == [
        "2029-02-28",
        "2030-02-28",
        "2031-02-28",
        "2032-02-29",
    ]


@settings(max_examples=300)
@given(rules, walls, st.integers(1, 60), ZONES)
def test_the_time_of_day_stays_on_the_local_clock_across_dst(
    rule: RecurrenceRule, anchor: dt.datetime, steps: int, zone: dt.tzinfo
) -> None:
    anchor = anchor.replace(second=0, microsecond=0)
    anchor_at = _aware(anchor, zone)
    current = anchor_at
    for _ in range(min(steps, 12)):
        current = next_occurrence(rule, current, anchor_at, zone)
        wall = current.replace(tzinfo=None)
        if _exists(dt.datetime.combine(wall.date(), anchor.time()), zone):
            assert wall.time() == anchor_at.replace(tzinfo=None).time()


def test_nine_oclock_daily_stays_nine_oclock_over_the_spring_change() -> None:
    rule = parse_rule("daily")
    anchor = at("2026-03-28T09:00")  # Paris moves to summer time on Sunday 29 March
    sunday = next_occurrence(rule, anchor, anchor, PARIS)
    monday = next_occurrence(rule, sunday, anchor, PARIS)
    assert [d.hour for d in (sunday, monday)] == [9, 9]
    # Same-zone subtraction is wall-clock in Python; in UTC the day was 23 hours long.
    assert sunday.astimezone(dt.UTC) - anchor.astimezone(dt.UTC) == dt.timedelta(hours=23)
    assert sunday.utcoffset() == dt.timedelta(hours=2)


def test_a_time_that_does_not_exist_that_day_moves_past_the_gap() -> None:
    rule = parse_rule("daily")
    anchor = at("2026-03-28T02:30")
    following = next_occurrence(rule, anchor, anchor, PARIS)
    assert following.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)
    assert next_occurrence(rule, following, anchor, PARIS).hour == 2


@settings(max_examples=200)
@given(walls, walls, ZONES)
def test_weekdays_never_fall_on_a_weekend(
    anchor: dt.datetime, after: dt.datetime, zone: dt.tzinfo
) -> None:
    rule = parse_rule("weekdays")
    following = next_occurrence(rule, _aware(after, zone), _aware(anchor, zone), zone)
    assert following.weekday() < 5


def test_weekdays_go_from_friday_to_monday() -> None:
    friday = at("2026-11-27T08:30")
    assert next_occurrence(parse_rule("weekdays"), friday, friday, PARIS) == at("2026-11-30T08:30")


def test_counted_from_the_completion_the_time_of_day_is_kept() -> None:
    done = at("2026-11-24T18:00")  # a Tuesday
    following = next_after_completion(parse_rule("every 3 days"), done, dt.time(9, 0), PARIS)
    assert following == at("2026-11-27T09:00")


# --- the next instance's dates -------------------------------------------------------------------


@settings(max_examples=200)
@given(rules, walls, st.integers(0, 800), st.sampled_from(["due", "done"]), ZONES)
def test_no_next_instance_falls_after_until(
    rule: RecurrenceRule, due: dt.datetime, until_days: int, recur_from: str, zone: dt.tzinfo
) -> None:
    due_at = _aware(due, zone)
    until = due_at + dt.timedelta(days=until_days)
    closed = due_at + dt.timedelta(hours=3)
    dates = next_dates(
        rule,
        recur_from=recur_from,  # type: ignore[arg-type]
        due=due_at,
        not_before=None,
        anchor=due_at,
        until=until,
        closed_at=closed,
        zone=zone,
    )
    if dates is None:
        unbounded = next_dates(
            rule,
            recur_from=recur_from,  # type: ignore[arg-type]
            due=due_at,
            not_before=None,
            anchor=due_at,
            until=None,
            closed_at=closed,
            zone=zone,
        )
        assert unbounded is not None and unbounded.due is not None and unbounded.due > until
    else:
        assert dates.due is not None and due_at < dates.due <= until


def test_not_before_keeps_its_wall_clock_distance_to_the_due() -> None:
    dates = next_dates(
        parse_rule("monthly"),
        recur_from="due",
        due=at("2026-01-31T17:00"),
        not_before=at("2026-01-29T08:00"),
        anchor=at("2026-01-31T17:00"),
        until=None,
        closed_at=at("2026-01-30T12:00"),
        zone=PARIS,
    )
    assert dates is not None
    assert (dates.due, dates.not_before) == (at("2026-02-28T17:00"), at("2026-02-26T08:00"))


def test_without_dates_the_next_instance_waits_for_the_next_day() -> None:
    dates = next_dates(
        parse_rule("daily"),
        recur_from="due",
        due=None,
        not_before=None,
        anchor=None,
        until=None,
        closed_at=at("2026-11-24T21:00"),
        zone=PARIS,
    )
    assert dates is not None
    assert (dates.due, dates.not_before) == (None, at("2026-11-25T00:00"))


def test_counted_from_the_due_a_late_completion_keeps_the_schedule() -> None:
    dates = next_dates(
        parse_rule("weekly"),
        recur_from="due",
        due=at("2026-11-23T09:00"),
        not_before=None,
        anchor=at("2026-11-23T09:00"),
        until=None,
        closed_at=at("2026-11-26T15:00"),
        zone=PARIS,
    )
    assert dates is not None and dates.due == at("2026-11-30T09:00")


def test_counted_from_done_a_late_completion_moves_the_schedule() -> None:
    dates = next_dates(
        parse_rule("weekly"),
        recur_from="done",
        due=at("2026-11-23T09:00"),
        not_before=None,
        anchor=at("2026-11-23T09:00"),
        until=None,
        closed_at=at("2026-11-26T15:00"),
        zone=PARIS,
    )
    assert dates is not None and dates.due == at("2026-12-03T09:00")
    assert dates.anchor == dates.due


def test_counted_from_the_completion_a_time_still_ahead_that_day_is_not_the_next() -> None:
    done = at("2026-11-26T12:00")
    following = next_after_completion(parse_rule("daily"), done, dt.time(18, 0), PARIS)
    assert following == at("2026-11-27T18:00")


@settings(max_examples=200)
@given(rules, walls, st.times(), ZONES)
def test_counted_from_the_completion_the_next_is_after_it_and_on_a_later_day(
    rule: RecurrenceRule, completed: dt.datetime, time_of_day: dt.time, zone: dt.tzinfo
) -> None:
    done = _aware(completed, zone)
    following = next_after_completion(rule, done, time_of_day.replace(tzinfo=None), zone)
    assert following > done
    assert following.astimezone(zone).date() > done.astimezone(zone).date()
