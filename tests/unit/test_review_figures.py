"""Week figures of the review on a hand-made week whose answers are known."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from focusplan.cli.review_render import review_json
from focusplan.domain import DayPlan, EnergyLog, FocusSession, PlanBlock, Task
from focusplan.review import WeekFigures, part_of_day, week_bounds, week_figures

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def task(task_id: int, **fields: object) -> Task:
    values: dict[str, object] = {"title": f"task {task_id}", "created_at": at(2, 9)}
    values.update(fields)
    if values.get("completed_at") is not None:
        values["status"] = "done"
    return Task(id=task_id, **values)


TASKS = [
    task(1, project="thesis", tags=("writing",), demand="high", estimate_minutes=60,
         completed_at=at(16, 10, 30), actual_minutes=90),
    task(2, project="ops", demand="low", estimate_minutes=20,
         completed_at=at(16, 15), actual_minutes=10),
    task(3, project="ops", tags=("dev", "review"), demand="medium", estimate_minutes=30,
         completed_at=at(17, 18), actual_minutes=30),
    task(4, demand="low", estimate_minutes=15, completed_at=at(18, 9)),
    task(5, completed_at=at(15, 23)),  # the Sunday before: another week
    task(6, importance=4, due=at(20, 17)),
    task(7, importance=2, created_at=dt.datetime(2026, 10, 1, 9, tzinfo=PARIS)),
    task(8, importance=2, project="home", tags=("errand",),
         created_at=dt.datetime(2026, 10, 1, 9, tzinfo=PARIS)),
    task(9, importance=3, created_at=dt.datetime(2026, 10, 1, 9, tzinfo=PARIS)),
]  # fmt: skip
SESSIONS = [
    FocusSession(id=1, task_id=1, start=at(16, 9), end=at(16, 10, 30)),
    FocusSession(id=2, task_id=8, start=at(19, 14), end=at(19, 14, 45)),
    FocusSession(id=3, task_id=3, start=at(22, 23, 30), end=at(23, 0, 30)),
]


def focus(task_id: int, start: dt.datetime, minutes: int) -> PlanBlock:
    return PlanBlock(
        start=start, end=start + dt.timedelta(minutes=minutes), kind="focus", task_id=task_id
    )


PLANS = [
    DayPlan(
        date=dt.date(2026, 11, 16),
        blocks=(
            focus(1, at(16, 9), 90),
            PlanBlock(start=at(16, 10, 30), end=at(16, 10, 45), kind="break"),
            focus(2, at(16, 14), 30),
        ),
    ),
    DayPlan(
        date=dt.date(2026, 11, 17), blocks=(focus(3, at(17, 10), 30), focus(6, at(17, 11), 60))
    ),
    DayPlan(date=dt.date(2026, 11, 24), blocks=(focus(6, at(24, 9), 60),)),  # next week
]
ENERGY = [
    EnergyLog(id=1, at=at(16, 9, 10), level=4),
    EnergyLog(id=2, at=at(17, 9, 40), level=2),
    EnergyLog(id=3, at=at(18, 14), level=3),
    EnergyLog(id=4, at=at(12, 9), level=5),  # the week before
]


@pytest.fixture(scope="module")
def figures() -> WeekFigures:
    return week_figures(
        dt.date(2026, 11, 19),
        zone=PARIS,
        now=NOW,
        tasks=TASKS,
        sessions=SESSIONS,
        plans=PLANS,
        energy=ENERGY,
    )


def test_the_week_runs_monday_to_sunday_in_local_time() -> None:
    start, end = week_bounds(dt.date(2026, 11, 22), PARIS)
    assert start == at(16, 0)
    assert end == at(23, 0)


def test_completed_counts_only_the_weeks_completions_per_day(figures: WeekFigures) -> None:
    assert figures.completed == 4
    assert [day.completed for day in figures.days] == [2, 1, 1, 0, 0, 0, 0]


def test_planned_counts_focus_blocks_of_the_weeks_plans(figures: WeekFigures) -> None:
    assert figures.planned == 4
    assert [day.planned for day in figures.days] == [2, 2, 0, 0, 0, 0, 0]
    assert [day.planned_done for day in figures.days][:2] == [2, 1]
    assert figures.days[0].planned_minutes == 120


def test_focus_minutes_by_project_and_tag_clip_sessions_to_the_week(figures: WeekFigures) -> None:
    assert figures.focus_by_project == {"thesis": 90, "home": 45, "ops": 30}
    assert figures.focus_by_tag == {"writing": 90, "errand": 45, "dev": 30, "review": 30}
    assert figures.focus_minutes == 165
    assert [day.focus_minutes for day in figures.days] == [90, 0, 0, 45, 0, 0, 30]


def test_energy_by_hour_is_the_mean_of_the_weeks_logs(figures: WeekFigures) -> None:
    assert len(figures.energy_by_hour) == 24
    assert figures.energy_by_hour[9] == 3.0
    assert figures.energy_by_hour[14] == 3.0
    assert sum(value is not None for value in figures.energy_by_hour) == 2
    assert figures.energy_logs == 3


def test_completions_by_demand_and_part_of_day(figures: WeekFigures) -> None:
    grid = figures.completion_by_demand_part
    assert grid["high"] == {"morning": 1, "afternoon": 0, "evening": 0}
    assert grid["low"] == {"morning": 1, "afternoon": 1, "evening": 0}
    assert grid["medium"] == {"morning": 0, "afternoon": 0, "evening": 1}


@pytest.mark.parametrize(
    ("hour", "part"), [(4, "evening"), (5, "morning"), (11, "morning"), (12, "afternoon"),
                       (16, "afternoon"), (17, "evening"), (23, "evening")],
)  # fmt: skip
def test_parts_of_day(hour: int, part: str) -> None:
    assert part_of_day(hour) == part


def test_estimate_accuracy_is_the_median_ratio_of_completions_with_minutes(
    figures: WeekFigures,
) -> None:
    accuracy = figures.estimate_accuracy
    assert accuracy.overall is not None
    assert (accuracy.overall.median, accuracy.overall.count) == (1.0, 3)
    assert {k: v.median for k, v in accuracy.by_demand.items()} == {
        "low": 0.5,
        "medium": 1.0,
        "high": 1.5,
    }
    assert {k: v.median for k, v in accuracy.by_project.items()} == {"ops": 0.75, "thesis": 1.5}


def test_overdue_lists_open_tasks_due_before_now(figures: WeekFigures) -> None:
    assert [(note.id, note.days) for note in figures.overdue] == [(6, 2.7)]


def test_stale_proposes_unimportant_untouched_tasks_only(figures: WeekFigures) -> None:
    # 8 was focused on this week and 9 matters (importance 3): only 7 is stale.
    assert [note.id for note in figures.stale] == [7]
    assert figures.stale[0].days == pytest.approx((NOW - TASKS[6].created_at).days, abs=1)


def test_review_json_has_the_contract_keys_for_the_figures(figures: WeekFigures) -> None:
    from focusplan.review import LearningSummary, WeekReview

    report = WeekReview(
        figures=figures,
        learning=LearningSummary(
            fit_from=dt.date(2026, 10, 19), fit_choices=0, heldout_choices=0,
            before=None, after=None, verdict="no data",
        ),
        suggestion=None,
    )  # fmt: skip
    data = review_json(report)
    assert data["week_start"] == "2026-11-16"
    assert data["completed"] == 4
    assert data["planned"] == 4
    assert data["suggestion"] is None
    assert {"focus_by_project", "energy_by_hour", "stale", "overdue", "estimate_accuracy"} <= set(
        data
    )
