"""Why a block is where it is, in the ranking's own words.

The planner has no phrase table of its own: the ranking's reasons for the chosen
task at the block's moment (`focusplan.attention.explanation`, the sentences
`rank --explain` and the app's why-panel show) are the block's reasons, so a
person reads one vocabulary everywhere. What the planner adds are its own
decisions ("placed here to finish in time"), said by the day builder.

Those sentences state facts of the task and the moment ("due in 2 h", "deep work
fits your energy 3.8"), so they are true of the block. One kind needs a check the
ranking does not make: a task shares in what its project-mates carry, and "its
project: a deadline near" is only said when a mate really is due soon (or
important, or in progress, or unblocking others) at the block's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

from focusplan.attention.explanation import Facts, lead_weight, reason_text, topic_of
from focusplan.attention.features import FEATURE_NAMES, NOMINAL_DAY, TASK_FEATURES, hour_of_day
from focusplan.attention.ranking import RankInput, RankResult
from focusplan.domain import Task

QUICK_MINUTES: Final[int] = 30
HIGH_ENERGY: Final[float] = 3.0  # predicted level from which "fresh" is true
NEAR_DEADLINE: Final[dt.timedelta] = dt.timedelta(days=3)
_REASONS: Final[int] = 3
_IMPORTANT: Final[int] = 4


def ranking_reasons(
    result: RankResult,
    position: int,
    context: RankInput,
    world: Mapping[int, Task],
    in_progress: frozenset[int],
    planner_says: frozenset[str] = frozenset(),
) -> list[str]:
    """The chosen task's top reasons for ranking where it does at this block (at most
    three): the topics that lift it above the average eligible task, in words.

    `position` is the task's row in `result` (best first); `world` the open tasks the
    ranking saw, for the check on project-mates; `planner_says` the topics the planner
    states more exactly itself (its due words, "continues").
    """
    if result.contributions is None or result.features is None:
        return []
    task = world[int(result.ids[position])]
    amounts: dict[str, float] = {}
    parts: dict[str, list[tuple[str, float]]] = {}
    for name, values in result.contributions.items():
        topic = topic_of(name)
        # Relative to the average task, as `rank --explain` shows it: what every task
        # shares says nothing about this one.
        amount = float(values[position]) - float(values.mean())
        amounts[topic] = amounts.get(topic, 0.0) + amount
        parts.setdefault(topic, []).append((name, amount))
    typical = dict(zip(FEATURE_NAMES, result.features.mean(axis=0).tolist(), strict=True))
    row = result.features[position].tolist()
    by_name = dict(zip(FEATURE_NAMES, row, strict=True))
    features = {name: by_name[name] for name in TASK_FEATURES}
    facts = Facts(
        at=context.at,
        energy=context.energy,
        day_hours_left=_hours_left(context),
        last_title=None,
        last_tags=context.last_tags,
        next_meeting_start=context.next_meeting_start,
        meeting_load=context.meeting_load,
        typical=typical,
    )
    texts: list[str] = []
    for topic, amount in sorted(amounts.items(), key=lambda item: (-item[1], item[0])):
        if len(texts) == _REASONS or amount <= 1e-9:
            break
        if topic in planner_says or not _true_of_block(
            topic, task, features, context.at, world, in_progress
        ):
            continue
        text = reason_text(topic, amount, task, features, facts, lead_weight(parts[topic], amount))
        # "20 min and overdue by 2 h" says "overdue by 2 h" again: one of them is enough.
        if not any(text in other or other in text for other in texts):
            texts.append(text)
    return texts


def _hours_left(context: RankInput) -> float:
    if context.day_end is not None:
        return max(0.0, (context.day_end - context.at).total_seconds() / 3600)
    return max(0.0, NOMINAL_DAY[1] - hour_of_day(context.at))


def _true_of_block(
    topic: str,
    task: Task,
    features: Mapping[str, float],
    at: dt.datetime,
    world: Mapping[int, Task],
    in_progress: frozenset[int],
) -> bool:
    """Whether a topic's sentence would be true of the block, as a reason for it.

    Project-mate topics can be false (the ranking says them by the sign of an
    amount); and an absence ("no preferred time of day", "nothing waits on it") can
    lift a task above the average one, but it is no reason to work on it now.
    """
    if topic == "window_fit":
        return task.window is not None
    if topic == "unblocks":
        return features.get("unblocks", 0.0) > 0
    if topic == "due":
        return task.due is not None
    kind, _, feature = topic.partition(".")
    if kind != "value":
        return True
    mates = _mates(task, world)
    if feature == "deadline":
        return any(m.due is not None and m.due - at <= NEAR_DEADLINE for m in mates)
    if feature == "importance":
        return any(m.importance >= _IMPORTANT for m in mates)
    if feature == "in_progress":
        return any(m.id in in_progress for m in mates)
    if feature == "unblocks":
        ids = {m.id for m in mates}
        return any(dep in ids for other in world.values() for dep in other.depends_on)
    return bool(mates)


def _mates(task: Task, world: Mapping[int, Task]) -> Sequence[Task]:
    """The open tasks the ranking's words call "its project" (or "#tag tasks"); none for
    a task without project or tags (its "mates" would be every other loose task)."""
    if task.project:
        return [t for t in world.values() if t.id != task.id and t.project == task.project]
    if task.tags:
        tag = sorted(task.tags)[0]
        return [t for t in world.values() if t.id != task.id and tag in t.tags]
    return []
