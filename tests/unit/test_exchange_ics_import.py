"""Reading iCalendar files into context events: recurrence, zones, all-day, cancelled, uids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from focusplan.domain import ContextEventDraft
from focusplan.exchange import ImportBundle, ImportFormatError, parse_import

FIXTURE = Path(__file__).parents[1] / "fixtures" / "calendar.ics"
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)


def parse(data: bytes | str, **kwargs: dt.datetime) -> ImportBundle:
    return parse_import(data, "ics", now=NOW, zone=PARIS, **kwargs)


def calendar(*lines: str) -> str:
    return "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", *lines, "END:VCALENDAR", ""]
    )


def titled(bundle: ImportBundle, title: str) -> list[ContextEventDraft]:
    return [event for event in bundle.events if event.title == title]


@pytest.fixture(scope="module")
def bundle() -> ImportBundle:
    return parse(FIXTURE.read_bytes())


def test_standup_occurrences_skip_the_exdate_and_the_cancelled_one(bundle: ImportBundle) -> None:
    days = sorted(
        e.start.astimezone(NEW_YORK).date()
        for e in bundle.events
        if e.uid and e.uid.startswith("standup")
    )
    expected = [dt.date(2026, 11, d) for d in (16, 17, 19, 23, 24, 25, 26, 27, 30)]
    expected += [dt.date(2026, 12, d) for d in (1, 2, 3, 4)]
    assert days == expected


def test_moved_occurrence_keeps_the_uid_of_its_original_slot(bundle: ImportBundle) -> None:
    (moved,) = titled(bundle, "Team standup (moved)")
    assert moved.start == dt.datetime(2026, 11, 19, 11, 0, tzinfo=NEW_YORK)
    assert moved.uid == "standup-2026@example.com/20261119T143000Z"


def test_occurrence_uids_are_unique(bundle: ImportBundle) -> None:
    uids = [event.uid for event in bundle.events]
    assert len(uids) == len(set(uids))


def test_reimport_gives_the_same_uids(bundle: ImportBundle) -> None:
    later = parse(FIXTURE.read_bytes())
    assert [e.uid for e in later.events] == [e.uid for e in bundle.events]


def test_tzid_times_keep_their_instant(bundle: ImportBundle) -> None:
    first = min(titled(bundle, "Team standup"), key=lambda e: e.start)
    assert first.start == dt.datetime(2026, 11, 16, 14, 30, tzinfo=dt.UTC)
    assert first.end - first.start == dt.timedelta(minutes=15)


def test_paris_event_and_escaped_summary(bundle: ImportBundle) -> None:
    (lunch,) = [e for e in bundle.events if e.uid == "lunch-paris@example.com"]
    assert lunch.title == "Déjeuner avec l'équipe, salle «Lumière»; menu ☕"
    assert lunch.start == dt.datetime(2026, 11, 24, 11, 30, tzinfo=dt.UTC)


def test_utc_event(bundle: ImportBundle) -> None:
    (call,) = titled(bundle, "Call with the Tokyo office")
    assert call.start == dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
    assert call.start.tzinfo is not None


def test_all_day_events_are_whole_local_days(bundle: ImportBundle) -> None:
    (conference,) = titled(bundle, "Conference day")
    (offsite,) = titled(bundle, "Team offsite")
    assert conference.all_day
    assert (conference.start, conference.end) == (
        dt.datetime(2026, 11, 27, tzinfo=PARIS),
        dt.datetime(2026, 11, 28, tzinfo=PARIS),
    )
    assert offsite.end - offsite.start == dt.timedelta(days=2)


def test_timed_events_are_not_all_day(bundle: ImportBundle) -> None:
    assert not any(e.all_day for e in titled(bundle, "Team standup"))


def test_floating_time_is_in_the_local_zone(bundle: ImportBundle) -> None:
    (run,) = titled(bundle, "Morning run")
    assert run.start == dt.datetime(2026, 11, 23, 7, 0, tzinfo=PARIS)
    assert run.end == dt.datetime(2026, 11, 23, 7, 30, tzinfo=PARIS)


def test_cancelled_events_are_skipped_and_counted(bundle: ImportBundle) -> None:
    assert not titled(bundle, "Dentist")
    assert bundle.skipped["cancelled events"] == 2  # the dentist and one standup


def test_vtodo_is_ignored_and_said(bundle: ImportBundle) -> None:
    assert bundle.tasks == []
    assert bundle.skipped["to-dos (VTODO)"] == 1
    assert any("VTODO" in note for note in bundle.notes)


def test_events_outside_the_range_are_left_out(bundle: ImportBundle) -> None:
    assert not titled(bundle, "A meeting long ago")


def test_events_are_in_time_order_and_marked_as_ics(bundle: ImportBundle) -> None:
    starts = [e.start for e in bundle.events]
    assert starts == sorted(starts)
    assert {e.source for e in bundle.events} == {"ics"}


def test_explicit_range_narrows_the_expansion() -> None:
    bundle = parse(
        FIXTURE.read_bytes(),
        range_start=dt.datetime(2026, 11, 23, tzinfo=PARIS),
        range_end=dt.datetime(2026, 11, 24, tzinfo=PARIS),
    )
    assert sorted(e.title for e in bundle.events) == ["Morning run", "Team standup"]


def test_naive_range_bounds_are_local() -> None:
    bundle = parse(
        FIXTURE.read_bytes(),
        range_start=dt.datetime(2026, 11, 23),
        range_end=dt.datetime(2026, 11, 23, 8),
    )
    assert [e.title for e in bundle.events] == ["Morning run"]


def test_event_without_uid_gets_a_stable_one() -> None:
    text = calendar(
        "BEGIN:VEVENT",
        "DTSTART:20261123T100000Z",
        "DTEND:20261123T110000Z",
        "SUMMARY:No uid",
        "END:VEVENT",
    )
    first, second = parse(text).events[0].uid, parse(text).events[0].uid
    assert first is not None
    assert first == second


def test_every_second_rule_is_refused_before_expanding() -> None:
    text = calendar(
        "BEGIN:VEVENT",
        "UID:flood@example.com",
        "DTSTART:20261120T100000Z",
        "DTEND:20261120T100001Z",
        "RRULE:FREQ=SECONDLY",
        "SUMMARY:Flood",
        "END:VEVENT",
    )
    with pytest.raises(ImportFormatError, match=r"^ics event 'Flood' .*repeats too often"):
        parse(text)


def test_a_frequent_rule_with_a_small_count_is_fine() -> None:
    text = calendar(
        "BEGIN:VEVENT",
        "UID:few@example.com",
        "DTSTART:20261120T100000Z",
        "DTEND:20261120T100001Z",
        "RRULE:FREQ=MINUTELY;COUNT=3",
        "SUMMARY:Few",
        "END:VEVENT",
    )
    assert len(parse(text).events) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not a calendar", r"^ics: not a valid calendar"),
        (calendar("BEGIN:VEVENT", "UID:a", "DTSTART:2026xx", "END:VEVENT"), r"^ics"),
    ],
)
def test_broken_calendars_fail_with_a_one_line_message(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message) as caught:
        parse(text)
    assert "\n" not in str(caught.value)
    assert "focusplan bug" not in str(caught.value)


def test_empty_file_imports_nothing() -> None:
    assert parse(b"").counts()["events"] == 0
