"""Importing again in the hour the clocks go back (Europe/Paris, 25 October 2026: 02:00 to
03:00 happens twice): the same times are the same record, two different instants are not.

Python never finds two times of different zones equal inside that hour, and finds two
times of one zone equal by their wall clocks; the store compares instants."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from focusplan.services.exchange import import_file
from focusplan.services.source import DataSource

NOW = dt.datetime(2026, 10, 26, 9, 0, tzinfo=dt.UTC)


def export(entry: str) -> bytes:
    return json.dumps(
        [{"uuid": "6f1c1f5e-0000-4000-8000-000000000001", "description": "Night", "entry": entry}]
    ).encode()


def test_a_task_created_in_the_repeated_hour_is_unchanged_by_a_second_import(
    tmp_path: Path,
) -> None:
    source = DataSource(str(tmp_path / "db.sqlite3"))
    for entry in ("20261025T004000Z", "20261025T014000Z"):  # 02:40 summer, 02:40 winter
        data = export(entry)
        first = import_file(
            DataSource(str(tmp_path / f"{entry}.sqlite3")), data, "taskwarrior", now=NOW
        )
        assert first.tasks == 1
    data = export("20261025T014000Z")
    import_file(source, data, "taskwarrior", now=NOW)
    again = import_file(source, data, "taskwarrior", now=NOW)
    assert (again.tasks, again.updated, again.unchanged) == (0, 0, 1)


def calendar(start: str, end: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//t//t//EN",
        "BEGIN:VEVENT",
        "UID:night@x",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        "SUMMARY:Night shift",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_an_event_moved_by_the_repeated_hour_is_updated(tmp_path: Path) -> None:
    source = DataSource(str(tmp_path / "db.sqlite3"))
    summer = calendar("20261025T003000Z", "20261025T004500Z")  # 02:30–02:45, first time
    winter = calendar("20261025T013000Z", "20261025T014500Z")  # the same clock, an hour on
    assert import_file(source, summer, "ics", now=NOW).events == 1
    assert import_file(source, summer, "ics", now=NOW).unchanged == 1
    moved = import_file(source, winter, "ics", now=NOW)
    assert (moved.events, moved.updated) == (0, 1)
    with source.read_only() as uow:
        (event,) = uow.events.all()
    assert event.start.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert import_file(source, winter, "ics", now=NOW).unchanged == 1
