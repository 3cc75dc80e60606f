"""Sleep from devices: merging periods, the day a night belongs to, the two readers."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from focusplan.exchange import ImportFormatError, guess_format, parse_import
from focusplan.exchange.apple_health import looks_like_apple_health, parse_apple_health_file
from focusplan.exchange.fields import ReadContext
from focusplan.exchange.sleep_periods import merge_intervals, sleep_by_day

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def t(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def hours(days: list) -> dict[dt.date, float]:  # type: ignore[type-arg]
    return {d.date: d.sleep_hours for d in days}


def test_a_night_goes_to_the_day_it_ended() -> None:
    days = sleep_by_day([(t(22, 23, 30), t(23, 7, 0))], PARIS, "sleep-csv")
    assert hours(days) == {dt.date(2026, 11, 23): 7.5}


def test_a_wake_up_in_the_night_does_not_split_it_across_midnight() -> None:
    night = [(t(22, 22, 0), t(22, 23, 50)), (t(23, 0, 20), t(23, 6, 20))]
    assert hours(sleep_by_day(night, PARIS, "sleep-csv")) == {dt.date(2026, 11, 23): 7.83}


def test_a_nap_adds_to_the_day_it_ends_on() -> None:
    days = sleep_by_day([(t(22, 23), t(23, 6)), (t(23, 14), t(23, 14, 30))], PARIS, "x")
    assert hours(days) == {dt.date(2026, 11, 23): 7.5}


def test_two_sources_recording_the_same_night_count_it_once() -> None:
    watch = (t(22, 23, 0), t(23, 6, 0))
    phone = (t(22, 23, 30), t(23, 6, 30))
    assert hours(sleep_by_day([watch, phone], PARIS, "x")) == {dt.date(2026, 11, 23): 7.5}


def test_more_than_a_day_of_sleep_ending_on_one_day_is_refused() -> None:
    chain = [(t(20, 0), t(20, 23, 30)), (t(21, 0), t(21, 23, 59))]
    with pytest.raises(ImportFormatError, match="more than a day"):
        sleep_by_day(chain, PARIS, "sleep-csv")


intervals = st.lists(
    st.tuples(st.integers(0, 30 * 24 * 60), st.integers(1, 12 * 60)).map(
        lambda p: (T0 + dt.timedelta(minutes=p[0]), T0 + dt.timedelta(minutes=p[0] + p[1]))
    ),
    max_size=30,
)


@given(intervals)
def test_merging_is_the_union_whatever_the_order_and_duplicates(
    spans: list[tuple[dt.datetime, dt.datetime]],
) -> None:
    merged = merge_intervals(spans)
    assert merged == merge_intervals(list(reversed(spans)) + spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    minutes = {
        int((span[0] - T0).total_seconds() // 60) + k
        for span in spans
        for k in range(int((span[1] - span[0]).total_seconds() // 60))
    }
    assert sum((e - s).total_seconds() for s, e in merged) == len(minutes) * 60


@given(intervals)
def test_total_sleep_is_the_merged_time(spans: list[tuple[dt.datetime, dt.datetime]]) -> None:
    try:
        days = sleep_by_day(spans, PARIS, "x")
    except ImportFormatError:
        return
    total = sum((e - s).total_seconds() for s, e in merge_intervals(spans)) / 3600
    assert sum(d.sleep_hours for d in days) == pytest.approx(total, abs=0.01 * len(days) + 1e-9)


# --- sleep-csv ---------------------------------------------------------------------------------


def test_sleep_csv_reads_any_offsets_and_skips_the_header() -> None:
    text = (
        "start,end\n"
        "2026-11-22T23:30:00+01:00,2026-11-23T06:00:00+01:00\n"
        "2026-11-23T22:00:00Z,2026-11-24T06:30:00+01:00\n"  # 23:00 Paris to 06:30
        "2026-11-25 00:00,2026-11-25 05:00\n"  # naive: the person's zone
    )
    bundle = parse_import(text, "sleep-csv", now=NOW, zone=PARIS)
    assert hours(bundle.days) == {
        dt.date(2026, 11, 23): 6.5,
        dt.date(2026, 11, 24): 7.5,
        dt.date(2026, 11, 25): 5.0,
    }
    assert guess_format(text.encode(), "sleep.csv") == "sleep-csv"
    assert guess_format(b"2026-11-22T23:30,2026-11-23T06:00\n", "x.csv") == "sleep-csv"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("2026-11-23T06:00,2026-11-22T23:00", "line 2: the end"),
        ("2026-11-20T06:00,2026-11-22T23:00", "line 2: a sleep period longer than 24 hours"),
        ("yesterday,2026-11-22T23:00", "line 2: bad start"),
        ("2026-11-23T06:00", "line 2: expected start,end"),
    ],
)
def test_a_bad_sleep_row_names_its_line(row: str, fragment: str) -> None:
    with pytest.raises(ImportFormatError, match=fragment):
        parse_import(f"start,end\n{row}\n", "sleep-csv", now=NOW, zone=PARIS)


# --- apple-health ------------------------------------------------------------------------------

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Workout)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
]>
<HealthData locale="en_FR">
 <ExportDate value="2026-11-23 08:00:00 +0100"/>
"""


def record(value: str, start: str, end: str, source: str = "Watch") -> str:
    return (
        f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{source}" '
        f'startDate="{start} +0100" endDate="{end} +0100" '
        f'value="HKCategoryValueSleepAnalysis{value}"/>\n'
    )


def export(*records: str) -> str:
    heart = (
        ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
        'startDate="2026-11-23 01:00:00 +0100" endDate="2026-11-23 01:00:00 +0100" value="52"/>\n'
    )
    return HEADER + heart + "".join(records) + "</HealthData>\n"


NIGHT = [
    record("InBed", "2026-11-22 22:30:00", "2026-11-23 07:00:00", "Phone"),
    record("AsleepCore", "2026-11-22 23:00:00", "2026-11-23 01:00:00"),
    record("Awake", "2026-11-23 01:00:00", "2026-11-23 01:30:00"),
    record("AsleepDeep", "2026-11-23 01:30:00", "2026-11-23 03:00:00"),
    record("AsleepREM", "2026-11-23 03:00:00", "2026-11-23 05:00:00"),
    record("AsleepUnspecified", "2026-11-23 05:00:00", "2026-11-23 06:00:00"),
    # The phone saw part of the same sleep (legacy value): merged, not added.
    record("Asleep", "2026-11-23 04:00:00", "2026-11-23 06:30:00", "Phone"),
]


def test_only_asleep_stages_count_and_sources_are_merged() -> None:
    bundle = parse_import(export(*NIGHT), "apple-health", now=NOW, zone=PARIS)
    # 23:00-01:00 and 01:30-06:30 asleep: 7 hours; in bed and awake never count.
    assert hours(bundle.days) == {dt.date(2026, 11, 23): 7.0}
    assert bundle.skipped == {"in bed or awake": 2}


def test_an_export_is_recognised_and_read_from_its_zip(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("apple_health_export/export.xml", export(*NIGHT))
    assert looks_like_apple_health(archive)
    ctx = ReadContext(
        fmt="apple-health", now=NOW, zone=PARIS, range_start=T0, range_end=NOW + dt.timedelta(1)
    )
    assert hours(parse_apple_health_file(archive, ctx).days) == {dt.date(2026, 11, 23): 7.0}
    assert guess_format(export(*NIGHT).encode(), "anything.xml") == "apple-health"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (export(*NIGHT).replace("</HealthData>", ""), "line 17: not valid XML"),
        (
            export(record("AsleepCore", "2026-11-22 23:00:00", "later")),
            "line 9: bad endDate",
        ),
        ("<Other/>", "not an Apple Health export"),
        (
            '<?xml version="1.0"?><!DOCTYPE HealthData [<!ENTITY a "aaaa">]><HealthData/>',
            "entity",
        ),
    ],
    ids=["unclosed", "bad date", "not health", "entity"],
)
def test_a_broken_export_names_its_line(text: str, fragment: str) -> None:
    with pytest.raises(ImportFormatError, match=fragment):
        parse_import(text, "apple-health", now=NOW, zone=PARIS)


def test_the_reader_streams_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from focusplan.exchange import apple_health

    reads: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(size or -1)
            return super().read(size)

    monkeypatch.setattr(apple_health, "CHUNK_BYTES", 64)
    ctx = ReadContext(
        fmt="apple-health", now=NOW, zone=PARIS, range_start=T0, range_end=NOW + dt.timedelta(1)
    )
    bundle = apple_health.parse_apple_health_stream(Counting(export(*NIGHT).encode()), ctx)
    assert hours(bundle.days) == {dt.date(2026, 11, 23): 7.0}
    assert set(reads) == {64} and len(reads) > 10
