"""Live calendars: a vdir or .ics file re-read when it changed, before anything uses events."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from focusplan.attention.features import FEATURE_INDEX, build_tokens
from focusplan.services.ranking import context_window, ranking_context
from focusplan.services.source import DataSource
from tests.integration.cli_runner import Focusplan
from tests.integration.test_now import CALENDAR

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def event(uid: str, start: str, end: str, title: str) -> str:
    # Times in UTC (Paris is UTC+1 in November).
    return CALENDAR.format(uid=uid, start=start, end=end, title=title)


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    focusplan = Focusplan(db_path)
    focusplan.ok("add", "Draft chapter", "--estimate", "30m")
    return focusplan


@pytest.fixture
def vdir(tmp_path: Path) -> Path:
    folder = tmp_path / "calendars" / "work"
    folder.mkdir(parents=True)
    (folder / "standup.ics").write_text(
        event("standup", "20261123T100000Z", "20261123T103000Z", "Standup")
    )
    (folder / "review.ics").write_text(
        event("review", "20261123T130000Z", "20261123T140000Z", "Design review")
    )
    return folder


def events(fp: Focusplan) -> dict[str, tuple[str, str]]:
    plan = fp.ok("plan", "--json").json()
    return {b["title"]: (b["start"], b["end"]) for b in plan["blocks"] if b["kind"] == "event"}


def counter(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT value FROM change_counter").fetchone()[0])


def touch_later(path: Path, text: str) -> None:
    # A write within the same clock tick can keep mtime; the size or the bumped mtime tells.
    path.write_text(text)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_add_list_and_remove(fp: Focusplan, vdir: Path) -> None:
    assert fp.ok("source", "add", "ics", str(vdir)).out.strip() == (
        "calendar source 1: 2 events from 2 files"
    )
    (listed,) = fp.ok("source", "list", "--json").json()
    assert listed["id"] == 1 and listed["path"] == str(vdir) and listed["files"] == 2
    assert listed["events"] == 2 and listed["problem"] is None
    assert set(events(fp)) == {"Standup", "Design review"}
    assert fp.ok("source", "remove", "1").out.strip() == (
        "removed calendar source 1 and its 2 events"
    )
    assert events(fp) == {}
    assert fp.ok("source", "list", "--json").json() == []
    assert fp("source", "remove", "1").code == 2


def test_moved_added_and_removed_events_follow_the_folder(fp: Focusplan, vdir: Path) -> None:
    fp.ok("source", "add", "ics", str(vdir))
    touch_later(
        vdir / "review.ics",
        event("review", "20261123T150000Z", "20261123T160000Z", "Design review"),
    )
    (vdir / "standup.ics").unlink()
    (vdir / "lunch.ics").write_text(
        event("lunch", "20261123T113000Z", "20261123T123000Z", "Lunch with Sam")
    )
    assert events(fp) == {
        "Design review": ("2026-11-23T16:00:00+01:00", "2026-11-23T17:00:00+01:00"),
        "Lunch with Sam": ("2026-11-23T12:30:00+01:00", "2026-11-23T13:30:00+01:00"),
    }


def test_an_unchanged_folder_is_not_read_again(fp: Focusplan, vdir: Path) -> None:
    fp.ok("source", "add", "ics", str(vdir))
    fp.ok("plan")  # today's first plan is stored: a write of its own
    before = counter(fp.db)
    fp.ok("rank")
    fp.ok("now")
    assert counter(fp.db) == before


def test_a_single_ics_file_is_a_source_too(fp: Focusplan, vdir: Path) -> None:
    fp.ok("source", "add", "ics", str(vdir / "standup.ics"))
    assert set(events(fp)) == {"Standup"}
    touch_later(
        vdir / "standup.ics", event("standup", "20261123T150000Z", "20261123T153000Z", "Standup")
    )
    assert events(fp)["Standup"][0] == "2026-11-23T16:00:00+01:00"


def test_a_folder_that_disappeared_is_reported_and_its_events_kept(
    fp: Focusplan, vdir: Path
) -> None:
    fp.ok("source", "add", "ics", str(vdir))
    shutil.rmtree(vdir)
    outcome = fp.ok("rank")
    assert outcome.err.strip() == (
        f"warning: calendar source 1: {vdir} is not there; its events are kept until it is back"
    )
    assert set(events(fp)) == {"Standup", "Design review"}
    assert "is not there" in fp.ok("source", "list").out


def test_a_broken_entry_at_add_is_one_error_naming_the_file(fp: Focusplan, vdir: Path) -> None:
    (vdir / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nonsense\n")
    before = counter(fp.db)
    outcome = fp("source", "add", "ics", str(vdir))
    assert outcome.code == 2
    assert outcome.err.count("\n") == 1 and outcome.err.startswith("error: ")
    assert "broken.ics" in outcome.err
    assert counter(fp.db) == before
    assert fp.ok("source", "list", "--json").json() == []


def test_a_broken_entry_later_is_reported_and_nothing_of_the_calendar_changes(
    fp: Focusplan, vdir: Path
) -> None:
    fp.ok("source", "add", "ics", str(vdir))
    touch_later(
        vdir / "review.ics",
        event("review", "20261123T150000Z", "20261123T160000Z", "Design review"),
    )
    (vdir / "broken.ics").write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:nonsense\n")
    outcome = fp.ok("plan", "--json")
    assert "broken.ics" in outcome.err and outcome.err.startswith("warning: calendar source 1")
    moved = {b["title"]: b["start"] for b in outcome.json()["blocks"] if b["kind"] == "event"}
    assert moved["Design review"] == "2026-11-23T14:00:00+01:00"  # not half-refreshed


def test_a_missing_path_is_refused(fp: Focusplan, tmp_path: Path) -> None:
    outcome = fp("source", "add", "ics", str(tmp_path / "nowhere"))
    assert outcome.code == 2 and outcome.err.startswith("error: no such file or folder")


def test_live_events_feed_the_rankings_meeting_context(fp: Focusplan, vdir: Path) -> None:
    (vdir / "early.ics").write_text(
        event("early", "20261123T083000Z", "20261123T090000Z", "Early call")
    )
    fp.ok("source", "add", "ics", str(vdir))
    source = DataSource(str(fp.db))
    snap = source.snapshot(*context_window(NOW))
    context, _ = ranking_context(
        NOW, tasks=snap.tasks, energy=snap.energy, events=snap.events, sessions=snap.sessions
    )
    assert context.last_meeting_end == dt.datetime.fromisoformat("2026-11-23T10:00:00+01:00")
    assert context.next_meeting_start == dt.datetime.fromisoformat("2026-11-23T11:00:00+01:00")
    tokens = build_tokens(snap.tasks, context)
    assert tokens.X[0, FEATURE_INDEX["after_meeting"]] == pytest.approx(1.0)  # it just ended
    assert tokens.X[0, FEATURE_INDEX["fits_gap"]] > 0  # 30 minutes fit the hour before 11:00
