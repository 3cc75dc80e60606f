"""Day plans: read what the planner needs, plan, store the plans for the review.

A stored plan is served only while it is still the plan of what the person has
now. Each plan is stored with a fingerprint of its inputs (`plan_inputs`): the
tasks as the planner is given them, the day's events, the working day and zone,
the weights and the night's sleep. Reading a plan for today or a later day
computes the fingerprint again; when it differs (a task added, edited, done or
dropped; an event imported; a setting changed; weights accepted or rolled back)
the day is planned again from now, keeping the blocks that already happened.
Nothing changed: the stored plan is served as it is, byte for byte. A past day is
only read, never planned after the fact.

Energy logs are not part of the fingerprint on purpose: a reading is not a change
of plan, and a plan that moved whenever someone logged "3" would not be a plan.
`replan` (the CLI's `--replan`, the app's `r`) plans again from now on demand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from focusplan import clock
from focusplan.domain import ContextEvent, DayPlan, Task
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.planner import WorkingDay
    from focusplan.store import UnitOfWork

# Raise when the planner reads its inputs differently, so plans made by the old
# rules are planned again once.
_INPUTS_VERSION = 2
# The energy curve of a plan view is sampled this often (minutes).
ENERGY_STEP = 5


@dataclass(frozen=True)
class PlanView:
    """One day as the Plan screen shows it: the plan (None: a past day nobody planned)
    and the energy predicted across its working hours."""

    day: dt.date
    at: dt.datetime
    plan: DayPlan | None
    works: bool
    window: tuple[dt.datetime, dt.datetime]
    energy: tuple[float, ...] = ()  # every ENERGY_STEP minutes from window[0]
    replanned: bool = False

    def level_at(self, moment: dt.datetime) -> float | None:
        if not self.energy:
            return None
        minutes = (moment - self.window[0]).total_seconds() / 60
        index = round(minutes / ENERGY_STEP)
        return self.energy[index] if 0 <= index < len(self.energy) else None

    @property
    def is_today(self) -> bool:
        return self.day == self.at.date()


def plan_inputs(
    tasks: Sequence[Task],
    events: Sequence[ContextEvent],
    working: WorkingDay,
    weights: Mapping[str, float],
    sleep_hours: float | None,
    zone: dt.tzinfo,
) -> str:
    """A fingerprint of everything `plan_day` is given except `now` and the kept blocks.

    Open tasks count with every field; closed ones by id, status and when they closed
    (they matter only as finished dependencies and as what was done today). Order does
    not matter: the planner does not depend on it either.
    """
    task_rows: list[Any] = []
    for task in sorted(tasks, key=lambda t: t.id):
        if task.status == "open":
            task_rows.append(task.model_dump(mode="json"))
        else:
            closed = task.completed_at or task.dropped_at
            task_rows.append([task.id, task.status, closed.isoformat() if closed else None])
    payload = {
        "version": _INPUTS_VERSION,
        "tasks": task_rows,
        "events": sorted(
            (event.model_dump(mode="json", exclude={"id"}) for event in events),
            key=lambda row: json.dumps(row, sort_keys=True),
        ),
        "working": working.model_dump(mode="json"),
        "zone": str(zone),
        "weights": sorted((str(name), float(value)) for name, value in weights.items()),
        "sleep": sleep_hours,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def plan_day_for(
    source: DataSource, day: dt.date, *, now: dt.datetime, replan: bool = False
) -> DayPlan:
    """The plan for `day`: the stored one while its inputs are unchanged, else a new one
    from now (stored); `replan` plans again from now regardless.

    A plan made for today keeps the blocks that already happened, so a re-plan
    after lunch does not rewrite the morning.
    """
    (plan,) = plan_days_for(source, [day], now=now, replan=replan)
    return plan


def plan_days_for(
    source: DataSource, days: Sequence[dt.date], *, now: dt.datetime, replan: bool = False
) -> list[DayPlan]:
    """Plans for `days`, each planned as if the plans of the days before it were followed.

    Planning days independently would give every day the same best tasks; a
    future day is therefore planned after every day from today up to it. Only
    the requested days' plans are stored. A past day without a stored plan gets
    the (unstored) plan the planner makes for a day that is over.
    """
    from focusplan.planner import WorkingDay, plan_day
    from focusplan.services.calendar_sources import refresh_calendars
    from focusplan.settings import load_settings

    if not days:
        return []
    refresh_calendars(source, now)
    working = WorkingDay.from_settings(load_settings())
    with source.unit_of_work() as uow:
        plans = _plans(uow, days, now=now, replan=replan, working=working)
        result: list[DayPlan] = []
        for day in days:
            plan = plans[day]
            if plan is None:
                plan = plan_day(day, [], [], [], uow.weights.active().params, working, now=now)
            result.append(plan)
    return result


def plan_view(
    source: DataSource,
    day: dt.date,
    now: dt.datetime,
    working: WorkingDay,
    *,
    replan: bool = False,
) -> PlanView:
    """What the Plan screen shows for `day`, in one unit of work: the plan (the stored
    one while current, else planned again from now and stored, as `plan` does; None
    for a past day nobody planned) and the energy predicted across its hours."""
    import numpy as np

    from focusplan.energy import EnergyModel
    from focusplan.services.calendar_sources import refresh_calendars

    refresh_calendars(source, now)
    zone = now.tzinfo or clock.local_zone()
    end_of_day = clock.start_of_day(day + dt.timedelta(days=1), zone)
    # What could be predicted for that day: a past day's curve ignores later logs.
    cutoff = min(now, end_of_day)
    with source.unit_of_work() as uow:
        plan = _plans(uow, [day], now=now, replan=replan, working=working)[day]
        logs = uow.energy.list(until=cutoff)
        context = uow.days.get(day)
    start, end = working.window(day, zone)
    if plan is not None and plan.blocks:
        start = min(start, min(block.start for block in plan.blocks).astimezone(zone))
        end = max(end, max(block.end for block in plan.blocks).astimezone(zone))
    steps = int((end - start).total_seconds() // (ENERGY_STEP * 60)) + 1
    moments = [start + dt.timedelta(minutes=ENERGY_STEP * k) for k in range(steps)]
    hours = np.array([m.hour + m.minute / 60 for m in moments], dtype=float)
    sleep = context.sleep_hours if context is not None else None
    levels = EnergyModel.fit(logs, cutoff).curve(hours, sleep)
    return PlanView(
        day=day,
        at=now,
        plan=plan,
        works=working.works_on(day),
        window=(start, end),
        energy=tuple(float(level) for level in levels),
        replanned=replan,
    )


def default_plan_day(now: dt.datetime, working: WorkingDay) -> dt.date:
    """The day a person opening the Plan wants to see: today, or once today's working
    hours are over, the next working day (the evening is for looking at tomorrow)."""
    zone = now.tzinfo or clock.local_zone()
    today = now.astimezone(zone).date()
    if now < working.window(today, zone)[1]:
        return today
    for offset in range(1, 8):
        later = today + dt.timedelta(days=offset)
        if working.works_on(later):
            return later
    return today + dt.timedelta(days=1)


def _plans(
    uow: UnitOfWork,
    days: Sequence[dt.date],
    *,
    now: dt.datetime,
    replan: bool,
    working: WorkingDay,
) -> dict[dt.date, DayPlan | None]:
    """The plan of each of `days` (None: a past day with no stored plan).

    Past days are read as stored. From today on, each day is planned after the days
    before it (`tasks_after`, from `now` on: what was planned earlier today and is
    still open was not done), so the fingerprint of a later day covers the plans it
    was chained on too: re-planning today re-plans the days after it when read.
    """
    from focusplan.planner import plan_day, tasks_after

    # The planner's own zone, whichever face asks: the CLI and the app must compute
    # the same fingerprint or they would keep re-planning each other's plans.
    zone = working.tzinfo()
    today = now.astimezone(zone).date()
    plans: dict[dt.date, DayPlan | None] = {day: uow.plans.get(day) for day in days if day < today}
    ahead = {day for day in days if day >= today}
    if not ahead:
        return plans
    tasks = uow.tasks.list()
    energy = uow.energy.list(until=now)
    weights = uow.weights.active().params
    day = today
    while day <= max(ahead):
        day_start = clock.start_of_day(day, zone)
        events = uow.events.between(day_start, day_start + dt.timedelta(days=1))
        context = uow.days.get(day)
        sleep = context.sleep_hours if context is not None else None
        inputs = plan_inputs(tasks, events, working, weights, sleep, zone)
        stored = uow.plans.get(day)
        current = stored is not None and stored.inputs == inputs
        if current and not (replan and day in ahead):
            assert stored is not None
            plan = stored
        else:
            plan = plan_day(
                day,
                tasks,
                events,
                energy,
                weights,
                working,
                now=now,
                kept=stored.blocks if stored is not None else (),
                sleep_hours=sleep,
            ).model_copy(update={"inputs": inputs})
            if day in ahead:
                plan = uow.plans.save(plan)
        if day in ahead:
            plans[day] = plan
        # Only what is still ahead of `now` is assumed done; the past is in the tasks.
        tasks = tasks_after(plan, tasks, since=now)
        day += dt.timedelta(days=1)
    return plans
