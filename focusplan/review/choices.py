"""Choices rebuilt from what the database recorded: each focus start and each completion
is a choice of one task among those eligible then (the learning's data)."""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from focusplan.domain import Choice, ChoiceKind, FocusSession, Task

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Two records of one task closer than this are one decision (clock skew, rounding, typing).
SAME_CHOICE = dt.timedelta(minutes=5)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
NEVER = _NEVER = 2**62  # microseconds: later than any stored time
_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(at: dt.datetime | None, missing: int) -> int:
    return missing if at is None else (at - _EPOCH) // _MICROSECOND


def task_micros(
    tasks: Sequence[Task],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Created, closed (completed or dropped, the earlier) and `not_before` of each task,
    in integer microseconds since 1970 (UTC); no close is later than any time, no
    `not_before` earlier."""
    import numpy as np

    # `_micros` inlined for the common cases (no time, one time): these run for every
    # task of the backlog, and the calls were most of the work.
    epoch, unit = _EPOCH, _MICROSECOND
    created = np.array([(t.created_at - epoch) // unit for t in tasks], dtype=np.int64)
    closed = np.array(
        [
            _NEVER
            if t.completed_at is None and t.dropped_at is None
            else min(_micros(t.completed_at, _NEVER), _micros(t.dropped_at, _NEVER))
            for t in tasks
        ],
        dtype=np.int64,
    )
    not_before = np.array(
        [-_NEVER if t.not_before is None else (t.not_before - epoch) // unit for t in tasks],
        dtype=np.int64,
    )
    return created, closed, not_before


class Eligibility:
    """`attention.features.eligible_tasks` for many moments over one task list.

    The same rule (open by what was known then, `not_before` passed, no
    dependency still open), on integer-microsecond columns: one vectorised pass
    per moment instead of a Python loop over every task, with the same answer.
    """

    def __init__(self, tasks: Sequence[Task]) -> None:
        import numpy as np

        ordered = sorted(tasks, key=lambda task: task.id)
        times = task_micros(ordered)
        position = {task.id: i for i, task in enumerate(ordered)}
        pairs = [
            (i, position[dep])
            for i, task in enumerate(ordered)
            for dep in task.depends_on
            if dep in position
        ]
        self._setup(
            np.array([task.id for task in ordered], dtype=np.int64),
            *times,
            np.array([i for i, _ in pairs], dtype=np.intp),
            np.array([d for _, d in pairs], dtype=np.intp),
        )

    @classmethod
    def of_columns(
        cls,
        ids: npt.NDArray[np.int64],
        created: npt.NDArray[np.int64],
        closed: npt.NDArray[np.int64],
        not_before: npt.NDArray[np.int64],
        dependencies: Sequence[tuple[int, int]],
    ) -> Eligibility:
        """The same from columns in ascending id order (`task_micros`'s microseconds) and
        the (task, prerequisite) pairs: a backlog read without a model per task."""
        import numpy as np

        position = dict(zip(ids.tolist(), range(ids.size), strict=True))
        pairs = [
            (position[task], position[dep])
            for task, dep in dependencies
            if task in position and dep in position
        ]
        made = cls.__new__(cls)
        made._setup(
            ids,
            created,
            closed,
            not_before,
            np.array([i for i, _ in pairs], dtype=np.intp),
            np.array([d for _, d in pairs], dtype=np.intp),
        )
        return made

    def _setup(
        self,
        ids: npt.NDArray[np.int64],
        created: npt.NDArray[np.int64],
        closed: npt.NDArray[np.int64],
        not_before: npt.NDArray[np.int64],
        waiter: npt.NDArray[np.intp],
        prerequisite: npt.NDArray[np.intp],
    ) -> None:
        self._id_array = ids
        self._ids = ids.tolist()
        self._position = dict(zip(self._ids, range(len(self._ids)), strict=True))
        self._created = created
        self._closed = closed
        self._not_before = not_before
        self._waiter = waiter
        self._prerequisite = prerequisite

    def eligible(self, at: dt.datetime) -> npt.NDArray[np.bool_]:
        """Per position (ascending task id), whether that task is eligible at `at`."""
        moment = _micros(at, 0)
        open_now = (self._created <= moment) & (self._closed > moment)
        eligible = open_now & (self._not_before <= moment)
        if self._waiter.size:
            blocking = open_now[self._prerequisite]
            eligible[self._waiter[blocking]] = False
        return eligible

    def rows(self, at: dt.datetime) -> npt.NDArray[np.intp]:
        """Positions (ascending task id) of the tasks eligible at `at`."""
        import numpy as np

        return np.flatnonzero(self.eligible(at))

    def ids(self, at: dt.datetime) -> tuple[int, ...]:
        """Ids of the tasks eligible at `at`, ascending."""
        rows = self.rows(at).tolist()
        if len(rows) < 2:
            return tuple(self._ids[i] for i in rows)
        # One call in C, and the tuple shares the list's int objects (a choice among
        # 100,000 would otherwise hold 100,000 ints of its own): a loop here was seconds.
        return operator.itemgetter(*rows)(self._ids)

    def candidates_of(self, task_id: int, at: dt.datetime) -> npt.NDArray[np.int64] | None:
        """The ids eligible at `at` (ascending, an array) when `task_id` is among them and
        they are at least two, else None: `ids` and the test on it, without a tuple of
        every open task per choice (at 100,000 tasks, most of rebuilding the choices)."""
        position = self._position.get(task_id)
        if position is None:
            return None
        eligible = self.eligible(at)
        if not eligible[position]:
            return None
        found = self._id_array[eligible]
        return found if found.size >= 2 else None


@dataclass(frozen=True, slots=True, eq=False)
class RebuiltChoice:
    """A `Choice` as `rebuild_choices` finds it: its candidates an array of ascending ids,
    so that a choice among a backlog of 100,000 holds no tuple of 100,000 ints."""

    at: dt.datetime
    task_id: int
    kind: ChoiceKind
    candidates: npt.NDArray[np.int64]

    def choice(self) -> Choice:
        # Built, not validated: the values are valid by construction, and checking
        # every candidate id of a backlog of 100,000 took longer than finding them.
        return Choice.model_construct(
            at=self.at,
            task_id=self.task_id,
            candidates=tuple(self.candidates.tolist()),
            kind=self.kind,
        )


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
    return [
        rebuilt.choice()
        for rebuilt in rebuild_choices(tasks, sessions, stored, start, end, now=now)
    ]


def rebuild_choices(
    tasks: Sequence[Task],
    sessions: Sequence[FocusSession],
    stored: Sequence[Choice],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime,
    eligibility: Eligibility | None = None,
    known: Collection[int] | None = None,
) -> list[RebuiltChoice]:
    """`reconstruct_choices`, each choice's candidates an array (`RebuiltChoice`).

    A backlog read as columns passes `eligibility` over every task, `known` (every
    task id) and as `tasks` only those it has models of, which must include every
    task ever completed: the others (open, never closed) are not looked at one by one.
    """
    import numpy as np

    eligibility = eligibility if eligibility is not None else Eligibility(tasks)
    by_id = {task.id: task for task in tasks}
    exists = known if known is not None else by_id
    spans: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for session in sessions:
        spans[session.task_id].append((session.start, session.end or now))

    found: list[RebuiltChoice] = []

    def add(task_id: int, at: dt.datetime, kind: ChoiceKind) -> None:
        candidates = eligibility.candidates_of(task_id, at)
        if candidates is not None:
            found.append(RebuiltChoice(at=at, task_id=task_id, kind=kind, candidates=candidates))

    for session in sessions:
        if start <= session.start < end and session.task_id in exists:
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
    for made in found:
        rebuilt[made.task_id].append(made.at)
    for choice in stored:
        if choice.task_id not in exists or not start <= choice.at < end:
            continue
        if any(abs(choice.at - at) <= SAME_CHOICE for at in rebuilt[choice.task_id]):
            continue
        own = [*spans.get(choice.task_id, ())]
        if choice.task_id in work:
            own.append(work[choice.task_id])
        if _covered(own, choice.at):
            continue
        candidates = sorted(c for c in choice.candidates if c in exists)
        if choice.task_id in candidates and len(candidates) >= 2:
            found.append(
                RebuiltChoice(
                    at=choice.at,
                    task_id=choice.task_id,
                    kind=choice.kind,
                    candidates=np.array(candidates, dtype=np.int64),
                )
            )
            rebuilt[choice.task_id].append(choice.at)
    return sorted(found, key=lambda choice: (choice.at, choice.task_id))
