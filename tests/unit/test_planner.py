"""The day planner, one behaviour per test (properties live in test_planner_properties.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import ContextEvent, DayPlan, EnergyLog, PlanBlock, Task
from focusplan.planner import WorkingDay, plan_day, tasks_after

ZONE = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 23)
SATURDAY = dt.date(2026, 11, 28)
WORK = WorkingDay(zone="Europe/Paris")
NO_LUNCH = WorkingDay(zone="Europe/Paris", lunch_start=None, lunch_end=None)
# Weights that ignore due dates: the planner alone must then keep due times.
DEADLINE_BLIND = {
    **DEFAULT_WEIGHTS,
    "residual.deadline": 0.0,
    "attn.bias×deadline": 0.0,
    "value.deadline": 0.0,
}


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


CREATED = at(8, day=MONDAY - dt.timedelta(days=7))


def task(task_id: int, title: str | None = None, **fields: Any) -> Task:
    return Task(id=task_id, title=title or f"task {task_id}", created_at=CREATED, **fields)


_EVENT_IDS = itertools.count(1)


def event(
    start: dt.datetime, end: dt.datetime, title: str = "Meeting", all_day: bool = False
) -> ContextEvent:
    return ContextEvent(id=next(_EVENT_IDS), start=start, end=end, title=title, all_day=all_day)


def morning_person_logs(days: int = 14, before: dt.date = MONDAY) -> list[EnergyLog]:
    """Fresh in the morning, drained after lunch: a clear curve to plan against."""
    logs: list[EnergyLog] = []
    pattern = [(9, 30, 5), (11, 0, 4), (14, 0, 1), (15, 30, 2), (17, 0, 2)]
    for back in range(1, days + 1):
        day = before - dt.timedelta(days=back)
        for hour, minute, level in pattern:
            logs.append(EnergyLog(id=len(logs) + 1, at=at(hour, minute, day=day), level=level))
    return logs


def plan(
    tasks: list[Task],
    events: list[ContextEvent] | None = None,
    logs: list[EnergyLog] | None = None,
    working: WorkingDay = WORK,
    day: dt.date = MONDAY,
    weights: dict[str, float] | None = None,
    now: dt.datetime | None = None,
    kept: tuple[PlanBlock, ...] = (),
) -> DayPlan:
    return plan_day(
        day,
        tasks,
        events or [],
        logs if logs is not None else morning_person_logs(),
        weights or DEFAULT_WEIGHTS,
        working,
        now=now,
        kept=kept,
    )


def focus_of(result: DayPlan, task_id: int) -> list[PlanBlock]:
    return [b for b in result.blocks if b.kind == "focus" and b.task_id == task_id]


def minutes(blocks: list[PlanBlock]) -> float:
    return sum(b.minutes for b in blocks)


# --------------------------------------------------------------------------- WorkingDay


@pytest.mark.parametrize(
    "fields",
    [
        {"start": dt.time(17), "end": dt.time(9)},
        {"lunch_start": dt.time(12), "lunch_end": None},
        {"lunch_start": dt.time(13), "lunch_end": dt.time(12)},
        {"lunch_start": dt.time(8), "lunch_end": dt.time(9, 30)},
        {"min_block_minutes": 60, "max_block_minutes": 45},
        {"break_minutes": 20, "long_break_minutes": 10},
        {"weekdays": frozenset({7})},
        {"zone": "Mars/Olympus"},
        {"start": dt.time(9, tzinfo=dt.UTC)},
    ],
)
def test_working_day_rejects_inconsistent_settings(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        WorkingDay(**fields)


def test_working_day_defaults_are_nine_to_half_past_five_with_lunch() -> None:
    working = WorkingDay()
    assert (working.start, working.end) == (dt.time(9), dt.time(17, 30))
    assert (working.lunch_start, working.lunch_end) == (dt.time(12, 30), dt.time(13, 15))
    assert working.weekdays == frozenset(range(5))


def test_working_day_from_settings_turns_lunch_minutes_into_an_end() -> None:
    settings = SimpleNamespace(
        work_start=dt.time(8),
        work_end=dt.time(16),
        lunch_start=dt.time(12),
        lunch_minutes=30,
        work_days=(0, 1, 2, 3),
        break_minutes=5,
        long_break_minutes=15,
        max_block_minutes=60,
    )
    working = WorkingDay.from_settings(settings, zone="Europe/Paris")
    assert (working.start, working.end) == (dt.time(8), dt.time(16))
    assert (working.lunch_start, working.lunch_end) == (dt.time(12), dt.time(12, 30))
    assert working.weekdays == frozenset({0, 1, 2, 3})
    assert (working.break_minutes, working.long_break_minutes) == (5, 15)
    assert working.max_block_minutes == 60


def test_working_day_from_settings_without_lunch_minutes_has_no_lunch() -> None:
    settings = SimpleNamespace(lunch_start=dt.time(12), lunch_minutes=0)
    working = WorkingDay.from_settings(settings)
    assert working.lunch_start is None
    assert working.lunch_end is None


# --------------------------------------------------------------------------- days and events


def test_weekend_gives_an_empty_plan_with_a_note() -> None:
    result = plan([task(1)], day=SATURDAY)
    assert result.blocks == ()
    assert result.notes == ("Saturday 2026-11-28 is not a working day",)


def test_a_person_who_works_saturdays_gets_a_saturday_plan() -> None:
    working = WorkingDay(zone="Europe/Paris", weekdays=frozenset({5}))
    result = plan([task(1)], day=SATURDAY, working=working)
    assert [b.task_id for b in result.blocks if b.kind == "focus"] == [1]


def test_timed_event_becomes_a_fixed_event_block() -> None:
    result = plan([task(1, estimate_minutes=600)], [event(at(10), at(11), "Standup")])
    events = [b for b in result.blocks if b.kind == "event"]
    assert [(b.start, b.end, b.title) for b in events] == [(at(10), at(11), "Standup")]


def test_focus_stops_where_an_event_starts() -> None:
    result = plan([task(1, estimate_minutes=600)], [event(at(10), at(11))])
    assert any(b.kind == "focus" and b.end == at(10) for b in result.blocks)
    assert not any(b.kind != "event" and b.start < at(11) and b.end > at(10) for b in result.blocks)


def test_all_day_event_is_a_note_and_not_a_block() -> None:
    offsite = event(at(0), at(0, day=MONDAY + dt.timedelta(days=1)), "Offsite", all_day=True)
    result = plan([task(1)], [offsite])
    assert all(b.kind != "event" for b in result.blocks)
    assert "all day: Offsite" in result.notes


def test_event_reaching_outside_working_hours_is_clipped_to_the_window() -> None:
    early = event(at(8, 30), at(9, 30), "Breakfast sync")
    late = event(at(18), at(19), "Dinner")
    result = plan([task(1)], [early, late])
    events = [(b.start, b.end, b.title) for b in result.blocks if b.kind == "event"]
    assert events == [(at(9), at(9, 30), "Breakfast sync")]


def test_overlapping_events_merge_into_one_block() -> None:
    result = plan([], [event(at(10), at(11), "Design"), event(at(10, 30), at(11, 30), "1:1")])
    events = [(b.start, b.end, b.title) for b in result.blocks if b.kind == "event"]
    assert events == [(at(10), at(11, 30), "Design / 1:1")]


def test_back_to_back_events_with_one_title_stay_two_blocks() -> None:
    result = plan([], [event(at(10), at(11), "Interview"), event(at(11), at(12), "Interview")])
    events = [(b.start, b.end) for b in result.blocks if b.kind == "event"]
    assert events == [(at(10), at(11)), (at(11), at(12))]


def test_lunch_is_a_break_block() -> None:
    result = plan([])
    assert [(b.start, b.end, b.kind, b.title) for b in result.blocks] == [
        (at(12, 30), at(13, 15), "break", "Lunch")
    ]


def test_an_event_over_lunch_takes_that_part_of_it() -> None:
    result = plan([], [event(at(12), at(12, 45), "Client call")])
    lunch = [(b.start, b.end) for b in result.blocks if b.title == "Lunch"]
    assert lunch == [(at(12, 45), at(13, 15))]


# --------------------------------------------------------------------------- blocks and breaks


def test_long_task_continues_in_blocks_no_longer_than_the_maximum() -> None:
    result = plan([task(1, estimate_minutes=200)], working=NO_LUNCH)
    blocks = focus_of(result, 1)
    assert len(blocks) == 3
    assert all(b.minutes <= 90 for b in blocks)
    assert minutes(blocks) == 200


def test_a_split_leaves_no_tail_shorter_than_a_third_of_a_block() -> None:
    # 90 + 10 would resume the task for ten minutes; 85 + 15 for a quarter of an hour.
    result = plan([task(1, estimate_minutes=100)], working=NO_LUNCH)
    assert [b.minutes for b in focus_of(result, 1)] == [70, 30]


def test_a_block_runs_past_the_focus_length_to_finish_rather_than_leave_a_tail() -> None:
    working = NO_LUNCH.model_copy(update={"focus_minutes": 50})
    result = plan([task(1, estimate_minutes=65), task(2, estimate_minutes=80)], working=working)
    assert [b.minutes for b in focus_of(result, 1)] == [65]
    assert [b.minutes for b in focus_of(result, 2)] == [50, 30]


def test_a_long_task_is_not_resumed_for_a_quarter_hour_before_a_meeting() -> None:
    # 09:00-09:15 is free before a stand-up: a quick task goes there, not deep work.
    events = [event(at(9, 15), at(9, 30), "Stand-up")]
    tasks = [
        task(1, estimate_minutes=150, importance=5, demand="high"),
        task(2, estimate_minutes=15, importance=2, demand="low"),
    ]
    result = plan(tasks, events=events, working=NO_LUNCH)
    first = result.blocks[0]
    assert (first.task_id, first.start, first.end) == (2, at(9), at(9, 15))
    assert all(b.minutes >= 30 for b in focus_of(result, 1))


def test_later_blocks_of_a_task_say_it_continues() -> None:
    result = plan([task(1, estimate_minutes=200)], working=NO_LUNCH)
    first, *rest = focus_of(result, 1)
    assert "continues" not in first.reason
    assert all("continues" in b.reason for b in rest)


def test_a_quick_task_still_gets_a_minimum_block() -> None:
    result = plan([task(1, estimate_minutes=5)])
    assert [b.minutes for b in focus_of(result, 1)] == [15]


def test_every_focus_block_but_the_last_is_followed_by_a_break() -> None:
    tasks = [task(i, estimate_minutes=30) for i in range(1, 4)]
    result = plan(tasks, logs=[], working=NO_LUNCH)
    kinds = [b.kind for b in result.blocks]
    assert kinds == ["focus", "break", "focus", "break", "focus"]
    assert all(b.minutes == 10 for b in result.blocks if b.kind == "break")


def test_low_predicted_energy_earns_a_long_break() -> None:
    drained = [
        EnergyLog(id=i, at=at(h, day=MONDAY - dt.timedelta(days=d)), level=1)
        for i, (d, h) in enumerate((d, h) for d in range(1, 8) for h in (9, 11, 13, 15, 17))
    ]
    result = plan([task(1, estimate_minutes=30), task(2, estimate_minutes=30)], logs=drained)
    breaks = [b for b in result.blocks if b.title == "Break"]
    assert breaks
    assert all(b.minutes == 20 for b in breaks)


def test_no_break_runs_into_the_next_event() -> None:
    # The five minutes before the meeting stay free: a break is a rest between blocks.
    result = plan([task(1, estimate_minutes=55)], [event(at(10), at(11))], logs=[])
    assert [(b.kind, b.start, b.end) for b in result.blocks[:2]] == [
        ("focus", at(9), at(9, 55)),
        ("event", at(10), at(11)),
    ]


def test_no_break_runs_into_lunch() -> None:
    # 09:00-12:25 of work would end in a 5-minute "break" before lunch.
    tasks = [
        task(1, estimate_minutes=90),
        task(2, estimate_minutes=90),
        task(3, estimate_minutes=5),
    ]
    result = plan(tasks, [event(at(9), at(10, 45))], logs=[])
    before_lunch = [b for b in result.blocks if b.end <= at(12, 30)]
    assert before_lunch[-1].kind == "focus"
    lunch = next(b for b in result.blocks if b.title == "Lunch")
    breaks = [b for b in result.blocks if b.kind == "break" and b.title == "Break"]
    assert all(b.end < lunch.start or b.start >= lunch.end for b in breaks)
    assert all(b.end != lunch.start for b in breaks)


def test_a_gap_too_short_for_a_block_joins_the_break() -> None:
    # 9:00-9:50 focus, then 10 minutes of break would leave a 5-minute sliver before the
    # next task could start at 10:05; the stretch ends there, so no break is shown.
    result = plan([task(1, estimate_minutes=50)], [event(at(10, 5), at(11))], logs=[])
    assert [(b.kind, b.start, b.end) for b in result.blocks[:2]] == [
        ("focus", at(9), at(9, 50)),
        ("event", at(10, 5), at(11)),
    ]


def test_focus_blocks_carry_predicted_energy_and_a_reason() -> None:
    result = plan([task(1, importance=5, demand="high", estimate_minutes=60)])
    (block,) = focus_of(result, 1)
    assert block.energy is not None
    assert 1 <= block.energy <= 5
    assert block.reason


def test_a_recent_energy_log_stands_for_the_next_two_hours() -> None:
    drained_now = EnergyLog(id=999, at=at(9, 50), level=1)
    result = plan(
        [task(1, estimate_minutes=30)], logs=[*morning_person_logs(), drained_now], now=at(10)
    )
    (block,) = focus_of(result, 1)
    assert block.energy == 1.0
    assert [b.minutes for b in result.blocks if b.title == "Break"] == [20]


def test_a_short_night_lowers_the_predicted_energy() -> None:
    tasks = [task(1, estimate_minutes=60)]
    rested = plan_day(MONDAY, tasks, [], morning_person_logs(), DEFAULT_WEIGHTS, WORK)
    short = plan_day(
        MONDAY, tasks, [], morning_person_logs(), DEFAULT_WEIGHTS, WORK, sleep_hours=4.5
    )
    (rested_block,) = focus_of(rested, 1)
    (short_block,) = focus_of(short, 1)
    assert rested_block.energy is not None
    assert short_block.energy is not None
    assert short_block.energy < rested_block.energy


def test_morning_energy_is_higher_than_afternoon_energy_in_the_blocks() -> None:
    tasks = [task(i, estimate_minutes=60) for i in range(1, 10)]
    result = plan(tasks)
    morning = [b.energy for b in result.blocks if b.kind == "focus" and b.start < at(12)]
    afternoon = [b.energy for b in result.blocks if b.kind == "focus" and b.start >= at(14)]
    assert morning
    assert afternoon
    assert min(e for e in morning if e is not None) > max(e for e in afternoon if e is not None)


# --------------------------------------------------------------------------- dependencies


def test_a_dependent_task_starts_after_its_dependency_ends() -> None:
    first = task(1, "Draft", importance=1, estimate_minutes=60)
    second = task(2, "Review", importance=5, estimate_minutes=30, depends_on=(1,))
    result = plan([second, first])
    (draft,) = focus_of(result, 1)
    (review,) = focus_of(result, 2)
    assert review.start >= draft.end


def test_a_task_waits_until_its_dependency_is_placed_in_full() -> None:
    first = task(1, "Draft", importance=1, estimate_minutes=150)
    second = task(2, "Review", importance=5, estimate_minutes=30, depends_on=(1,))
    result = plan([first, second], working=NO_LUNCH)
    assert focus_of(result, 2)[0].start >= focus_of(result, 1)[-1].end


def test_a_task_blocked_all_day_is_not_placed() -> None:
    later = task(1, "Prepare", not_before=at(9, day=MONDAY + dt.timedelta(days=1)))
    blocked = task(2, "Ship", importance=5, depends_on=(1,))
    result = plan([later, blocked])
    assert focus_of(result, 1) == []
    assert focus_of(result, 2) == []


def test_a_task_is_not_placed_before_its_not_before_time() -> None:
    result = plan([task(1, importance=5, not_before=at(14, 3))])
    (block,) = focus_of(result, 1)
    assert block.start == at(14, 5)


# --------------------------------------------------------------------------- due times


def _busy_day() -> list[Task]:
    return [task(i, importance=5, demand="high", estimate_minutes=90) for i in range(10, 16)]


def test_a_due_task_goes_first_when_waiting_would_miss_its_due_time() -> None:
    invoice = task(1, "Send invoice", importance=1, estimate_minutes=30, due=at(10, 30))
    result = plan([*_busy_day(), invoice], weights=DEADLINE_BLIND)
    (block,) = focus_of(result, 1)
    assert block.end <= at(10, 30)
    assert "due today 10:30 · placed here to finish in time" in block.reason
    assert not any("Send invoice" in note for note in result.notes)


def test_a_due_task_is_not_pulled_forward_while_it_can_still_wait() -> None:
    invoice = task(1, "Send invoice", importance=1, estimate_minutes=30, due=at(16))
    result = plan([*_busy_day(), invoice], weights=DEADLINE_BLIND)
    (block,) = focus_of(result, 1)
    assert at(11) < block.start
    assert block.end <= at(16)


def test_the_due_check_counts_meetings_before_the_due_time() -> None:
    # Only 9:00-9:30 and 10:30-11:00 are free before 11:00: the hour must be split.
    report = task(1, "Report", importance=1, estimate_minutes=60, due=at(11))
    result = plan([*_busy_day(), report], [event(at(9, 30), at(10, 30))], weights=DEADLINE_BLIND)
    blocks = focus_of(result, 1)
    assert [(b.start, b.end) for b in blocks] == [(at(9), at(9, 30)), (at(10, 30), at(11))]


def test_a_due_task_that_cannot_fit_is_named_in_the_notes() -> None:
    invoice = task(1, "Send invoice", estimate_minutes=120, due=at(11))
    result = plan([invoice], [event(at(9, 30), at(10, 30))])
    assert result.notes == ("'Send invoice' is due 11:00 but cannot fit before then",)


def test_of_two_due_tasks_that_cannot_both_fit_one_makes_it_and_one_is_named() -> None:
    a = task(1, "Alpha", importance=5, estimate_minutes=45, due=at(10))
    b = task(2, "Beta", importance=2, estimate_minutes=45, due=at(10))
    result = plan([a, b])
    assert focus_of(result, 1)[-1].end <= at(10)
    assert result.notes == ("'Beta' is due 10:00 but cannot fit before then",)


def test_a_task_due_before_the_day_starts_is_named_in_the_notes() -> None:
    result = plan([task(1, "Early report", due=at(8))])
    assert result.notes == ("'Early report' was due 08:00 and is late: it goes at 09:00",)


def test_due_task_reason_says_due_today() -> None:
    result = plan([task(1, "Send invoice", due=at(16))])
    assert "due today 16:00" in focus_of(result, 1)[0].reason


# --------------------------------------------------------------------------- planning from now


def test_planning_from_now_keeps_what_already_happened() -> None:
    tasks = [task(i, estimate_minutes=50) for i in range(1, 8)]
    morning = plan(tasks, [event(at(14), at(15), "Review")])
    now = at(11, 7)
    again = plan(tasks, [event(at(14), at(15), "Review")], now=now, kept=morning.blocks)
    past = [
        b if b.end <= now else b.model_copy(update={"end": now})
        for b in morning.blocks
        if b.start < now
    ]
    assert past
    assert [b for b in again.blocks if b.start < now] == past


def test_planning_from_now_cuts_a_running_block_at_now() -> None:
    running = PlanBlock(start=at(10), end=at(11), kind="focus", task_id=1, title="task 1")
    result = plan([task(1, estimate_minutes=120)], now=at(10, 30), kept=(running,))
    assert result.blocks[0] == running.model_copy(update={"end": at(10, 30)})


def test_an_event_running_at_now_is_shown_once() -> None:
    morning = plan([], [event(at(10), at(11), "Workshop")])
    again = plan([], [event(at(10), at(11), "Workshop")], now=at(10, 20), kept=morning.blocks)
    events = [(b.start, b.end) for b in again.blocks if b.kind == "event"]
    assert events == [(at(10), at(11))]


def test_a_lunch_running_at_now_is_shown_once() -> None:
    morning = plan([])
    again = plan([task(1)], now=at(12, 41), kept=morning.blocks)
    assert again.blocks[0] == PlanBlock(
        start=at(12, 30), end=at(13, 15), kind="break", title="Lunch"
    )
    assert focus_of(again, 1)[0].start == at(13, 15)


def test_planning_from_now_starts_new_blocks_on_the_grid() -> None:
    result = plan([task(1)], now=at(10, 7) + dt.timedelta(seconds=20))
    (block,) = focus_of(result, 1)
    assert block.start == at(10, 10)


def test_planning_from_now_places_nothing_before_now() -> None:
    now = at(13)
    result = plan(
        [task(i, estimate_minutes=40) for i in range(1, 6)], [event(at(9), at(10))], now=now
    )
    assert all(b.start >= now for b in result.blocks)


def test_kept_focus_minutes_count_as_work_done_on_the_task() -> None:
    done_part = PlanBlock(start=at(9), end=at(10), kind="focus", task_id=1, title="task 1")
    result = plan([task(1, estimate_minutes=90)], now=at(10), kept=(done_part,))
    assert [b.minutes for b in focus_of(result, 1)] == [60, 30]


def test_a_still_open_task_keeps_at_least_a_minimum_block() -> None:
    done_part = PlanBlock(start=at(9), end=at(10), kind="focus", task_id=1, title="task 1")
    result = plan([task(1, estimate_minutes=45)], now=at(10), kept=(done_part,))
    assert [b.minutes for b in focus_of(result, 1)] == [60, 15]


def test_planning_after_the_working_day_keeps_history_and_says_so() -> None:
    done_part = PlanBlock(start=at(9), end=at(10), kind="focus", task_id=1, title="task 1")
    result = plan([task(1, estimate_minutes=300)], now=at(18), kept=(done_part,))
    assert result.blocks == (done_part,)
    assert result.notes == ("the working day is over; nothing left to plan",)


def test_a_task_done_before_now_is_not_planned() -> None:
    finished = task(1, status="done", completed_at=at(9, 30))
    result = plan([finished, task(2)], now=at(10))
    assert focus_of(result, 1) == []
    assert len(focus_of(result, 2)) == 1


# --------------------------------------------------------------------------- purity


def test_energy_logged_after_the_plan_time_is_ignored() -> None:
    tasks = [task(i, demand=d, estimate_minutes=45) for i, d in enumerate(["low", "high"] * 4, 1)]
    logs = morning_person_logs()
    later = [EnergyLog(id=900 + h, at=at(h, 5), level=1) for h in range(9, 17)]
    assert plan(tasks, logs=logs + later) == plan(tasks, logs=logs)


def test_the_same_inputs_give_the_same_plan() -> None:
    tasks = [task(i, importance=1 + i % 5, estimate_minutes=20 + 7 * i) for i in range(1, 30)]
    assert plan(tasks) == plan(tasks)


def test_the_order_of_the_tasks_does_not_change_the_plan() -> None:
    tasks = [task(i, importance=1 + i % 5, estimate_minutes=20 + 7 * i) for i in range(1, 30)]
    shuffled = tasks[:]
    random.Random(7).shuffle(shuffled)
    assert plan(tasks) == plan(shuffled)


def test_a_day_in_another_zone_is_laid_out_in_that_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    working = WorkingDay(zone="Asia/Tokyo", lunch_start=None, lunch_end=None)
    result = plan([task(1)], working=working, logs=[])
    (block,) = focus_of(result, 1)
    assert block.start == dt.datetime.combine(MONDAY, dt.time(9), tzinfo=tokyo)
    assert block.start.utcoffset() == dt.timedelta(hours=9)


# --------------------------------------------------------------------------- several days


def test_tasks_after_a_plan_are_done_or_have_their_minutes_left() -> None:
    tasks = [task(1, estimate_minutes=60), task(2, estimate_minutes=200), task(3)]
    blocks = (
        PlanBlock(start=at(9), end=at(10), kind="focus", task_id=1, title="task 1"),
        PlanBlock(start=at(10, 10), end=at(11, 40), kind="focus", task_id=2, title="task 2"),
    )
    first, second, third = tasks_after(DayPlan(date=MONDAY, blocks=blocks), tasks)
    assert (first.status, first.completed_at) == ("done", at(10))
    assert second.status == "open"
    assert second.estimate_minutes == 110
    assert third == tasks[2]


def test_chaining_days_spreads_the_work_over_them() -> None:
    tasks = [task(i, importance=1 + i % 5, estimate_minutes=90) for i in range(1, 13)]
    tuesday = MONDAY + dt.timedelta(days=1)
    monday_plan = plan(tasks)
    tuesday_plan = plan(tasks_after(monday_plan, tasks), day=tuesday)
    monday_ids = {b.task_id for b in monday_plan.blocks if b.kind == "focus"}
    tuesday_ids = {b.task_id for b in tuesday_plan.blocks if b.kind == "focus"}
    assert tuesday_ids
    assert not tuesday_ids & {t.id for t in tasks_after(monday_plan, tasks) if t.status == "done"}
    assert tuesday_ids - monday_ids


def test_a_dependency_finished_in_the_first_plan_unblocks_the_next_day() -> None:
    tasks = [task(1, "Draft", estimate_minutes=450), task(2, "Review", depends_on=(1,))]
    working = WorkingDay(zone="Europe/Paris", end=dt.time(17), lunch_start=None, lunch_end=None)
    monday_plan = plan(tasks, working=working)
    assert focus_of(monday_plan, 2) == []
    tuesday = MONDAY + dt.timedelta(days=1)
    tuesday_plan = plan(tasks_after(monday_plan, tasks), day=tuesday, working=working)
    assert focus_of(tuesday_plan, 2)


def test_tasks_after_a_moment_take_only_the_rest_of_the_plan_as_followed() -> None:
    tasks = [task(1, estimate_minutes=60), task(2, estimate_minutes=60)]
    result = plan(tasks, logs=[], working=NO_LUNCH)
    first, second = focus_of(result, 1)[0], focus_of(result, 2)[0]
    assert first.end <= second.start
    after = {t.id: t for t in tasks_after(result, tasks, since=first.end)}
    assert after[1].status == "open"  # planned before `since`: the task says if it was done
    assert after[1].estimate_minutes == 60
    assert after[2].status == "done"
    halfway = first.start + dt.timedelta(minutes=30)
    assert {t.id: t for t in tasks_after(result, tasks, since=halfway)}[1].estimate_minutes == 30
