"""The vocabulary of focusplan: pydantic models that cross every layer boundary.

Nothing here knows about SQLAlchemy, Textual or click. The store returns these
models, the numeric core reads them, the CLI and the TUI render them. Every
time is timezone-aware: a naive time is a bug we refuse at the boundary.

Tasks, energy logs, focus sessions and choices are defined here; the models of events,
plans, the ranking and reminders in the submodules, each made on its first use
(`from focusplan.domain import DayPlan` works as before): a cold write command makes
only the classes it uses, each a millisecond or two of its start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

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

if TYPE_CHECKING:  # what __getattr__ below gives, for the type checker
    from focusplan.domain.events import (
        CalendarSource,
        CalendarSourceFile,
        ContextEvent,
        ContextEventDraft,
        DayContext,
    )
    from focusplan.domain.plans import DayPlan, PlanBlock
    from focusplan.domain.ranking import EnergyEstimate, RankedTask, Ranking, Reason, WeightsVersion
    from focusplan.domain.reminders import Reminder, ReminderKind, SentReminder

# Where each model that is not defined here lives.
_LAZY = {
    **dict.fromkeys(
        ("CalendarSource", "CalendarSourceFile", "ContextEvent", "ContextEventDraft", "DayContext"),
        "events",
    ),
    **dict.fromkeys(("DayPlan", "PlanBlock"), "plans"),
    **dict.fromkeys(
        ("EnergyEstimate", "RankedTask", "Ranking", "Reason", "WeightsVersion"), "ranking"
    ),
    **dict.fromkeys(("Reminder", "ReminderKind", "SentReminder"), "reminders"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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


__all__ = [  # noqa: RUF022 - the order of the module, then the submodules
    "Demand",
    "TaskStatus",
    "Window",
    "BlockKind",
    "ChoiceKind",
    "EnergySource",
    "RecurFrom",
    "DEMANDS",
    "MAX_TITLE_LENGTH",
    "MAX_NOTES_LENGTH",
    "MAX_LABEL_LENGTH",
    "MAX_ESTIMATE_MINUTES",
    "Title",
    "Label",
    "Importance",
    "EnergyLevel",
    "EstimateMinutes",
    "ActualMinutes",
    "Notes",
    "EventTitle",
    "DomainModel",
    "TaskFields",
    "NewTask",
    "Task",
    "TaskPatch",
    "EnergyLogDraft",
    "EnergyLog",
    "FocusSession",
    "Choice",
    "CalendarSource",
    "CalendarSourceFile",
    "ContextEvent",
    "ContextEventDraft",
    "DayContext",
    "DayPlan",
    "PlanBlock",
    "EnergyEstimate",
    "RankedTask",
    "Ranking",
    "Reason",
    "WeightsVersion",
    "Reminder",
    "ReminderKind",
    "SentReminder",
]
