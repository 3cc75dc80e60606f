"""Hand-made days whose right plan a person would agree with (issue 11, the day plan).

Each test is one decision a thoughtful person would make, checked on a small day
built for it: a morning person (fresh at 11:00, drained after lunch), a handful of
tasks, sometimes meetings. The ranking's weights are the defaults unless a test
says otherwise; where a decision belongs to the planner alone, the test uses
weights blind to the feature the ranking would otherwise lean on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import ContextEvent, DayPlan, EnergyLog, PlanBlock, Task
from focusplan.planner import WorkingDay, plan_day

ZONE = ZoneInfo("Europe/Paris")
WEDNESDAY = dt.date(2026, 11, 25)
FRIDAY = dt.date(2026, 11, 27)
WORK = WorkingDay(zone="Europe/Paris")
DEADLINE_BLIND = {
    **DEFAULT_WEIGHTS,
    "residual.deadline": 0.0,
    "attn.bias×deadline": 0.0,
    "value.deadline": 0.0,
}


def at(hour: int, minute: int = 0, day: dt.date = WEDNESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def days_from(day: dt.date, offset: int) -> dt.date:
    return day + dt.timedelta(days=offset)


CREATED = at(8, day=days_from(WEDNESDAY, -3))


def task(task_id: int, title: str, **fields: Any) -> Task:
    return Task(id=task_id, title=title, created_at=fields.pop("created_at", CREATED), **fields)


def morning_person(before: dt.date = WEDNESDAY) -> list[EnergyLog]:
    """Two weeks of logs: warming up at 9, peak 11–12, drained after lunch."""
    pattern = [(9, 0, 3), (10, 0, 4), (11, 0, 5), (12, 0, 4), (14, 0, 2), (15, 30, 3), (17, 0, 2)]
    logs: list[EnergyLog] = []
    for back in range(1, 15):
        day = days_from(before, -back)
        for hour, minute, level in pattern:
            logs.append(EnergyLog(id=len(logs) + 1, at=at(hour, minute, day), level=level))
    return logs


def plan(
    tasks: list[Task],
    events: list[ContextEvent] | None = None,
    day: dt.date = WEDNESDAY,
    weights: dict[str, float] | None = None,
) -> DayPlan:
    return plan_day(day, tasks, events or [], morning_person(day), weights or DEFAULT_WEIGHTS, WORK)


def meeting(event_id: int, start: dt.datetime, end: dt.datetime, title: str) -> ContextEvent:
    return ContextEvent(id=event_id, start=start, end=end, title=title)


def focus(result: DayPlan, task_id: int | None = None) -> list[PlanBlock]:
    return [
        b for b in result.blocks if b.kind == "focus" and (task_id is None or b.task_id == task_id)
    ]


def weighted_energy(blocks: list[PlanBlock]) -> float:
    minutes = sum(b.minutes for b in blocks)
    return sum((b.energy or 0) * b.minutes for b in blocks) / minutes


def named(result: DayPlan, title: str) -> list[str]:
    return [note for note in result.notes if f"'{title}'" in note]


# --------------------------------------------------------------------------- energy fit


def _proposal_day() -> list[Task]:
    return [
        task(1, "Write proposal", importance=4, demand="high", estimate_minutes=180,
             due=at(17, day=FRIDAY)),
        task(2, "Collect budget quotes", importance=3, demand="low", estimate_minutes=45),
        task(3, "Call plumber", importance=2, demand="low", estimate_minutes=20),
        task(4, "Review PR", importance=3, demand="medium", estimate_minutes=60),
        task(5, "Expenses", importance=2, demand="low", estimate_minutes=30),
    ]  # fmt: skip


def test_a_long_demanding_task_gets_the_peak_and_the_chores_get_the_dip() -> None:
    result = plan(_proposal_day())
    proposal = focus(result, 1)
    chores = [b for b in focus(result) if b.task_id in (2, 3, 5)]
    assert sum(b.minutes for b in proposal) == 180
    # The freshest hour of the day (11:00–12:00) is the proposal's, not a chore's.
    peak = max(focus(result), key=lambda b: b.energy or 0)
    assert peak.task_id == 1
    assert all(not (b.start < at(12) and at(11) < b.end) for b in chores)
    # Most of it before lunch, in one stretch of fresh hours, not half in the afternoon.
    assert sum(b.minutes for b in proposal if b.end <= at(12, 30)) >= 150
    assert weighted_energy(proposal) >= weighted_energy(chores) + 0.75


def test_the_best_hours_go_to_demanding_work_even_when_the_ranking_ignores_energy() -> None:
    energy_blind = {**DEFAULT_WEIGHTS, "attn.energy×demand": 0.0, "attn.hour_sin×demand": 0.0}
    result = plan(_proposal_day(), weights=energy_blind)
    peak = max(focus(result), key=lambda b: b.energy or 0)
    assert peak.task_id == 1
    assert "your best hours for demanding work" in peak.reason


def test_demanding_work_in_the_afternoon_is_not_called_the_best_hours() -> None:
    # More demanding work than the morning holds: what goes to the afternoon's rise is
    # the best energy left, and the reason must not claim the day's best hours.
    tasks = [
        task(1, "Write proposal", importance=5, demand="high", estimate_minutes=240),
        task(2, "Design study", importance=5, demand="high", estimate_minutes=180),
        task(3, "Call plumber", importance=2, demand="low", estimate_minutes=20),
    ]
    result = plan(tasks)
    demanding = [b for b in focus(result) if b.task_id in (1, 2)]
    peak = max((b.energy or 0) for b in focus(result))
    said_best = [b for b in demanding if "your best hours" in b.reason]
    assert said_best, "the morning's demanding blocks are its best hours"
    assert all((b.energy or 0) >= peak - 0.5 for b in said_best)
    late = [b for b in demanding if b.start >= at(14)]
    assert late and all(
        "your best hours" not in b.reason for b in late if (b.energy or 0) < peak - 0.5
    )


# --------------------------------------------------------------------------- due times


def _full_morning() -> list[Task]:
    return [
        task(10 + k, f"Deep work {k}", importance=5, demand="high", estimate_minutes=90)
        for k in range(5)
    ]


def test_a_task_due_at_nine_tomorrow_is_planned_today() -> None:
    anna = task(1, "Reply to Anna", importance=2, estimate_minutes=10,
                due=at(9, day=days_from(WEDNESDAY, 1)))  # fmt: skip
    result = plan([*_full_morning(), anna], weights=DEADLINE_BLIND)
    (block,) = focus(result, 1)
    assert block.end <= at(17, 30)
    assert "due tomorrow 09:00" in block.reason
    assert named(result, "Reply to Anna") == []


def test_a_task_due_at_nine_tomorrow_that_cannot_fit_today_is_named_today() -> None:
    anna = task(1, "Reply to Anna", estimate_minutes=60, due=at(9, day=days_from(WEDNESDAY, 1)))
    offsite = meeting(1, at(9), at(17, 30), "Offsite")
    result = plan([anna], [offsite])
    assert focus(result, 1) == []
    assert named(result, "Reply to Anna") == [
        "'Reply to Anna' is due tomorrow 09:00, before your next working day, "
        "and cannot be finished today"
    ]


def test_on_friday_a_task_due_monday_nine_is_friday_work() -> None:
    report = task(1, "Weekly report", importance=2, estimate_minutes=45,
                  due=at(9, day=days_from(FRIDAY, 3)))  # fmt: skip
    result = plan([*_full_morning(), report], day=FRIDAY, weights=DEADLINE_BLIND)
    assert sum(b.minutes for b in focus(result, 1)) == 45
    assert "due Mon 09:00" in focus(result, 1)[0].reason


def test_a_task_due_this_afternoon_finishes_before_its_due_time() -> None:
    invoice = task(1, "Send invoice", importance=1, estimate_minutes=45, due=at(14))
    result = plan([*_full_morning(), invoice], weights=DEADLINE_BLIND)
    blocks = focus(result, 1)
    assert sum(b.minutes for b in blocks) == 45
    assert blocks[-1].end <= at(14)


def test_an_overdue_short_task_goes_first_not_after_hours_on_a_later_deadline() -> None:
    big = task(1, "Quarterly plan", importance=4, demand="high", estimate_minutes=150,
               due=at(17, day=days_from(WEDNESDAY, 5)))  # fmt: skip
    fine = task(2, "Pay parking fine", importance=3, demand="low", estimate_minutes=20,
                due=at(17, day=days_from(WEDNESDAY, -1)))  # fmt: skip
    result = plan([big, fine])
    first = focus(result)[0]
    assert first.task_id == 2
    assert first.start == at(9)
    assert "overdue" in first.reason


# --------------------------------------------------------------------------- what is left out


def _chain_day() -> tuple[list[Task], list[ContextEvent]]:
    friday = at(17, day=FRIDAY)
    tasks = [
        task(10, "Draft spec", importance=4, demand="high", estimate_minutes=120),
        task(11, "Build", importance=3, estimate_minutes=120, depends_on=(10,), due=friday),
        task(12, "Ship", importance=3, estimate_minutes=60, depends_on=(11,), due=friday),
        task(13, "Tidy desk", importance=1, demand="low", estimate_minutes=45),
        task(14, "Sort photos", importance=1, demand="low", estimate_minutes=60),
        task(15, "Report", importance=3, demand="medium", estimate_minutes=90, due=at(16)),
    ]
    events = [meeting(1, at(9), at(10, 30), "Workshop"), meeting(2, at(14), at(16), "Offsite")]
    return tasks, events


def test_when_time_is_short_an_important_task_is_not_displaced_by_a_chore() -> None:
    tasks, events = _chain_day()
    result = plan(tasks, events)
    assert sum(b.minutes for b in focus(result, 10)) == 120
    assert focus(result, 13) == []
    assert focus(result, 14) == []
    assert focus(result, 15)[-1].end <= at(16)


def test_an_important_task_that_waits_for_another_is_named_with_the_reason() -> None:
    tasks, events = _chain_day()
    blocked = task(16, "Sign contract", importance=5, estimate_minutes=30, depends_on=(12,))
    result = plan([*tasks, blocked], events)
    assert named(result, "Sign contract") == [
        "'Sign contract' (importance 5) is not planned today: it waits for 'Ship'"
    ]


def test_an_important_task_crowded_out_is_named_with_the_reason() -> None:
    dues = [
        task(k, f"Due {k}", importance=5, estimate_minutes=90, due=at(17, 30)) for k in range(1, 6)
    ]
    spec = task(10, "Draft spec", importance=4, demand="high", estimate_minutes=120)
    result = plan([*dues, spec])
    assert focus(result, 10) == []
    (note,) = named(result, "Draft spec")
    assert note.startswith("'Draft spec' (importance 4) is not planned today: ")
    assert "due sooner" in note


def test_a_planned_or_unimportant_task_is_not_named() -> None:
    result = plan(_proposal_day())
    assert result.notes == ()


# --------------------------------------------------------------------------- shape and words


def test_the_day_ends_with_work_not_a_break() -> None:
    result = plan(_proposal_day())
    assert result.blocks[-1].kind == "focus"


def test_the_first_block_of_a_long_task_says_what_is_left_after_it() -> None:
    result = plan(_proposal_day())
    first = focus(result, 1)[0]
    assert "min more later" in first.reason
    assert "min left" not in first.reason
    assert "continues" not in first.reason


def test_no_reason_claims_urgency_in_the_present_tense() -> None:
    # A plan made for tomorrow: "must start now" would be false at any of its blocks.
    tomorrow = days_from(WEDNESDAY, 1)
    tasks = [
        *_full_morning(),
        task(1, "Invoice", importance=1, estimate_minutes=60, due=at(17, day=tomorrow)),
    ]
    result = plan(tasks, day=tomorrow, weights=DEADLINE_BLIND)
    assert focus(result, 1)
    assert all("now" not in b.reason for b in focus(result))
    assert "due today 17:00" in focus(result, 1)[0].reason


def test_hours_left_in_the_day_are_said_as_they_are_at_the_block() -> None:
    tasks = [
        task(k, f"Task {k}", importance=3, demand="medium", estimate_minutes=(90, 20)[k % 2])
        for k in range(1, 9)
    ]
    result = plan(tasks)
    said = 0
    for block in focus(result):
        match = re.search(r"([\d.]+) (h|min) left today", block.reason)
        if match is None:
            continue
        said += 1
        hours = float(match[1]) / (60 if match[2] == "min" else 1)
        real = (at(17, 30) - block.start).total_seconds() / 3600
        assert abs(hours - real) <= 0.25 + 1e-9, block.reason
    assert said


def test_a_task_created_a_minute_ago_is_not_waiting_a_while() -> None:
    fresh = task(1, "Just added", importance=3, estimate_minutes=30, created_at=at(8, 59))
    old = task(2, "From last month", importance=3, estimate_minutes=30,
               created_at=at(9, day=days_from(WEDNESDAY, -30)))  # fmt: skip
    result = plan([fresh, old])
    assert "open for" not in focus(result, 1)[0].reason


def test_block_reasons_are_the_rankings_sentences() -> None:
    # One vocabulary: what `rank --explain` says of a task is what its block says.
    result = plan(_proposal_day())
    proposal = focus(result, 1)[0]
    assert "important (4/5)" in proposal.reason
    assert "fits high energy" not in proposal.reason  # the planner's old private phrase


def test_an_absence_is_never_a_reason_for_a_block() -> None:
    # Beside tasks kept for the evening or blocking others, a plain task can rank above
    # the average one for what it lacks; "no preferred time of day" is still no reason
    # to work on it now.
    tasks = [
        task(1, "Plain", importance=3, estimate_minutes=20),
        task(2, "Evening reading", importance=3, estimate_minutes=60, window="evening"),
        task(3, "Night batch", importance=3, estimate_minutes=60, window="evening"),
        task(4, "Blocker", importance=2, estimate_minutes=30),
        task(5, "Waits", importance=2, estimate_minutes=30, depends_on=(4,)),
    ]
    result = plan(tasks)
    assert focus(result, 1)
    absences = ("no preferred time", "nothing waits on it", "no due date")
    for block in focus(result):
        assert not any(words in block.reason for words in absences), block.reason


def test_project_deadline_is_said_only_when_a_project_mate_is_due_soon() -> None:
    # Both projects hold a dated task; only the 'launch' one is due within days.
    tasks = [
        task(1, "Launch post", importance=3, estimate_minutes=30, project="launch",
             due=at(17, day=days_from(WEDNESDAY, 1))),
        task(2, "Launch slides", importance=3, estimate_minutes=45, project="launch"),
        task(3, "Archive plan", importance=3, estimate_minutes=30, project="archive",
             due=at(17, day=days_from(WEDNESDAY, 40))),
        task(4, "Archive boxes", importance=3, estimate_minutes=45, project="archive"),
    ]  # fmt: skip
    result = plan(tasks)
    for block in focus(result):
        if block.task_id == 4:
            assert "a deadline near" not in block.reason
            assert "project deadline" not in block.reason  # what the old phrase table said
    slides = focus(result, 2)
    assert slides and all(b.task_id == 2 for b in slides)


def test_work_the_day_cannot_finish_is_left_for_another_day_with_a_note() -> None:
    tasks = [task(1, "Thesis chapter", importance=5, demand="high", estimate_minutes=12 * 60)]
    result = plan(tasks)
    planned = sum(b.minutes for b in focus(result, 1))
    (note,) = named(result, "Thesis chapter")
    assert note == f"'Thesis chapter' goes on another day: {12 * 60 - round(planned)} min left"


def test_an_overdue_short_task_still_waits_for_its_dependency() -> None:
    draft = task(1, "Draft the letter", importance=3, estimate_minutes=45)
    send = task(2, "Send the letter", importance=3, estimate_minutes=15, depends_on=(1,),
                due=at(17, day=days_from(WEDNESDAY, -1)))  # fmt: skip
    result = plan([draft, send])
    assert focus(result)[0].task_id == 1
    assert focus(result, 2)[0].start >= focus(result, 1)[-1].end


def test_a_left_out_task_that_holds_up_a_chain_says_what_it_holds_up() -> None:
    tasks, _ = _chain_day()
    dues = [
        task(k, f"Due {k}", importance=5, estimate_minutes=90, due=at(17, 30)) for k in range(1, 6)
    ]
    result = plan([*dues, *tasks])
    (note,) = named(result, "Draft spec")
    assert note.startswith(
        "'Draft spec' (importance 4, holds up 'Build' due Fri 17:00) is not planned today: "
    )


def test_a_backlog_of_due_tasks_is_counted_in_the_notes_not_listed() -> None:
    dues = [
        task(k, f"Due {k}", importance=3, estimate_minutes=60, due=at(9, 30)) for k in range(1, 31)
    ]
    result = plan(dues)
    due_notes = [n for n in result.notes if "due" in n]
    assert len(due_notes) == 9
    assert due_notes[-1] == "22 more tasks due by then cannot be finished in time"
