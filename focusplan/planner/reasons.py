"""Why a block is where it is, in words: phrases from the ranking's contributions, true
of the block (its time, its energy, what is left of the task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from focusplan.domain import Task


def contribution_phrases(
    contributions: Mapping[str, float],
    task: Task,
    energy: float,
    slot: dt.datetime,
    early: bool,
    in_progress: bool,
) -> list[str]:
    """The largest positive contributions to the task's score, in words (at most three).

    Contributions are keyed by weight name; several weights can say the same thing
    (`residual.deadline` and `attn.bias×deadline`), so amounts add up per phrase.
    """
    amounts: dict[str, float] = {}
    for name, value in contributions.items():
        if value <= 0:
            continue
        phrase = block_phrase(name, task, energy, slot, early, in_progress)
        if phrase is not None:
            amounts[phrase] = amounts.get(phrase, 0.0) + value
    ranked = sorted(amounts.items(), key=lambda item: (-item[1], item[0]))
    return [phrase for phrase, _ in ranked[:3]]


def block_phrase(
    name: str, task: Task, energy: float, slot: dt.datetime, early: bool, in_progress: bool
) -> str | None:
    """What a positive contribution of weight `name` means for `task` in this block, or
    None when the plain words would not be true of it (a weight can push a little in a
    situation its phrase does not describe: "long task early in the day" at 14:20)."""
    kind, _, term = name.partition(".")
    query, _, key = term.partition("×")
    feature = key or query
    if kind == "value":
        # Tasks share in what their project-mates carry; without a project or tags the
        # "mates" are just every other loose task, which is not worth a phrase.
        return VALUE_PHRASES.get(feature) if task.project or task.tags else None
    if feature == "importance":
        return "important" if task.importance >= 3 else None
    if feature == "deadline":
        if task.due is None:
            return None
        if task.due <= slot:
            return "overdue"
        if task.due.date() == slot.date():
            return "due today"
        return "deadline near" if task.due - slot <= NEAR_DEADLINE else None
    if feature == "demand":
        if task.demand == "high":
            return "fits high energy" if energy >= HIGH_ENERGY else None
        if task.demand == "low":
            return "light work for low energy" if energy < HIGH_ENERGY else None
        return None
    if feature == "estimate":
        if query == "meeting_load":
            return "fits before the next meeting"
        if query == "day_left":
            return "long task early in the day" if early else None
        if query == "energy":
            if task.estimate_minutes <= QUICK_MINUTES:
                short = energy < HIGH_ENERGY and not in_progress
                return "short task for low energy" if short else None
            return "long task for fresh hours" if energy >= HIGH_ENERGY else None
        # The estimate the ranking sees is what is left: the end of a long task is no win.
        quick = task.estimate_minutes <= QUICK_MINUTES and not in_progress
        return "quick win" if quick else None
    if feature == "window_fit":
        return f"its {task.window} window" if task.window else None
    if feature == "age":
        return "waiting a while" if slot - task.created_at >= LONG_WAIT else None
    return TASK_PHRASES.get(feature)


QUICK_MINUTES: Final[int] = 30
HIGH_ENERGY: Final[float] = 3.0  # predicted level from which "fresh" is true
NEAR_DEADLINE: Final[dt.timedelta] = dt.timedelta(days=3)
LONG_WAIT: Final[dt.timedelta] = dt.timedelta(days=7)
TASK_PHRASES: Final[dict[str, str]] = {
    "unblocks": "unblocks other tasks",
    "in_progress": "continues",
}
VALUE_PHRASES: Final[dict[str, str]] = {
    "importance": "important project",
    "deadline": "project deadline",
    "unblocks": "key project",
    "in_progress": "same project as work in progress",
}
