"""Does the weekly reweighting learn a person's taste? Simulated people, the real code path.

    .venv/bin/python bench/learning.py                      # 10 people × 8 weeks, 2 jobs
    .venv/bin/python bench/learning.py --people 4 8 --weeks 8 --seed 3 --jobs 1
    .venv/bin/python bench/learning.py --keep /tmp/lives          # keep the simulated lives
    .venv/bin/python bench/learning.py --replay /tmp/lives --min-gain 0   # reviews only

Tuning the review: the person's choices never depend on focusplan's weights, so a
life simulated once (`--keep`) can be reviewed again under another policy
(`--replay`) in a tenth of the time, with every other column unchanged. A figure
from one seed is one life: check a change on `--seed 2` and `--seed 3` too (the
very noisy chooser's weeks 7–8 MRR has a standard error of about 0.02).

Each simulated person has a hidden taste: a utility over tasks and the moment,

    U = a·importance + b·urgency + c·demand·freshness + e·demand·[in their deep-work hours]
        + f·log2(estimate/60) + p·[same project as the last task today]
        + t·[shares a tag with it] + k·demand·rhythm(weekday)
        + m·(-demand)·[within an hour after a meeting ended]

with their own sense of urgency (1/(1 + days left), flat once overdue — not
focusplan's deadline feature), freshness = (actual energy - 3)/2 and rhythm
= +1 Monday … -1 Friday (deep work early in the week, admin on Fridays).
Actual energy is a typical daily curve shifted by the day's form (N(0, 0.5) per
day: sleep, stress), so a logged level says something the clock alone does not.
They choose by the Gumbel-max trick with noise 0.5 (a softmax choice), 2.0 for
the noisy chooser. The people (`PEOPLE`):

- morning person, evening person, deadline-driven, importance-driven (the
  first four, from the first version of this bench);
- project batcher: stays in the project of what they just did (continuity);
- weekday rhythm: deep work on Mondays, admin on Fridays;
- post-meeting dip: light work in the hour after a meeting (3–4 meetings a day);
- morning-only deep work: demanding work 9–11 only, light work otherwise;
- change of taste: importance-driven for four weeks, then stops caring about
  importance and starts caring about deadlines;
- very noisy chooser: a mild taste drowned in noise 2.0.

Week after week they live through focusplan's real services on a real
temporary SQLite database (in /dev/shm when there is one): 9–11 tasks come up
on each working day (projects, tags, due dates for 45%, a few dependencies),
one to four meetings are in the calendar, energy is logged four times a day
(what they feel ± 0.3, rounded), and from the start of their working day until
its end, lunch and meetings aside, they pick a task among the eligible ones,
work on it (estimate × lognormal noise) and complete it — 70% through `done
--minutes`, 30% through a focus session stopped with `--done`. Their choices
never look at focusplan's ranking. On Sunday evening they run the weekly review
and accept its suggestion, if any (`review --apply`).

For every week the table shows the mean reciprocal rank of the person's real
choices (as the review reconstructs them from the database) under:

- focusplan: the ranking with the weights that were active during that week;
- logit: a standard learner on the same choices — a conditional logit with
  interaction features (task features × hour bins, weekday, logged energy,
  after/before a meeting; same project / tag as the previous choice that day),
  L2-regularised, fitted by Newton's method on the choices of the four weeks
  before (the same window the review sees), written in numpy below;
- tw: Taskwarrior's default urgency — due 12.0 × (0.2 … 1.0 ramp from 14 days
  before due to 7 days after), priority H/M/L 6.0/3.9/1.8 with importance 5 → H,
  4 → M, 2–3 → L and 1 → none, age 2.0 × min(1, days/365), project 1.0, tags
  0.8/0.9/1.0 for 1/2/3+ tags, blocking 8.0 (blocked −5.0 never applies:
  blocked tasks are not candidates);
- edf: earliest deadline first (no due date ranks last);
- importance: most important first;
- random: a uniformly random order (its exact expectation);
- oracle: the person's own noiseless taste (the best any ranking can hope for).

Ties are broken uniformly at random in expectation for every ranking. The goal
(issue 11): over weeks 7–8, focusplan's MRR is at least 0.9 × the standard
learner's and at least every classic rule's (tw, edf, importance), for every
person.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Threaded BLAS only adds contention for these small matrices; pin it before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("FOCUSPLAN_TZ", "Europe/Paris")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import numpy.typing as npt

from focusplan import clock
from focusplan.attention.features import eligible_tasks
from focusplan.attention.learning import FIT_NAMES as REVIEW_FIT_NAMES
from focusplan.attention.learning import ChoiceBatch, quality_of_scores, rank_quality
from focusplan.domain import Choice, ContextEvent, ContextEventDraft, EnergyLog, NewTask, Task
from focusplan.review import ReweightPolicy, reconstruct_choices, week_bounds
from focusplan.review.reweighting import REVIEW_POLICY
from focusplan.services.energy_log import log_energy
from focusplan.services.focus import start_focus, stop_focus
from focusplan.services.reviewing import choice_batch, review_week
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, complete_task

FIRST_MONDAY = dt.date(2026, 9, 7)
WEEKS = 8
TARGET_WEEKS = (7, 8)
LEARNER_SHARE = 0.9
PROJECTS = ("thesis", "website", "ops", "hiring", "home")
TAGS = ("writing", "dev", "admin", "people", "reading", "errand")
RULES = ("tw", "edf", "importance")
COLUMNS = ("focusplan", "logit", *RULES, "random", "oracle")
DAY_FORM_SPREAD = 0.5  # day-to-day shift of the whole energy curve (sleep, stress)
LOG_NOISE = 0.3  # how far a logged level strays from what they really feel (before rounding)
AFTER_MEETING = dt.timedelta(hours=1)
LEARNER_WEEKS = 4
LEARNER_L2 = 1.0
RHYTHM = (1.0, 0.5, 0.0, -0.5, -1.0, 0.0, 0.0)  # Monday … Sunday


# --- people --------------------------------------------------------------------------------


def _hour(at: dt.datetime) -> float:
    return at.hour + at.minute / 60


def _urgency(task: Task, at: dt.datetime) -> float:
    """The person's own sense of a deadline: hyperbolic in days left, flat once overdue."""
    if task.due is None:
        return 0.0
    days = (task.due - at).total_seconds() / 86400
    return 1.3 if days <= 0 else 1.0 / (1.0 + days)


_DEMAND = {"low": -1.0, "medium": 0.0, "high": 1.0}


@dataclass(frozen=True)
class Moment:
    """What the person knows when they choose: the day's form, what they just did, meetings."""

    at: dt.datetime
    mood: float
    last: Task | None  # the last task picked up today
    since_meeting: dt.timedelta | None  # since the last meeting of today ended
    week: int


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-((hour - centre) ** 2) / width)


def _morning_curve(h: float) -> float:
    return 2.4 + 2.2 * _bump(h, 9.5, 8) - 0.6 * _bump(h, 14, 2)


def _flat_curve(h: float) -> float:
    return 3.3 + 0.8 * _bump(h, 10, 6) - 0.7 * _bump(h, 14, 2)


def _evening_curve(h: float) -> float:
    return 1.9 + 2.6 * _bump(h, 18.5, 10)


CURVES = {"morning": _morning_curve, "flat": _flat_curve, "evening": _evening_curve}


@dataclass(frozen=True)
class Person:
    name: str
    curve: str  # key of CURVES: typical energy 1..5 at a clock hour
    work: tuple[float, float]  # working hours
    weights: dict[str, float]  # taste: utility coefficients (see `utility`)
    noise: float = 0.5  # Gumbel scale of the choice (softmax temperature)
    demand_hours: tuple[float, float] = (0.0, 0.0)  # hours when demanding work is preferred
    meetings: tuple[int, int] = (1, 2)  # meetings a day, at least and at most
    later: dict[str, float] | None = None  # the taste from `change_week` on
    change_week: int = 0

    def actual_energy(self, at: dt.datetime, mood: float) -> float:
        """How fresh they really are: the typical curve shifted by the day's form."""
        return min(5.0, max(1.0, CURVES[self.curve](_hour(at)) + mood))

    def taste(self, week: int) -> dict[str, float]:
        if self.later is not None and week >= self.change_week:
            return self.later
        return self.weights

    def utility(self, task: Task, moment: Moment) -> float:
        at = moment.at
        hour = _hour(at)
        w = self.taste(moment.week)
        importance = (task.importance - 3) / 2
        demand = _DEMAND[task.demand]
        fresh = (self.actual_energy(at, moment.mood) - 3) / 2
        size = math.log2(task.estimate_minutes / 60)
        start, end = self.demand_hours
        in_window = 1.0 if start <= hour < end else -1.0
        last = moment.last
        same_project = 1.0 if last is not None and last.project == task.project else 0.0
        same_tag = 1.0 if last is not None and set(last.tags) & set(task.tags) else 0.0
        after = moment.since_meeting is not None and moment.since_meeting <= AFTER_MEETING
        return (
            w.get("importance", 0.0) * importance
            + w.get("urgency", 0.0) * _urgency(task, at)
            + w.get("energy_fit", 0.0) * demand * fresh
            + w.get("hour_fit", 0.0) * demand * in_window
            + w.get("size", 0.0) * size
            + w.get("same_project", 0.0) * same_project
            + w.get("same_tag", 0.0) * same_tag
            + w.get("weekday", 0.0) * demand * RHYTHM[at.weekday()]
            + w.get("after_meeting", 0.0) * (-demand) * (1.0 if after else 0.0)
        )


_BASE = {"importance": 0.8, "urgency": 1.0, "energy_fit": 0.5, "size": -0.2}
PEOPLE: tuple[Person, ...] = (
    Person(
        "morning person",
        "morning",
        (8.0, 17.0),
        {"importance": 0.8, "urgency": 1.2, "energy_fit": 1.8, "hour_fit": 0.8, "size": -0.2},
        demand_hours=(7.0, 12.0),
    ),
    Person(
        "evening person",
        "evening",
        (11.0, 21.0),
        {"importance": 0.8, "urgency": 1.2, "energy_fit": 1.8, "hour_fit": 0.8, "size": -0.2},
        demand_hours=(16.0, 23.0),
    ),
    Person(
        "deadline-driven",
        "flat",
        (9.0, 18.0),
        {"importance": 0.8, "urgency": 3.5, "energy_fit": 0.5, "size": -0.3},
    ),
    Person(
        "importance-driven",
        "flat",
        (9.0, 18.0),
        {"importance": 2.2, "urgency": 0.4, "energy_fit": 0.5, "size": -0.35},
    ),
    Person(
        "project batcher",
        "flat",
        (9.0, 18.0),
        {**_BASE, "same_project": 2.5, "same_tag": 0.5},
    ),
    Person("weekday rhythm", "flat", (9.0, 18.0), {**_BASE, "weekday": 1.5}),
    Person(
        "post-meeting dip",
        "flat",
        (9.0, 18.0),
        {**_BASE, "after_meeting": 2.0},
        meetings=(3, 4),
    ),
    Person(
        "morning-only deep",
        "flat",
        (8.0, 17.0),
        {**_BASE, "energy_fit": 0.3, "hour_fit": 2.5},
        demand_hours=(9.0, 11.0),
    ),
    Person(
        "change of taste",
        "flat",
        (9.0, 18.0),
        {"importance": 2.2, "urgency": 0.4, "energy_fit": 0.5, "size": -0.3},
        later={"importance": 0.0, "urgency": 3.5, "energy_fit": 0.5, "size": -0.3},
        change_week=5,
    ),
    Person(
        "very noisy",
        "flat",
        (9.0, 18.0),
        {"importance": 1.0, "urgency": 1.5, "energy_fit": 1.0, "size": -0.2},
        noise=2.0,
    ),
)


# --- classic rules ---------------------------------------------------------------------------

_TW_PRIORITY = {5: 6.0, 4: 3.9, 3: 1.8, 2: 1.8, 1: 0.0}


def taskwarrior_urgency(task: Task, at: dt.datetime, blocking: bool) -> float:
    """Taskwarrior's default urgency coefficients (see the module docstring)."""
    score = _TW_PRIORITY[task.importance]
    if task.due is not None:
        overdue_days = (at - task.due).total_seconds() / 86400
        if overdue_days >= 7:
            ramp = 1.0
        elif overdue_days >= -14:
            ramp = (overdue_days + 14) * 0.8 / 21 + 0.2
        else:
            ramp = 0.2
        score += 12.0 * ramp
    score += 2.0 * min(1.0, max(0.0, (at - task.created_at).total_seconds() / 86400 / 365))
    if task.project:
        score += 1.0
    tags = len(task.tags)
    score += 0.0 if tags == 0 else (0.8 if tags == 1 else 0.9 if tags == 2 else 1.0)
    if blocking:
        score += 8.0
    return score


def _blocking(tasks: Sequence[Task], at: dt.datetime) -> set[int]:
    return {dep for task in tasks if task.open_at(at) for dep in task.depends_on}


# --- the standard learner: a conditional logit with interaction features ------------------------

HOUR_BINS = (8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0)  # bin k: [HOUR_BINS[k-1], HOUR_BINS[k])


def _context_columns(at: dt.datetime, energy: float, after: bool, before: bool) -> list[float]:
    """One-hot hour bin (8), weekday (7), logged energy, after / before a meeting."""
    hour = _hour(at)
    bins = [0.0] * (len(HOUR_BINS) + 1)
    bins[sum(hour >= edge for edge in HOUR_BINS)] = 1.0
    days = [0.0] * 7
    days[at.weekday()] = 1.0
    return [*bins, *days, (energy - 3) / 2, float(after), float(before)]


def learner_features(
    task: Task,
    at: dt.datetime,
    context: Sequence[float],
    last: Task | None,
    blocking: set[int],
) -> list[float]:
    """What a practitioner would hand a conditional logit: main effects of the task, and
    demand and size crossed with every context column."""
    days_left = None if task.due is None else (task.due - at).total_seconds() / 86400
    demand = _DEMAND[task.demand]
    size = math.log2(task.estimate_minutes / 60)
    main = [
        (task.importance - 3) / 2,
        0.0 if days_left is None else 1.0 / (1.0 + max(0.0, days_left)),
        1.0 if days_left is not None and days_left <= 0 else 0.0,
        1.0 if days_left is not None else 0.0,
        demand,
        size,
        math.log1p(max(0.0, (at - task.created_at).total_seconds() / 86400)),
        1.0 if task.id in blocking else 0.0,
        1.0 if last is not None and last.project == task.project else 0.0,
        1.0 if last is not None and set(last.tags) & set(task.tags) else 0.0,
    ]
    return main + [demand * c for c in context] + [size * c for c in context]


FloatArray = npt.NDArray[np.float64]


def fit_conditional_logit(
    Z: FloatArray, mask: npt.NDArray[np.bool_], chosen: npt.NDArray[np.int64], l2: float
) -> FloatArray:
    """β maximising Σ_c log softmax(Z_c β)[chosen_c] - l2/2·|β|², by Newton's method.

    Convex, so a few damped Newton steps reach the optimum; Z is (C, n, F), padded
    rows masked out.
    """
    count, _, features = Z.shape
    beta = np.zeros(features)
    rows = np.arange(count)
    for _ in range(30):
        s = np.where(mask, Z @ beta, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        mean = np.einsum("cn,cnf->cf", p, Z)
        grad = (Z[rows, chosen] - mean).sum(axis=0) - l2 * beta
        centred = (Z - mean[:, None, :]) * np.sqrt(p)[:, :, None]
        hessian = np.einsum("cnf,cng->fg", centred, centred) + l2 * np.eye(features)
        step = np.linalg.solve(hessian, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


# --- the simulation --------------------------------------------------------------------------


@dataclass
class WeekRow:
    week: int
    mrr: dict[str, float]
    choices: int
    applied: str = ""


@dataclass
class PersonRun:
    person: str
    rows: list[WeekRow] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Life:
    """What the simulation keeps of the person's life, to score each week afterwards."""

    known: dict[int, Task] = field(default_factory=dict)
    mood: dict[dt.date, float] = field(default_factory=dict)


def _at(day: dt.date, hour: float) -> dt.datetime:
    base = dt.datetime.combine(day, dt.time(0), tzinfo=clock.local_zone())
    return base + dt.timedelta(minutes=round(hour * 60))


def _new_task(rng: random.Random, created: dt.datetime, open_ids: Sequence[int]) -> NewTask:
    demand = rng.choice(("low", "low", "medium", "medium", "high"))
    low, high = {"low": (10, 30), "medium": (20, 60), "high": (40, 120)}[demand]
    due = None
    if rng.random() < 0.45:
        due = created + dt.timedelta(hours=rng.uniform(6, 240))
    depends = (rng.choice(open_ids),) if open_ids and rng.random() < 0.08 else ()
    return NewTask(
        title=f"task {rng.randrange(10**6)}",
        importance=rng.choices((1, 2, 3, 4, 5), weights=(10, 20, 35, 25, 10))[0],
        demand=demand,
        estimate_minutes=5 * round(rng.uniform(low, high) / 5),
        due=due,
        project=rng.choice(PROJECTS),
        tags=tuple(rng.sample(TAGS, k=rng.choice((0, 1, 1, 2)))),
        depends_on=depends,
        created_at=created,
    )


def _meetings(
    source: DataSource, person: Person, day: dt.date, rng: random.Random
) -> list[tuple[dt.datetime, dt.datetime]]:
    start_hour, end_hour = person.work
    slots = list(range(int(start_hour * 2) + 1, int(end_hour * 2) - 2))
    count = rng.randint(*person.meetings)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    with source.unit_of_work() as uow:
        for slot in sorted(rng.sample(slots, count)):
            begin = _at(day, slot / 2)
            if spans and begin < spans[-1][1]:
                continue
            end = begin + dt.timedelta(minutes=rng.choice((30, 30, 45, 60)))
            uow.events.upsert(
                ContextEventDraft(
                    start=begin,
                    end=end,
                    title="meeting",
                    uid=f"bench-{day.isoformat()}-{slot}",
                    source="bench",
                )
            )
            spans.append((begin, end))
    return spans


def _since_meeting(
    spans: Sequence[tuple[dt.datetime, dt.datetime]], at: dt.datetime
) -> dt.timedelta | None:
    ended = [end for _, end in spans if end <= at and end.date() == at.date()]
    return at - max(ended) if ended else None


def _live_day(
    source: DataSource,
    person: Person,
    day: dt.date,
    week: int,
    rng: random.Random,
    life: Life,
) -> None:
    """One working day; `life.known` mirrors the person's tasks (what the services returned)."""
    start_hour, end_hour = person.work
    mood = life.mood[day] = rng.gauss(0.0, DAY_FORM_SPREAD)
    known = life.known
    open_ids = [task.id for task in known.values() if task.status == "open"]
    for _ in range(rng.randint(9, 11)):
        created = _at(day, rng.uniform(start_hour - 1, end_hour - 1))
        task, _ = add_task(source, _new_task(rng, created, open_ids))
        known[task.id] = task
    for _ in range(4):
        when = _at(day, rng.uniform(start_hour, end_hour))
        felt = person.actual_energy(when, mood) + rng.gauss(0.0, LOG_NOISE)
        log_energy(source, round(min(5.0, max(1.0, felt))), when)
    spans = _meetings(source, person, day, rng)
    now = _at(day, start_hour + rng.uniform(0, 0.3))
    end = _at(day, end_hour)
    lunch = _at(day, 12.5 if start_hour < 12 else 17.0)
    last: Task | None = None
    while now < end - dt.timedelta(minutes=15):
        meeting = next((span for span in spans if span[0] <= now < span[1]), None)
        if meeting is not None:
            now = meeting[1] + dt.timedelta(minutes=rng.randint(0, 5))
            continue
        candidates = eligible_tasks(list(known.values()), now)
        if len(candidates) < 2:
            now += dt.timedelta(minutes=30)
            continue
        moment = Moment(now, mood, last, _since_meeting(spans, now), week)
        task = max(
            candidates,
            key=lambda t: (
                person.utility(t, moment) - person.noise * math.log(-math.log(rng.random()))
            ),
        )
        minutes = max(5, min(300, round(task.estimate_minutes * rng.lognormvariate(0, 0.35))))
        done_at = now + dt.timedelta(minutes=minutes)
        if rng.random() < 0.3:
            start_focus(source, task.id, now)
            finished = stop_focus(source, done_at, done=True).completed
        else:
            finished = complete_task(source, task.id, done_at, minutes).task
        assert finished is not None
        known[task.id] = finished
        last = finished
        now = done_at + dt.timedelta(minutes=rng.randint(5, 15))
        if lunch <= now < lunch + dt.timedelta(hours=1):
            now = lunch + dt.timedelta(hours=1)
            lunch = end  # once a day


@dataclass
class WeekData:
    """One week's reconstructed choices, scored by every ranking but the learner's."""

    scores: dict[str, FloatArray]
    mask: npt.NDArray[np.bool_]
    chosen: npt.NDArray[np.int64]
    features: FloatArray  # (C, n, F) the standard learner's features
    focusplan: float


def _latest_energy(logs: Sequence[EnergyLog], at: dt.datetime) -> float:
    known = [log for log in logs if log.at <= at and log.at.date() == at.date()]
    return float(max(known, key=lambda log: log.at).level) if known else 3.0


@dataclass(frozen=True)
class _Week:
    tasks: list[Task]
    energy: list[EnergyLog]
    events: list[ContextEvent]
    batch: ChoiceBatch
    kept: list[Choice]
    weights: dict[str, float]  # the weights active during the week


def _read_week(source: DataSource, monday: dt.date) -> _Week:
    """The week's choices as the review reconstructs them, with what scoring them needs."""
    start, end = week_bounds(monday, clock.local_zone())
    with source.unit_of_work() as uow:
        tasks = uow.tasks.list()
        sessions = uow.sessions.between(start - dt.timedelta(days=1), end)
        stored = uow.choices.between(start, end)
        energy = uow.energy.list(until=end)
        events = uow.events.between(start, end + dt.timedelta(days=1))
        weights = uow.weights.active().params
    choices = reconstruct_choices(tasks, sessions, stored, start, end, now=end)
    batch, kept = choice_batch(tasks, energy, events, choices, sessions)
    return _Week(tasks, energy, events, batch, kept, dict(weights))


def _sunday_review(source: DataSource, monday: dt.date, policy: ReweightPolicy | None) -> str:
    """The week's review on Sunday evening, its suggestion accepted; what the table says."""
    report = review_week(
        source, monday, now=_at(monday + dt.timedelta(days=6), 20.0), apply=True, policy=policy
    )
    if report.applied_version is not None and report.suggestion is not None:
        s = report.suggestion
        return f"v{report.applied_version} ({s.before.mrr:.2f}→{s.after.mrr:.2f})"
    if report.learning.after is not None:
        return "no: not better on held-out weeks"
    return ""


def _week_data(
    source: DataSource, person: Person, monday: dt.date, week: int, life: Life
) -> WeekData:
    zone = clock.local_zone()
    week_read = _read_week(source, monday)
    tasks, energy, events, batch = (
        week_read.tasks,
        week_read.energy,
        week_read.events,
        week_read.batch,
    )
    kept, weights = week_read.kept, week_read.weights
    by_id = {task.id: task for task in tasks}
    shape = batch.ids.shape
    scores = {name: np.full(shape, -np.inf) for name in (*RULES, "random", "oracle")}
    features: FloatArray | None = None
    previous: Choice | None = None
    for c, choice in enumerate(kept):
        at = choice.at.astimezone(zone)
        blocking = _blocking(tasks, choice.at)
        same_day = previous is not None and previous.at.astimezone(zone).date() == at.date()
        last = by_id[previous.task_id] if same_day and previous is not None else None
        moment = Moment(at, life.mood.get(at.date(), 0.0), last, _since(events, at), week)
        context = _context_columns(
            at, _latest_energy(energy, choice.at), *_meeting_flags(events, at)
        )
        for k in range(int(batch.mask[c].sum())):
            task = by_id[int(batch.ids[c, k])]
            scores["tw"][c, k] = taskwarrior_urgency(task, choice.at, task.id in blocking)
            scores["edf"][c, k] = -task.due.timestamp() if task.due else -1e18
            scores["importance"][c, k] = task.importance
            scores["random"][c, k] = 0.0
            scores["oracle"][c, k] = person.utility(task, moment)
            row = learner_features(task, at, context, last, blocking)
            if features is None:
                features = np.zeros((*shape, len(row)))
            features[c, k] = row
        previous = choice
    if features is None:
        features = np.zeros((*shape, 1))
    return WeekData(
        scores=scores,
        mask=batch.mask,
        chosen=batch.chosen,
        features=features,
        focusplan=rank_quality(batch, weights).mrr if len(batch) else 0.0,
    )


def _since(events: Sequence[ContextEvent], at: dt.datetime) -> dt.timedelta | None:
    return _since_meeting([(e.start, e.end) for e in events], at)


def _meeting_flags(events: Sequence[ContextEvent], at: dt.datetime) -> tuple[bool, bool]:
    since = _since(events, at)
    before = any(at <= e.start < at + AFTER_MEETING for e in events)
    return since is not None and since <= AFTER_MEETING, before


def _pad(arrays: Sequence[npt.NDArray[Any]], width: int, fill: object) -> npt.NDArray[Any]:
    """The arrays (C_i, n_i, ...) widened to n = `width` with `fill`, stacked on C."""
    out = []
    for a in arrays:
        extra = [(0, 0), (0, width - a.shape[1])] + [(0, 0)] * (a.ndim - 2)
        out.append(np.pad(a, extra, constant_values=fill))  # type: ignore[call-overload]
    return np.concatenate(out)


def _learner_mrr(history: Sequence[WeekData], week: WeekData) -> float:
    """The conditional logit fitted on `history`, scored on `week` (random without history)."""
    usable = [w for w in history if w.chosen.size]
    if not usable or not week.chosen.size:
        return quality_of_scores(week.scores["random"], week.mask, week.chosen).mrr
    width = max(w.mask.shape[1] for w in usable)
    Z = _pad([w.features for w in usable], width, 0.0)
    mask = _pad([w.mask for w in usable], width, False)
    chosen = np.concatenate([w.chosen for w in usable])
    beta = fit_conditional_logit(Z, mask, chosen, LEARNER_L2)
    scores = np.where(week.mask, week.features @ beta, -np.inf)
    return quality_of_scores(scores, week.mask, week.chosen).mrr


def simulate(
    person_index: int, weeks: int, seed: int, folder: str, policy: ReweightPolicy | None = None
) -> PersonRun:
    person = PEOPLE[person_index]
    rng = random.Random(seed * 1009 + person_index)
    database = Path(folder) / f"person{person_index}.sqlite3"
    for stale in (database, *(Path(f"{database}{end}") for end in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)  # a life kept before would be lived on, not anew
    source = DataSource(str(database))
    began = time.perf_counter()
    run = PersonRun(person.name)
    before = FIRST_MONDAY - dt.timedelta(days=3)
    life = Life()
    for _ in range(30):  # the backlog they start with
        task, _ = add_task(source, _new_task(rng, _at(before, rng.uniform(9, 17)), []))
        life.known[task.id] = task
    history: list[WeekData] = []
    for week in range(1, weeks + 1):
        monday = FIRST_MONDAY + dt.timedelta(weeks=week - 1)
        for offset in range(5):
            _live_day(source, person, monday + dt.timedelta(days=offset), week, rng, life)
        data = _week_data(source, person, monday, week, life)
        mrr = {"focusplan": data.focusplan, "logit": _learner_mrr(history[-LEARNER_WEEKS:], data)}
        for name, values in data.scores.items():
            mrr[name] = quality_of_scores(values, data.mask, data.chosen).mrr
        history.append(data)
        applied = _sunday_review(source, monday, policy)
        run.rows.append(WeekRow(week=week, mrr=mrr, choices=int(data.chosen.size), applied=applied))
    run.seconds = time.perf_counter() - began
    Path(folder, f"person{person_index}.json").write_text(
        json.dumps([dataclasses.asdict(row) for row in run.rows])
    )
    return run


def replay(person_index: int, weeks: int, folder: str, policy: ReweightPolicy) -> PersonRun:
    """The weekly reviews again under `policy`, on the lives `simulate` kept in `folder`.

    The person's choices never depend on focusplan's weights, so their database after
    the last week holds every week's choices as they were: only the reviews (and what
    they suggest) are redone, from the default weights, each at its own Sunday evening
    (every read of the review is bounded by its `now`). Every other column is the
    simulation's own.
    """
    person = PEOPLE[person_index]
    began = time.perf_counter()
    saved = json.loads(Path(folder, f"person{person_index}.json").read_text())
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="focusplan-replay-", dir=scratch) as work:
        path = Path(work, "person.sqlite3")
        # The backup API, not a file copy: the last commits may still be in the -wal file.
        with (
            contextlib.closing(
                sqlite3.connect(Path(folder, f"person{person_index}.sqlite3"))
            ) as kept,
            contextlib.closing(sqlite3.connect(path)) as db,
        ):
            kept.backup(db)
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.execute("DELETE FROM weight_versions WHERE version > 1")
            db.execute("UPDATE weight_versions SET active = 1 WHERE version = 1")
        source = DataSource(str(path))
        run = PersonRun(person.name)
        for row in saved[:weeks]:
            monday = FIRST_MONDAY + dt.timedelta(weeks=row["week"] - 1)
            week = _read_week(source, monday)
            mrr = dict(row["mrr"])
            mrr["focusplan"] = (
                rank_quality(week.batch, week.weights).mrr if len(week.batch) else 0.0
            )
            applied = _sunday_review(source, monday, policy)
            run.rows.append(WeekRow(row["week"], mrr, row["choices"], applied))
    run.seconds = time.perf_counter() - began
    return run


# --- report ------------------------------------------------------------------------------------


def _target_mrr(run: PersonRun, weeks: Sequence[int]) -> dict[str, float] | None:
    rows = [row for row in run.rows if row.week in weeks and row.choices]
    if not rows:
        return None
    total = sum(row.choices for row in rows)
    return {c: sum(row.mrr[c] * row.choices for row in rows) / total for c in COLUMNS}


def print_table(runs: Sequence[PersonRun], weeks: Sequence[int], verbose: bool) -> bool:
    if verbose:
        header = f"{'person':<18} {'week':>4} {'n':>3}  " + "  ".join(f"{c:>10}" for c in COLUMNS)
        print(header + "  review of the week (applied from the next)")
        print("-" * (len(header) + 22))
        for run in runs:
            for row in run.rows:
                cells = "  ".join(f"{row.mrr[c]:>10.3f}" for c in COLUMNS)
                print(f"{run.person:<18} {row.week:>4} {row.choices:>3}  {cells}  {row.applied}")
            print()
    span = f"weeks {weeks[0]}–{weeks[-1]}" if len(weeks) > 1 else f"week {weeks[0]}"
    print(f"MRR over {span} (choices pooled); target: focusplan ≥ {LEARNER_SHARE} × logit"
          " and ≥ every classic rule")  # fmt: skip
    header = f"{'person':<18} " + " ".join(f"{c:>10}" for c in COLUMNS) + "   ×logit  verdict"
    print(header)
    print("-" * len(header))
    verdicts = []
    for run in runs:
        mrr = _target_mrr(run, weeks)
        if mrr is None:
            continue
        share = mrr["focusplan"] / mrr["logit"] if mrr["logit"] else float("inf")
        beaten = [rule for rule in RULES if mrr[rule] > mrr["focusplan"]]
        ok = share >= LEARNER_SHARE and not beaten
        verdicts.append(ok)
        why = (
            "PASS"
            if ok
            else "FAIL: "
            + ", ".join(
                ([f"{share:.2f}×logit"] if share < LEARNER_SHARE else [])
                + [f"below {rule}" for rule in beaten]
            )
        )
        # Ranking by the person's noiseless taste is the best ranking in expectation
        # (rearrangement: RR falls with the position, sort by choice probability). A rule
        # that beats it on these weeks owes its edge to the sample's noise, which no
        # learner can be expected to match: the line says so beside its FAIL.
        above_oracle = [rule for rule in RULES if mrr[rule] > mrr["oracle"]]
        if not ok and above_oracle:
            why += f" (oracle below {', '.join(above_oracle)}: out of reach on this life)"
        cells = " ".join(f"{mrr[c]:>10.3f}" for c in COLUMNS)
        print(f"{run.person:<18} {cells}   {share:>6.2f}  {why}  ({run.seconds:.0f} s)")
    return bool(verdicts) and all(verdicts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--people", type=int, nargs="*", help="indices into PEOPLE")
    parser.add_argument("--quiet", action="store_true", help="only the summary table")
    parser.add_argument("--half-life", type=float, help="days; the review's decay (tuning)")
    parser.add_argument("--folds", type=int, help="the review's rolling-origin folds (tuning)")
    parser.add_argument("--prior", type=float, help="the review's prior strength (tuning)")
    parser.add_argument("--min-gain", type=float, help="the review's margin (tuning)")
    parser.add_argument("--half-lives", type=float, nargs="+", help="memories to choose among")
    parser.add_argument(
        "--residual-candidates", action="store_true", help="judge residual-only fits too"
    )
    parser.add_argument("--no-simple", action="store_true", help="never the simple ranking")
    parser.add_argument("--simple-min-gain", type=float, help="the simple ranking's margin")
    parser.add_argument("--split", type=int, help="split the reviewed week at this day")
    parser.add_argument(
        "--residual-only", action="store_true", help="fit the residual weights only"
    )
    parser.add_argument("--priors", type=float, nargs="+", help="prior strengths to choose among")
    parser.add_argument(
        "--scaled-prior", action="store_true", help="centre the prior on the scaled defaults"
    )
    parser.add_argument("--blend", action="store_true", help="judge the average of the fits")
    parser.add_argument("--full-margin", type=float, help="the full model's handicap")
    parser.add_argument("--keep", metavar="DIR", help="keep the simulated lives in DIR")
    parser.add_argument(
        "--replay", metavar="DIR", help="redo only the reviews, on lives kept with --keep"
    )
    args = parser.parse_args(argv)
    tuned: dict[str, object] = {}
    if args.half_life is not None:
        # One fixed memory instead of the review's choice among several.
        tuned["half_life_days"] = args.half_life
        tuned["half_lives"] = ()
    if args.folds is not None:
        tuned["validation_folds"] = args.folds
    if args.prior is not None:
        tuned["prior_strength"] = args.prior
    if args.min_gain is not None:
        tuned["min_mrr_gain"] = args.min_gain
    if args.half_lives:
        tuned["half_lives"] = tuple(args.half_lives)
    if args.residual_candidates:
        tuned["residual_candidates"] = True
    if args.no_simple:
        tuned["simple_candidates"] = False
    if args.simple_min_gain is not None:
        tuned["simple_min_gain"] = args.simple_min_gain
    if args.split is not None:
        tuned["split_week_at"] = args.split
    if args.residual_only:
        tuned["names"] = tuple(n for n in REVIEW_FIT_NAMES if n.startswith("residual."))
    if args.priors:
        tuned["prior_strengths"] = tuple(args.priors)
    if args.scaled_prior:
        tuned["scaled_prior"] = True
    if args.blend:
        tuned["blend_candidates"] = True
    if args.full_margin is not None:
        tuned["full_margin"] = args.full_margin
    policy = dataclasses.replace(REVIEW_POLICY, **tuned)  # type: ignore[arg-type]
    indices = args.people if args.people else list(range(len(PEOPLE)))
    target = [w for w in TARGET_WEEKS if w <= args.weeks] or [args.weeks]
    began = time.perf_counter()
    # A memory-backed folder when there is one: the store fsyncs every commit.
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    if args.replay:
        count = len(indices)
        with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            runs = list(
                pool.map(replay, indices, [args.weeks] * count, [args.replay] * count,
                         [policy] * count)
            )  # fmt: skip
    else:
        with contextlib.ExitStack() as stack:
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                folder = args.keep
            else:
                folder = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix="focusplan-bench-", dir=scratch)
                )
            if args.jobs > 1:
                with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                    runs = list(
                        pool.map(simulate, indices, [args.weeks] * len(indices),
                                 [args.seed] * len(indices), [folder] * len(indices),
                                 [policy] * len(indices))
                    )  # fmt: skip
            else:
                runs = [simulate(i, args.weeks, args.seed, folder, policy) for i in indices]
    passed = print_table(runs, target, verbose=not args.quiet)
    print(f"total {time.perf_counter() - began:.0f} s; goal {'met' if passed else 'NOT met'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
