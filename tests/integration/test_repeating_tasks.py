"""Repeating tasks end to end: the CLI flags, the next instance, undo, the store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from focusplan.domain import NewTask, TaskPatch
from focusplan.services.errors import InvalidInput
from focusplan.services.focus import start_focus, stop_focus
from focusplan.services.source import DataSource
from focusplan.services.tasks import (
    add_task,
    complete_task,
    drop_task,
    edit_task,
    list_tasks,
    reopen_task,
    undo,
)
from focusplan.services.undo import UndoConflict
from focusplan.store import open_database
from focusplan.store.snapshot import read_snapshot
from tests.integration.cli_runner import Focusplan
from tests.integration.conftest import migrate_to
from tests.integration.test_cli_contract import assert_invalid


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    return Focusplan(db_path)


def tasks(fp: Focusplan, *flags: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = fp.ok("list", "--json", *flags).json()
    return found


def open_one(fp: Focusplan) -> dict[str, Any]:
    (task,) = tasks(fp)
    return task


# --- the command line ----------------------------------------------------------------------------


def test_completing_a_weekly_task_brings_the_next_one_a_week_later(fp: Focusplan) -> None:
    fp.ok(
        "add", "Water the plants", "--recur", "weekly", "--due", "2026-11-23 09:00",
        "--project", "home", "--tag", "plants", "--estimate", "10m",
    )  # fmt: skip
    assert open_one(fp)["recur"] == "weekly"
    out = fp.ok("done", "1", "--at", "2026-11-23 09:30").out
    assert "next: 2" in out
    following = open_one(fp)
    assert following["id"] == 2
    assert following["due"] == "2026-11-30T09:00:00+01:00"
    assert (following["title"], following["project"], following["tags"]) == (
        "Water the plants",
        "home",
        ["plants"],
    )
    assert following["estimate_minutes"] == 10 and following["recur"] == "weekly"
    assert following["series_id"] == tasks(fp, "--all")[0]["series_id"]


def test_a_task_without_recur_has_recur_null_in_the_json(fp: Focusplan) -> None:
    fp.ok("add", "Once")
    assert open_one(fp)["recur"] is None


def test_short_rules_are_stored_in_their_canonical_form(fp: Focusplan) -> None:
    fp.ok("add", "Backup", "--recur", "2w", "--due", "fri")
    assert open_one(fp)["recur"] == "every 2 weeks"


def test_counted_from_done_the_next_due_follows_the_completion(fp: Focusplan) -> None:
    fp.ok(
        "add", "Haircut", "--recur", "every 3 weeks", "--recur-from", "done",
        "--due", "2026-11-23 18:00",
    )  # fmt: skip
    fp.ok("done", "1", "--at", "2026-11-26 12:00")
    assert open_one(fp)["due"] == "2026-12-17T18:00:00+01:00"


def test_a_late_completion_counted_from_the_due_keeps_the_schedule(fp: Focusplan) -> None:
    fp.ok("add", "Report", "--recur", "weekly", "--due", "2026-11-23 17:00")
    fp.ok("done", "1", "--at", "2026-11-27 10:00")
    assert open_one(fp)["due"] == "2026-11-30T17:00:00+01:00"


def test_not_before_moves_with_the_due(fp: Focusplan) -> None:
    fp.ok(
        "add", "Rent", "--recur", "monthly", "--due", "2026-11-30 12:00",
        "--not-before", "2026-11-28 08:00",
    )  # fmt: skip
    fp.ok("done", "1", "--at", "2026-11-29 10:00")
    task = open_one(fp)
    assert (task["due"], task["not_before"]) == (
        "2026-12-30T12:00:00+01:00",
        "2026-12-28T08:00:00+01:00",
    )


def test_dropping_the_open_instance_also_brings_the_next(fp: Focusplan) -> None:
    fp.ok("add", "Stand-up notes", "--recur", "weekdays", "--due", "2026-11-27 09:00")
    fp.ok("drop", "1")
    assert open_one(fp)["due"] == "2026-11-30T09:00:00+01:00"  # Friday → Monday


def test_no_next_instance_after_until(fp: Focusplan) -> None:
    fp.ok(
        "add", "Course", "--recur", "weekly", "--due", "2026-11-23 19:00",
        "--until", "2026-11-30",
    )  # fmt: skip
    fp.ok("done", "1")
    assert open_one(fp)["due"] == "2026-11-30T19:00:00+01:00"  # --until Nov 30 = its end
    fp.ok("done", "2")
    assert tasks(fp) == []


def test_emptying_recur_stops_the_series(fp: Focusplan) -> None:
    fp.ok("add", "Gym", "--recur", "daily", "--due", "2026-11-23 18:00", "--until", "dec 31")
    task = fp.ok("edit", "1", "--recur", "", "--json").json()
    assert task["recur"] is None and task["recur_until"] is None
    fp.ok("done", "1")
    assert tasks(fp) == []


def test_giving_a_rule_to_a_one_off_task_starts_a_series(fp: Focusplan) -> None:
    fp.ok("add", "Review budget", "--due", "2026-11-30 10:00")
    fp.ok("edit", "1", "--recur", "monthly")
    fp.ok("done", "1")
    assert open_one(fp)["due"] == "2026-12-30T10:00:00+01:00"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("add", "X", "--recur", "fortnite"), "unknown repeat rule"),
        (("add", "X", "--recur", "every 0 days"), "out of range"),
        (("add", "X", "--until", "fri"), "--recur"),
        (("add", "X", "--recur", "daily", "--recur-from", "later"), "--recur-from"),
        (("edit", "1", "--recur", "sometimes"), "unknown repeat rule"),
        (("edit", "1", "--until", "fri"), "repeat rule"),
    ],
)
def test_a_bad_rule_is_one_error_line_and_changes_nothing(
    fp: Focusplan, args: tuple[str, ...], fragment: str
) -> None:
    fp.ok("add", "Existing")
    before = tasks(fp, "--all")
    assert_invalid(fp(*args), fragment)
    assert tasks(fp, "--all") == before


def test_reopening_an_old_instance_while_the_next_is_open_is_refused(fp: Focusplan) -> None:
    fp.ok("add", "Plants", "--recur", "weekly", "--due", "2026-11-23 09:00")
    fp.ok("done", "1")
    assert_invalid(fp("reopen", "1"), "task 2 is the open instance")


def test_the_ranking_sees_the_open_instance_like_any_task(fp: Focusplan) -> None:
    fp.ok("add", "Plants", "--recur", "daily", "--due", "2026-11-23 09:00")
    fp.ok("done", "1", "--at", "2026-11-23 09:05")
    ranked = fp.ok("rank", "--json", "--at", "2026-11-24 10:00").json()
    assert [item["id"] for item in ranked] == [2]


def test_add_help_names_the_repeat_options(fp: Focusplan) -> None:
    text = fp.ok("add", "--help").out
    assert "--recur RULE" in text and "--recur-from" in text and "--until" in text


# --- services: one unit of work, undo ------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> DataSource:
    return DataSource(str(tmp_path / "repeat.sqlite3"))


MONDAY = dt.datetime.fromisoformat("2026-11-23T09:00:00+01:00")


def weekly(source: DataSource) -> int:
    task, _ = add_task(
        source, NewTask(title="Plants", recur="weekly", due=MONDAY, created_at=MONDAY)
    )
    return task.id


def test_undo_of_a_completion_removes_the_instance_it_created(source: DataSource) -> None:
    first = weekly(source)
    completion = complete_task(source, first, MONDAY + dt.timedelta(hours=1))
    assert completion.next_instance is not None
    undo(source, completion.undo)
    (only,) = list_tasks(source, None)
    assert (only.id, only.status, only.due) == (first, "open", MONDAY)


def test_undo_keeps_a_next_instance_edited_since(source: DataSource) -> None:
    # Undo deletes the instance the completion made; an edit made to it since must not vanish.
    first = weekly(source)
    completion = complete_task(source, first, MONDAY + dt.timedelta(hours=1))
    assert completion.next_instance is not None
    edit_task(source, completion.next_instance.id, TaskPatch(importance=5))
    with pytest.raises(UndoConflict, match="nothing undone"):
        undo(source, completion.undo)
    statuses = sorted((t.id, t.status, t.importance) for t in list_tasks(source, None))
    assert statuses == [(first, "done", 3), (completion.next_instance.id, "open", 5)]


def test_undo_of_a_drop_removes_the_instance_it_created(source: DataSource) -> None:
    first = weekly(source)
    _, step = drop_task(source, first, MONDAY)
    assert len(list_tasks(source, None)) == 2
    undo(source, step)
    assert [(t.id, t.status) for t in list_tasks(source, None)] == [(first, "open")]


def test_stopping_a_focus_session_with_done_brings_the_next_instance(source: DataSource) -> None:
    first = weekly(source)
    start_focus(source, first, MONDAY)
    stop_focus(source, MONDAY + dt.timedelta(minutes=25), done=True)
    (following,) = list_tasks(source)
    assert following.id != first and following.due == MONDAY + dt.timedelta(days=7)


def test_only_one_instance_is_open_at_a_time(source: DataSource) -> None:
    first = weekly(source)
    complete_task(source, first, MONDAY)
    reopen_error = None
    try:
        reopen_task(source, first)
    except InvalidInput as exc:
        reopen_error = exc
    assert reopen_error is not None
    assert [t.status for t in list_tasks(source, None)] == ["done", "open"]


def test_editing_the_rule_counts_the_series_from_the_due_it_has_now(source: DataSource) -> None:
    from focusplan.domain import TaskPatch

    first = weekly(source)
    thursday = MONDAY + dt.timedelta(days=3)
    edit_task(source, first, TaskPatch(recur="monthly", due=thursday))
    completion = complete_task(source, first, thursday)
    assert completion.next_instance is not None
    assert completion.next_instance.due == dt.datetime.fromisoformat("2026-12-26T09:00+01:00")


# --- the store -----------------------------------------------------------------------------------


def test_the_quick_read_equals_the_repository_for_a_repeating_task(source: DataSource) -> None:
    first = weekly(source)
    complete_task(source, first, MONDAY)
    assert source.path is not None
    fast = read_snapshot(source.path).tasks
    with source.read_only() as uow:
        assert fast == uow.tasks.list()
    assert fast[1].recur == "weekly" and fast[1].recur_anchor == MONDAY


def test_upgrading_to_0004_keeps_ids_of_deleted_tasks_from_being_reused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    migrate_to(path, "0003_plan_inputs")
    with sqlite3.connect(path) as connection:
        for number in (1, 2, 3):
            connection.execute(
                "INSERT INTO tasks (id, title, created_at) VALUES (?, 't', ?)",
                (number, "2026-11-20T08:00:00.000000+00:00"),
            )
        connection.execute("DELETE FROM tasks WHERE id = 3")
    database = open_database(path)
    try:
        with database.unit_of_work() as uow:
            added = uow.tasks.add(NewTask(title="after upgrade", created_at=MONDAY))
            assert uow.tasks.get(1).recur is None and uow.tasks.get(1).recur_from == "due"
    finally:
        database.close()
    assert added.id == 4


def test_list_marks_a_repeating_task(fp: Focusplan) -> None:
    fp.ok("add", "Plants", "--recur", "weekly", "--due", "fri")
    fp.ok("add", "Once")
    lines = fp.ok("list").out.splitlines()
    assert "↻ Plants" in lines[1] and "↻" not in lines[2]
