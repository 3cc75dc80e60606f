"""The day plan: read what the planner needs, plan, store the plan for the review."""

from __future__ import annotations

import datetime as dt

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
    from focusplan.planner import WorkingDay, plan_day
    from focusplan.settings import load_settings

    working = WorkingDay.from_settings(load_settings())
    zone = clock.local_zone()
    day_start = clock.start_of_day(day, zone)
    day_end = day_start + dt.timedelta(days=1)
    with source.unit_of_work() as uow:
        stored = uow.plans.get(day)
        if stored is not None and not replan:
            return stored
        plan = plan_day(
            day,
            uow.tasks.list(),
            uow.events.between(day_start, day_end),
            uow.energy.list(until=now),
            uow.weights.active().params,
            working,
            now=now,
            kept=stored.blocks if stored is not None else (),
        )
        uow.plans.save(plan)
    return plan

