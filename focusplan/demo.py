"""A realistic sample history for `focusplan demo`, tests and benchmarks.

One person, a morning type with a post-lunch dip, across five projects: two
weeks of energy logs and meetings, five weeks of focus sessions and completions
behind `now`, and a backlog ahead of it with deadlines and dependencies.
Deterministic for a given `now` and seed, so snapshots of the app are stable.

The person has a habit the hand-set defaults do not share, so that the Review
has something real to suggest, whatever the hour the demo is opened: although
freshest in the morning, they clear light work first thing and keep deep work
for the afternoon (`_pick_for_slot`). Every workday of the five weeks brings a
few small tasks they finish that day (`HABIT_TASKS`), and the fortnight's
completions (`DONE_EARLIER`) follow the same habit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from focusplan import clock
from focusplan.domain import ContextEventDraft, DayContext, Demand, EnergyLogDraft, NewTask, Window
from focusplan.services.source import DataSource


@dataclass(frozen=True)
class SampleTask:
    title: str
    project: str
    importance: int
    demand: Demand
    estimate: int
    tags: tuple[str, ...] = ()
    due_in_days: float | None = None
    window: Window | None = None


BACKLOG: tuple[SampleTask, ...] = (
    SampleTask("Draft chapter 3: related work", "thesis", 5, "high", 150, ("writing",), 6),
    SampleTask("Run ablation on attention temperature", "thesis", 4, "high", 120, ("analysis",), 9),
    SampleTask("Fix figure 4 axis labels", "thesis", 2, "low", 20, ("figures",)),
    SampleTask("Reply to reviewer 2", "thesis", 4, "medium", 60, ("writing",), 2),
    SampleTask("Read Vaswani et al. again", "thesis", 3, "medium", 45, ("reading",)),
    SampleTask("Design new landing page hero", "website", 4, "high", 90, ("design",), 5),
    SampleTask("Migrate blog to static site", "website", 3, "high", 180, ("dev",)),
    SampleTask("Compress hero images", "website", 2, "low", 25, ("dev",)),
    SampleTask("Write release notes", "website", 3, "medium", 40, ("writing",), 1),
    SampleTask("Renew TLS certificates", "ops", 5, "low", 20, ("infra",), 0.3),
    SampleTask("Rotate database backups", "ops", 3, "low", 15, ("infra",)),
    SampleTask("Post-mortem for Tuesday outage", "ops", 4, "medium", 60, ("writing",), 3),
    SampleTask("Upgrade CI runners", "ops", 2, "medium", 75, ("infra",)),
    SampleTask("Screen 4 CVs for the data role", "hiring", 4, "medium", 50, ("people",), 2),
    SampleTask("Prepare interview questions", "hiring", 3, "medium", 40, ("people",), 4),
    SampleTask("Book dentist appointment", "home", 2, "low", 10, ("errand",), None, "afternoon"),
    SampleTask("Pay electricity bill", "home", 4, "low", 10, ("errand",), 1),
    SampleTask("Plan weekend trip", "home", 1, "low", 30, ("fun",), None, "evening"),
    SampleTask("Tidy inbox to zero", "ops", 1, "low", 30, ("admin",)),
    SampleTask("Outline talk for the reading group", "thesis", 3, "high", 60, ("writing",), 11),
    SampleTask("Review Sam's pull request", "website", 3, "medium", 30, ("dev", "review"), 1),
    SampleTask("Submit expense report", "home", 3, "low", 20, ("admin",), -1),
)

DONE_EARLIER: tuple[SampleTask, ...] = (
    SampleTask("Write methods section", "thesis", 5, "high", 120, ("writing",)),
    SampleTask("Clean experiment logs", "thesis", 2, "low", 30, ("analysis",)),
    SampleTask("Sketch wireframes", "website", 4, "high", 90, ("design",)),
    SampleTask("Set up analytics", "website", 2, "medium", 45, ("dev",)),
    SampleTask("Patch kernel on build box", "ops", 4, "low", 20, ("infra",)),
    SampleTask("Write job ad", "hiring", 4, "medium", 60, ("people",)),
    SampleTask("Call the landlord", "home", 3, "low", 15, ("errand",)),
    SampleTask("Benchmark data loader", "thesis", 3, "high", 90, ("analysis",)),
    SampleTask("Update README screenshots", "website", 1, "low", 20, ("dev",)),
    SampleTask("Archive old projects", "ops", 1, "low", 25, ("admin",)),
    SampleTask("Review budget", "home", 3, "medium", 40, ("admin",)),
    SampleTask("Plot learning curves", "thesis", 3, "medium", 45, ("figures",)),
    SampleTask("Fix broken links", "website", 2, "low", 20, ("dev",)),
    SampleTask("Debrief candidate interview", "hiring", 3, "medium", 30, ("people",)),
)


# Tasks that come up and get done on one workday: (title, project, importance, demand, minutes).
HABIT_TASKS: tuple[tuple[str, str, int, Demand, int], ...] = (
    ("Answer emails", "ops", 3, "low", 20),
    ("File receipts", "home", 2, "low", 15),
    ("Triage the issue tracker", "website", 3, "low", 25),
    ("Update the project board", "ops", 2, "low", 15),
    ("Write up experiment notes", "thesis", 4, "high", 75),
    ("Refactor the data loader", "thesis", 4, "high", 90),
    ("Prototype the pricing page", "website", 4, "high", 80),
    ("Draft the hiring rubric", "hiring", 4, "high", 70),
)
HISTORY_WEEKS = 5
# When the person picks up work on a past workday, and the demand they prefer then.
HABIT_SLOTS: tuple[tuple[float, Demand], ...] = (
    (9.6, "low"),
    (11.0, "low"),
    (14.5, "high"),
    (16.2, "high"),
)


def _morning_person(hour: float) -> float:
    """The demo person's true energy: fresh at 9–11, a dip after lunch, a small rise at 16."""
    import math

    peak = 1.4 * math.exp(-((hour - 10.0) ** 2) / 6.0)
    dip = -0.9 * math.exp(-((hour - 14.0) ** 2) / 1.5)
    rise = 0.4 * math.exp(-((hour - 16.5) ** 2) / 1.5)
    return 3.0 + peak + dip + rise - 0.08 * max(0.0, hour - 17.0) * 3


def build_demo(source: DataSource, *, now: dt.datetime | None = None, seed: int = 7) -> None:
    """Fill an empty database with the sample history ending at `now`."""
    from focusplan.services.focus import start_focus, stop_focus
    from focusplan.services.tasks import complete_task

    moment = now or clock.now()
    zone = moment.tzinfo or clock.local_zone()
    rng = random.Random(seed)
    today = moment.date()
    first_day = today - dt.timedelta(days=14)

    def at(day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(hours=hour)

    with source.unit_of_work() as uow:
        for offset in range(15):
            day = first_day + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for hour in (8.5, 10.5, 13.0 + rng.random(), 14.5, 16.5):
                when = at(day, hour + rng.uniform(-0.3, 0.3))
                if when > moment:
                    continue
                level = round(min(5, max(1, _morning_person(hour) + rng.gauss(0, 0.45))))
                uow.energy.add(EnergyLogDraft(at=when, level=level, source="demo"))
            uow.days.put(DayContext(date=day, sleep_hours=round(rng.uniform(6.0, 8.5), 1)))
            uow.events.upsert(
                ContextEventDraft(
                    start=at(day, 9.25),
                    end=at(day, 9.5),
                    title="Stand-up",
                    uid=f"demo-standup-{day.isoformat()}",
                    source="demo",
                )
            )
            if day.weekday() == 1:
                uow.events.upsert(
                    ContextEventDraft(
                        start=at(day, 15.0),
                        end=at(day, 16.0),
                        title="1:1 with Alex",
                        uid=f"demo-one-on-one-{day.isoformat()}",
                        source="demo",
                    )
                )
            if day.weekday() == 3:
                uow.events.upsert(
                    ContextEventDraft(
                        start=at(day, 11.0),
                        end=at(day, 12.0),
                        title="Reading group",
                        uid=f"demo-reading-{day.isoformat()}",
                        source="demo",
                    )
                )
        # Today's calendar, so the plan has something to work around.
        for begins, ends, title in (
            (10.5, 11.0, "Design review"),
            (14.0, 14.5, "Call with vendor"),
        ):
            uow.events.upsert(
                ContextEventDraft(
                    start=at(today, begins),
                    end=at(today, ends),
                    title=title,
                    uid=f"demo-today-{title}",
                    source="demo",
                )
            )
        done_ids = []
        for index, sample in enumerate(DONE_EARLIER):
            created = at(first_day, 9 + index * 0.1)
            task = uow.tasks.add(_new_task(sample, created, zone, moment))
            done_ids.append(task.id)
        backlog_ids = []
        for index, sample in enumerate(BACKLOG):
            created = at(first_day + dt.timedelta(days=index % 10), 9 + index * 0.05)
            backlog_ids.append(uow.tasks.add(_new_task(sample, created, zone, moment)).id)

    # Dependencies: the talk outline waits for the chapter draft; the blog migration
    # waits for the image compression.
    from focusplan.domain import TaskPatch

    with source.unit_of_work() as uow:
        uow.tasks.update(backlog_ids[19], TaskPatch(depends_on=(backlog_ids[0],)))
        uow.tasks.update(backlog_ids[6], TaskPatch(depends_on=(backlog_ids[7],)))

    # Completions through the real actions, so they become learning choices. Light
    # work is done in the mornings, demanding work in the afternoons, as this person does.
    workdays = [
        first_day + dt.timedelta(days=offset)
        for offset in range(14)
        if (first_day + dt.timedelta(days=offset)).weekday() < 5
    ]
    for index, task_id in enumerate(done_ids):
        sample = DONE_EARLIER[index]
        day = workdays[min(len(workdays) - 1, 1 + index * len(workdays) // len(DONE_EARLIER))]
        start_hour = (
            15.0 if sample.demand == "high" else (11.5 if sample.demand == "medium" else 8.9)
        )
        start = at(day, start_hour + rng.uniform(0, 0.5))
        minutes = max(10, round(sample.estimate * rng.uniform(0.8, 1.5)))
        if index % 2 == 0:
            start_focus(source, task_id, start)
            stop_focus(source, start + dt.timedelta(minutes=minutes), done=True)
        else:
            complete_task(source, task_id, start + dt.timedelta(minutes=minutes), minutes)
    _live_the_habit(source, moment, zone, seed)


def _live_the_habit(source: DataSource, moment: dt.datetime, zone: dt.tzinfo, seed: int) -> None:
    """`HISTORY_WEEKS` of workdays before today: small tasks noted down, then done by habit.

    Each workday has two light and two deep `HABIT_TASKS` due that evening,
    noted down one to ten days before (importance drawn anew); the four are
    done that day, one per `HABIT_SLOTS`, by `_pick_for_slot` among the habit
    tasks open then. Added after every other task, so the backlog's ids do not
    depend on the history.
    """
    from focusplan.services.focus import start_focus, stop_focus
    from focusplan.services.tasks import complete_task

    rng = random.Random(seed * 31 + 1)  # its own stream: the rest of the demo stays as it was
    light = [task for task in HABIT_TASKS if task[3] == "low"]
    deep = [task for task in HABIT_TASKS if task[3] == "high"]
    days = [
        day
        for offset in range(HISTORY_WEEKS * 7, 0, -1)
        if (day := moment.date() - dt.timedelta(days=offset)).weekday() < 5
    ]

    def at(day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(hours=hour)

    habit: list[_HabitTask] = []
    with source.unit_of_work() as uow:
        for day in days:
            for title, project, _, demand, minutes in rng.sample(light, 2) + rng.sample(deep, 2):
                created = at(day - dt.timedelta(days=rng.randint(1, 10)), rng.uniform(9, 17))
                draft = NewTask(
                    title=title,
                    project=project,
                    importance=rng.randint(2, 5),
                    demand=demand,
                    estimate_minutes=minutes,
                    due=at(day, 18.0),
                    created_at=created,
                    external_id=None,
                )
                task = uow.tasks.add(draft)
                habit.append(_HabitTask(task.id, demand, minutes, task.importance, created, day))
    done: set[int] = set()
    for day in days:
        for slot, (hour, demand) in enumerate(HABIT_SLOTS):
            start = at(day, hour + rng.uniform(0, 0.3))
            open_now = [t for t in habit if t.created <= start and t.id not in done]
            pick = _pick_for_slot(open_now, demand)
            done.add(pick.id)
            spent = max(10, round(pick.estimate * rng.uniform(0.8, 1.3)))
            if slot % 2:
                start_focus(source, pick.id, start)
                stop_focus(source, start + dt.timedelta(minutes=spent), done=True)
            else:
                complete_task(source, pick.id, start + dt.timedelta(minutes=spent), spent)


@dataclass(frozen=True)
class _HabitTask:
    id: int
    demand: Demand
    estimate: int
    importance: int
    created: dt.datetime
    due_day: dt.date


def _pick_for_slot(open_now: list[_HabitTask], demand: Demand) -> _HabitTask:
    """The person's habit: of the slot's demand (light mornings, deep afternoons) if there
    is one, what is due first, the most important among equals."""
    return min(open_now, key=lambda t: (t.demand != demand, t.due_day, -t.importance, t.id))


def _new_task(
    sample: SampleTask, created: dt.datetime, zone: dt.tzinfo, now: dt.datetime
) -> NewTask:
    due = None
    if sample.due_in_days is not None:
        due_day = now.date() + dt.timedelta(days=int(sample.due_in_days))
        due = dt.datetime.combine(due_day, dt.time(17, 0), tzinfo=zone)
        if 0 < sample.due_in_days < 1:
            due = dt.datetime.combine(now.date(), dt.time(15, 0), tzinfo=zone)
    return NewTask(
        title=sample.title,
        project=sample.project,
        importance=sample.importance,
        demand=sample.demand,
        estimate_minutes=sample.estimate,
        tags=sample.tags,
        due=due,
        window=sample.window,
        created_at=created,
        external_id=None,
    )
