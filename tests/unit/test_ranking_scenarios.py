"""Cold-start decisions a thoughtful person would agree with (issue 11).

Hand-made task sets whose right answer is not in doubt, ranked with the default
weights and the same context the CLI builds (`ranking_context`). They pin the
decisions, not the numbers: who comes first, who beats whom.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from focusplan.attention.ranking import rank_tasks
from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import ContextEvent, EnergyLog, FocusSession, Task
from focusplan.services.ranking import ranking_context

ZONE = ZoneInfo("Europe/Paris")
WEDNESDAY = dt.datetime(2026, 12, 2, 0, 0, tzinfo=ZONE)
HOUR = dt.timedelta(hours=1)


def at(hour: float, day: dt.datetime = WEDNESDAY) -> dt.datetime:
    return day + dt.timedelta(hours=hour)


def task(task_id: int, title: str, **fields: Any) -> Task:
    fields.setdefault("created_at", WEDNESDAY - dt.timedelta(days=3))
    return Task(id=task_id, title=title, **fields)


def ranked(
    tasks: Sequence[Task],
    moment: dt.datetime,
    *,
    energy: Sequence[EnergyLog] = (),
    events: Sequence[ContextEvent] = (),
    sessions: Sequence[FocusSession] = (),
) -> list[str]:
    """Titles best first, as `focusplan rank --at moment` would list them."""
    ctx, _ = ranking_context(moment, tasks=tasks, energy=energy, events=events, sessions=sessions)
    result = rank_tasks(tasks, ctx, DEFAULT_WEIGHTS)
    titles = {t.id: t.title for t in tasks}
    return [titles[int(i)] for i in result.ids]


def a_working_week(now: dt.datetime) -> list[Task]:
    """A plausible open list: big important work due in days, small chores, no rush."""
    return [
        task(1, "Write grant proposal", importance=5, demand="high", estimate_minutes=180,
             due=now + 56 * HOUR, project="grant"),
        task(2, "Review PR", importance=3, demand="medium", estimate_minutes=30,
             due=now + 32 * HOUR, project="code"),
        task(3, "Prepare slides", importance=4, demand="high", estimate_minutes=120,
             due=now + 72 * HOUR, project="talk"),
        task(4, "Expense report", importance=2, demand="low", estimate_minutes=20),
        task(5, "Read paper", importance=3, demand="medium", estimate_minutes=45),
        task(6, "Plan sprint", importance=4, demand="medium", estimate_minutes=60,
             due=now + 48 * HOUR, project="code"),
        task(7, "Call plumber", importance=2, demand="low", estimate_minutes=15),
        task(8, "Refactor module", importance=4, demand="high", estimate_minutes=120,
             project="code"),
    ]  # fmt: skip


# --- what is due in hours, or overdue, and short, comes first ------------------------------


def test_a_ten_minute_reply_due_within_the_hour_comes_first() -> None:
    # `rank --at "tomorrow 9am"` put "Reply to Anna" 7th of 9 at 1.6%.
    now = at(9)
    tasks = [
        *a_working_week(now),
        task(9, "Reply to Anna", importance=3, demand="low", estimate_minutes=10,
             due=at(10)),
    ]  # fmt: skip
    assert ranked(tasks, now)[0] == "Reply to Anna"


def test_overdue_short_task_and_overdue_report_top_the_list() -> None:
    now = at(10)
    tasks = [
        *a_working_week(now),
        task(9, "Send invoice", importance=3, demand="low", estimate_minutes=20, due=at(-14)),
        task(10, "Quarterly report", importance=3, demand="medium", estimate_minutes=90,
             due=now - 48 * HOUR),
    ]  # fmt: skip
    assert set(ranked(tasks, now)[:2]) == {"Send invoice", "Quarterly report"}


def test_of_two_overdue_tasks_alike_the_quick_one_is_cleared_first() -> None:
    now = at(10)
    tasks = [
        *a_working_week(now),
        task(9, "Fix the invoice typo", importance=3, estimate_minutes=10, due=at(-1)),
        task(10, "Rewrite the invoice tool", importance=3, estimate_minutes=180, due=at(-1)),
    ]
    order = ranked(tasks, now)
    assert order.index("Fix the invoice typo") < order.index("Rewrite the invoice tool")
    assert order[0] == "Fix the invoice typo"


def test_a_short_task_due_this_afternoon_beats_important_work_due_in_days() -> None:
    now = at(13)
    tasks = [
        *a_working_week(now),
        task(9, "Sign the lease", importance=3, demand="low", estimate_minutes=15, due=at(16)),
    ]
    assert ranked(tasks, now)[0] == "Sign the lease"


def test_far_deadlines_do_not_outrank_importance() -> None:
    # Due in three weeks is not urgent: the important task goes first.
    now = at(10)
    tasks = [
        task(1, "Important, no rush", importance=5, estimate_minutes=60),
        task(2, "Minor, due in 3 weeks", importance=2, estimate_minutes=60,
             due=now + 21 * 24 * HOUR),
    ]  # fmt: skip
    assert ranked(tasks, now)[0] == "Important, no rush"


# --- deep work in the peak hours, light work in the dip -------------------------------------


def deep_and_light() -> list[Task]:
    shared: dict[str, Any] = {"importance": 3, "estimate_minutes": 60}
    return [
        task(1, "Deep work", demand="high", **shared),
        task(2, "Light work", demand="low", **shared),
    ]


def test_without_logs_deep_work_leads_in_the_late_morning_and_light_work_in_the_dip() -> None:
    tasks = deep_and_light()
    assert ranked(tasks, at(11))[0] == "Deep work"
    assert ranked(tasks, at(14.5))[0] == "Light work"


def evening_person(days: int = 21) -> list[EnergyLog]:
    """Logs of someone flat in the morning and at their best around 17:00."""
    logs = []
    for day in range(1, days + 1):
        base = WEDNESDAY - dt.timedelta(days=day)
        for hour, level in ((9, 2), (11, 2), (14, 3), (17, 5), (19, 4)):
            logs.append(EnergyLog(id=len(logs) + 1, at=at(hour, base), level=level))
    return logs


def test_the_persons_own_peak_hours_get_the_deep_work() -> None:
    tasks = deep_and_light()
    logs = evening_person()
    assert ranked(tasks, at(17), energy=logs)[0] == "Deep work"
    assert ranked(tasks, at(10), energy=logs)[0] == "Light work"


def test_a_person_whose_mondays_are_flat_gets_light_work_on_monday_mornings() -> None:
    # Eight weeks of drained Mondays (1) and good other weekdays (4): on average a 3.4
    # at 10:00, which alone would say "deep work" on a Monday too.
    logs = []
    for week in range(1, 9):
        for offset in range(5):  # Monday .. Friday
            day = WEDNESDAY - dt.timedelta(weeks=week, days=2) + dt.timedelta(days=offset)
            level = 1 if offset == 0 else 4
            logs.append(EnergyLog(id=len(logs) + 1, at=at(10, day), level=level))
    monday, tuesday = WEDNESDAY - dt.timedelta(days=2), WEDNESDAY - dt.timedelta(days=1)
    tasks = deep_and_light()
    assert ranked(tasks, at(10.5, monday), energy=logs)[0] == "Light work"
    assert ranked(tasks, at(10.5, tuesday), energy=logs)[0] == "Deep work"


# --- context: the last task, the next meeting ----------------------------------------------


def test_after_finishing_a_thesis_task_the_next_thesis_task_leads() -> None:
    now = at(10)
    tasks = [
        task(1, "Thesis: fix figure", project="thesis", status="done", completed_at=now - HOUR / 4),
        task(2, "House: compare insurers", project="house"),
        task(3, "Thesis: tidy references", project="thesis"),
    ]
    assert ranked(tasks, now)[0] == "Thesis: tidy references"
    # The same list before anything was done: no lean to either project.
    fresh = [t.model_copy(update={"status": "open", "completed_at": None}) for t in tasks]
    order = ranked(fresh, now)
    assert order.index("House: compare insurers") < order.index("Thesis: tidy references")


def test_half_an_hour_before_a_meeting_the_task_that_fits_leads() -> None:
    now = at(10)
    tasks = [
        task(1, "Outline the chapter", importance=3, estimate_minutes=120),
        task(2, "Answer the form", importance=3, estimate_minutes=20),
    ]
    meeting = ContextEvent(id=1, start=now + HOUR / 2, end=now + 2 * HOUR, title="standup")
    assert ranked(tasks, now)[0] == "Outline the chapter"
    assert ranked(tasks, now, events=[meeting])[0] == "Answer the form"


def test_the_task_in_focus_keeps_the_lead_over_an_equal_one() -> None:
    now = at(10)
    tasks = [task(1, "Other", project="a"), task(2, "Started", project="b")]
    focus = FocusSession(id=1, task_id=2, start=now - HOUR / 2)
    assert ranked(tasks, now, sessions=[focus])[0] == "Started"
