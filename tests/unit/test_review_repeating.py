"""The review counts the instances of each repeating task closed in the week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from focusplan.domain import Task
from focusplan.review.figures import series_weeks, week_bounds

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=PARIS)


def instance(task_id: int, series: str | None, **fields: object) -> Task:
    values: dict[str, object] = {
        "title": f"series {series}",
        "created_at": at(1),
        "recur": "daily" if series else None,
        "series_id": series,
    }
    values.update(fields)
    if values.get("completed_at") is not None:
        values["status"] = "done"
    if values.get("dropped_at") is not None:
        values["status"] = "dropped"
    return Task(id=task_id, **values)


def test_each_series_counts_its_done_and_dropped_instances_of_the_week() -> None:
    start, end = week_bounds(dt.date(2026, 11, 18), PARIS)  # Mon 16 – Sun 22
    tasks = [
        instance(1, "a", completed_at=at(16)),
        instance(2, "a", completed_at=at(17)),
        instance(3, "a", dropped_at=at(18)),
        instance(4, "a"),  # the open one: not counted
        instance(5, "a", completed_at=at(23)),  # next week
        instance(6, "b", completed_at=at(15)),  # the week before
        instance(7, "c", title="renamed", completed_at=at(20)),
        instance(8, None, completed_at=at(17)),  # a one-off task
    ]
    weeks = series_weeks(tasks, start, end)
    assert [(w.series_id, w.done, w.dropped) for w in weeks] == [("a", 2, 1), ("c", 1, 0)]
    assert weeks[1].title == "renamed" and weeks[0].recur == "daily"
