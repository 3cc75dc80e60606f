"""What a weekly review reports: plain frozen models the CLI prints and the screen renders."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

PartOfDay = Literal["morning", "afternoon", "evening"]
PARTS_OF_DAY: tuple[PartOfDay, ...] = ("morning", "afternoon", "evening")


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


class SeriesWeek(ReviewModel):
    """One repeating task's week: how many of its instances were done and dropped."""

    series_id: str
    title: str
    recur: str | None
    done: int
    dropped: int


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
    repeating: tuple[SeriesWeek, ...] = ()


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
    """What the learning saw and decided, also when it suggests nothing.

    `fit_choices` is every choice of the window (the weeks before and the
    reviewed week), `heldout_choices` those the rolling-origin folds tested on,
    `before`/`after` the active and the refitted weights on exactly those.
    """

    fit_from: dt.date
    fit_choices: int
    heldout_choices: int
    before: Metrics | None
    after: Metrics | None
    verdict: str
    week_choices: int = 0  # choices made in the reviewed week itself
    folds: int = 0  # rolling-origin test blocks (weeks, or days in a first week)


class WeekReview(ReviewModel):
    figures: WeekFigures
    learning: LearningSummary
    suggestion: Suggestion | None
    apply_requested: bool = False
    applied_version: int | None = None
    # The weights version the review measured against: accepting checks it still rules.
    weights_version: int | None = None
