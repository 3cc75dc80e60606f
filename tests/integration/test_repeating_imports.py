"""Repeating tasks from other planners and from the backup: one series each, idempotent."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from focusplan.exchange import ImportBundle, parse_import
from tests.integration.cli_runner import Focusplan

FIXTURES = Path(__file__).parents[1] / "fixtures"
RECURRING = FIXTURES / "taskwarrior_recurring.json"
PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


@pytest.fixture
def fp(db_path: Path, frozen_now: dt.datetime) -> Focusplan:
    return Focusplan(db_path)


def raw() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(RECURRING.read_text(encoding="utf-8"))
    return items


def parent_uuid(title: str) -> str:
    return next(item["uuid"] for item in raw() if item["description"] == title and "mask" in item)


def all_tasks(fp: Focusplan) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = fp.ok("list", "--all", "--json").json()
    return found


def by_title(tasks: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    return [task for task in tasks if task["title"] == title]


@pytest.fixture(scope="module")
def bundle() -> ImportBundle:
    return parse_import(RECURRING.read_bytes(), "taskwarrior", now=NOW, zone=PARIS)


# --- Taskwarrior ---------------------------------------------------------------------------------


def test_each_recurring_parent_and_its_instances_become_one_series(bundle: ImportBundle) -> None:
    parents = [item for item in raw() if item["status"] == "recurring"]
    instances = [item for item in raw() if "parent" in item]
    assert len(bundle.tasks) == len(instances)  # the parents are series, not tasks
    series: defaultdict[str | None, set[str]] = defaultdict(set)
    for item in bundle.tasks:
        series[item.task.series_id].add(item.task.title)
    followed = {parent["uuid"] for parent in parents if parent["recur"] != "2h"}
    assert set(series) - {None} == followed
    assert all(len(titles) == 1 for key, titles in series.items() if key is not None)
    assert bundle.skipped == {}


def test_an_instance_carries_the_parents_rule_until_and_due_as_anchor(
    bundle: ImportBundle,
) -> None:
    rent = [item.task for item in bundle.tasks if item.task.title == "Pay rent"]
    assert {task.recur for task in rent} == {"monthly"}
    assert {task.recur_anchor for task in rent} == {dt.datetime(2026, 1, 31, 9, 0, tzinfo=PARIS)}
    assert {task.recur_until for task in rent} == {dt.datetime(2027, 12, 31, 0, 0, tzinfo=PARIS)}
    assert {task.status for task in rent} == {"done", "open"}


def test_a_rule_focusplan_cannot_follow_leaves_one_off_tasks_and_says_so(
    bundle: ImportBundle,
) -> None:
    stretch = [item.task for item in bundle.tasks if item.task.title == "Stretch"]
    assert stretch and all(t.recur is None and t.series_id is None for t in stretch)
    assert any("cannot follow" in note for note in bundle.notes)


def test_a_parent_without_instances_is_skipped_and_counted() -> None:
    parent = {
        "description": "Lonely", "status": "recurring", "recur": "weekly",
        "due": "20261123T090000Z", "uuid": "p-1", "mask": "", "entry": "20261120T090000Z",
    }  # fmt: skip
    bundle = parse_import(json.dumps([parent]), "taskwarrior", now=NOW, zone=PARIS)
    assert bundle.tasks == [] and bundle.skipped == {"recurring templates without instances": 1}


def test_a_chained_recurrence_counts_from_the_completion() -> None:
    items = [
        {"description": "Haircut", "status": "recurring", "recur": "4weeks", "rtype": "chained",
         "due": "20261123T090000Z", "uuid": "p-1", "mask": "-", "entry": "20261120T090000Z"},
        {"description": "Haircut", "status": "pending", "recur": "4weeks", "rtype": "chained",
         "due": "20261123T090000Z", "uuid": "i-1", "parent": "p-1", "imask": 0,
         "entry": "20261120T090000Z"},
    ]  # fmt: skip
    bundle = parse_import(json.dumps(items), "taskwarrior", now=NOW, zone=PARIS)
    (task,) = [item.task for item in bundle.tasks]
    assert (task.recur, task.recur_from, task.series_id) == ("every 4 weeks", "done", "p-1")


def test_completing_every_open_instance_makes_one_next_anchored_on_the_31st(
    fp: Focusplan,
) -> None:
    fp.ok("import", str(RECURRING))
    rent = by_title(all_tasks(fp), "Pay rent")
    open_ids = [task["id"] for task in rent if task["status"] == "open"]
    latest_due = max(dt.datetime.fromisoformat(task["due"]) for task in rent)
    for task_id in open_ids[:-1]:
        assert "next:" not in fp.ok("done", str(task_id)).out  # others of the series are open
    assert "next:" in fp.ok("done", str(open_ids[-1])).out
    (following,) = [t for t in by_title(all_tasks(fp), "Pay rent") if t["status"] == "open"]
    due = dt.datetime.fromisoformat(following["due"])
    assert due > latest_due and (due.hour, due.minute) == (9, 0)
    assert due.day == min(31, calendar.monthrange(due.year, due.month)[1])
    assert following["series_id"] == parent_uuid("Pay rent")


def test_importing_the_same_taskwarrior_export_twice_changes_nothing(fp: Focusplan) -> None:
    fp.ok("import", str(RECURRING))
    first = all_tasks(fp)
    second_run = fp.ok("import", str(RECURRING)).out
    assert "0 new tasks" in second_run
    again = all_tasks(fp)
    for task in (*first, *again):
        task.pop("updated_at")
    assert again == first


# --- todo.txt ------------------------------------------------------------------------------------

TODO = """\
(A) Pay rent +home due:2026-11-30 rec:+1m
x 2026-10-30 Pay rent +home due:2026-10-30 rec:+1m
Water the plants @home t:2026-11-23 rec:1w
Stand-up notes due:2026-11-27 rec:1b
Odd job due:2026-11-27 rec:3b
"""


@pytest.fixture
def todo_file(tmp_path: Path) -> Path:
    path = tmp_path / "todo.txt"
    path.write_text(TODO, encoding="utf-8")
    return path


def test_todotxt_rec_lines_become_series(fp: Focusplan, todo_file: Path) -> None:
    out = fp.ok("import", str(todo_file)).out
    assert "rec: not followed on 1 task" in out
    tasks = all_tasks(fp)
    rent = by_title(tasks, "Pay rent")
    assert {t["recur"] for t in rent} == {"monthly"} and {t["recur_from"] for t in rent} == {"due"}
    assert len({t["series_id"] for t in rent}) == 1  # the done line is the same series
    (plants,) = by_title(tasks, "Water the plants")
    assert (plants["recur"], plants["recur_from"]) == ("weekly", "done")
    (standup,) = by_title(tasks, "Stand-up notes")
    assert standup["recur"] == "weekdays"
    (odd,) = by_title(tasks, "Odd job")
    assert odd["recur"] is None


def test_todotxt_strict_rec_counts_from_the_due(fp: Focusplan, todo_file: Path) -> None:
    fp.ok("import", str(todo_file))
    (rent,) = [t for t in by_title(all_tasks(fp), "Pay rent") if t["status"] == "open"]
    fp.ok("done", str(rent["id"]), "--at", "2026-12-03 10:00")
    (following,) = [t for t in by_title(all_tasks(fp), "Pay rent") if t["status"] == "open"]
    assert following["due"].startswith("2026-12-30")


def test_todotxt_plain_rec_counts_from_the_completion(fp: Focusplan, todo_file: Path) -> None:
    fp.ok("import", str(todo_file))
    (plants,) = by_title(all_tasks(fp), "Water the plants")
    fp.ok("done", str(plants["id"]), "--at", "2026-11-26 19:00")
    following = [t for t in by_title(all_tasks(fp), "Water the plants") if t["status"] == "open"]
    assert [t["not_before"] for t in following] == ["2026-12-03T00:00:00+01:00"]


def test_importing_the_same_todotxt_twice_changes_nothing(fp: Focusplan, todo_file: Path) -> None:
    fp.ok("import", str(todo_file))
    first = all_tasks(fp)
    fp.ok("import", str(todo_file))
    again = all_tasks(fp)
    for task in (*first, *again):
        task.pop("updated_at")
    assert again == first


# --- the JSON backup -----------------------------------------------------------------------------


def test_the_backup_round_trips_a_series(fp: Focusplan, tmp_path: Path) -> None:
    fp.ok(
        "add", "Rent", "--recur", "monthly", "--recur-from", "due", "--due", "2026-01-31 09:00",
        "--until", "2027-06-30",
    )  # fmt: skip
    fp.ok("done", "1", "--at", "2026-01-31 10:00")
    backup = tmp_path / "backup.json"
    fp.ok("export", "json", "-o", str(backup))
    restored = Focusplan(tmp_path / "restored.sqlite3")
    restored.ok("import", str(backup))
    keys = ("title", "status", "due", "recur", "recur_from", "recur_until", "recur_anchor")
    series_fields = ("series_id",)

    def shape(tasks: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [tuple(task[key] for key in (*keys, *series_fields)) for task in tasks]

    restored_tasks = restored.ok("list", "--all", "--json").json()
    assert shape(restored_tasks) == shape(all_tasks(fp))
    # The restored series goes on as the original would: Feb 28, then Mar 31.
    restored.ok("done", str(restored_tasks[-1]["id"]))
    (following,) = restored.ok("list", "--json").json()
    assert following["due"] == "2026-03-31T09:00:00+02:00"
