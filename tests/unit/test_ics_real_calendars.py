"""Calendars as Outlook/Exchange, Google, Apple and Evolution write them (hand-made from
RFC 5545's examples and those producers' habits; see tests/fixtures/README.md)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.exchange import ImportBundle, ImportFormatError, parse_import

FIXTURES = Path(__file__).parents[1] / "fixtures"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def parse(data: bytes | str) -> ImportBundle:
    raw = data.encode() if isinstance(data, str) else data
    return parse_import(raw, "ics", now=NOW, zone=PARIS)


def fixture(name: str) -> ImportBundle:
    return parse((FIXTURES / name).read_bytes())


def titled(bundle: ImportBundle, prefix: str) -> list[dt.datetime]:
    return [event.start for event in bundle.events if event.title.startswith(prefix)]


def test_a_thisandfuture_override_moves_every_later_occurrence_and_keeps_them_all() -> None:
    bundle = fixture("outlook_exchange.ics")
    planning = [e for e in bundle.events if e.title.startswith("Weekly planning")]
    # COUNT=12 from 4 Nov; the range starts 16 Nov: 18 Nov … 20 Jan, every one of them.
    assert [e.start.date().isoformat() for e in planning][:3] == [
        "2026-11-18",
        "2026-11-25",
        "2026-12-02",
    ]
    assert len(planning) == 10
    assert all(e.title.endswith("an hour later)") and e.start.hour == 15 for e in planning)
    # Each keeps its own place in the series (its original 14:00), so nothing collides and a
    # calendar imported before the override was made is updated in place.
    assert planning[1].uid is not None and planning[1].uid.endswith("/20261125T130000Z")
    assert len({e.uid for e in planning}) == len(planning)


def test_exchange_spaces_in_byday_are_read_not_refused() -> None:
    standups = titled(fixture("outlook_exchange.ics"), "Team stand-up")
    assert {start.strftime("%a") for start in standups} == {"Mon", "Tue", "Thu"}
    assert standups[0] == dt.datetime(2026, 11, 17, 9, 30, tzinfo=PARIS)


def test_a_google_calendar_with_a_moved_and_an_excluded_occurrence() -> None:
    bundle = fixture("google_calendar.ics")
    sam = titled(bundle, "1:1 with Sam")
    assert dt.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS) in sam  # moved an hour
    assert all(start.date() != dt.date(2026, 12, 1) for start in sam)  # EXDATE
    (day,) = [e for e in bundle.events if e.title == "Conference day"]
    assert day.all_day


def test_an_apple_calendar_with_alarms_and_durations() -> None:
    bundle = fixture("apple_calendar.ics")
    runs = [e for e in bundle.events if e.title == "Evening run"]
    assert len(runs) == 3 and all(e.end - e.start == dt.timedelta(minutes=90) for e in runs)
    assert [e.title for e in bundle.events if e.title.startswith("Coffee")] == ["Coffee with Léa"]


def test_a_vendor_tzid_is_read_and_said_in_a_note_not_warned_on_stderr() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        bundle = fixture("evolution_vendor_tzid.ics")
    (event,) = bundle.events
    assert event.start == dt.datetime(2026, 11, 24, 14, 0, tzinfo=PARIS)
    assert any("Europe/Paris" in note for note in bundle.notes)


def test_a_series_that_repeats_too_often_says_so_once() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:tick@x\r\nSUMMARY:tick\r\n"
        "DTSTART:20261120T000000Z\r\nDTEND:20261120T000001Z\r\nRRULE:FREQ=SECONDLY\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(ImportFormatError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.count("repeats too often") == 1
    assert message.count("ics event") == 1
    assert "bad calendar data" not in message


def forty_minutely_series() -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:m{n}@x\r\nSUMMARY:m{n}\r\nDTSTART:20261120T000000Z\r\n"
        f"DTEND:20261120T000100Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=3\r\nEND:VEVENT\r\n"
        for n in range(40)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n"


def test_many_series_together_are_capped_before_anything_is_expanded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recurring_ical_events

    def no_expansion(*args: object, **kwargs: object) -> None:
        raise AssertionError("expanded before the cap was checked")

    monkeypatch.setattr(recurring_ical_events, "of", no_expansion)
    text = forty_minutely_series()
    assert len(text) < 8_000
    with pytest.raises(ImportFormatError, match=r"^ics: its rules repeat more than 100,000 times"):
        parse(text)


def test_a_broken_rule_is_one_readable_line() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:b@x\r\nSUMMARY:bad\r\n"
        "DTSTART:20261120T090000Z\r\nDTEND:20261120T100000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=XX\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(ImportFormatError) as caught:
        parse(text)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("ics event 'bad'")
    assert message.count("ics") == 1


def test_our_own_plan_export_reads_back_through_icalendar_and_our_reader() -> None:
    import icalendar

    from focusplan.domain import DayPlan, PlanBlock
    from focusplan.exchange import export_plan

    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=PARIS)
    plan = DayPlan(
        date=start.date(),
        blocks=(
            PlanBlock(
                start=start,
                end=start + dt.timedelta(minutes=50),
                kind="focus",
                task_id=3,
                title="Write \x1b]2;pwned\x07the report",
            ),
        ),
    )
    text = export_plan([plan], "ics", zone=PARIS, now=NOW)
    assert "\x1b" not in text and "\x07" not in text
    assert len(icalendar.Calendar.from_ical(text).walk("VEVENT")) == 1
    (event,) = parse(text).events
    assert event.title == "Write the report" and event.start == start


def test_the_expansion_window_is_bounded() -> None:
    with pytest.raises(ImportFormatError, match=r"range is longer than two years"):
        parse_import(
            b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            "ics",
            now=NOW,
            zone=PARIS,
            range_start=NOW,
            range_end=NOW + dt.timedelta(days=3650),
        )
