"""The ranking's tokens at each slot of one day, kept up to date instead of found again.

Every slot's ranking needs the eligible tasks and, for each, how many open tasks wait
on it (`unblocks`). Finding them is a pass over the whole world and a walk of its
dependencies: for ten thousand tasks in one dependency chain, most of a day's planning,
twelve times over, while from one slot to the next almost nothing changes. What can:

- a task placed in full leaves the world. It waited on no open task (it was eligible),
  so no other task's count included it or went through it: every count stays, and
  only the tasks that waited on it alone can become eligible;
- an estimate changes (`model_copy`): the tokens are read from the world's models,
  and nothing else depends on it;
- time passes. Who is open or eligible changes only when a creation, completion,
  drop or not-before time of some task is passed.

Anything else (`_narrow` setting tasks aside, a moment passed, a task added) and
everything is found again from the world by `attention.eligibility.scan`, as
`rank_tasks` finds it.

So the tokens are those `rank_tasks(world, ...)` would build, bit for bit
(tests/unit/test_planner_day_tokens.py compares them over random days).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from focusplan.attention.eligibility import scan
from focusplan.attention.features import dependents_counts
from focusplan.domain import Task


@dataclass
class _Found:
    at: dt.datetime
    world: frozenset[int]  # the ids the world held
    open_ids: set[int]
    eligible: set[int]
    counts: dict[int, int]  # open tasks waiting on each id (absent: none)
    waiters: dict[int, list[int]]  # id -> the open tasks that wait on it directly
    moments: list[dt.datetime]  # sorted: when someone's openness or eligibility changes


class DayTokens:
    """`tokens(world, at)`: the eligible tasks of `world` at `at` (the current models, by
    id) and the `unblocks` counts, as `attention.features.build_tokens` finds them."""

    def __init__(self) -> None:
        self._found: _Found | None = None

    def tokens(
        self, world: Mapping[int, Task], at: dt.datetime
    ) -> tuple[list[Task], dict[int, int]]:
        found = self._found
        if found is None or not self._follow(found, world, at):
            found = self._found = _find(world, at)
        return [world[task_id] for task_id in sorted(found.eligible)], found.counts

    def _follow(self, found: _Found, world: Mapping[int, Task], at: dt.datetime) -> bool:
        """Bring `found` to `world` at `at` when only placed tasks left it and no moment
        of change was passed; False when it must be found again."""
        if at < found.at:
            return False
        moments = found.moments
        if bisect.bisect_right(moments, found.at) != bisect.bisect_right(moments, at):
            return False
        ids = world.keys()
        if len(ids) > len(found.world) or not ids <= found.world:
            return False
        gone = found.world.difference(ids)
        for task_id in gone:
            if task_id in found.open_ids and task_id not in found.eligible:
                return False  # open and not eligible: it may have waited, and counted
        open_ids = found.open_ids - gone
        eligible = found.eligible - gone
        for task_id in gone:
            for waiter in found.waiters.get(task_id, ()):
                task = world.get(waiter)
                if (
                    task is not None
                    and waiter in open_ids
                    and (task.not_before is None or task.not_before <= at)
                    and not _waits(task, open_ids)
                ):
                    eligible.add(waiter)
        found.at = at
        found.world = frozenset(ids)
        found.open_ids = open_ids
        found.eligible = eligible
        return True


def _waits(task: Task, open_ids: set[int]) -> bool:
    return any(dep in open_ids for dep in task.depends_on)


def _find(world: Mapping[int, Task], at: dt.datetime) -> _Found:
    tasks = list(world.values())
    found = scan(tasks, at)
    counts = (
        dependents_counts(found.waiting, found.open_ids, found.open_ids) if found.waiting else {}
    )
    waiters: dict[int, list[int]] = {}
    for task in found.waiting:
        for dep in task.depends_on:
            waiters.setdefault(dep, []).append(task.id)
    moments = sorted(
        moment
        for task in tasks
        for moment in (task.created_at, task.completed_at, task.dropped_at, task.not_before)
        if moment is not None
    )
    return _Found(
        at=at,
        world=frozenset(world),
        open_ids=found.open_ids,
        eligible={task.id for task in found.eligible},
        counts=counts,
        waiters=waiters,
        moments=moments,
    )
