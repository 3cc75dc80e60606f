"""Exporting day plans: ics read back field by field, csv, markdown and json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import icalendar
import pytest

from focusplan.domain import DayPlan, PlanBlock
from focusplan.exchange import block_uid, export_plan, plan_json

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=PARIS)
DAY = dt.date(2026, 11, 23)
TRICKY_TITLE = "Write report, part 1; intro: «café» \\ done"
TRICKY_REASON = "High energy; due tomorrow,\nblocks 2 tasks — naïve résumé"


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def plan_for(day: dt.date = DAY) -> DayPlan:
    return DayPlan(
        date=day,
        blocks=(
            PlanBlock(
                start=at(9, 0, day),
                end=at(10, 30, day),
                kind="focus",
                task_id=42,
                title=TRICKY_TITLE,
                energy=4.234,
                reason=TRICKY_REASON,
            ),
            PlanBlock(start=at(10, 30, day), end=at(10, 45, day), kind="break"),
            PlanBlock(start=at(11, 0, day), end=at(12, 0, day), kind="event", title="Team meeting"),
            PlanBlock(
                start=at(13, 0, day),
                end=at(14, 0, day),
                kind="focus",
                task_id=7,
                title="=SUM(A1) *bold*",
                energy=2.5,
                reason="light work in the dip",
            ),
        ),
        notes=("Keep the afternoon light",),
    )


def ics_events(text: str) -> list[icalendar.Event]:
    return [
        e
        for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
        if isinstance(e, icalendar.Event)
    ]


# ---- ics


def test_ics_has_one_event_per_focus_block_only() -> None:
    events = ics_events(export_plan([plan_for()], "ics", zone=PARIS, now=NOW))
    assert [str(event["SUMMARY"]) for event in events] == [TRICKY_TITLE, "=SUM(A1) *bold*"]


def test_ics_calendar_has_prodid_and_version() -> None:
    calendar = icalendar.Calendar.from_ical(export_plan([plan_for()], "ics", zone=PARIS, now=NOW))
    assert str(calendar["VERSION"]) == "2.0"
    assert "focusplan" in str(calendar["PRODID"])


def test_ics_times_are_equal_and_carry_the_tzid() -> None:
    text = export_plan([plan_for()], "ics", zone=PARIS, now=NOW)
    first = ics_events(text)[0]
    assert first.start == at(9, 0)
    assert first.end == at(10, 30)
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "DTSTART;TZID=Europe/Paris:20261123T090000" in text


def test_ics_has_a_matching_vtimezone() -> None:
    calendar = icalendar.Calendar.from_ical(export_plan([plan_for()], "ics", zone=PARIS, now=NOW))
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()


def test_ics_uids_are_stable_across_exports() -> None:
    first = ics_events(export_plan([plan_for()], "ics", zone=PARIS, now=NOW))
    later = ics_events(
        export_plan([plan_for()], "ics", zone=PARIS, now=NOW + dt.timedelta(hours=5))
    )
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in later]
    assert [str(e["UID"]) for e in first] == [
        "focusplan-2026-11-23-1-task42@focusplan",
        "focusplan-2026-11-23-2-task7@focusplan",
    ]
    assert str(first[0]["UID"]) == block_uid(DAY, 1, 42)


def test_ics_dtstamp_is_now_in_utc() -> None:
    event = ics_events(export_plan([plan_for()], "ics", zone=PARIS, now=NOW))[0]
    stamp = event.DTSTAMP
    assert stamp == dt.datetime(2026, 11, 21, 11, 0, tzinfo=dt.UTC)


def test_ics_description_escaping_survives() -> None:
    text = export_plan([plan_for()], "ics", zone=PARIS, now=NOW)
    event = ics_events(text)[0]
    assert str(event["DESCRIPTION"]) == f"{TRICKY_REASON}\nPredicted energy: 4.2/5"
    assert "\\," in text
    assert "\\;" in text


def test_ics_lines_end_with_crlf() -> None:
    text = export_plan([plan_for()], "ics", zone=PARIS, now=NOW)
    assert text.count("\r\n") == text.count("\n")


def test_ics_several_days_number_blocks_per_day() -> None:
    plans = [plan_for(DAY), plan_for(DAY + dt.timedelta(days=1))]
    uids = [str(e["UID"]) for e in ics_events(export_plan(plans, "ics", zone=PARIS, now=NOW))]
    assert uids[2] == "focusplan-2026-11-24-1-task42@focusplan"


def test_ics_with_a_bare_offset_zone_is_written_in_utc() -> None:
    zone = dt.timezone(dt.timedelta(hours=2))
    text = export_plan([plan_for()], "ics", zone=zone, now=NOW)
    event = ics_events(text)[0]
    assert event.start == at(9, 0)
    assert "TZID" not in text
    assert "DTSTART:20261123T080000Z" in text


def test_ics_of_a_plan_without_focus_blocks_is_an_empty_calendar() -> None:
    plan = DayPlan(date=DAY, blocks=(PlanBlock(start=at(9), end=at(10), kind="break"),))
    assert ics_events(export_plan([plan], "ics", zone=PARIS, now=NOW)) == []


# ---- csv


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_header() -> None:
    text = export_plan([plan_for()], "csv", zone=PARIS, now=NOW)
    assert text.splitlines()[0] == "date,start,end,kind,task_id,title,energy,reason"


def test_csv_has_one_row_per_block_with_iso_times() -> None:
    rows = csv_rows(export_plan([plan_for()], "csv", zone=PARIS, now=NOW))
    assert [row["kind"] for row in rows] == ["focus", "break", "event", "focus"]
    assert rows[0] == {
        "date": "2026-11-23",
        "start": "2026-11-23T09:00:00+01:00",
        "end": "2026-11-23T10:30:00+01:00",
        "kind": "focus",
        "task_id": "42",
        "title": TRICKY_TITLE,
        "energy": "4.23",
        "reason": TRICKY_REASON,
    }
    assert (rows[1]["task_id"], rows[1]["energy"]) == ("", "")


def test_csv_defuses_spreadsheet_formulas() -> None:
    rows = csv_rows(export_plan([plan_for()], "csv", zone=PARIS, now=NOW))
    assert rows[3]["title"] == "'=SUM(A1) *bold*"


def test_csv_times_follow_the_zone() -> None:
    rows = csv_rows(export_plan([plan_for()], "csv", zone=dt.UTC, now=NOW))
    assert rows[0]["start"] == "2026-11-23T08:00:00+00:00"


# ---- markdown


def test_markdown_agenda() -> None:
    text = export_plan([plan_for()], "md", zone=PARIS, now=NOW)
    assert text == (
        "# focusplan\n"
        "\n"
        "## Monday 23 November 2026\n"
        "\n"
        "- 09:00–10:30 **Write report, part 1; intro: «café» \\\\ done** (focus, energy 4.2)\n"
        "  - why: High energy; due tomorrow, blocks 2 tasks — naïve résumé\n"
        "- 10:30–10:45 Break (break)\n"
        "- 11:00–12:00 Team meeting (event)\n"
        "- 13:00–14:00 **=SUM(A1) \\*bold\\*** (focus, energy 2.5)\n"
        "  - why: light work in the dip\n"
        "\n"
        "> Keep the afternoon light\n"
    )


def test_markdown_heading_per_day_and_empty_day() -> None:
    text = export_plan(
        [plan_for(), DayPlan(date=DAY + dt.timedelta(days=1))], "md", zone=PARIS, now=NOW
    )
    assert "## Tuesday 24 November 2026\n\n_Nothing planned._" in text


# ---- json


def test_json_one_day_is_the_plan_object() -> None:
    document = json.loads(export_plan([plan_for()], "json", zone=PARIS, now=NOW))
    assert document["date"] == "2026-11-23"
    assert document["blocks"][0] == {
        "start": "2026-11-23T09:00:00+01:00",
        "end": "2026-11-23T10:30:00+01:00",
        "kind": "focus",
        "task_id": 42,
        "title": TRICKY_TITLE,
        "energy": 4.234,
        "reason": TRICKY_REASON,
    }
    assert document["blocks"][1]["task_id"] is None


def test_json_several_days_is_a_list_of_plan_objects() -> None:
    plans = [plan_for(DAY), plan_for(DAY + dt.timedelta(days=1))]
    document = json.loads(export_plan(plans, "json", zone=PARIS, now=NOW))
    assert [day["date"] for day in document] == ["2026-11-23", "2026-11-24"]


def test_json_blocks_are_in_time_order() -> None:
    blocks = tuple(reversed(plan_for().blocks))
    document = json.loads(
        export_plan([DayPlan(date=DAY, blocks=blocks)], "json", zone=PARIS, now=NOW)
    )
    starts = [block["start"] for block in document["blocks"]]
    assert starts == sorted(starts)


def test_plan_json_without_a_zone_keeps_the_plan_times() -> None:
    document = plan_json(plan_for())
    assert document["blocks"][0]["start"] == "2026-11-23T09:00:00+01:00"
    assert set(document) >= {"date", "blocks"}


def test_unknown_plan_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown plan format 'pdf'"):
        export_plan([plan_for()], "pdf", zone=PARIS, now=NOW)
