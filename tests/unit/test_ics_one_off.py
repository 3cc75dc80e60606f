"""One-off events read directly (`ics_one_off`) against recurring-ical-events' expansion.

Every calendar here is read twice, once with the direct reading of one-off events and once
with every event through the library, and the two results (the bundle, or the one-line
error) must be equal: all-day events, TZIDs (known, vendor, unknown), floating and UTC
times, DURATION instead of DTEND (zero, negative, days), no end at all, an end before the
start, mixed date and time, cancelled events, EXDATE without a rule, overrides, series and
one-offs sharing a UID, events without a UID, X-WR-TIMEZONE, events across the range's
edges and across a change of the clocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.timezone import tzp

from focusplan.exchange import ImportFormatError, ics_import, parse_import

PARIS = ZoneInfo("Europe/Paris")
# The range (7 days back) starts on the day the clocks go back in Paris.
NOW = dt.datetime(2026, 11, 1, 2, 30, tzinfo=PARIS)
RANGE_START = NOW - dt.timedelta(days=7)
RANGE_END = NOW + dt.timedelta(days=60)

ZONES = ["", "Z", "Europe/Paris", "America/New_York", "W. Europe Standard Time", "Nowhere/Else"]
ENDS = ["dtend", "dtend", "duration", "none", "before", "mixed", "both"]
DURATIONS = ["PT1H", "PT0S", "-PT1H", "P1D", "P2W", "PT25H", "P1DT2H"]
EXTRAS = [
    "",
    "",
    "",
    "STATUS:CANCELLED",
    "STATUS:CONFIRMED",
    "SEQUENCE:2",
    "RRULE:FREQ=DAILY;COUNT=3",
    "EXDATE:{start}",
    "RDATE:{start}",
    "RECURRENCE-ID:{start}",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:{start}",
]


@pytest.fixture(autouse=True)
def _forget_guessed_zones() -> Iterator[None]:
    # icalendar remembers the zones it guessed and warns only once: later tests must see
    # the warning (a note of the import) as if no calendar had been read before them.
    yield
    tzp.use_default()


@contextmanager
def direct(enabled: bool) -> Iterator[None]:
    before = ics_import.DIRECT_ONE_OFFS
    ics_import.DIRECT_ONE_OFFS = enabled
    try:
        yield
    finally:
        ics_import.DIRECT_ONE_OFFS = before


def outcome(text: str, enabled: bool) -> object:
    with direct(enabled):
        try:
            bundle = parse_import(text, "ics", now=NOW, zone=PARIS)
        except ImportFormatError as exc:
            return f"error: {exc}"
    return bundle.model_dump()


def same_both_ways(text: str) -> object:
    expected = outcome(text, enabled=False)
    assert outcome(text, enabled=True) == expected
    return expected


def stamp(moment: dt.datetime, zone: str, all_day: bool) -> tuple[str, str]:
    """The parameters and value of a DTSTART-like property."""
    if all_day:
        return ";VALUE=DATE", moment.strftime("%Y%m%d")
    if zone == "Z":
        return "", moment.strftime("%Y%m%dT%H%M%SZ")
    if zone:
        return f";TZID={zone}", moment.strftime("%Y%m%dT%H%M%S")
    return "", moment.strftime("%Y%m%dT%H%M%S")


def vevent(
    uid: str | None,
    start: dt.datetime,
    zone: str,
    all_day: bool,
    end_kind: str,
    minutes: int,
    duration: str,
    extra: str,
    title: str,
) -> list[str]:
    params, value = stamp(start, zone, all_day)
    lines = ["BEGIN:VEVENT", "DTSTAMP:20261101T000000Z", f"DTSTART{params}:{value}"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    end = start + dt.timedelta(minutes=minutes)
    if end_kind in ("dtend", "both"):
        end_params, end_value = stamp(end, zone, all_day)
        lines.append(f"DTEND{end_params}:{end_value}")
    if end_kind in ("duration", "both"):
        lines.append(f"DURATION:{duration}")
    if end_kind == "before":
        end_params, end_value = stamp(start - dt.timedelta(minutes=minutes), zone, all_day)
        lines.append(f"DTEND{end_params}:{end_value}")
    if end_kind == "mixed":
        end_params, end_value = stamp(end, zone, not all_day)
        lines.append(f"DTEND{end_params}:{end_value}")
    if extra:
        lines.append(extra.format(start=f"{params}:{value}"[len(params) + 1 :]))
    lines += [f"SUMMARY:{title}", "END:VEVENT"]
    return lines


def calendar(events: list[list[str]], header: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN"]
    if header:
        lines.append(header)
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# Starts around the range's edges (the first one on the day the clocks go back) and inside.
_EDGES = [RANGE_START, RANGE_END, NOW, dt.datetime(2026, 10, 25, 1, 30, tzinfo=PARIS)]
moments = st.builds(
    lambda edge, minutes: (edge + dt.timedelta(minutes=minutes)).replace(tzinfo=None),
    st.sampled_from(_EDGES),
    st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60).map(lambda m: m - m % 30),
)
events = st.builds(
    vevent,
    uid=st.sampled_from(["a@x", "b@x", "c@x", "a@x ", None, "d@x", "e@x", "f@x"]),
    start=moments,
    zone=st.sampled_from(ZONES),
    all_day=st.booleans(),
    end_kind=st.sampled_from(ENDS),
    minutes=st.sampled_from([0, 30, 90, 24 * 60, 3 * 24 * 60]),
    duration=st.sampled_from(DURATIONS),
    extra=st.sampled_from(EXTRAS),
    title=st.sampled_from(["Meeting", "Lunch", "Trip"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events, min_size=1, max_size=6), st.sampled_from(["", "X-WR-TIMEZONE:Asia/Tokyo"]))
def test_direct_reading_equals_the_library_on_varied_calendars(
    items: list[list[str]], header: str
) -> None:
    same_both_ways(calendar(items, header))


def one(**fields: object) -> str:
    values: dict[str, object] = {
        "uid": "one@x",
        "start": dt.datetime(2026, 11, 3, 9, 0),
        "zone": "Europe/Paris",
        "all_day": False,
        "end_kind": "dtend",
        "minutes": 60,
        "duration": "PT1H",
        "extra": "",
        "title": "Meeting",
    }
    values.update(fields)
    return calendar([vevent(**values)])  # type: ignore[arg-type]


CASES = {
    "timed with TZID": {},
    "UTC": {"zone": "Z"},
    "floating": {"zone": ""},
    "vendor TZID": {"zone": "W. Europe Standard Time"},
    "unknown TZID": {"zone": "Nowhere/Else"},
    "all day": {"all_day": True, "minutes": 24 * 60},
    "all day without an end": {"all_day": True, "end_kind": "none"},
    "all day with days of DURATION": {"all_day": True, "end_kind": "duration", "duration": "P2D"},
    "all day with hours of DURATION": {"all_day": True, "end_kind": "duration"},
    "DURATION": {"end_kind": "duration"},
    "zero DURATION": {"end_kind": "duration", "duration": "PT0S"},
    "negative DURATION": {"end_kind": "duration", "duration": "-PT1H"},
    "no end": {"end_kind": "none"},
    "end before start": {"end_kind": "before"},
    "date start, time end": {"end_kind": "mixed"},
    "DTEND and DURATION": {"end_kind": "both"},
    "cancelled": {"extra": "STATUS:CANCELLED"},
    "EXDATE without a rule": {"extra": "EXDATE:{start}"},
    "sequence": {"extra": "SEQUENCE:3"},
    "no UID": {"uid": None},
    "starts before the range, ends in it": {
        "start": dt.datetime(2026, 10, 24, 20, 0),
        "minutes": 600,
    },
    "ends as the range starts": {"start": RANGE_START.replace(tzinfo=None), "minutes": -60},
    "starts as the range ends": {"start": RANGE_END.replace(tzinfo=None)},
    "outside the range": {"start": dt.datetime(2027, 6, 1, 9, 0)},
    "in the hour the clocks go back": {"start": dt.datetime(2026, 10, 25, 2, 30), "minutes": 30},
}


@pytest.mark.parametrize("fields", CASES.values(), ids=CASES.keys())
def test_one_event_reads_as_the_library_reads_it(fields: dict[str, object]) -> None:
    same_both_ways(one(**fields))


def test_an_override_and_its_series_share_a_uid_with_a_plain_event() -> None:
    series = vevent(
        "s@x",
        dt.datetime(2026, 11, 3, 9),
        "Z",
        False,
        "dtend",
        30,
        "",
        "RRULE:FREQ=DAILY;COUNT=5",
        "Standup",
    )
    moved = vevent(
        "s@x",
        dt.datetime(2026, 11, 4, 11),
        "Z",
        False,
        "dtend",
        30,
        "",
        "RECURRENCE-ID:20261104T090000Z",
        "Standup moved",
    )
    plain = vevent("p@x", dt.datetime(2026, 11, 4, 12), "Z", False, "dtend", 30, "", "", "Lunch")
    twin = vevent("s@x ", dt.datetime(2026, 11, 4, 13), "Z", False, "dtend", 30, "", "", "Twin")
    result = same_both_ways(calendar([series, moved, plain, twin]))
    assert isinstance(result, dict)
    assert {event["title"] for event in result["events"]} == {
        "Standup",
        "Standup moved",
        "Lunch",
        "Twin",
    }


def test_a_uid_read_directly_and_expanded_keeps_the_library_winner() -> None:
    # A one-off whose UID is literally an occurrence uid of a series: the last read wins.
    series = vevent(
        "s@x",
        dt.datetime(2026, 11, 3, 9),
        "Z",
        False,
        "dtend",
        30,
        "",
        "RRULE:FREQ=DAILY;COUNT=2",
        "Series",
    )
    alias = vevent(
        "s@x/20261103T090000Z",
        dt.datetime(2026, 11, 3, 9),
        "Z",
        False,
        "dtend",
        45,
        "",
        "",
        "Alias",
    )
    for order in ([series, alias], [alias, series]):
        same_both_ways(calendar(order))


def test_plain_events_do_not_reach_the_library() -> None:
    text = calendar(
        [
            vevent(
                f"e{n}@x",
                dt.datetime(2026, 11, 3, 9) + dt.timedelta(hours=n),
                "Z",
                False,
                "dtend",
                30,
                "",
                "",
                "E",
            )
            for n in range(20)
        ]
        + [
            vevent(
                "r@x",
                dt.datetime(2026, 11, 3, 9),
                "Z",
                False,
                "dtend",
                30,
                "",
                "RRULE:FREQ=DAILY;COUNT=3",
                "R",
            )
        ]
    )
    import icalendar

    (parsed,) = icalendar.Calendar.from_ical(text, multiple=True)
    start, end = RANGE_START.astimezone(PARIS), RANGE_END.astimezone(PARIS)
    found = ics_import._occurrences(parsed, {"r@x"}, start, end)
    direct_uids = {str(component["UID"]) for component, span in found if span is not None}
    library = [str(component["UID"]) for component, span in found if span is None]
    assert direct_uids == {f"e{n}@x" for n in range(20)}
    assert library == ["r@x"] * 3


BROKEN = {
    "no DTSTART": ["BEGIN:VEVENT", "UID:x@x", "SUMMARY:No start", "END:VEVENT"],
    "a bad DTSTART": ["BEGIN:VEVENT", "UID:x@x", "DTSTART:soon", "SUMMARY:Bad", "END:VEVENT"],
    "two DTSTARTs": [
        "BEGIN:VEVENT",
        "UID:x@x",
        "DTSTART:20261103T090000Z",
        "DTSTART:20261103T100000Z",
        "SUMMARY:Twice",
        "END:VEVENT",
    ],
    "a bad DURATION": [
        "BEGIN:VEVENT",
        "UID:x@x",
        "DTSTART:20261103T090000Z",
        "DURATION:long",
        "SUMMARY:Bad",
        "END:VEVENT",
    ],
    "a text SEQUENCE": [
        "BEGIN:VEVENT",
        "UID:x@x",
        "DTSTART:20261103T090000Z",
        "SEQUENCE:high",
        "SUMMARY:Bad",
        "END:VEVENT",
    ],
    "the end of the calendar": [
        "BEGIN:VEVENT",
        "UID:x@x",
        "DTSTART:20261103T090000Z",
        "DTEND:99991231T235959Z",
        "SUMMARY:Forever",
        "END:VEVENT",
    ],
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_event_is_reported_as_the_library_path_reports_it(broken: list[str]) -> None:
    good = vevent("g@x", dt.datetime(2026, 11, 3, 9), "Z", False, "dtend", 30, "", "", "Good")
    for events_in_order in ([good, broken], [broken, good]):
        same_both_ways(calendar(events_in_order))
