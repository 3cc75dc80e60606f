"""Energy logs as CSV: `timestamp,level[,note]`, read and written back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from focusplan.domain import EnergyLogDraft
from focusplan.exchange import ImportBundle, ImportFormatError, export_energy_csv, parse_import
from focusplan.exchange.fields import clean_notes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "energy.csv"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)
CET = dt.timezone(dt.timedelta(hours=1))


def parse(data: bytes | str) -> ImportBundle:
    return parse_import(data, "energy-csv", now=NOW, zone=PARIS)


def test_fixture_rows() -> None:
    logs = parse(FIXTURE.read_bytes()).energy
    assert [(log.at, log.level, log.note) for log in logs] == [
        (dt.datetime(2026, 11, 20, 7, 30, tzinfo=CET), 3, "woke up tired, coffee helped"),
        (dt.datetime(2026, 11, 20, 10, 0, tzinfo=PARIS), 5, "peak"),
        (dt.datetime(2026, 11, 20, 14, 30, tzinfo=CET), 2, "post-lunch dip"),
        (dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC), 4, ""),
        (dt.datetime(2026, 11, 21, 8, 0, tzinfo=CET), 4, ""),
    ]


def test_imported_logs_are_marked_as_imported() -> None:
    assert {log.source for log in parse(FIXTURE.read_bytes()).energy} == {"import"}


def test_header_is_optional() -> None:
    assert len(parse("2026-11-20T07:30,3\n2026-11-20T08:30,4\n").energy) == 2


def test_semicolon_separated() -> None:
    log = parse("timestamp;level;note\n2026-11-20T07:30;3;tired\n").energy[0]
    assert (log.level, log.note) == (3, "tired")


def test_whole_number_written_as_decimal_is_accepted() -> None:
    assert parse("2026-11-20T07:30,4.0\n").energy[0].level == 4


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-11-20T07:30,4.5", r"^energy-csv line 3: bad level '4.5'"),
        ("2026-11-20T07:30,7", r"^energy-csv line 3: level 7 is not between 1 and 5$"),
        ("2026-11-20T07:30,0", r"^energy-csv line 3: level 0 is not between 1 and 5$"),
        ("2026-11-20T07:30,high", r"^energy-csv line 3: bad level 'high'"),
        ("yesterday,3", r"^energy-csv line 3: bad timestamp 'yesterday'"),
        ("2026-13-01T07:30,3", r"^energy-csv line 3: bad timestamp '2026-13-01T07:30'"),
        (
            "2026-11-20T07:30,3,note,extra",
            r"^energy-csv line 3: expected timestamp,level\[,note\], found 4",
        ),
        ("2026-11-20T07:30", r"^energy-csv line 3: expected timestamp,level\[,note\], found 1"),
    ],
)
def test_bad_row_fails_the_file_naming_the_line(row: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse(f"timestamp,level\n2026-11-20T06:00,3\n{row}\n2026-11-20T09:00,3\n")


def test_a_bad_first_row_is_not_mistaken_for_a_header() -> None:
    with pytest.raises(ImportFormatError, match="line 1: bad level 'high'"):
        parse("2026-11-20T07:30,high\n")


def test_oversized_field_is_refused_not_crashed() -> None:
    with pytest.raises(ImportFormatError, match="energy-csv line"):
        parse("2026-11-20T07:30,3," + "x" * 200_000 + "\n")


TIMES = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.sampled_from([dt.UTC, CET, dt.timezone(dt.timedelta(hours=-7, minutes=-30))]),
)


@given(
    st.lists(
        st.builds(
            EnergyLogDraft,
            at=TIMES,
            level=st.integers(1, 5),
            note=st.text(max_size=40).map(clean_notes),
            source=st.just("import"),
        ),
        max_size=8,
    )
)
@settings(max_examples=150, deadline=None)
def test_export_then_import_gives_the_same_logs(logs: list[EnergyLogDraft]) -> None:
    assert parse(export_energy_csv(logs)).energy == logs
