"""The weekly figures (principle 4): what happened in one week.

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
  (created, edited or focused on), proposed for dropping;
- repeating: for each repeating series, its instances completed and dropped in the
  week (each instance is also an ordinary completion above).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from focusplan.domain import DEMANDS, DayPlan, EnergyLog, FocusSession, Task
from focusplan.review.models import (
    PARTS_OF_DAY,
    Accuracy,
    DayFigures,
    EstimateAccuracy,
    PartOfDay,
    SeriesWeek,
    TaskNote,
    WeekFigures,
)

NO_PROJECT = "(none)"
STALE_AFTER = dt.timedelta(weeks=3)
STALE_MAX_IMPORTANCE = 2


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
    more_notes: tuple[Sequence[TaskNote], Sequence[TaskNote]] = ((), ()),
) -> WeekFigures:
    """The figures of the week holding `day`.

    `sessions` must include those of the last three weeks before `now` (for
    staleness) and those overlapping the week; extra ones are ignored.
    `more_notes` are the overdue and the stale notes of open tasks left out of
    `tasks` (a backlog read as columns, `review.open_tasks`): they join the lists.
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
        overdue=_joined(overdue_tasks(tasks, now), more_notes[0]),
        stale=_joined(stale_tasks(tasks, sessions, now), more_notes[1]),
        repeating=series_weeks(tasks, start, end),
    )


def _joined(notes: tuple[TaskNote, ...], more: Sequence[TaskNote]) -> tuple[TaskNote, ...]:
    if not more:
        return notes
    if not notes:
        return tuple(more)
    return tuple(sorted([*notes, *more], key=lambda note: (-note.days, note.id)))


def series_weeks(
    tasks: Sequence[Task], start: dt.datetime, end: dt.datetime
) -> tuple[SeriesWeek, ...]:
    """Instances of each repeating series closed in [start, end), most done first."""
    done: dict[str, int] = defaultdict(int)
    dropped: dict[str, int] = defaultdict(int)
    latest: dict[str, Task] = {}
    for task in tasks:
        if task.series_id is None:
            continue
        key = task.series_id
        if key not in latest or task.id > latest[key].id:
            latest[key] = task
        if task.completed_at is not None and start <= task.completed_at < end:
            done[key] += 1
        elif task.dropped_at is not None and start <= task.dropped_at < end:
            dropped[key] += 1
    weeks = [
        SeriesWeek(
            series_id=key,
            title=latest[key].title,
            recur=latest[key].recur,
            done=done[key],
            dropped=dropped[key],
        )
        for key in latest
        if done[key] or dropped[key]
    ]
    return tuple(sorted(weeks, key=lambda week: (-week.done, week.title, week.series_id)))


def _rounded_desc(values: Mapping[str, float]) -> dict[str, float]:
    return {key: round(value, 1) for key, value in sorted(values.items(), key=lambda kv: -kv[1])}


def overdue_tasks(tasks: Sequence[Task], now: dt.datetime) -> tuple[TaskNote, ...]:
    """Open tasks due before `now`, most overdue first."""
    # Built, not validated (`_note`): a backlog can hold tens of thousands of them.
    notes = [
        _note(
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


_NOTE_FIELDS = tuple(TaskNote.model_fields)
# Every field is set in every note: one set for all of them. Pydantic copies it before
# changing it (`model_copy`), and a frozen model never changes it in place.
_ALL_NOTE_FIELDS = set(_NOTE_FIELDS)


def _note(**values: Any) -> TaskNote:
    """What `TaskNote.model_construct(**values)` builds (every field given, each from a
    validated task), without its per-field loop: a backlog of 100,000 tasks has tens of
    thousands of overdue or stale ones, and that loop was most of the review's figures.

    tests/unit/test_review_figures_notes.py checks it equals the validated model.
    """
    return note_of(*(values[name] for name in _NOTE_FIELDS))


def note_of(
    id: int,
    title: str,
    importance: int,
    project: str | None,
    due: dt.datetime | None,
    last_touched: dt.datetime,
    days: float,
) -> TaskNote:
    """`_note` with the fields in their order (no keyword dict per note)."""
    note = _new_note(TaskNote)
    _set(
        note,
        "__dict__",
        {
            "id": id,
            "title": title,
            "importance": importance,
            "project": project,
            "due": due,
            "last_touched": last_touched,
            "days": days,
        },
    )
    _set(note, "__pydantic_fields_set__", _ALL_NOTE_FIELDS)
    _set(note, "__pydantic_extra__", None)
    _set(note, "__pydantic_private__", None)
    return note


_new_note = TaskNote.__new__
_set = object.__setattr__


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
                _note(
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
