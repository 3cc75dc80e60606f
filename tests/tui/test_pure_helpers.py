"""The app's Textual-free helpers: the filter, the focus/break clock, the change watcher."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from focusplan.domain import FocusSession, Task
from focusplan.tui.change_watch import ChangeWatcher
from focusplan.tui.focus_clock import FocusClock
from focusplan.tui.task_filter import TaskFilter
from focusplan.tui.widgets.cells import relative_due, score_bar, signed_bar

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def task(**fields: object) -> Task:
    values: dict[str, object] = {"id": 1, "title": "Write the report", "created_at": T0}
    values.update(fields)
    return Task.model_validate(values)


# --- filter ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("", True),
        ("report", True),
        ("REPORT write", True),
        ("report missing", False),
        ("project:work", True),
        ("project:home", False),
        ("tag:urg", True),
        ("tag:admin", False),
        ("status:open", True),
        ("status:done", False),
        ("id:1", True),
        ("id:#2", False),
        ("demand:high", True),
    ],
)
def test_filter_terms_are_anded(query: str, matches: bool) -> None:
    subject = task(project="work", tags=("urgent",), demand="high")
    assert TaskFilter.parse(query).matches(subject) is matches


def test_an_unknown_key_is_reported_and_left_out_of_the_match() -> None:
    parsed = TaskFilter.parse("due:x report")
    assert parsed.unknown == ("due",)
    assert parsed.words == ("report",)
    assert parsed.matches(task(project="work", tags=("urgent",), demand="high"))
    message = parsed.unknown_message()
    assert message.startswith("due: is not a filter key")
    assert "project:" in message and "status:" in message


def test_a_time_or_a_word_ending_in_a_colon_is_a_word() -> None:
    assert TaskFilter.parse("10:30 re:").words == ("10:30", "re:")
    assert TaskFilter.parse("10:30 re:").unknown == ()


# --- focus clock ---------------------------------------------------------------------------


def session(start: dt.datetime, end: dt.datetime | None = None) -> FocusSession:
    return FocusSession(id=7, task_id=3, start=start, end=end)


def test_the_break_is_suggested_once_when_the_focus_length_is_reached() -> None:
    clock = FocusClock(focus_minutes=50, break_minutes=10)
    running = session(T0)
    assert clock.tick(T0 + dt.timedelta(minutes=49), running)[1] is None
    state, alert = clock.tick(T0 + dt.timedelta(minutes=50), running)
    assert alert == "take_break"
    assert state.overtime
    assert clock.tick(T0 + dt.timedelta(minutes=51), running)[1] is None


def test_a_full_block_earns_a_break_that_ends_with_a_nudge() -> None:
    clock = FocusClock(focus_minutes=50, break_minutes=10)
    stop = T0 + dt.timedelta(minutes=55)
    clock.session_stopped(session(T0, stop), stop)
    state, alert = clock.tick(stop + dt.timedelta(minutes=4), None)
    assert (state.phase, alert) == ("break", None)
    assert state.remaining == dt.timedelta(minutes=6)
    state, alert = clock.tick(stop + dt.timedelta(minutes=10), None)
    assert (state.phase, alert) == ("idle", "break_over")


def test_a_short_session_earns_no_break() -> None:
    clock = FocusClock(focus_minutes=50, break_minutes=10)
    stop = T0 + dt.timedelta(minutes=20)
    clock.session_stopped(session(T0, stop), stop)
    assert clock.tick(stop + dt.timedelta(minutes=1), None)[0].phase == "idle"


# --- change watcher --------------------------------------------------------------------------


def test_the_watcher_sees_commits_of_other_connections_only(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as writer:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE t (x)")
    watcher = ChangeWatcher(path)
    watcher.mark_seen()
    assert not watcher.changed()
    with sqlite3.connect(path) as writer:
        writer.execute("INSERT INTO t VALUES (1)")
    assert watcher.changed()
    assert not watcher.changed()
    watcher.close()


def test_without_a_file_the_watcher_always_says_maybe() -> None:
    watcher = ChangeWatcher(None)
    assert watcher.changed()
    assert watcher.changed()


# --- cells -------------------------------------------------------------------------------------


def test_score_bar_fills_in_eighths() -> None:
    assert score_bar(0.5, 4).plain == "██  "
    assert score_bar(1 / 32, 4).plain == "▏   "
    assert score_bar(2.0, 2).plain == "██"


def test_signed_bar_grows_left_for_negative_values() -> None:
    assert signed_bar(-1.0, 1.0, 3).plain == "███│   "
    assert signed_bar(0.5, 1.0, 2).plain == "  │█ "


@pytest.mark.parametrize(
    ("due", "label", "level"),
    [
        (T0 - dt.timedelta(hours=3), "late 3h", "overdue"),
        (T0 - dt.timedelta(days=2), "late 2d", "overdue"),
        (T0 + dt.timedelta(hours=5), "15:00", "soon"),
        (T0 + dt.timedelta(days=1), "tomorrow", "soon"),
        (T0 + dt.timedelta(days=3), "Thu", "later"),
        (None, "", ""),
    ],
)
def test_due_dates_read_relative_to_now(due: dt.datetime | None, label: str, level: str) -> None:
    assert relative_due(due, T0) == (label, level)
