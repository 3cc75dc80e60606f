"""The bodies of `add`, `edit`, `done` and `energy`: from their read options to what they
print, for the click commands and the launcher's click-free path alike.

Each takes `source`, a callable giving the command line's DataSource, and calls it
where the click command always did (after or before the model is built: a bad value
and a database that cannot be opened report in the same order on both paths).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from focusplan.option_values import task_values
from focusplan.text import json_text, terminal_text

if TYPE_CHECKING:
    from focusplan.domain import EnergyLog, Task
    from focusplan.services.source import DataSource

    Source = Callable[[], DataSource]


class UsageProblem(ValueError):
    """Options that do not go together; the click command reports it as its usage error."""


def now() -> dt.datetime:
    from focusplan import clock

    return clock.now()


def add(
    source: Source, title: tuple[str, ...], at: dt.datetime | None, as_json: bool, fields: Any
) -> list[str]:
    from focusplan.domain import NewTask
    from focusplan.services.tasks import add_task

    values = task_values(fields)
    if values.get("recur") is None and (fields.get("recur_until") or fields.get("recur_from")):
        raise UsageProblem("--until and --recur-from are for a repeating task; add --recur")
    task = NewTask(title=" ".join(title), created_at=at or now(), **values)
    created, _ = add_task(source(), task)
    return [json_text({"id": created.id}) if as_json else str(created.id)]


def edit(source: Source, task_id: int, title: str | None, as_json: bool, fields: Any) -> list[str]:
    """`fields` says which dates were given (`_due_given`...): given empty, they clear."""
    from focusplan.domain import TaskPatch
    from focusplan.services.tasks import edit_task

    values = task_values(fields, for_patch=True)
    if title is not None:
        values["title"] = title
    if not values:
        raise UsageProblem("nothing to change; give at least one option")
    task, _ = edit_task(source(), task_id, TaskPatch(**values))
    return [task_lines(task, as_json)]


def done(
    source: Source, task_id: int, at: dt.datetime | None, minutes: int | None, as_json: bool
) -> list[str]:
    from focusplan.services.tasks import complete_task

    completion = complete_task(source(), task_id, at or now(), minutes)
    lines = [task_lines(completion.task, as_json)]
    following = completion.next_instance
    if following is not None and not as_json:
        due = f", due {following.due:%Y-%m-%d %H:%M}" if following.due else ""
        lines.append(f"next: {following.id} ({following.recur}{due})")
    return lines


def energy(
    source: Source, level: int, at: dt.datetime | None, note: str, as_json: bool
) -> list[str]:
    from focusplan.services.energy_log import log_energy

    log, _ = log_energy(source(), level, at or now(), note)
    if as_json:
        return [json_text(energy_json(log))]
    return [f"energy {log.level} at {log.at:%Y-%m-%d %H:%M}"]


def energy_json(log: EnergyLog) -> dict[str, Any]:
    at = log.at.isoformat() if log.at is not None else None
    return {"id": log.id, "at": at, "level": log.level, "note": log.note}


def task_lines(task: Task, as_json: bool) -> str:
    if as_json:
        # Only here: the exchange package costs a cold `done` or `edit` tens of ms.
        from focusplan.exchange.json_backup import task_to_json

        return json_text(task_to_json(task))
    return terminal_text(f"{task.id} {task.status}: {task.title}")
