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
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from focusplan import clock
from focusplan.domain import ContextEvent, DayPlan, EnergyLog, Task
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.planner import WorkingDay
    from focusplan.store import UnitOfWork
    from focusplan.store.plan_snapshot import PlanRead
    from focusplan.store.quick_plans import PlanUnitOfWork

# Raise when the planner reads its inputs differently, so plans made by the old
# rules are planned again once.
_INPUTS_VERSION = 3
# The energy curve of a plan view is sampled this often (minutes).
ENERGY_STEP = 5
# A day up to this many days ahead is planned after every day from today; one further
# ahead, after the days of its own week only (see `_chain`).
CHAIN_DAYS = 14
_UNCHAINED_NOTE = (
    f"planned from the tasks as they stand now: only days up to {CHAIN_DAYS} days ahead "
    "count on the plans of the days before them"
)


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


_TASK_FIELDS = tuple(Task.model_fields)
_task_id = operator.attrgetter("id")


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
    # Every field of an open task, in field order, read straight from the model's values
    # (dumping 10,000 tasks through pydantic costs more than the rest of a stored read);
    # `repr` of these plain values (str, int, tuples, aware datetimes) is exact and stable.
    fields = operator.itemgetter(*_TASK_FIELDS)
    task_rows: list[Any] = []
    for task in sorted(tasks, key=_task_id):
        if task.status == "open":
            task_rows.append(fields(task.__dict__))
        else:
            closed = task.completed_at or task.dropped_at
            task_rows.append((task.id, task.status, closed.isoformat() if closed else None))
    payload = {
        "version": _INPUTS_VERSION,
        "tasks": hashlib.sha256(repr(task_rows).encode()).hexdigest(),
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
    future day is therefore planned after every day from today up to it (up to
    `CHAIN_DAYS` ahead; see `_chain`). Only the requested days' plans are stored. A
    past day without a stored plan gets the (unstored) plan the planner makes for a
    day that is over.
    """
    from focusplan.bulk import collector_paused
    from focusplan.services.calendar_sources import refresh_calendars
    from focusplan.settings import load_settings

    if not days:
        return []
    refresh_calendars(source, now)
    working = _working_day(load_settings())
    with collector_paused():
        plans, inputs = _plans(source, days, now=now, replan=replan, working=working)
    result: list[DayPlan] = []
    for day in days:
        plan = plans[day]
        if plan is None:
            from focusplan.planner import plan_day

            plan = plan_day(day, [], [], [], inputs.weights, working, now=now)
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
    """What the Plan screen shows for `day`: the plan (the stored one while current, else
    planned again from now and stored, as `plan` does; None for a past day nobody
    planned) and the energy predicted across its hours.

    Read first, without the write lock: a screen that loads a current plan never waits
    for (or holds up) a writer. Only a stale plan is planned and stored, in one unit of
    work that may write."""
    import numpy as np

    from focusplan.energy import EnergyModel
    from focusplan.services.calendar_sources import refresh_calendars

    refresh_calendars(source, now)
    zone = now.tzinfo or clock.local_zone()
    end_of_day = clock.start_of_day(day + dt.timedelta(days=1), zone)
    # What could be predicted for that day: a past day's curve ignores later logs.
    cutoff = min(now, end_of_day)
    plans, inputs = _plans(source, [day], now=now, replan=replan, working=working)
    plan = plans[day]
    logs = [log for log in inputs.energy if log.at <= cutoff]
    sleep = inputs.sleep.get(day)
    start, end = working.window(day, zone)
    if plan is not None and plan.blocks:
        start = min(start, min(block.start for block in plan.blocks).astimezone(zone))
        end = max(end, max(block.end for block in plan.blocks).astimezone(zone))
    steps = int((end - start).total_seconds() // (ENERGY_STEP * 60)) + 1
    moments = [start + dt.timedelta(minutes=ENERGY_STEP * k) for k in range(steps)]
    hours = np.array([m.hour + m.minute / 60 for m in moments], dtype=float)
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


def _working_day(settings: object) -> WorkingDay:
    from focusplan.planner.working_day import WorkingDay

    return WorkingDay.from_settings(settings)


@dataclass(frozen=True)
class _Inputs:
    """What the plans of some days are made from, read at one moment."""

    tasks: list[Task]
    energy: list[EnergyLog]  # recorded up to `now`
    weights: Mapping[str, float]
    events: list[ContextEvent]  # every event overlapping the days read
    plans: dict[dt.date, DayPlan | None]  # the stored plan of each day read
    sleep: dict[dt.date, float | None]
    # The SQLite change counter the read was made at (None: not known, read again).
    counter: int | None = None

    def events_of(self, day: dt.date, zone: dt.tzinfo) -> list[ContextEvent]:
        """The events overlapping `day`, as `EventRepository.between` finds them."""
        start = clock.start_of_day(day, zone)
        end = start + dt.timedelta(days=1)
        return [e for e in self.events if e.start < end and (e.end > start or e.start >= start)]


def _chain(days: Sequence[dt.date], today: dt.date) -> list[dt.date]:
    """The days to plan, in order, to plan `days` from today on: each after the ones
    before it. A day more than CHAIN_DAYS ahead is planned from the Monday of its week
    instead of from today (nobody follows a plan for months, and chaining every day to
    2999 would take hours); the week export and `plan --date` agree on that Monday."""
    ahead = [day for day in days if day >= today]
    if not ahead:
        return []
    first = min(ahead)
    if (first - today).days > CHAIN_DAYS:
        first -= dt.timedelta(days=first.weekday())
    else:
        first = today
    count = (max(ahead) - first).days + 1
    return [first + dt.timedelta(days=k) for k in range(count)]


def _read_inputs(
    source: DataSource,
    days: Sequence[dt.date],
    *,
    now: dt.datetime,
    zone: dt.tzinfo,
    writing: UnitOfWork | None = None,
) -> _Inputs:
    """The inputs of `days`: for a current SQLite file through the stdlib snapshots (no
    SQLAlchemy, no ORM objects for ten thousand tasks), else through a unit of work.

    Without `writing`, nothing takes the write lock. With it, the caller holds the write
    lock, so the stdlib read sees exactly what that unit of work sees: nobody else can
    commit in between.
    """
    if writing is not None:
        # A unit of work begins with its first statement (BEGIN IMMEDIATE): take the
        # write lock now, before reading beside it.
        writing.weights.active()
    fast = _fast_inputs(source, days, now=now)
    if fast is not None:
        return fast
    if writing is not None:
        return _uow_inputs(writing, days, now=now, zone=zone)
    with source.read_only() as uow:
        return _uow_inputs(uow, days, now=now, zone=zone)


def _fast_inputs(
    source: DataSource, days: Sequence[dt.date], *, now: dt.datetime
) -> _Inputs | None:
    if source.path is None or not source.path.is_file():
        return None
    from focusplan.store.plan_snapshot import SchemaBehind, read_plan_inputs

    try:
        # One transaction: the tasks, the stored plans and the counter of one moment.
        read = read_plan_inputs(source.path, days, sessions_since=now)
    except SchemaBehind:
        return None  # migrating needs the full store
    return _inputs_from(read, now=now)


def _inputs_from(read: PlanRead, *, now: dt.datetime) -> _Inputs:
    snap = read.snapshot
    return _Inputs(
        tasks=snap.tasks,
        energy=[log for log in snap.energy if log.at <= now],
        weights=snap.weights.params,
        events=snap.events,
        plans=read.stored.plans,
        sleep=read.stored.sleep,
        counter=read.counter,
    )


def _still_current(source: DataSource, inputs: _Inputs) -> bool:
    """Whether `inputs`, read before the caller took the write lock, are still what the
    database holds: its change counter has not moved (every write raises it). Ask it
    only while holding the write lock, so that nobody can write after the answer."""
    if inputs.counter is None or source.path is None:
        return False
    from focusplan.store.plan_snapshot import SchemaBehind, read_change_counter

    try:
        return read_change_counter(source.path) == inputs.counter
    except SchemaBehind:
        return False


def _uow_inputs(
    uow: UnitOfWork, days: Sequence[dt.date], *, now: dt.datetime, zone: dt.tzinfo
) -> _Inputs:
    first = clock.start_of_day(min(days), zone)
    last = clock.start_of_day(max(days), zone) + dt.timedelta(days=1)
    plans: dict[dt.date, DayPlan | None] = {}
    sleep: dict[dt.date, float | None] = {}
    for day in days:
        plans[day] = uow.plans.get(day)
        context = uow.days.get(day)
        sleep[day] = context.sleep_hours if context is not None else None
    return _Inputs(
        tasks=uow.tasks.list(),
        energy=uow.energy.list(until=now),
        weights=uow.weights.active().params,
        events=uow.events.between(first, last),
        plans=plans,
        sleep=sleep,
    )


def _plans(
    source: DataSource,
    days: Sequence[dt.date],
    *,
    now: dt.datetime,
    replan: bool,
    working: WorkingDay,
) -> tuple[dict[dt.date, DayPlan | None], _Inputs]:
    """The plan of each of `days` (None: a past day with no stored plan), and the inputs
    they were read with.

    First a read without the write lock: when every requested plan is current, that is
    all. Otherwise (or with `replan`) a unit of work that may write takes the lock; the
    first read stands when the change counter shows nobody wrote in between, else the
    inputs are read again under the lock; the stale plans are planned again and stored.
    """
    # The planner's own zone, whichever face asks: the CLI and the app must compute
    # the same fingerprint or they would keep re-planning each other's plans.
    zone = working.tzinfo()
    today = now.astimezone(zone).date()
    chain = _chain(days, today)
    read_days = sorted({day for day in days if day < today} | set(chain))
    first: _Inputs | None = None
    # The fingerprints of the unlocked walk, for the locked one when it reads the same.
    fingerprints: dict[dt.date, str] = {}
    if not replan:
        first = _read_inputs(source, read_days, now=now, zone=zone)
        walked = _walk(
            first,
            days,
            chain,
            now=now,
            replan=False,
            working=working,
            store=False,
            fingerprints=fingerprints,
        )
        if walked is not None:
            return walked[0], first
    with source.plan_unit_of_work() as uow:
        inputs = _locked_inputs(source, uow, first, read_days, now=now, zone=zone)
        if inputs is not first:
            fingerprints = {}
        walked = _walk(
            inputs,
            days,
            chain,
            now=now,
            replan=replan,
            working=working,
            store=True,
            fingerprints=fingerprints,
        )
        assert walked is not None  # with store=True every day gets its plan
        plans, new = walked
        for plan in new:
            plans[plan.date] = uow.plans.save(plan)
    return plans, inputs


def _locked_inputs(
    source: DataSource,
    uow: UnitOfWork | PlanUnitOfWork,
    first: _Inputs | None,
    days: Sequence[dt.date],
    *,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> _Inputs:
    """The inputs of `days` as `uow`, which holds the write lock, sees them: `first` (the
    read made without the lock) when nobody wrote since, else read again. Usually nobody
    did, and ten thousand tasks need not be read twice."""
    from focusplan.store.quick_plans import PlanUnitOfWork

    if isinstance(uow, PlanUnitOfWork):
        # It took the write lock on entering (BEGIN IMMEDIATE) and reads on its own
        # connection, inside that transaction.
        if first is not None and first.counter == uow.change_counter():
            return first
        return _inputs_from(uow.plan_inputs(days, sessions_since=now), now=now)
    if first is not None:
        # Take the write lock (the unit of work begins with its first statement), then
        # ask whether anybody wrote since the first read.
        uow.weights.active()
        if _still_current(source, first):
            return first
    return _read_inputs(source, days, now=now, zone=zone, writing=uow)


def _walk(
    inputs: _Inputs,
    days: Sequence[dt.date],
    chain: Sequence[dt.date],
    *,
    now: dt.datetime,
    replan: bool,
    working: WorkingDay,
    store: bool,
    fingerprints: dict[dt.date, str] | None = None,
) -> tuple[dict[dt.date, DayPlan | None], list[DayPlan]] | None:
    """The requested days' plans and the new plans to store, walking `chain` in order.

    Past days are read as stored. From the chain's first day on, each day is planned
    after the days before it (`tasks_after`, from `now` on: what was planned earlier
    today and is still open was not done), so the fingerprint of a later day covers the
    plans it was chained on too: re-planning today re-plans the days after it when read.
    Without `store`, a requested day whose plan is stale stops the walk (None): it has
    to be planned and stored under the write lock. `fingerprints` (by day) are kept
    across two walks over the same inputs: the walk is deterministic, so up to where the
    first stopped the second computes the same ones.
    """
    zone = working.tzinfo()
    requested = set(days)
    plans: dict[dt.date, DayPlan | None] = {
        day: inputs.plans.get(day) for day in days if not chain or day < chain[0]
    }
    new: list[DayPlan] = []
    tasks = inputs.tasks
    for index, day in enumerate(chain):
        events = inputs.events_of(day, zone)
        sleep = inputs.sleep.get(day)
        fingerprint = fingerprints.get(day) if fingerprints is not None else None
        if fingerprint is None:
            fingerprint = plan_inputs(tasks, events, working, inputs.weights, sleep, zone)
            if fingerprints is not None:
                fingerprints[day] = fingerprint
        stored = inputs.plans.get(day)
        current = stored is not None and stored.inputs == fingerprint
        if current and not (replan and day in requested):
            assert stored is not None
            plan = stored
        elif day in requested and not store:
            return None
        else:
            from focusplan.planner import plan_day

            plan = plan_day(
                day,
                tasks,
                events,
                inputs.energy,
                inputs.weights,
                working,
                now=now,
                kept=stored.blocks if stored is not None else (),
                sleep_hours=sleep,
            )
            update: dict[str, object] = {"inputs": fingerprint}
            if chain[0] > now.astimezone(zone).date():
                update["notes"] = (*plan.notes, _UNCHAINED_NOTE)
            plan = plan.model_copy(update=update)
            if day in requested:
                new.append(plan)
        if day in requested:
            plans[day] = plan
        if index + 1 < len(chain):
            from focusplan.planner import tasks_after

            # Only what is still ahead of `now` is assumed done; the past is in the tasks.
            tasks = tasks_after(plan, tasks, since=now)
    return plans, new
