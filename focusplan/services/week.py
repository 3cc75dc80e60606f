"""One Monday–Sunday week as the Week screen shows it: each day's plan, calendar, dues
and the energy predicted for each hour.

The plans come from `planning.plan_days_for`, so a day of the week is the plan the
Plan screen and `focusplan plan --date` show for it (stored while current, planned
again from now otherwise, each day planned after the days before it). Events come
from the calendar itself rather than from the plans: a past day nobody planned
still shows its meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.domain import PlanBlock, Task
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.planner import WorkingDay


@dataclass(frozen=True)
class WeekDay:
    """One day of the week: its blocks in time order (focus, break and event), the open
    tasks due that day, and the energy predicted at each hour in `WeekView.hours`."""

    day: dt.date
    works: bool
    blocks: tuple[PlanBlock, ...]
    dues: tuple[Task, ...]
    energy: tuple[float, ...]
    notes: tuple[str, ...] = ()
    planned_at: dt.datetime | None = None


@dataclass(frozen=True)
class WeekView:
    monday: dt.date
    at: dt.datetime
    days: tuple[WeekDay, ...]  # Monday to Sunday
    hours: tuple[int, ...]  # the clock hours the grid spans (working hours and every block)
    replanned: bool = False

    @property
    def today(self) -> dt.date:
        return self.at.date()

    def day(self, day: dt.date) -> WeekDay | None:
        return next((entry for entry in self.days if entry.day == day), None)


def week_view(
    source: DataSource,
    week_of: dt.date,
    now: dt.datetime,
    working: WorkingDay,
    *,
    replan: bool = False,
) -> WeekView:
    """The week holding `week_of`; `replan` plans every day from today on again from now."""
    import numpy as np

    from focusplan.energy import EnergyModel
    from focusplan.services.planning import plan_days_for

    zone = now.tzinfo or clock.local_zone()
    monday = clock.week_start(week_of)
    days = [monday + dt.timedelta(days=offset) for offset in range(7)]
    plans = dict(zip(days, plan_days_for(source, days, now=now, replan=replan), strict=True))
    week_start = clock.start_of_day(monday, zone)
    week_end = week_start + dt.timedelta(days=7)
    with source.read_only() as uow:
        events = uow.events.between(week_start, week_end)
        tasks = uow.tasks.list()
        logs = uow.energy.list(until=min(now, week_end))
        sleep = {
            day: (context.sleep_hours if (context := uow.days.get(day)) else None) for day in days
        }

    blocks_of: dict[dt.date, tuple[PlanBlock, ...]] = {}
    dues_of: dict[dt.date, tuple[Task, ...]] = {}
    for day in days:
        start = clock.start_of_day(day, zone)
        end = start + dt.timedelta(days=1)
        own = [block for block in plans[day].blocks if block.kind != "event"]
        calendar = [
            PlanBlock(start=event.start, end=event.end, kind="event", title=event.title)
            for event in events
            if event.start < end and event.end > start and event.end > event.start
        ]
        blocks_of[day] = tuple(sorted((*own, *calendar), key=lambda b: (b.start, b.end)))
        dues_of[day] = tuple(
            sorted(
                (
                    task
                    for task in tasks
                    if task.status == "open" and task.due is not None and start <= task.due < end
                ),
                key=lambda task: (task.due or start, task.id),
            )
        )

    hours = _hours(days, blocks_of, working, zone)
    hour_array = np.array([hour + 0.5 for hour in hours], dtype=float)
    models: dict[dt.datetime, EnergyModel] = {}
    entries: list[WeekDay] = []
    for day in days:
        # What could be predicted for that day: a past day's curve ignores later logs.
        cutoff = min(now, clock.start_of_day(day, zone) + dt.timedelta(days=1))
        model = models.get(cutoff)
        if model is None:
            model = models[cutoff] = EnergyModel.fit(
                [log for log in logs if log.at <= cutoff], cutoff
            )
        levels = model.curve(hour_array, sleep[day], day.weekday())
        entries.append(
            WeekDay(
                day=day,
                works=working.works_on(day),
                blocks=blocks_of[day],
                dues=dues_of[day],
                energy=tuple(float(level) for level in levels),
                notes=plans[day].notes,
                planned_at=plans[day].created_at,
            )
        )
    return WeekView(
        monday=monday, at=now, days=tuple(entries), hours=tuple(hours), replanned=replan
    )


def _hours(
    days: list[dt.date],
    blocks_of: dict[dt.date, tuple[PlanBlock, ...]],
    working: WorkingDay,
    zone: dt.tzinfo,
) -> list[int]:
    """Whole clock hours from the earliest working start (or block) to the latest end."""
    first, last = 24, 0
    for day in days:
        if working.works_on(day):
            start, end = working.window(day, zone)
            first = min(first, start.hour)
            last = max(last, end.hour + (1 if end.minute else 0))
        for block in blocks_of[day]:
            if block.minutes >= 12 * 60:
                continue  # an all-day event would stretch every column to midnight
            local_start, local_end = block.start.astimezone(zone), block.end.astimezone(zone)
            first = min(first, local_start.hour if local_start.date() == day else 0)
            if local_end.date() == day:
                last = max(last, local_end.hour + (1 if local_end.minute else 0))
            else:
                last = 24
    if first >= last:
        first, last = 9, 17
    return list(range(first, last))
