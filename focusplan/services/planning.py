"""Day plans: read what the planner needs, plan, store the plans for the review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from focusplan import clock
from focusplan.domain import DayPlan
from focusplan.services.source import DataSource


def plan_day_for(
    source: DataSource, day: dt.date, *, now: dt.datetime, replan: bool = False
) -> DayPlan:
    """The stored plan for `day`, or a new one; `replan` plans again from now.

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
    the requested days' plans are stored.
    """
    from focusplan.planner import WorkingDay, plan_day, tasks_after
    from focusplan.settings import load_settings

    if not days:
        return []
    working = WorkingDay.from_settings(load_settings())
    zone = clock.local_zone()
    wanted = set(days)
    today = now.date()
    chain_start = today if min(days) > today else min(days)
    plans: dict[dt.date, DayPlan] = {}
    with source.unit_of_work() as uow:
        tasks = uow.tasks.list()
        energy = uow.energy.list(until=now)
        weights = uow.weights.active().params
        day = chain_start
        while day <= max(days):
            stored = uow.plans.get(day)
            if stored is not None and not (replan and day in wanted):
                plan = stored
            else:
                day_start = clock.start_of_day(day, zone)
                context = uow.days.get(day)
                plan = plan_day(
                    day,
                    tasks,
                    uow.events.between(day_start, day_start + dt.timedelta(days=1)),
                    energy,
                    weights,
                    working,
                    now=now,
                    kept=stored.blocks if stored is not None else (),
                    sleep_hours=context.sleep_hours if context is not None else None,
                )
                if day in wanted:
                    plan = uow.plans.save(plan)
            if day in wanted:
                plans[day] = plan
            tasks = tasks_after(plan, tasks)
            day += dt.timedelta(days=1)
    return [plans[day] for day in days]
