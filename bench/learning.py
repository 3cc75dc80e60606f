"""Does the weekly reweighting learn a person's taste? Simulated people, the real code path.

    /work/venv/bin/python bench/learning.py                # 4 people × 6 weeks
    /work/venv/bin/python bench/learning.py --weeks 8 --seed 3 --jobs 2

Each simulated person has a hidden taste: a utility over tasks and the moment,

    U = a·importance + b·urgency + c·demand·freshness + e·demand·[in their deep-work hours]
        + f·log2(estimate/60)

with their own sense of urgency (1/(1 + days left), flat once overdue — not
focusplan's deadline feature) and freshness = (actual energy - 3)/2. Actual
energy is a typical daily curve shifted by the day's form (N(0, 0.5) per day:
sleep, stress), so a logged level says something the clock alone does not.
The four people (`PEOPLE`): a morning person (fresh 8–11, deep work before
noon), an evening person (slow mornings, deep work from 16h), a deadline-driven
person (urgency dominates; importance and quick wins otherwise) and an
importance-driven person (importance dominates; short tasks and deadlines break
ties). They choose by the Gumbel-max trick with noise 0.5 (a softmax choice).

Week after week they live through focusplan's real services on a real
temporary SQLite database (in /dev/shm when there is one): 9–11 tasks come up
on each working day (projects, tags, due dates for 45%, a few dependencies),
energy is logged four times a day (what they feel ± 0.3, rounded), and from
the start of their working day until its end, lunch aside, they pick a task
among the eligible ones, work on it (estimate × lognormal noise) and complete
it — 70% through `done --minutes`, 30% through a focus session stopped with
`--done`. Their choices never look at focusplan's ranking. On Sunday evening
they run the weekly review and accept its suggestion, if any (`review --apply`).

For every week the table shows the mean reciprocal rank of the person's real
choices (as the review reconstructs them from the database) under:

- focusplan: the ranking with the weights that were active during that week;
- tw: Taskwarrior's default urgency — due 12.0 × (0.2 … 1.0 ramp from 14 days
  before due to 7 days after), priority H/M/L 6.0/3.9/1.8 with importance 5 → H,
  4 → M, 2–3 → L and 1 → none, age 2.0 × min(1, days/365), project 1.0, tags
  0.8/0.9/1.0 for 1/2/3+ tags, blocking 8.0 (blocked −5.0 never applies:
  blocked tasks are not candidates);
- edf: earliest deadline first (no due date ranks last);
- importance: most important first;
- random: a uniformly random order (its exact expectation);
- oracle: the person's own noiseless taste (the best any ranking can hope for).

Ties are broken uniformly at random in expectation for every ranking. The goal:
after four weeks of accepted suggestions (week 6), focusplan beats every
baseline for every person and reaches at least 85% of the oracle's MRR.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Threaded BLAS only adds contention for these small matrices; pin it before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("FOCUSPLAN_TZ", "Europe/Paris")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from focusplan import clock
from focusplan.attention.features import eligible_tasks
from focusplan.attention.learning import quality_of_scores, rank_quality
from focusplan.domain import NewTask, Task
from focusplan.review import reconstruct_choices, week_bounds
from focusplan.services.energy_log import log_energy
from focusplan.services.focus import start_focus, stop_focus
from focusplan.services.reviewing import choice_batch, review_week
from focusplan.services.source import DataSource
from focusplan.services.tasks import add_task, complete_task

FIRST_MONDAY = dt.date(2026, 9, 7)
TARGET_WEEK = 6  # after four weeks of accepted suggestions (reviews of weeks 2–5)
ORACLE_SHARE = 0.85
PROJECTS = ("thesis", "website", "ops", "hiring", "home")
TAGS = ("writing", "dev", "admin", "people", "reading", "errand")
BASELINES = ("tw", "edf", "importance", "random")
DAY_FORM_SPREAD = 0.5  # day-to-day shift of the whole energy curve (sleep, stress)
LOG_NOISE = 0.3  # how far a logged level strays from what they really feel (before rounding)


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
class Person:
    name: str
    energy: Callable[[float], float]  # typical energy 1..5 at a clock hour
    work: tuple[float, float]  # working hours
    weights: dict[str, float]  # taste: utility coefficients (see `utility`)
    noise: float  # Gumbel scale of the choice (softmax temperature)
    demand_hours: tuple[float, float] = (0.0, 0.0)  # hours when demanding work is preferred

    def actual_energy(self, at: dt.datetime, mood: Mapping[dt.date, float]) -> float:
        """How fresh they really are: the typical curve shifted by the day's form."""
        return min(5.0, max(1.0, self.energy(_hour(at)) + mood.get(at.date(), 0.0)))

    def utility(self, task: Task, at: dt.datetime, mood: Mapping[dt.date, float]) -> float:
        hour = _hour(at)
        w = self.weights
        importance = (task.importance - 3) / 2
        demand = _DEMAND[task.demand]
        fresh = (self.actual_energy(at, mood) - 3) / 2
        size = math.log2(task.estimate_minutes / 60)
        start, end = self.demand_hours
        in_window = 1.0 if start <= hour < end else -1.0
        return (
            w.get("importance", 0.0) * importance
            + w.get("urgency", 0.0) * _urgency(task, at)
            + w.get("energy_fit", 0.0) * demand * fresh
            + w.get("hour_fit", 0.0) * demand * in_window
            + w.get("size", 0.0) * size
        )


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-((hour - centre) ** 2) / width)


PEOPLE: tuple[Person, ...] = (
    Person(
        "morning person",
        lambda h: 2.4 + 2.2 * _bump(h, 9.5, 8) - 0.6 * _bump(h, 14, 2),
        (8.0, 17.0),
        {"importance": 0.8, "urgency": 1.2, "energy_fit": 1.8, "hour_fit": 0.8, "size": -0.2},
        noise=0.5,
        demand_hours=(7.0, 12.0),
    ),
    Person(
        "evening person",
        lambda h: 1.9 + 2.6 * _bump(h, 18.5, 10),
        (11.0, 21.0),
        {"importance": 0.8, "urgency": 1.2, "energy_fit": 1.8, "hour_fit": 0.8, "size": -0.2},
        noise=0.5,
        demand_hours=(16.0, 23.0),
    ),
    Person(
        "deadline-driven",
        lambda h: 3.4 + 0.6 * _bump(h, 10, 6) - 0.8 * _bump(h, 14, 2),
        (9.0, 18.0),
        {"importance": 0.8, "urgency": 3.5, "energy_fit": 0.5, "size": -0.3},
        noise=0.5,
    ),
    Person(
        "importance-driven",
        lambda h: 3.3 + 0.8 * _bump(h, 10, 6) - 0.7 * _bump(h, 14, 2),
        (9.0, 18.0),
        {"importance": 2.2, "urgency": 0.4, "energy_fit": 0.5, "size": -0.35},
        noise=0.5,
    ),
)


# --- baselines -----------------------------------------------------------------------------

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


def _pick(
    person: Person,
    candidates: Sequence[Task],
    at: dt.datetime,
    mood: Mapping[dt.date, float],
    rng: random.Random,
) -> Task:
    # Softmax choice via the Gumbel-max trick: utility plus Gumbel noise of scale `noise`.
    def noisy(task: Task) -> float:
        return person.utility(task, at, mood) - person.noise * math.log(-math.log(rng.random()))

    return max(candidates, key=noisy)


def _live_day(
    source: DataSource,
    person: Person,
    day: dt.date,
    rng: random.Random,
    known: dict[int, Task],
    mood: dict[dt.date, float],
) -> None:
    """One working day; `known` mirrors the person's tasks (what the services returned)."""
    start_hour, end_hour = person.work
    mood[day] = rng.gauss(0.0, DAY_FORM_SPREAD)
    open_ids = [task.id for task in known.values() if task.status == "open"]
    for _ in range(rng.randint(9, 11)):
        created = _at(day, rng.uniform(start_hour - 1, end_hour - 1))
        task, _ = add_task(source, _new_task(rng, created, open_ids))
        known[task.id] = task
    for _ in range(4):
        when = _at(day, rng.uniform(start_hour, end_hour))
        felt = person.actual_energy(when, mood) + rng.gauss(0.0, LOG_NOISE)
        log_energy(source, round(min(5.0, max(1.0, felt))), when)
    now = _at(day, start_hour + rng.uniform(0, 0.3))
    end = _at(day, end_hour)
    lunch = _at(day, 12.5 if start_hour < 12 else 17.0)
    while now < end - dt.timedelta(minutes=15):
        candidates = eligible_tasks(list(known.values()), now)
        if len(candidates) < 2:
            now += dt.timedelta(minutes=30)
            continue
        task = _pick(person, candidates, now, mood, rng)
        minutes = max(5, min(300, round(task.estimate_minutes * rng.lognormvariate(0, 0.35))))
        done_at = now + dt.timedelta(minutes=minutes)
        if rng.random() < 0.3:
            start_focus(source, task.id, now)
            finished = stop_focus(source, done_at, done=True).completed
        else:
            finished = complete_task(source, task.id, done_at, minutes).task
        assert finished is not None
        known[task.id] = finished
        now = done_at + dt.timedelta(minutes=rng.randint(5, 15))
        if now >= lunch and now < lunch + dt.timedelta(hours=1):
            now = lunch + dt.timedelta(hours=1)
            lunch = end  # once a day


def _week_scores(
    source: DataSource, person: Person, monday: dt.date, mood: Mapping[dt.date, float]
) -> tuple[dict[str, float], int]:
    zone = clock.local_zone()
    start, end = week_bounds(monday, zone)
    with source.unit_of_work() as uow:
        tasks = uow.tasks.list()
        sessions = uow.sessions.between(start - dt.timedelta(days=1), end)
        stored = uow.choices.between(start, end)
        energy = uow.energy.list(until=end)
        events = uow.events.between(start, end)
        weights = uow.weights.active().params
    choices = reconstruct_choices(tasks, sessions, stored, start, end, now=end)
    batch, kept = choice_batch(tasks, energy, events, choices)
    by_id = {task.id: task for task in tasks}
    scores = {name: np.full(batch.ids.shape, -np.inf) for name in (*BASELINES, "oracle")}
    for c, choice in enumerate(kept):
        blocking = _blocking(tasks, choice.at)
        for k in range(int(batch.mask[c].sum())):
            task = by_id[int(batch.ids[c, k])]
            scores["tw"][c, k] = taskwarrior_urgency(task, choice.at, task.id in blocking)
            scores["edf"][c, k] = -task.due.timestamp() if task.due else -1e18
            scores["importance"][c, k] = task.importance
            scores["random"][c, k] = 0.0
            scores["oracle"][c, k] = person.utility(task, choice.at, mood)
    mrr = {"focusplan": rank_quality(batch, weights).mrr}
    for name, values in scores.items():
        mrr[name] = quality_of_scores(values, batch.mask, batch.chosen).mrr
    return mrr, len(batch)


def simulate(person_index: int, weeks: int, seed: int, folder: str) -> PersonRun:
    person = PEOPLE[person_index]
    rng = random.Random(seed * 1009 + person_index)
    source = DataSource(str(Path(folder) / f"person{person_index}.sqlite3"))
    began = time.perf_counter()
    run = PersonRun(person.name)
    before = FIRST_MONDAY - dt.timedelta(days=3)
    known: dict[int, Task] = {}
    mood: dict[dt.date, float] = {}
    for _ in range(30):  # the backlog they start with
        task, _ = add_task(source, _new_task(rng, _at(before, rng.uniform(9, 17)), []))
        known[task.id] = task
    for week in range(1, weeks + 1):
        monday = FIRST_MONDAY + dt.timedelta(weeks=week - 1)
        for offset in range(5):
            _live_day(source, person, monday + dt.timedelta(days=offset), rng, known, mood)
        mrr, count = _week_scores(source, person, monday, mood)
        report = review_week(
            source, monday, now=_at(monday + dt.timedelta(days=6), 20.0), apply=True
        )
        applied = ""
        if report.applied_version is not None and report.suggestion is not None:
            s = report.suggestion
            applied = f"v{report.applied_version} ({s.before.mrr:.2f}→{s.after.mrr:.2f})"
        elif report.learning.after is not None:
            applied = "no: held-out MRR"
        run.rows.append(WeekRow(week=week, mrr=mrr, choices=count, applied=applied))
    run.seconds = time.perf_counter() - began
    return run


# --- report ------------------------------------------------------------------------------------

COLUMNS = ("focusplan", *BASELINES, "oracle")


def print_table(runs: Sequence[PersonRun], target_week: int) -> bool:
    header = f"{'person':<18} {'week':>4} {'n':>3}  " + "  ".join(f"{c:>10}" for c in COLUMNS)
    print(header + "  review of the week (applied from the next)")
    print("-" * (len(header) + 22))
    verdicts = []
    for run in runs:
        for row in run.rows:
            cells = "  ".join(f"{row.mrr[c]:>10.3f}" for c in COLUMNS)
            print(f"{run.person:<18} {row.week:>4} {row.choices:>3}  {cells}  {row.applied}")
        final = next((row for row in run.rows if row.week == target_week), None)
        if final is not None:
            best = max(BASELINES, key=lambda name: final.mrr[name])
            share = final.mrr["focusplan"] / final.mrr["oracle"]
            ok = final.mrr["focusplan"] > final.mrr[best] and share >= ORACLE_SHARE
            verdicts.append(ok)
            print(
                f"{'':<18} week {target_week}: focusplan {final.mrr['focusplan']:.3f} vs best"
                f" baseline {best} {final.mrr[best]:.3f}; {share:.0%} of the oracle"
                f" -> {'PASS' if ok else 'FAIL'}   ({run.seconds:.0f} s)"
            )
        print()
    return bool(verdicts) and all(verdicts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=TARGET_WEEK)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--people", type=int, nargs="*", help="indices into PEOPLE")
    args = parser.parse_args(argv)
    indices = args.people if args.people else list(range(len(PEOPLE)))
    began = time.perf_counter()
    # A memory-backed folder when there is one: the store fsyncs every commit.
    scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="focusplan-bench-", dir=scratch) as folder:
        if args.jobs > 1:
            with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                runs = list(
                    pool.map(simulate, indices, [args.weeks] * len(indices),
                             [args.seed] * len(indices), [folder] * len(indices))
                )  # fmt: skip
        else:
            runs = [simulate(i, args.weeks, args.seed, folder) for i in indices]
    passed = print_table(runs, TARGET_WEEK)
    print(f"total {time.perf_counter() - began:.0f} s; goal {'met' if passed else 'NOT met'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
