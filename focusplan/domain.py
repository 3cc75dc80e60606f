"""The vocabulary of focusplan: pydantic models that cross every layer boundary.

Nothing here knows about SQLAlchemy, Textual or click. The store returns these
models, the numeric core reads them, the CLI and the TUI render them. Every
time is timezone-aware: a naive time is a bug we refuse at the boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from focusplan.text import clean_line, clean_notes

Demand = Literal["low", "medium", "high"]
TaskStatus = Literal["open", "done", "dropped"]
Window = Literal["morning", "afternoon", "evening"]
BlockKind = Literal["focus", "break", "event"]
ChoiceKind = Literal["completion", "focus"]
EnergySource = Literal["logged", "predicted", "override"]
# Where a repeating task's next due counts from (focusplan.recurrence.RecurFrom).
RecurFrom = Literal["due", "done"]

DEMANDS: tuple[Demand, ...] = ("low", "medium", "high")

MAX_TITLE_LENGTH = 200
MAX_NOTES_LENGTH = 20_000
MAX_LABEL_LENGTH = 64
MAX_ESTIMATE_MINUTES = 24 * 60

# A title is one line: a newline typed or pasted into it would break every table.
Title = Annotated[
    str,
    BeforeValidator(lambda value: clean_line(value) if isinstance(value, str) else value),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_LENGTH),
]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_LENGTH)
]
Importance = Annotated[int, Field(ge=1, le=5)]
EnergyLevel = Annotated[int, Field(ge=1, le=5)]
EstimateMinutes = Annotated[int, Field(ge=1, le=MAX_ESTIMATE_MINUTES)]
ActualMinutes = Annotated[int, Field(ge=0, le=7 * 24 * 60)]
# Every text a person or a file gives is stored without terminal control sequences.
Notes = Annotated[
    str,
    BeforeValidator(lambda value: clean_notes(value) if isinstance(value, str) else value),
    Field(max_length=MAX_NOTES_LENGTH),
]
EventTitle = Annotated[
    str,
    BeforeValidator(lambda value: clean_line(value) if isinstance(value, str) else value),
    Field(max_length=MAX_TITLE_LENGTH),
]


class DomainModel(BaseModel):
    """Immutable, strict about unknown fields, readable from ORM rows."""

    model_config = ConfigDict(frozen=True, extra="forbid", from_attributes=True, defer_build=True)


def _normalise_tags(value: object) -> object:
    # Tags arrive as lists from JSON, tuples from code, and comma strings from forms.
    if value is None:
        return ()
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split()]
    if isinstance(value, Iterable):
        seen: dict[str, None] = {}
        for item in value:
            # "--tag a,b" is two tags, as in the app's form.
            for part in clean_line(str(item)).split(","):
                text = part.strip().lstrip("+@#")
                if text:
                    seen.setdefault(text, None)
        return tuple(seen)
    return value


def _blank_is_none(value: object) -> object:
    if isinstance(value, str):
        value = clean_line(value)
        if not value:
            return None
    return value


def _recur_rule(value: object) -> object:
    # Stored and shown in one canonical form ("2w" is "every 2 weeks"); "" stops a series.
    value = _blank_is_none(value)
    if isinstance(value, str):
        # Imported here: rules are read only when a task is written, never on the quick read.
        from focusplan.recurrence import RecurrenceError, canonical

        try:
            return canonical(value)
        except RecurrenceError as exc:
            raise ValueError(str(exc)) from None
    return value


class TaskFields(DomainModel):
    """What a person says about a task; shared by new tasks and stored ones."""

    title: Title
    notes: Notes = ""
    importance: Importance = 3
    demand: Demand = "medium"
    estimate_minutes: EstimateMinutes = 30
    due: AwareDatetime | None = None
    not_before: AwareDatetime | None = None
    project: Label | None = None
    tags: tuple[Label, ...] = ()
    window: Window | None = None
    depends_on: tuple[int, ...] = ()
    # A repeating task: the rule, whether the next due counts from the due or from the
    # completion, and the last moment a next instance may fall on.
    recur: str | None = None
    recur_from: RecurFrom = "due"
    recur_until: AwareDatetime | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: object) -> object:
        return _normalise_tags(value)

    @field_validator("recur", mode="before")
    @classmethod
    def _recur(cls, value: object) -> object:
        return _recur_rule(value)

    @model_validator(mode="after")
    def _until_needs_rule(self) -> TaskFields:
        if self.recur_until is not None and self.recur is None:
            raise ValueError("an end of repeats (until) needs a repeat rule (recur)")
        return self

    @field_validator("depends_on", mode="before")
    @classmethod
    def _deps(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, Iterable) and not isinstance(value, str | bytes):
            return tuple(dict.fromkeys(value))
        return value

    @field_validator("project", mode="before")
    @classmethod
    def _blank_project_is_none(cls, value: object) -> object:
        return _blank_is_none(value)


class NewTask(TaskFields):
    """A task about to be stored (from the CLI, the app or an import)."""

    created_at: AwareDatetime
    status: TaskStatus = "open"
    completed_at: AwareDatetime | None = None
    dropped_at: AwareDatetime | None = None
    actual_minutes: ActualMinutes | None = None
    external_id: str | None = Field(default=None, max_length=200)
    # The instances of one repeating series share this key; `recur_anchor` is the date the
    # series counts from (its first due), so monthly on the 31st stays on month ends.
    series_id: str | None = Field(default=None, max_length=200)
    recur_anchor: AwareDatetime | None = None

    @model_validator(mode="after")
    def _status_times(self) -> NewTask:
        _check_status_times(self.status, self.completed_at, self.dropped_at)
        return self


class Task(TaskFields):
    """A stored task."""

    id: int
    status: TaskStatus = "open"
    created_at: AwareDatetime
    updated_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    dropped_at: AwareDatetime | None = None
    actual_minutes: ActualMinutes | None = None
    external_id: str | None = None
    series_id: str | None = None
    recur_anchor: AwareDatetime | None = None

    def open_at(self, at: dt.datetime) -> bool:
        """Whether the task was open at `at`, judged only by what was known then."""
        if self.created_at > at:
            return False
        if self.completed_at is not None and self.completed_at <= at:
            return False
        return not (self.dropped_at is not None and self.dropped_at <= at)


def _check_status_times(
    status: TaskStatus, completed_at: dt.datetime | None, dropped_at: dt.datetime | None
) -> None:
    if status == "done" and completed_at is None:
        raise ValueError("a done task needs completed_at")
    if status != "done" and completed_at is not None:
        raise ValueError("only a done task has completed_at")


class TaskPatch(DomainModel):
    """A change to a task: only the fields that were set are applied.

    `model_fields_set` tells "leave alone" from "clear": `TaskPatch(due=None)`
    clears the due date, `TaskPatch()` changes nothing.
    """

    title: Title | None = None
    notes: Notes | None = None
    importance: Importance | None = None
    demand: Demand | None = None
    estimate_minutes: EstimateMinutes | None = None
    due: AwareDatetime | None = None
    not_before: AwareDatetime | None = None
    project: Label | None = None
    tags: tuple[Label, ...] | None = None
    window: Window | None = None
    depends_on: tuple[int, ...] | None = None
    recur: str | None = None
    recur_from: RecurFrom | None = None
    recur_until: AwareDatetime | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: object) -> object:
        return None if value is None else _normalise_tags(value)

    @field_validator("recur", mode="before")
    @classmethod
    def _recur(cls, value: object) -> object:
        return _recur_rule(value)

    @field_validator("project", mode="before")
    @classmethod
    def _blank_project_is_none(cls, value: object) -> object:
        # An emptied project field clears the project, as on a new task.
        return _blank_is_none(value)

    def changes(self) -> dict[str, object]:
        changes = {name: getattr(self, name) for name in self.model_fields_set}
        if changes.get("recur_from", "due") is None:
            changes.pop("recur_from")  # None means "as it was": the field is never empty
        if "recur" in changes and changes["recur"] is None:
            # Stopping a series forgets when it would have ended.
            changes.setdefault("recur_until", None)
        return changes

    def apply_to(self, task: Task) -> Task:
        """The task as it would be after this patch (validated again as a whole)."""
        merged = task.model_dump()
        merged.update(self.changes())
        return Task.model_validate(merged)


class EnergyLogDraft(DomainModel):
    at: AwareDatetime
    level: EnergyLevel
    note: Notes = ""
    source: str = "manual"


class EnergyLog(EnergyLogDraft):
    id: int


class ContextEventDraft(DomainModel):
    """A fixed event of the day, usually from a calendar."""

    start: AwareDatetime
    end: AwareDatetime
    title: EventTitle = ""
    uid: str | None = Field(default=None, max_length=500)
    source: str = "manual"
    all_day: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> ContextEventDraft:
        # In UTC: Python compares two times of one zone by their wall clocks, and in the
        # hour repeated when the clocks go back 02:10 (second time) is "before" 02:50.
        if self.end.astimezone(dt.UTC) < self.start.astimezone(dt.UTC):
            raise ValueError("an event cannot end before it starts")
        return self


class ContextEvent(ContextEventDraft):
    id: int


class DayContext(DomainModel):
    date: dt.date
    sleep_hours: Annotated[float, Field(ge=0, le=24)] | None = None
    notes: Notes = ""


class FocusSession(DomainModel):
    id: int
    task_id: int
    start: AwareDatetime
    end: AwareDatetime | None = None
    interrupted: bool = False

    @property
    def active(self) -> bool:
        return self.end is None

    def minutes(self, now: dt.datetime) -> float:
        end = self.end or now
        return max(0.0, (end - self.start).total_seconds() / 60)


class Choice(DomainModel):
    """A moment when the person picked one task among the eligible ones.

    The learning in the weekly review treats each as one observation of
    `-log p(chosen)`.
    """

    at: AwareDatetime
    task_id: int
    candidates: tuple[int, ...]
    kind: ChoiceKind


class WeightsVersion(DomainModel):
    """A named, versioned set of model parameters. Version 1 is the defaults."""

    version: int
    params: Mapping[str, float]
    created_at: AwareDatetime
    reason: str = ""
    active: bool = False


class PlanBlock(DomainModel):
    start: AwareDatetime
    end: AwareDatetime
    kind: BlockKind
    task_id: int | None = None
    title: str = ""
    energy: float | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> PlanBlock:
        # In UTC, not by wall clock: see ContextEventDraft (the repeated hour of DST).
        if self.end.astimezone(dt.UTC) <= self.start.astimezone(dt.UTC):
            raise ValueError("a block must end after it starts")
        if (self.kind == "focus") != (self.task_id is not None):
            raise ValueError("a focus block names its task; other blocks do not")
        return self

    @property
    def minutes(self) -> float:
        return (self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC)).total_seconds() / 60


class DayPlan(DomainModel):
    date: dt.date
    blocks: tuple[PlanBlock, ...] = ()
    notes: tuple[str, ...] = ()
    created_at: AwareDatetime | None = None
    # A fingerprint of what it was planned from (tasks, events, working day, weights):
    # a stored plan whose inputs changed is planned again (services.planning).
    inputs: str | None = None


class Reason(DomainModel):
    """One plain-word reason a task ranks where it does, and its amount in the logit.

    `amount` is relative to the average eligible task (what every task shares cancels
    in the softmax); `weights` are the weight names whose contributions it sums.
    """

    text: str
    amount: float
    weights: tuple[str, ...]


class RankedTask(DomainModel):
    id: int
    title: str
    rank: int
    score: float
    logit: float
    contributions: Mapping[str, float] | None = None
    # Reasons in plain words, largest |amount| first (explain only; at most a few).
    why: tuple[Reason, ...] = ()

    def reasons(
        self, baseline: Mapping[str, float] | None, count: int = 3
    ) -> list[tuple[str, float]]:
        """The named terms that set this task apart from the average one, largest first."""
        if not self.contributions:
            return []
        base = baseline or {}
        relative = [
            (name, value - base.get(name, 0.0)) for name, value in self.contributions.items()
        ]
        relative.sort(key=lambda item: -abs(item[1]))
        return [item for item in relative[:count] if abs(item[1]) > 1e-9]


class EnergyEstimate(DomainModel):
    level: float
    source: EnergySource
    logged_at: AwareDatetime | None = None


class Ranking(DomainModel):
    at: AwareDatetime
    energy: EnergyEstimate
    items: tuple[RankedTask, ...]
    # Mean contribution over every eligible task: the softmax ignores what all tasks
    # share, so a task's reasons are its contributions above this baseline.
    baseline: Mapping[str, float] | None = None
    # Attention between the top tasks (row i attends to column j), for the why-panel.
    attention_ids: tuple[int, ...] = ()
    attention: tuple[tuple[float, ...], ...] = ()
    # How many tasks were eligible, shown or not (`rank --limit 3` says "3 of 21").
    eligible: int | None = None


# --- external signals (issue 16) -------------------------------------------------------------

ReminderKind = Literal["focus_end", "break_end", "block_start"]


class Reminder(DomainModel):
    """A moment worth a desktop notification; `key` names the moment, so it is sent once."""

    key: str
    kind: ReminderKind
    due_at: AwareDatetime
    title: str
    body: str = ""


class SentReminder(Reminder):
    sent_at: AwareDatetime
    channel: str = ""  # "dbus", "bell" or "" (recorded, not announced)


class CalendarSourceFile(DomainModel):
    """One file of a live calendar as last read: re-read only when mtime or size moved."""

    name: str  # relative to the source's folder; "" for a single-file source
    mtime_ns: int
    size: int
    read_at: AwareDatetime
    events: int = 0


class CalendarSource(DomainModel):
    id: int
    kind: Literal["ics"] = "ics"
    path: str
    added_at: AwareDatetime
    checked_at: AwareDatetime | None = None
    problem: str = ""
    files: int = 0
    events: int = 0
