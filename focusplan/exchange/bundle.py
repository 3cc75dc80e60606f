"""What an import produces: domain drafts plus the links between them, before any id exists.

Items inside one file refer to each other by the file's own keys (a backup's task ids, a
Taskwarrior uuid, a todo.txt line number). The store assigns the real ids, so the bundle keeps
the keys and puts every task after the tasks it depends on; the caller inserts in order and
maps keys to ids as it goes (`ImportedTask.resolved`).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from focusplan.domain import (
    CalendarSource,
    ChoiceKind,
    ContextEventDraft,
    DayContext,
    DayPlan,
    EnergyLogDraft,
    NewTask,
    WeightsVersion,
)

# Refused before reading a byte further. A planner's own data is kilobytes to a few
# megabytes, but `export json` of a 100,000-task backlog is ~71 MB, and a backup must
# restore: the cap leaves room for three times that, and still bounds the memory a file
# can take (a few GB at the cap).
MAX_IMPORT_BYTES = 256 * 1024 * 1024
# Items of one kind per file. 256 MB of one-character todo.txt lines would otherwise be
# 128 million tasks and minutes of work before the store even starts.
MAX_ITEMS = 200_000


class ImportFormatError(ValueError):
    """The file cannot be imported; the one-line message names the format and the item at fault."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImportedTask(_Frozen):
    """A task from a file: the draft, its key inside the file and the keys it depends on."""

    key: str
    task: NewTask
    depends_on_keys: tuple[str, ...] = ()
    # A backup's own task id (kept on restore when it is free) and last edit time.
    original_id: int | None = None
    updated_at: AwareDatetime | None = None
    # The file gave no creation time (it stands in as the import's time): the task is
    # known again by its title instead.
    untimed: bool = False

    def resolved(self, ids: Mapping[str, int]) -> NewTask:
        """The draft with `depends_on` set from the ids the earlier tasks got when stored.

        Raises KeyError for a key not in `ids`; inserting `ImportBundle.tasks` in order never does.
        """
        return self.task.model_copy(
            update={"depends_on": tuple(ids[key] for key in self.depends_on_keys)}
        )


class ImportedSession(_Frozen):
    """A focus session from a backup, naming its task by key."""

    task_key: str
    start: AwareDatetime
    end: AwareDatetime | None = None
    interrupted: bool = False


class ImportedChoice(_Frozen):
    """A learning observation from a backup, naming tasks by key."""

    at: AwareDatetime
    task_key: str
    candidate_keys: tuple[str, ...]
    kind: ChoiceKind


class ImportBundle(_Frozen):
    """Everything one file holds, validated, ready to store in one unit of work.

    `tasks` is ordered so that every task comes after the tasks it depends on (file order
    otherwise); dependency keys always name tasks of this bundle.
    """

    format: str
    tasks: list[ImportedTask] = Field(default_factory=list)
    energy: list[EnergyLogDraft] = Field(default_factory=list)
    events: list[ContextEventDraft] = Field(default_factory=list)
    days: list[DayContext] = Field(default_factory=list)
    weights: list[WeightsVersion] = Field(default_factory=list)
    sessions: list[ImportedSession] = Field(default_factory=list)
    choices: list[ImportedChoice] = Field(default_factory=list)
    # Stored day plans; a focus block's task_id is the key of a task of this bundle.
    plans: list[DayPlan] = Field(default_factory=list)
    # The highest task id the backed-up database ever handed out: ids of tasks deleted
    # there are not handed out again after a restore.
    highest_task_id: int = 0
    # Live calendars (`source add`); their files are read again where the backup lands.
    sources: list[CalendarSource] = Field(default_factory=list)
    # What was deliberately left out, by reason ("recurring templates": 2); not an error.
    skipped: dict[str, int] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """How many items of each kind, and how many were skipped (`skipped` total)."""
        return {
            "tasks": len(self.tasks),
            "energy": len(self.energy),
            "events": len(self.events),
            "days": len(self.days),
            "weights": len(self.weights),
            "sessions": len(self.sessions),
            "choices": len(self.choices),
            "plans": len(self.plans),
            "skipped": sum(self.skipped.values()),
        }

    def summary(self) -> str:
        """One line for a person: what will be imported and what was left out."""
        nouns = {
            "tasks": ("task", "tasks"),
            "energy": ("energy log", "energy logs"),
            "events": ("event", "events"),
            "days": ("day note", "day notes"),
            "weights": ("weights version", "weights versions"),
            "sessions": ("focus session", "focus sessions"),
            "choices": ("choice", "choices"),
            "plans": ("plan", "plans"),
        }
        counts = self.counts()
        parts = [
            f"{counts[name]} {one if counts[name] == 1 else many}"
            for name, (one, many) in nouns.items()
            if counts[name] or name in ("tasks", "energy", "events")
        ]
        text = f"{self.format}: " + ", ".join(parts)
        if self.skipped:
            text += "; skipped " + ", ".join(f"{why}: {n}" for why, n in self.skipped.items())
        return text
