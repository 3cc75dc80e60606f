"""The weekly review (principle 4): what happened in a week, and what to reweight.

Everything here is pure: the service reads the database and hands over domain
models; this module computes the figures, and turns a learning outcome into a
report that the CLI prints (`review_json`, `review_text`) and a screen renders
(the pydantic models).

Definitions (each figure is for one Monday–Sunday week in the person's zone):

- completed: tasks whose `completed_at` falls in the week;
- planned: focus blocks of the stored plans of the week's days; `planned_done`
  counts the distinct planned tasks of a day that were completed that same day;
- focus minutes: focus sessions clipped to the week (a running one counts until
  `now`), by project ("(none)" without one) and by tag (a session counts fully
  for each tag of its task; untagged tasks appear under no tag);
- energy by hour: the mean logged level for each local clock hour (None where
  nothing was logged);
- completion by demand × part of day: completions counted by the task's demand
  and the local hour of `completed_at` (morning 05–12, afternoon 12–17, evening
  17–05);
- estimate accuracy: actual ÷ estimate minutes of the week's completions that
  recorded minutes, median overall, by demand and by project (> 1 means it took
  longer than estimated);
- overdue: open tasks due before `now`;
- stale: open tasks of importance ≤ 2 untouched for at least three weeks
  (created, edited or focused on), proposed for dropping.

Reweighting (`propose_reweighting`, judged honestly): the weights are fitted on
the choices of the `FIT_WEEKS` (4) weeks *before* the reviewed week, starting
from and regularised toward the active weights (`attention.learning`, prior
strength κ = 1 choice), and measured on the reviewed week's own choices, which
the fit never saw: MRR, hit@1, hit@3 before (active weights) and after. A
suggestion is made only with at least `MIN_FIT_CHOICES` (10) choices to fit,
`MIN_HELDOUT_CHOICES` (8) to judge, and a held-out MRR gain of at least
`MIN_MRR_GAIN` (0.02 absolute). Weights that moved less than `MATERIAL_CHANGE`
(0.05) stay as they were; the suggestion stores and lists only the others
(old, new), and the held-out figures are those of exactly that set.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from focusplan.domain import DEMANDS, Choice, DayPlan, EnergyLog, FocusSession, Task

if TYPE_CHECKING:
    from focusplan.attention.learning import ChoiceBatch

PartOfDay = Literal["morning", "afternoon", "evening"]
PARTS_OF_DAY: tuple[PartOfDay, ...] = ("morning", "afternoon", "evening")
NO_PROJECT = "(none)"
STALE_AFTER = dt.timedelta(weeks=3)
STALE_MAX_IMPORTANCE = 2


class ReviewModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DayFigures(ReviewModel):
    date: dt.date
    completed: int
    planned: int
    planned_minutes: float
    planned_done: int
    focus_minutes: float


class Accuracy(ReviewModel):
    """Median of actual ÷ estimate over `count` completions."""

    median: float
    count: int


class EstimateAccuracy(ReviewModel):
    overall: Accuracy | None
    by_demand: dict[str, Accuracy]
    by_project: dict[str, Accuracy]


class TaskNote(ReviewModel):
    """A task the review points at (overdue, or stale and proposed for dropping)."""

    id: int
    title: str
    importance: int
    project: str | None
    due: dt.datetime | None = None
    last_touched: dt.datetime
    days: float  # overdue by, or untouched for


class WeekFigures(ReviewModel):
    week_start: dt.date
    week_end: dt.date  # the Sunday
    completed: int
    planned: int
    planned_done: int
    days: tuple[DayFigures, ...]
    focus_minutes: float
    focus_by_project: dict[str, float]
    focus_by_tag: dict[str, float]
    energy_by_hour: tuple[float | None, ...]  # 24 entries, index = local hour
    energy_logs: int
    completion_by_demand_part: dict[str, dict[str, int]]
    estimate_accuracy: EstimateAccuracy
    overdue: tuple[TaskNote, ...]
    stale: tuple[TaskNote, ...]


class Metrics(ReviewModel):
    """How well a ranking predicted real choices: mean reciprocal rank and hit rates."""

    mrr: float
    hit_at_1: float
    hit_at_3: float
    choices: int


class Mover(ReviewModel):
    """A task whose mean rank over the held-out choices changes under the suggestion."""

    task_id: int
    title: str
    rank_before: float
    rank_after: float
    appearances: int


class Suggestion(ReviewModel):
    """Reweighting the person may accept; `params` is the full version it would store."""

    changes: dict[str, tuple[float, float]]
    before: Metrics
    after: Metrics
    movers: tuple[Mover, ...]
    params: dict[str, float]
    reason: str


class LearningSummary(ReviewModel):
    """What the learning saw and decided, also when it suggests nothing."""

    fit_from: dt.date
    fit_choices: int
    heldout_choices: int
    before: Metrics | None
    after: Metrics | None
    verdict: str


class WeekReview(ReviewModel):
    figures: WeekFigures
    learning: LearningSummary
    suggestion: Suggestion | None
    apply_requested: bool = False
    applied_version: int | None = None


# --- figures ----------------------------------------------------------------------------------


def week_bounds(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 around `day`, local wall-clock time."""
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    return start, end


def part_of_day(hour: int) -> PartOfDay:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    return "evening"


def _local(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return value.astimezone(zone)


def _minutes_within(
    session: FocusSession, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> float:
    stop = min(session.end or now, end)
    begin = max(session.start, start)
    return max(0.0, (stop - begin).total_seconds() / 60)


def _median_ratio(ratios: Sequence[float]) -> Accuracy:
    return Accuracy(median=round(statistics.median(ratios), 3), count=len(ratios))


def week_figures(
    day: dt.date,
    *,
    zone: dt.tzinfo,
    now: dt.datetime,
    tasks: Sequence[Task],
    sessions: Sequence[FocusSession],
    plans: Sequence[DayPlan],
    energy: Sequence[EnergyLog],
) -> WeekFigures:
    """The figures of the week holding `day`.

    `sessions` must include those of the last three weeks before `now` (for
    staleness) and those overlapping the week; extra ones are ignored.
    """
    start, end = week_bounds(day, zone)
    monday = start.date()
    dates = [monday + dt.timedelta(days=offset) for offset in range(7)]
    by_id = {task.id: task for task in tasks}

    done_in_week = [
        task for task in tasks if task.completed_at is not None and start <= task.completed_at < end
    ]
    completed_per_day: dict[dt.date, int] = defaultdict(int)
    done_on: dict[int, dt.date] = {}
    by_demand_part = {demand: dict.fromkeys(PARTS_OF_DAY, 0) for demand in DEMANDS}
    for task in done_in_week:
        assert task.completed_at is not None
        local = _local(task.completed_at, zone)
        completed_per_day[local.date()] += 1
        done_on[task.id] = local.date()
        by_demand_part[task.demand][part_of_day(local.hour)] += 1

    planned_per_day: dict[dt.date, int] = defaultdict(int)
    planned_minutes: dict[dt.date, float] = defaultdict(float)
    planned_done: dict[dt.date, int] = defaultdict(int)
    for plan in plans:
        if plan.date not in dates:
            continue
        planned_ids: set[int] = set()
        for block in plan.blocks:
            if block.kind != "focus" or block.task_id is None:
                continue
            planned_per_day[plan.date] += 1
            planned_minutes[plan.date] += block.minutes
            planned_ids.add(block.task_id)
        planned_done[plan.date] += sum(1 for tid in planned_ids if done_on.get(tid) == plan.date)

    focus_per_day: dict[dt.date, float] = defaultdict(float)
    by_project: dict[str, float] = defaultdict(float)
    by_tag: dict[str, float] = defaultdict(float)
    for session in sessions:
        for date in dates:
            day_start = dt.datetime.combine(date, dt.time(0), tzinfo=zone)
            day_end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
            focus_per_day[date] += _minutes_within(session, day_start, day_end, now)
        minutes = _minutes_within(session, start, end, now)
        if minutes <= 0:
            continue
        owner = by_id.get(session.task_id)
        by_project[(owner.project if owner else None) or NO_PROJECT] += minutes
        for tag in owner.tags if owner else ():
            by_tag[tag] += minutes

    levels: dict[int, list[int]] = defaultdict(list)
    week_logs = 0
    for log in energy:
        if start <= log.at < end:
            levels[_local(log.at, zone).hour].append(log.level)
            week_logs += 1
    energy_by_hour = tuple(
        round(statistics.fmean(levels[hour]), 3) if levels[hour] else None for hour in range(24)
    )

    overall: list[float] = []
    ratio_by_demand: dict[str, list[float]] = defaultdict(list)
    ratio_by_project: dict[str, list[float]] = defaultdict(list)
    for task in done_in_week:
        if task.actual_minutes is None:
            continue
        ratio = task.actual_minutes / task.estimate_minutes
        overall.append(ratio)
        ratio_by_demand[task.demand].append(ratio)
        ratio_by_project[task.project or NO_PROJECT].append(ratio)
    accuracy = EstimateAccuracy(
        overall=_median_ratio(overall) if overall else None,
        by_demand={d: _median_ratio(ratio_by_demand[d]) for d in DEMANDS if ratio_by_demand[d]},
        by_project={p: _median_ratio(r) for p, r in sorted(ratio_by_project.items())},
    )

    days = tuple(
        DayFigures(
            date=date,
            completed=completed_per_day[date],
            planned=planned_per_day[date],
            planned_minutes=round(planned_minutes[date], 1),
            planned_done=planned_done[date],
            focus_minutes=round(focus_per_day[date], 1),
        )
        for date in dates
    )
    return WeekFigures(
        week_start=monday,
        week_end=dates[-1],
        completed=len(done_in_week),
        planned=sum(planned_per_day.values()),
        planned_done=sum(planned_done.values()),
        days=days,
        focus_minutes=round(sum(by_project.values()), 1),
        focus_by_project=_rounded_desc(by_project),
        focus_by_tag=_rounded_desc(by_tag),
        energy_by_hour=energy_by_hour,
        energy_logs=week_logs,
        completion_by_demand_part=by_demand_part,
        estimate_accuracy=accuracy,
        overdue=overdue_tasks(tasks, now),
        stale=stale_tasks(tasks, sessions, now),
    )


def _rounded_desc(values: Mapping[str, float]) -> dict[str, float]:
    return {key: round(value, 1) for key, value in sorted(values.items(), key=lambda kv: -kv[1])}


def overdue_tasks(tasks: Sequence[Task], now: dt.datetime) -> tuple[TaskNote, ...]:
    """Open tasks due before `now`, most overdue first."""
    notes = [
        TaskNote(
            id=task.id,
            title=task.title,
            importance=task.importance,
            project=task.project,
            due=task.due,
            last_touched=_last_touched(task, ()),
            days=round((now - task.due).total_seconds() / 86400, 1),
        )
        for task in tasks
        if task.status == "open" and task.due is not None and task.due < now
    ]
    return tuple(sorted(notes, key=lambda note: (-note.days, note.id)))


def _last_touched(task: Task, session_times: Sequence[dt.datetime]) -> dt.datetime:
    moments = [task.created_at, *session_times]
    if task.updated_at is not None:
        moments.append(task.updated_at)
    return max(moments)


def stale_tasks(
    tasks: Sequence[Task], sessions: Sequence[FocusSession], now: dt.datetime
) -> tuple[TaskNote, ...]:
    """Open, unimportant (≤ 2) tasks nobody touched for three weeks: candidates to drop."""
    touched: dict[int, list[dt.datetime]] = defaultdict(list)
    for session in sessions:
        touched[session.task_id].append(session.end or now)
    notes = []
    for task in tasks:
        if task.status != "open" or task.importance > STALE_MAX_IMPORTANCE:
            continue
        last = _last_touched(task, touched.get(task.id, ()))
        if now - last >= STALE_AFTER:
            notes.append(
                TaskNote(
                    id=task.id,
                    title=task.title,
                    importance=task.importance,
                    project=task.project,
                    due=task.due,
                    last_touched=last,
                    days=round((now - last).total_seconds() / 86400, 1),
                )
            )
    return tuple(sorted(notes, key=lambda note: (-note.days, note.id)))


# --- choices ----------------------------------------------------------------------------------

# Two records of one task closer than this are one decision (clock skew, rounding, typing).
SAME_CHOICE = dt.timedelta(minutes=5)


def _work_start(task: Task) -> dt.datetime:
    """When the work on a completed task began: minutes it took, else its estimate."""
    assert task.completed_at is not None
    spent = task.actual_minutes if task.actual_minutes is not None else task.estimate_minutes
    return task.completed_at - dt.timedelta(minutes=spent)


def _covered(spans: Sequence[tuple[dt.datetime, dt.datetime]], at: dt.datetime) -> bool:
    return any(begin - SAME_CHOICE <= at <= end + SAME_CHOICE for begin, end in spans)


def reconstruct_choices(
    tasks: Sequence[Task],
    sessions: Sequence[FocusSession],
    stored: Sequence[Choice],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime,
) -> list[Choice]:
    """Every choice made in [start, end), rebuilt from what the database holds now.

    One decision to pick a task up is one choice:

    - every focus-session start is a choice (a resumed task was chosen again);
    - a completion is a choice made at `completed_at - actual_minutes` (or minus
      the estimate without minutes), unless a focus session on that task overlaps
      that stretch of work: then the session start(s) already are the decision,
      and `focus start` + `done` is not counted twice;
    - a completion whose work start falls before the task could be picked (created
      later, `not_before`) moves to the first moment it was eligible; if it was
      never eligible before its completion it is not a choice;
    - stored `choices` rows (written at action time) are kept only when the
      database no longer explains them (the task was reopened, a session deleted):
      a stored choice within 5 minutes of a reconstructed one of the same task, or
      inside a session or work stretch of that task, is the same decision. Their
      candidates are the stored ones that still exist.

    Candidates are the tasks eligible at the choice time (by what was recorded
    then, `eligible_tasks`); choices with fewer than two candidates say nothing
    and are left out. Sorted by time.
    """
    from focusplan.attention.features import eligible_tasks

    by_id = {task.id: task for task in tasks}
    spans: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for session in sessions:
        spans[session.task_id].append((session.start, session.end or now))

    found: list[Choice] = []

    def add(task_id: int, at: dt.datetime, kind: Literal["completion", "focus"]) -> None:
        candidates = tuple(sorted(task.id for task in eligible_tasks(tasks, at)))
        if task_id in candidates and len(candidates) >= 2:
            found.append(Choice(at=at, task_id=task_id, candidates=candidates, kind=kind))

    for session in sessions:
        if start <= session.start < end and session.task_id in by_id:
            add(session.task_id, session.start, "focus")
    work: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for task in tasks:
        if task.completed_at is None:
            continue
        begin = _work_start(task)
        work[task.id] = (begin, task.completed_at)
        if any(
            s_begin < task.completed_at and begin - SAME_CHOICE < s_end
            for s_begin, s_end in spans.get(task.id, ())
        ):
            continue
        earliest = max(
            [begin, task.created_at]
            + ([task.not_before] if task.not_before is not None else [])
            + [
                dep.completed_at
                for dep in (by_id.get(dep_id) for dep_id in task.depends_on)
                if dep is not None and dep.completed_at is not None
            ]
        )
        if earliest < task.completed_at and start <= earliest < end:
            add(task.id, earliest, "completion")

    rebuilt: dict[int, list[dt.datetime]] = defaultdict(list)
    for choice in found:
        rebuilt[choice.task_id].append(choice.at)
    for choice in stored:
        if choice.task_id not in by_id or not start <= choice.at < end:
            continue
        if any(abs(choice.at - at) <= SAME_CHOICE for at in rebuilt[choice.task_id]):
            continue
        own = [*spans.get(choice.task_id, ())]
        if choice.task_id in work:
            own.append(work[choice.task_id])
        if _covered(own, choice.at):
            continue
        candidates = tuple(sorted(c for c in choice.candidates if c in by_id))
        if choice.task_id in candidates and len(candidates) >= 2:
            found.append(choice.model_copy(update={"candidates": candidates}))
            rebuilt[choice.task_id].append(choice.at)
    return sorted(found, key=lambda choice: (choice.at, choice.task_id))


# --- reweighting ------------------------------------------------------------------------------

FIT_WEEKS = 4
MIN_FIT_CHOICES = 10
MIN_HELDOUT_CHOICES = 8
MIN_MRR_GAIN = 0.02
MATERIAL_CHANGE = 0.05  # a weight that moves less than this stays as it was
DECIMALS = 3
MOVERS = 5


@dataclass(frozen=True, slots=True)
class ReweightPolicy:
    """When a fit becomes a suggestion (see `propose_reweighting`)."""

    min_fit_choices: int = MIN_FIT_CHOICES
    min_heldout_choices: int = MIN_HELDOUT_CHOICES
    min_mrr_gain: float = MIN_MRR_GAIN
    material_change: float = MATERIAL_CHANGE
    prior_strength: float | None = None  # None: learning.DEFAULT_PRIOR_STRENGTH
    budget: int | None = None  # None: learning.DEFAULT_BUDGET
    names: tuple[str, ...] | None = None  # the weights to fit; None: learning.FIT_NAMES


def _metrics(quality: Any) -> Metrics:
    return Metrics(
        mrr=quality.mrr,
        hit_at_1=quality.hit_at_1,
        hit_at_3=quality.hit_at_3,
        choices=quality.choices,
    )


def propose_reweighting(
    fit: ChoiceBatch,
    heldout: ChoiceBatch,
    current: Mapping[str, float],
    *,
    week_start: dt.date,
    fit_from: dt.date,
    titles: Mapping[int, str],
    policy: ReweightPolicy = ReweightPolicy(),
) -> tuple[LearningSummary, Suggestion | None]:
    """Fit on earlier weeks, judge on the reviewed week, suggest only a real improvement.

    The weights are fitted on `fit` (the choices of the weeks before the reviewed
    one) starting from and regularised toward `current`. Weights that moved less
    than `material_change` are put back, the rest rounded; that exact set is then
    measured on `heldout` (the reviewed week's choices, never seen by the fit)
    against `current`. A suggestion is made only when there are enough choices on
    both sides and the held-out MRR gains at least `min_mrr_gain` (absolute).
    """
    from focusplan.attention import learning
    from focusplan.attention.weights import DEFAULT_WEIGHTS

    base = {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in current.items()}}
    before = _metrics(learning.rank_quality(heldout, base)) if len(heldout) else None

    def summary(verdict: str, after: Metrics | None = None) -> LearningSummary:
        return LearningSummary(
            fit_from=fit_from,
            fit_choices=len(fit),
            heldout_choices=len(heldout),
            before=before,
            after=after,
            verdict=verdict,
        )

    if len(fit) < policy.min_fit_choices:
        return summary(
            f"only {len(fit)} choices in the weeks before (at least {policy.min_fit_choices} needed)"
        ), None
    if len(heldout) < policy.min_heldout_choices:
        return summary(
            f"only {len(heldout)} choices this week to judge a change on"
            f" (at least {policy.min_heldout_choices} needed)"
        ), None
    result = learning.fit_weights(
        fit,
        base,
        prior_strength=learning.DEFAULT_PRIOR_STRENGTH
        if policy.prior_strength is None
        else policy.prior_strength,
        budget=learning.DEFAULT_BUDGET if policy.budget is None else policy.budget,
        names=learning.FIT_NAMES if policy.names is None else policy.names,
    )
    proposed = dict(base)
    changes: dict[str, tuple[float, float]] = {}
    for name in learning.WEIGHT_NAMES:
        old, new = base[name], result.weights[name]
        if abs(new - old) >= policy.material_change:
            proposed[name] = round(new, DECIMALS)
            changes[name] = (old, proposed[name])
    if not changes:
        return summary("the fit leaves every weight where it is"), None
    after = _metrics(learning.rank_quality(heldout, proposed))
    assert before is not None
    gain = after.mrr - before.mrr
    if gain < policy.min_mrr_gain:
        return summary(
            f"the fitted weights change this week's MRR by {gain:+.3f}"
            f" (a suggestion needs +{policy.min_mrr_gain:.2f})",
            after,
        ), None
    reason = f"review of week {week_start.isoformat()}: MRR {before.mrr:.2f} → {after.mrr:.2f}"
    suggestion = Suggestion(
        changes=dict(sorted(changes.items(), key=lambda kv: -abs(kv[1][1] - kv[1][0]))),
        before=before,
        after=after,
        movers=_movers(heldout, base, proposed, titles),
        params=proposed,
        reason=reason,
    )
    return summary(f"held-out MRR {gain:+.3f}: suggested", after), suggestion


def _movers(
    heldout: ChoiceBatch,
    before: Mapping[str, float],
    after: Mapping[str, float],
    titles: Mapping[int, str],
) -> tuple[Mover, ...]:
    from focusplan.attention import learning

    ranks_before = learning.choice_ranks(heldout, before)
    ranks_after = learning.choice_ranks(heldout, after)
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in range(len(heldout)):
        for k in range(int(heldout.mask[c].sum())):
            entry = totals[int(heldout.ids[c, k])]
            entry[0] += float(ranks_before[c, k])
            entry[1] += float(ranks_after[c, k])
            entry[2] += 1
    movers = [
        Mover(
            task_id=task_id,
            title=titles.get(task_id, f"task {task_id}"),
            rank_before=round(total_before / count, 2),
            rank_after=round(total_after / count, 2),
            appearances=int(count),
        )
        for task_id, (total_before, total_after, count) in totals.items()
        if abs(total_after - total_before) / count >= 0.5
    ]
    movers.sort(key=lambda m: (-abs(m.rank_after - m.rank_before), m.task_id))
    return tuple(movers[:MOVERS])


# --- rendering --------------------------------------------------------------------------------


def _metrics_json(metrics: Metrics | None) -> dict[str, Any] | None:
    if metrics is None:
        return None
    return {
        "mrr": round(metrics.mrr, 4),
        "hit_at_1": round(metrics.hit_at_1, 4),
        "hit_at_3": round(metrics.hit_at_3, 4),
        "choices": metrics.choices,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _note_json(note: TaskNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "title": note.title,
        "importance": note.importance,
        "project": note.project,
        "due": _iso(note.due),
        "last_touched": _iso(note.last_touched),
        "days": note.days,
    }


def _accuracy_json(accuracy: Accuracy | None) -> dict[str, Any] | None:
    return None if accuracy is None else {"median": accuracy.median, "count": accuracy.count}


def review_json(report: WeekReview) -> dict[str, Any]:
    """The `review --json` shape of CLI.md (plus extra keys, which the contract allows)."""
    figures = report.figures
    learning = report.learning
    suggestion = report.suggestion
    return {
        "week_start": figures.week_start.isoformat(),
        "week_end": figures.week_end.isoformat(),
        "completed": figures.completed,
        "planned": figures.planned,
        "planned_done": figures.planned_done,
        "days": [
            {
                "date": day.date.isoformat(),
                "completed": day.completed,
                "planned": day.planned,
                "planned_minutes": day.planned_minutes,
                "planned_done": day.planned_done,
                "focus_minutes": day.focus_minutes,
            }
            for day in figures.days
        ],
        "focus_minutes": figures.focus_minutes,
        "focus_by_project": dict(figures.focus_by_project),
        "focus_by_tag": dict(figures.focus_by_tag),
        "energy_by_hour": list(figures.energy_by_hour),
        "energy_logs": figures.energy_logs,
        "completion_by_demand_part": {
            demand: dict(parts) for demand, parts in figures.completion_by_demand_part.items()
        },
        "estimate_accuracy": {
            "overall": _accuracy_json(figures.estimate_accuracy.overall),
            "by_demand": {
                k: _accuracy_json(v) for k, v in figures.estimate_accuracy.by_demand.items()
            },
            "by_project": {
                k: _accuracy_json(v) for k, v in figures.estimate_accuracy.by_project.items()
            },
        },
        "overdue": [_note_json(note) for note in figures.overdue],
        "stale": [_note_json(note) for note in figures.stale],
        "learning": {
            "fit_from": learning.fit_from.isoformat(),
            "fit_choices": learning.fit_choices,
            "heldout_choices": learning.heldout_choices,
            "before": _metrics_json(learning.before),
            "after": _metrics_json(learning.after),
            "verdict": learning.verdict,
        },
        "suggestion": None
        if suggestion is None
        else {
            "changes": {name: [old, new] for name, (old, new) in suggestion.changes.items()},
            "before": _metrics_json(suggestion.before),
            "after": _metrics_json(suggestion.after),
            "movers": [
                {
                    "task_id": mover.task_id,
                    "title": mover.title,
                    "rank_before": mover.rank_before,
                    "rank_after": mover.rank_after,
                    "appearances": mover.appearances,
                }
                for mover in suggestion.movers
            ],
            "reason": suggestion.reason,
        },
        "applied_version": report.applied_version,
    }


def _duration(minutes: float) -> str:
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    return f"{hours}h{rest:02d}m" if hours else f"{rest}m"


def _days(days: float) -> str:
    return f"{days:g} day" if days == 1 else f"{days:g} days"


def _metrics_text(metrics: Metrics) -> str:
    return (
        f"MRR {metrics.mrr:.2f}, hit@1 {metrics.hit_at_1:.0%}, hit@3 {metrics.hit_at_3:.0%}"
        f" ({metrics.choices} choices)"
    )


def review_text(report: WeekReview) -> str:
    """A readable report for the terminal."""
    figures = report.figures
    lines = [
        f"Week of {figures.week_start:%a %d %b %Y} – {figures.week_end:%a %d %b}",
        "",
        f"Completed {figures.completed} task{'s' if figures.completed != 1 else ''};"
        f" planned {figures.planned} focus block{'s' if figures.planned != 1 else ''}"
        f" ({figures.planned_done} planned task{'s' if figures.planned_done != 1 else ''}"
        " done on their day).",
    ]
    for day in figures.days:
        if day.completed or day.planned or day.focus_minutes:
            lines.append(
                f"  {day.date:%a %d}  done {day.completed:>2}  planned {day.planned:>2}"
                f"  focus {_duration(day.focus_minutes):>6}"
            )
    if figures.focus_by_project:
        lines += ["", f"Focus: {_duration(figures.focus_minutes)}"]
        lines += [f"  {name:<20} {_duration(m):>7}" for name, m in figures.focus_by_project.items()]
        if figures.focus_by_tag:
            lines.append(
                "  tags: "
                + ", ".join(f"{tag} {_duration(m)}" for tag, m in figures.focus_by_tag.items())
            )
    if figures.energy_logs:
        logged = [(h, v) for h, v in enumerate(figures.energy_by_hour) if v is not None]
        lines += ["", f"Energy by hour ({figures.energy_logs} logs):"]
        lines += [
            f"  {hour:02d}h {'█' * round(level * 2):<10} {level:.1f}" for hour, level in logged
        ]
    if figures.completed:
        lines += ["", "Completions by demand and part of day:"]
        lines.append("  " + " " * 8 + "".join(f"{part:>11}" for part in PARTS_OF_DAY))
        for demand, parts in figures.completion_by_demand_part.items():
            lines.append(f"  {demand:<8}" + "".join(f"{parts[part]:>11}" for part in PARTS_OF_DAY))
    accuracy = figures.estimate_accuracy
    if accuracy.overall is not None:
        lines += [
            "",
            f"Estimates: actual ÷ estimate median {accuracy.overall.median:.2f}"
            f" over {accuracy.overall.count}",
        ]
        lines.append("  by demand:")
        lines += [f"    {d:<18} {a.median:.2f} ({a.count})" for d, a in accuracy.by_demand.items()]
        lines.append("  by project:")
        lines += [f"    {p:<18} {a.median:.2f} ({a.count})" for p, a in accuracy.by_project.items()]
    if figures.overdue:
        lines += ["", "Overdue:"]
        lines += [f"  #{n.id} {n.title} (by {_days(n.days)})" for n in figures.overdue]
    if figures.stale:
        lines += ["", "Stale, consider dropping (importance ≤ 2, untouched 3+ weeks):"]
        lines += [f"  #{n.id} {n.title} (untouched {_days(n.days)})" for n in figures.stale]
    lines += ["", "Reweighting:"]
    learning = report.learning
    if learning.before is not None:
        lines.append(f"  current weights on this week: {_metrics_text(learning.before)}")
    if learning.after is not None:
        lines.append(f"  fitted weights on this week:  {_metrics_text(learning.after)}")
    suggestion = report.suggestion
    if suggestion is None:
        lines.append(f"  no suggestion: {learning.verdict}")
        if report.apply_requested:
            lines.append("  nothing to apply; the weights are unchanged")
    else:
        lines.append(f"  suggestion: {suggestion.reason}")
        width = max(len(name) for name in suggestion.changes)
        lines += [
            f"    {name:<{width}}  {old:+.3f} → {new:+.3f}"
            for name, (old, new) in suggestion.changes.items()
        ]
        if suggestion.movers:
            lines.append("  tasks that move most (mean rank, before → after):")
            lines += [
                f"    #{m.task_id} {m.title}: {m.rank_before:.1f} → {m.rank_after:.1f}"
                for m in suggestion.movers
            ]
        if report.applied_version is None:
            lines.append("  accept with: focusplan review --apply")
    if report.applied_version is not None:
        lines.append(f"  applied as weights version {report.applied_version}")
    return "\n".join(lines)
