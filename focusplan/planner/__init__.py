"""The day plan: single-task focus blocks and breaks laid around the day's fixed events.

Planning is decoding, one slot at a time. At each free slot the ranking is
computed with that slot's context (time of day, the energy predicted then, the
meeting load of the next two hours) and, after the day-wide checks below, the
best task that fits the free time becomes one focus block, followed by a break
(except where lunch, an event or the end of the day comes next: that is the rest). Tasks longer than a block continue
in later blocks with their remaining minutes; a task placed in full counts as
done at the end of its last block, so a task that depends on it becomes
eligible from then on (the ranking's own eligibility rule, applied to the plan
as if it were followed).

Decisions worth knowing:

- Time is whole minutes from the start of the working window, in UTC, so DST
  and mixed offsets cannot bend the arithmetic; blocks come back in the
  person's zone.
- Timed events inside the working window become `event` blocks, clipped to the
  window (an 08:30–09:30 meeting shows as 09:00–09:30); events that overlap each
  other are merged into one block titled "A / B", because two blocks on one
  stretch of time would overlap. All-day events are context only: a note.
- Lunch is a `break` block titled "Lunch" (the part of it no event covers).
- A focus block is `focus_minutes` long (the person's setting; `WorkingDay.
  block_minutes`), or less to finish its task, or up to `max_block_minutes` to
  finish it rather than leave a tail. A piece that does not finish its task, and
  the remainder it leaves, are at least `tail_minutes` (a third of a block, 20
  minutes at least): deep work resumed for a quarter of an hour is not worth a
  block. A task that fits one block is split only for most of it (80 of 90 minutes
  before lunch). Work due within two days may be split into any minimum block, so
  that these rules never cost a due time. What a day cannot finish is noted as
  going on another day. No block is shorter than `min_block_minutes`.
- "Fits" means the free stretch holds the task's next natural piece. When no
  ranked task fits, the best one that can go at all fills the stretch and
  continues later; a stretch nothing is worth stays free (a quick task before a
  stand-up, not a quarter-hour of the chapter).
- The ranking sees one moment; the planner also sees the rest of the day, and
  adjusts the ranking's order at each slot (`_decide`), in this order:
  1. a short overdue task (at most 30 min) goes first, earliest due first, up to
     an hour a day: it has waited long enough and costs little of the fresh hours;
  2. when the rest of the day cannot hold every eligible task, importance 1–2
     tasks with nothing pressing (not due before the next working day, not
     overdue, not started) wait behind importance 4–5 ones;
  3. "today's share" is the head of that order the free time can hold; its
     high-demand tasks need H minutes (breaks included), and the best H free
     minutes by predicted energy are their place: in one of them the best
     high-demand task goes now ("your best hours for demanding work"), in any
     other the best lighter task goes, cut short of the peak ("lighter work ·
     demanding work waits for 11:05"). This is what keeps a 3-hour proposal in
     the morning peak instead of half of it in the afternoon dip, whatever the
     ranking's weights.
- Due today: at each slot the planner checks whether, after the ranking's
  choice, the due-today tasks could still all finish in time if they went next
  (earliest due first, laid out with the planner's own block and break rules);
  if not, the earliest-due task goes now ("due today 11:00 · placed here to
  finish in time"). A task due before the next working day leaves room for it
  (09:00 tomorrow, Monday 09:00 on a Friday) counts as due at the end of today:
  today is its last chance, and if it cannot fit, today's plan says so, not the
  next day's. Due tasks that cannot all make it are given up lowest-ranked
  first, and the plan names every one that does not finish before its due time
  in `DayPlan.notes`.
- Important tasks (importance 4–5) that get no block are named in the notes
  with the reason (waits for another task, cannot start yet, or the time went
  to work due sooner or ranked higher), at most three and a count of the rest.
- Reasons are the ranking's own sentences for the chosen task at the block's
  moment (`reasons`: one vocabulary with `rank --explain`), after the planner's
  decisions and before "N min more later"; a project-mate reason ("its project: a
  deadline near") only when a mate really is due soon, important, in progress or
  unblocking others.
- Planning from `now`: before `now` the plan is history, the blocks of `kept`
  (a block still running at `now` is cut at `now`); from `now` on the day is
  laid out again and nothing new starts before `now` (so events before `now`
  appear only through `kept`; an event or lunch running at `now` is shown
  once, whole). Minutes of kept focus
  blocks count as work done on their task (the earlier plan is taken as
  followed), but a task that is still open keeps at least one minimum block.
- Energy comes from an `EnergyModel` fitted on the logs recorded up to the plan
  time (`now`, or the start of the working window), never on later logs; as in
  `energy_at`, a log less than two hours old stands for the energy until then.
  A short night (`sleep_hours`) lowers the curve. A focus block records the
  energy predicted at its start; it earns the long break when the energy
  predicted at its end is below `low_energy_below`.
- Each slot is ranked once (about ten rankings a day). Tasks the plan finishes,
  and closed tasks, leave the ranking's input: an absent dependency blocks
  nothing, just like a done one. Above 1,000 open tasks, after the day's first
  ranking only what can matter is ranked again (its best 300, what is due, in
  progress or opens later today, and their dependency closure): a day holds a few
  dozen blocks, and ten thousand tasks ranked ten times cost seconds.
- Time edges: minutes are counted in UTC and blocks carry the offset of their
  instant, so a working window inside the hour repeated when the clocks go back
  (or around the hour that never happens in spring) plans in real minutes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from focusplan.domain import ContextEvent, DayPlan, EnergyLog, PlanBlock, Task
from focusplan.planner.working_day import WEEKDAY_NAMES, WorkingDay

__all__ = ["WorkingDay", "plan_day", "tasks_after"]


def plan_day(
    day: dt.date,
    tasks: Sequence[Task],
    events: Sequence[ContextEvent],
    energy_logs: Sequence[EnergyLog],
    weights: Mapping[str, float],
    working: WorkingDay,
    now: dt.datetime | None = None,
    kept: Sequence[PlanBlock] = (),
    *,
    sleep_hours: float | None = None,
) -> DayPlan:
    """The plan for `day`: focus blocks, breaks and event blocks in time order.

    `tasks` may hold every task (done ones serve as finished dependencies);
    `events` may reach beyond the day (those near the working window still count
    for meeting load). With `now`, the part of the day before `now` comes from
    `kept` and the rest is planned from `now`. `sleep_hours` (the night before,
    from `DayContext`) lowers the predicted energy after a short night. Pure: same
    inputs, same plan. Raises `ValueError` for invalid weights.
    """
    # Here, not at the top: the builder brings numpy and the ranking, which serving a
    # stored plan (or reading a WorkingDay) does not need.
    from focusplan.planner.day_builder import DayBuilder

    zone = working.tzinfo()
    created = now.astimezone(zone) if now is not None else None
    if not working.works_on(day):
        note = f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()} is not a working day"
        return DayPlan(date=day, notes=(note,), created_at=created)
    builder = DayBuilder.create(
        day, tasks, events, energy_logs, weights, working, zone, now, kept, sleep_hours
    )
    blocks, notes = builder.build()
    return DayPlan(date=day, blocks=tuple(blocks), notes=tuple(notes), created_at=created)


def tasks_after(
    plan: DayPlan, tasks: Sequence[Task], since: dt.datetime | None = None
) -> list[Task]:
    """The tasks as they would stand if `plan` were followed, to plan a later day.

    Planning days one by one from the same open tasks would give every day the
    same best tasks; chaining `tasks_after` between days spreads the work. A task
    whose focus blocks cover its estimate is done at the end of its last block
    (which also unblocks its dependents); one planned in part keeps the minutes
    still left as its estimate; the others are returned as they are, in order.

    With `since`, only the part of the plan from `since` on is taken as followed:
    what was planned before it is past, and the tasks already say what of it was
    done (a task planned this morning and still open goes on to tomorrow).
    """
    planned: dict[int, float] = {}
    last_end: dict[int, dt.datetime] = {}
    for block in plan.blocks:
        if since is not None:
            if block.end <= since:
                continue
            if block.start < since:
                block = block.model_copy(update={"start": since})
        if block.kind == "focus" and block.task_id is not None:
            planned[block.task_id] = planned.get(block.task_id, 0.0) + block.minutes
            if block.task_id not in last_end or block.end > last_end[block.task_id]:
                last_end[block.task_id] = block.end
    after: list[Task] = []
    for task in tasks:
        minutes = planned.get(task.id)
        if minutes is None or task.status != "open":
            after.append(task)
            continue
        left = math.ceil(task.estimate_minutes - minutes)
        if left <= 0:
            after.append(
                task.model_copy(update={"status": "done", "completed_at": last_end[task.id]})
            )
        else:
            after.append(task.model_copy(update={"estimate_minutes": left}))
    return after
