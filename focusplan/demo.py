"""A realistic sample fortnight for `focusplan demo`, tests and benchmarks.

One person, a morning type with a post-lunch dip, across five projects: two
weeks of energy logs, meetings, focus sessions and completions behind `now`,
and a backlog ahead of it with deadlines and dependencies. Deterministic for a
given `now` and seed, so snapshots of the app are stable.
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


def _morning_person(hour: float) -> float:
    """The demo person's true energy: fresh at 9–11, a dip after lunch, a small rise at 16."""
    import math

    peak = 1.4 * math.exp(-((hour - 10.0) ** 2) / 6.0)
    dip = -0.9 * math.exp(-((hour - 14.0) ** 2) / 1.5)
    rise = 0.4 * math.exp(-((hour - 16.5) ** 2) / 1.5)
    return 3.0 + peak + dip + rise - 0.08 * max(0.0, hour - 17.0) * 3


def build_demo(source: DataSource, *, now: dt.datetime | None = None, seed: int = 7) -> None:
    """Fill an empty database with the sample fortnight ending at `now`."""
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

    # Completions through the real actions, so they become learning choices. Demanding
    # work is done in the mornings, light work in the afternoons, as this person does.
    workdays = [
        first_day + dt.timedelta(days=offset)
        for offset in range(14)
        if (first_day + dt.timedelta(days=offset)).weekday() < 5
    ]
    for index, task_id in enumerate(done_ids):
        sample = DONE_EARLIER[index]
        day = workdays[min(len(workdays) - 1, 1 + index * len(workdays) // len(DONE_EARLIER))]
        start_hour = (
            9.6 if sample.demand == "high" else (11.0 if sample.demand == "medium" else 15.0)
        )
        start = at(day, start_hour + rng.uniform(0, 0.5))
        minutes = max(10, round(sample.estimate * rng.uniform(0.8, 1.5)))
        if index % 2 == 0:
            start_focus(source, task_id, start)
            stop_focus(source, start + dt.timedelta(minutes=minutes), done=True)
        else:
            complete_task(source, task_id, start + dt.timedelta(minutes=minutes), minutes)


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
