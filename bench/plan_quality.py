"""How good are the day plans? focusplan against greedy EDF and priority-first planners.

    .venv/bin/python bench/plan_quality.py                # 40 generated weeks
    .venv/bin/python bench/plan_quality.py --weeks 80 --seed 3
    .venv/bin/python bench/plan_quality.py --focus-minutes 50   # the CLI's default length

Each generated week (seeded, so the table is reproducible) is a person with an
energy curve of their own (a morning, an afternoon or a two-peak person, given as
two weeks of noisy energy logs), a calendar of meetings, and 18–34 open tasks with
importance, demand, estimates, due times (some overdue, some due during the
week, some later, some none) and a few dependencies. Every planner plans the
five working days one after the other, each day continuing from what the days
before it left (a plan is taken as followed), on the same working day (09:00–
17:30, lunch 12:30–13:15, blocks of 15–90 minutes, a 10-minute break after each),
around the same events, judged with the same predicted energy.

The baselines are what a person with a to-do app would do by hand:

- EDF: earliest due first (undated tasks last, by importance), greedy, in time order;
- priority-first: highest importance first (earlier due first among equals), greedy.

Both place a task's next piece in the next free slot, respecting dependencies,
with the same block and break rules. Measures, over all weeks:

- deadlines met: of the tasks due during the week (after it starts), the share
  finished (every minute placed) by their due time;
- energy fit: minutes-weighted predicted energy of high-demand and of low-demand
  focus minutes, and the gap between them (higher is better: deep work when fresh);
- left out: the open tasks that got no minute in the week, their mean importance,
  and how many of them have importance 4–5.

Targets (issue 11): focusplan beats both baselines on the energy gap and does
not lose to EDF on deadlines met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from focusplan.attention.weights import DEFAULT_WEIGHTS
from focusplan.domain import ContextEvent, DayPlan, EnergyLog, PlanBlock, Task
from focusplan.energy import EnergyModel
from focusplan.planner import WorkingDay, plan_day, tasks_after

ZONE_NAME = "Europe/Paris"
ZONE = ZoneInfo(ZONE_NAME)
FIRST_MONDAY = dt.date(2026, 3, 2)
WORKING = WorkingDay(zone=ZONE_NAME)
DAYS = 5


def _at(day: dt.date, hour: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=ZONE) + dt.timedelta(hours=hour)


# --------------------------------------------------------------------------- generated weeks


def _curve(kind: str, hour: float) -> float:
    """A person's true energy (1..5) at `hour`."""
    bumps = {
        "morning": ((10.0, 1.6, 3.0), (14.0, -1.0, 1.5), (16.5, 0.3, 1.5)),
        "afternoon": ((9.0, -0.8, 2.0), (15.5, 1.4, 3.0), (13.0, -0.4, 1.0)),
        "two peaks": ((10.0, 1.1, 1.5), (13.8, -1.1, 1.2), (16.0, 1.0, 1.5)),
    }[kind]
    level = 3.0 + sum(
        height * math.exp(-((hour - centre) ** 2) / width) for centre, height, width in bumps
    )
    return min(5.0, max(1.0, level))


@dataclass
class Week:
    monday: dt.date
    person: str
    tasks: list[Task]
    events: list[ContextEvent]
    logs: list[EnergyLog]

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=k) for k in range(DAYS)]


def generate_week(index: int, seed: int) -> Week:
    rng = random.Random(seed * 100_003 + index)
    monday = FIRST_MONDAY + dt.timedelta(weeks=index)
    person = rng.choice(["morning", "afternoon", "two peaks"])
    logs: list[EnergyLog] = []
    for back in range(1, 15):
        day = monday - dt.timedelta(days=back)
        for hour in (9.3, 10.7, 12.0, 13.8, 15.2, 16.8):
            moment = hour + rng.uniform(-0.3, 0.3)
            level = round(min(5, max(1, _curve(person, moment) + rng.gauss(0, 0.4))))
            logs.append(EnergyLog(id=len(logs) + 1, at=_at(day, moment), level=level))
    events: list[ContextEvent] = []
    for offset in range(DAYS):
        day = monday + dt.timedelta(days=offset)
        for _ in range(rng.randint(0, 3)):
            start = rng.choice([9.5, 10, 11, 11.5, 14, 14.5, 15, 16])
            length = rng.choice([0.5, 0.5, 1.0, 1.5])
            events.append(
                ContextEvent(
                    id=len(events) + 1,
                    start=_at(day, start),
                    end=_at(day, start + length),
                    title=rng.choice(["Standup", "1:1", "Review", "Sync"]),
                )
            )
    start = _at(monday, 9)
    tasks: list[Task] = []
    count = rng.randint(18, 34)
    for task_id in range(1, count + 1):
        roll = rng.random()
        if roll < 0.1:
            due: dt.datetime | None = start - dt.timedelta(days=rng.randint(1, 4))
        elif roll < 0.5:
            day = monday + dt.timedelta(days=rng.randrange(DAYS))
            due = _at(day, rng.choice([9, 10, 11, 12, 14, 15, 16, 17, 17.5]))
        elif roll < 0.7:
            due = start + dt.timedelta(days=rng.randint(7, 14))
        else:
            due = None
        depends: tuple[int, ...] = ()
        if task_id > 3 and rng.random() < 0.12:
            depends = (rng.randrange(1, task_id),)
        tasks.append(
            Task(
                id=task_id,
                title=f"task {task_id}",
                importance=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 2, 1])[0],
                demand=rng.choice(["low", "medium", "high"]),
                estimate_minutes=rng.choice([15, 20, 30, 45, 60, 90, 120, 180]),
                due=due,
                depends_on=depends,
                project=rng.choice(["alpha", "beta", "gamma", None]),
                created_at=start - dt.timedelta(days=rng.uniform(0.5, 30)),
            )
        )
    return Week(monday=monday, person=person, tasks=tasks, events=events, logs=logs)


# --------------------------------------------------------------------------- planners

Planner = Callable[[dt.date, list[Task], list[ContextEvent], list[EnergyLog]], DayPlan]


def focusplan_planner(
    day: dt.date, tasks: list[Task], events: list[ContextEvent], logs: list[EnergyLog]
) -> DayPlan:
    return plan_day(day, tasks, events, logs, DEFAULT_WEIGHTS, WORKING)


def _free_stretches(
    day: dt.date, events: Sequence[ContextEvent]
) -> list[tuple[dt.datetime, dt.datetime]]:
    start, end = WORKING.window(day, ZONE)
    busy = [(e.start, e.end) for e in events if e.end > start and e.start < end]
    assert WORKING.lunch_start is not None and WORKING.lunch_end is not None
    busy.append(
        (
            dt.datetime.combine(day, WORKING.lunch_start, tzinfo=ZONE),
            dt.datetime.combine(day, WORKING.lunch_end, tzinfo=ZONE),
        )
    )
    stretches = []
    cursor = start
    for first, last in sorted(busy):
        if first > cursor:
            stretches.append((cursor, min(first, end)))
        cursor = max(cursor, last)
    if cursor < end:
        stretches.append((cursor, end))
    return [(a, b) for a, b in stretches if b > a]


def greedy_planner(key: Callable[[Task], tuple[float, ...]]) -> Planner:
    """A planner that takes the eligible tasks in `key` order and fills the day in time order."""

    def plan(
        day: dt.date, tasks: list[Task], events: list[ContextEvent], logs: list[EnergyLog]
    ) -> DayPlan:
        min_block, max_block = WORKING.min_block_minutes, WORKING.block_minutes
        remaining = {t.id: t.estimate_minutes for t in tasks if t.status == "open"}
        by_id = {t.id: t for t in tasks}
        finished: set[int] = {t.id for t in tasks if t.status != "open"}
        blocks: list[PlanBlock] = []
        day_events = [e for e in events if e.start.astimezone(ZONE).date() == day]
        for stretch_start, stretch_end in _free_stretches(day, day_events):
            slot = stretch_start
            while remaining and (stretch_end - slot).total_seconds() >= min_block * 60:
                gap = int((stretch_end - slot).total_seconds() // 60)
                ready = [
                    by_id[t]
                    for t in remaining
                    if all(d in finished or d not in by_id for d in by_id[t].depends_on)
                ]
                if not ready:
                    break
                task = min(ready, key=key)
                minutes = min(max(remaining[task.id], min_block), max_block, gap)
                end = slot + dt.timedelta(minutes=minutes)
                blocks.append(
                    PlanBlock(start=slot, end=end, kind="focus", task_id=task.id, title=task.title)
                )
                remaining[task.id] -= minutes
                if remaining[task.id] <= 0:
                    del remaining[task.id]
                    finished.add(task.id)
                slot = min(end + dt.timedelta(minutes=WORKING.break_minutes), stretch_end)
        return DayPlan(date=day, blocks=tuple(blocks))

    return plan


_FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
edf_planner = greedy_planner(lambda t: ((t.due or _FAR).timestamp(), -t.importance, t.id))
priority_planner = greedy_planner(lambda t: (-t.importance, (t.due or _FAR).timestamp(), t.id))

PLANNERS: dict[str, Planner] = {
    "focusplan": focusplan_planner,
    "EDF (greedy)": edf_planner,
    "priority-first": priority_planner,
}


# --------------------------------------------------------------------------- measures


@dataclass
class Score:
    due: int = 0
    met: int = 0
    energy: dict[str, float] = field(default_factory=lambda: {"high": 0.0, "low": 0.0})
    minutes: dict[str, float] = field(default_factory=lambda: {"high": 0.0, "low": 0.0})
    left_out: int = 0
    left_out_importance: int = 0
    left_out_important: int = 0
    focus_minutes: float = 0.0

    def energy_of(self, demand: str) -> float:
        return self.energy[demand] / self.minutes[demand] if self.minutes[demand] else float("nan")


def _energy_curve(week: Week) -> Callable[[dt.datetime], float]:
    """The predicted energy every planner is judged with: the curve from the logs."""
    model = EnergyModel.fit(week.logs, _at(week.monday, 0))
    hours = np.arange(0, 24 * 60) / 60
    levels = model.curve(hours)

    def at(moment: dt.datetime) -> float:
        local = moment.astimezone(ZONE)
        return float(levels[local.hour * 60 + local.minute])

    return at


def run_week(week: Week, planner: Planner, score: Score) -> None:
    energy = _energy_curve(week)
    by_id = {t.id: t for t in week.tasks}
    placed: dict[int, float] = {}
    finished_at: dict[int, dt.datetime] = {}
    tasks = list(week.tasks)
    for day in week.days:
        plan = planner(day, tasks, week.events, week.logs)
        for block in plan.blocks:
            if block.kind != "focus" or block.task_id is None:
                continue
            task = by_id[block.task_id]
            placed[task.id] = placed.get(task.id, 0.0) + block.minutes
            score.focus_minutes += block.minutes
            if placed[task.id] >= task.estimate_minutes and task.id not in finished_at:
                finished_at[task.id] = block.end
            if task.demand in ("high", "low"):
                # Energy over the block, sampled every 5 minutes: a long block at a
                # falling hour is judged by all of it, not by its start.
                minute = block.start
                while minute < block.end:
                    score.energy[task.demand] += energy(minute) * 5
                    score.minutes[task.demand] += 5
                    minute += dt.timedelta(minutes=5)
        tasks = tasks_after(plan, tasks)
    week_start, week_end = _at(week.monday, 9), _at(week.days[-1], 17.5)
    for task in week.tasks:
        if task.due is not None and week_start < task.due <= week_end:
            score.due += 1
            done = finished_at.get(task.id)
            score.met += done is not None and done <= task.due
        if task.id not in placed:
            score.left_out += 1
            score.left_out_importance += task.importance
            score.left_out_important += task.importance >= 4


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--focus-minutes",
        type=int,
        default=None,
        help="the person's focus block length for every planner (default: 90-minute blocks)",
    )
    args = parser.parse_args(argv)
    if args.focus_minutes is not None:
        global WORKING
        WORKING = WorkingDay(
            zone=ZONE_NAME,
            focus_minutes=args.focus_minutes,
            max_block_minutes=max(90, args.focus_minutes),
        )
    weeks = [generate_week(index, args.seed) for index in range(args.weeks)]
    scores = {name: Score() for name in PLANNERS}
    for week in weeks:
        for name, planner in PLANNERS.items():
            run_week(week, planner, scores[name])
    print(
        f"day plans over {args.weeks} generated weeks (seed {args.seed}), "
        f"{sum(len(w.tasks) for w in weeks)} tasks"
    )
    header = (
        f"{'planner':<16} {'deadlines met':>14} {'high-demand E':>14} {'low-demand E':>13} "
        f"{'energy gap':>11} {'left out':>9} {'mean imp.':>10} {'imp. 4-5':>9} {'focus h':>8}"
    )
    print(header)
    for name, score in scores.items():
        gap = score.energy_of("high") - score.energy_of("low")
        mean = score.left_out_importance / score.left_out if score.left_out else 0.0
        met = f"{score.met}/{score.due} {100 * score.met / max(1, score.due):3.0f}%"
        print(
            f"{name:<16} {met:>14} {score.energy_of('high'):>14.2f} {score.energy_of('low'):>13.2f} "
            f"{gap:>+11.2f} {score.left_out:>9} {mean:>10.2f} {score.left_out_important:>9} "
            f"{score.focus_minutes / 60:>8.0f}"
        )
    ours = scores["focusplan"]
    gap_ok = all(
        ours.energy_of("high") - ours.energy_of("low")
        > other.energy_of("high") - other.energy_of("low")
        for name, other in scores.items()
        if name != "focusplan"
    )
    edf = scores["EDF (greedy)"]
    deadline_ok = ours.met >= edf.met
    print(
        f"targets: energy gap above both baselines {'met' if gap_ok else 'MISSED'}; "
        f"deadlines met not below EDF {'met' if deadline_ok else 'MISSED'}"
    )
    return 0 if gap_ok and deadline_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
