"""Storing an import bundle so that importing the same file again adds nothing.

Each kind of record has an identity, and a record already stored under it is not stored
twice (changed values update it):

- a task: its `external_id` (a Taskwarrior uuid, a todo.txt line's text); a backup's task
  is the stored task with its id and creation time, else one with its creation time and
  title, or, when the file gives no creation time, one with its title (each stored task
  answers for one imported task only);
- an energy log: its moment, level, note and source — the same log twice in a file is kept
  twice, and a second import adds as many as are missing;
- an event: its uid (iCalendar's UID and recurrence identity), else start, end, title,
  source and all-day flag, counted like energy logs;
- a day's context: its date; a focus session: its task and start; a choice: its task,
  moment and kind; a plan: its date (a stored plan is kept, it is what was planned);
- weights versions: restored as they were into a database that holds only the defaults,
  else added after its own history unless one with the same creation time and parameters
  is already there.

A backup's task keeps its id when the database has that id free, so a restore into a fresh
database lists the same ids; the rest get new ones.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from focusplan.bulk import collector_paused
from focusplan.domain import (
    CalendarSource,
    Choice,
    ContextEventDraft,
    DayPlan,
    EnergyLogDraft,
    NewTask,
    Task,
    WeightsVersion,
)

if TYPE_CHECKING:
    from focusplan.exchange import ImportBundle, ImportedSession, ImportedTask
    from focusplan.store import UnitOfWork

_NEW_TASK_FIELDS = set(NewTask.model_fields)
_Item = TypeVar("_Item")


class StoredCounts:
    """How many records of each kind an import added or changed, and how many were there."""

    def __init__(self) -> None:
        self.added: Counter[str] = Counter()
        self.updated = 0
        self.unchanged = 0
        self.skipped: Counter[str] = Counter()


def store_bundle(uow: UnitOfWork, bundle: ImportBundle, now: dt.datetime) -> StoredCounts:
    with collector_paused():
        return _store_bundle(uow, bundle, now)


def _store_bundle(uow: UnitOfWork, bundle: ImportBundle, now: dt.datetime) -> StoredCounts:
    counts = StoredCounts()
    if bundle.highest_task_id:
        uow.tasks.raise_id_high_water(bundle.highest_task_id)
    ids = _store_tasks(uow, bundle.tasks, now, counts)
    _store_energy(uow, bundle.energy, counts)
    _store_events(uow, bundle.events, counts)
    _store_days(uow, bundle, counts)
    _store_sessions(uow, bundle.sessions, ids, counts)
    _store_choices(uow, bundle, ids, counts)
    _store_weights(uow, bundle.weights, counts)
    _store_plans(uow, bundle.plans, ids, counts)
    _store_sources(uow, bundle.sources, counts)
    return counts


def _store_days(uow: UnitOfWork, bundle: ImportBundle, counts: StoredCounts) -> None:
    from focusplan.domain import DayContext
    from focusplan.services.sleep_days import SLEEP_FORMATS

    for day in bundle.days:
        stored = uow.days.get(day.date)
        if bundle.format in SLEEP_FORMATS and stored is not None:
            # A device knows the night's sleep, not the day's notes: those stay.
            day = DayContext(date=day.date, sleep_hours=day.sleep_hours, notes=stored.notes)
        if stored == day:
            counts.unchanged += 1
        else:
            uow.days.put(day)
            counts.added["days"] += 1


def _missing(
    stored: Iterable[Hashable], incoming: Sequence[_Item], identity: Mapping[int, Hashable]
) -> list[_Item]:
    """The incoming items beyond what is stored, counting repeats: two identical logs in a
    file against one stored leaves one to add. `identity[i]` is the identity of item i."""
    have = Counter(stored)
    fresh = []
    for index, item in enumerate(incoming):
        key = identity[index]
        if have[key] > 0:
            have[key] -= 1
        else:
            fresh.append(item)
    return fresh


def _store_tasks(
    uow: UnitOfWork, items: Sequence[ImportedTask], now: dt.datetime, counts: StoredCounts
) -> dict[str, int]:
    """Match every imported task to a stored one or store it; returns each key's id."""
    if not items:
        return {}
    stored = uow.tasks.list()
    by_id = {task.id: task for task in stored}
    by_external = {task.external_id: task for task in stored if task.external_id}
    by_content: defaultdict[tuple[dt.datetime | None, str], list[int]] = defaultdict(list)
    for task in stored:
        if not task.external_id:
            by_content[(task.created_at, task.title)].append(task.id)
            by_content[(None, task.title)].append(task.id)

    claimed: set[int] = set()
    ids: dict[str, int] = {}
    fresh: list[ImportedTask] = []
    for item in items:
        match = _match(item, by_id, by_external, by_content, claimed)
        if match is None:
            fresh.append(item)
        else:
            claimed.add(match)
            ids[item.key] = match

    keep: list[Task] = []
    renumber: list[ImportedTask] = []
    taken = set(by_id)
    for item in fresh:
        if item.original_id is not None and item.original_id not in taken:
            taken.add(item.original_id)
            ids[item.key] = item.original_id
            keep.append(_as_task(item.task, item.original_id, item.updated_at))
        else:
            renumber.append(item)
    uow.tasks.insert_with_ids(keep)
    new_ids = uow.tasks.add_many(
        [
            item.task.model_copy(update={"depends_on": ()}) if item.task.depends_on else item.task
            for item in renumber
        ]
    )
    ids.update(zip((item.key for item in renumber), new_ids, strict=True))
    uow.tasks.link_many(
        {ids[item.key]: [ids[key] for key in item.depends_on_keys] for item in fresh}
    )
    counts.added["tasks"] += len(fresh)

    replaced = []
    for item in items:
        task_id = ids[item.key]
        if task_id not in by_id:
            continue
        wanted = item.resolved(ids)
        if _instants(by_id[task_id].model_dump(include=_NEW_TASK_FIELDS)) == _instants(
            wanted.model_dump()
        ):
            counts.unchanged += 1
        else:
            replaced.append(_as_task(wanted, task_id, now))
    uow.tasks.replace_many(replaced)
    counts.updated += len(replaced)
    return ids


def _instants(values: dict[str, object]) -> dict[str, object]:
    """Field values to compare a stored record with an imported one: times as UTC instants.

    Python compares two times of different zones as instants, except in the hour the
    clocks go back, where they are never equal (PEP 495): a task created then would be
    "updated" by every import of the same file. Two times of one zone compare by the
    wall clock, so the two 02:30s of that night would be equal: an event moved by that
    hour would not be."""
    return {
        name: value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value
        for name, value in values.items()
    }


def _match(
    item: ImportedTask,
    by_id: Mapping[int, Task],
    by_external: Mapping[str, Task],
    by_content: Mapping[tuple[dt.datetime | None, str], list[int]],
    claimed: set[int],
) -> int | None:
    if item.task.external_id:
        found = by_external.get(item.task.external_id)
        return None if found is None else found.id
    if item.original_id is not None:
        same = by_id.get(item.original_id)
        if (
            same is not None
            and same.id not in claimed
            and not same.external_id
            and same.created_at == item.task.created_at
        ):
            return same.id
    if item.untimed and item.original_id is not None:
        same = by_id.get(item.original_id)
        if same is not None and same.id not in claimed and same.title == item.task.title:
            return same.id
    moment = None if item.untimed else item.task.created_at
    for candidate in by_content.get((moment, item.task.title), ()):
        if candidate not in claimed:
            return candidate
    return None


def _as_task(draft: NewTask, task_id: int, updated_at: dt.datetime | None) -> Task:
    return Task.model_validate({**draft.model_dump(), "id": task_id, "updated_at": updated_at})


def _store_energy(uow: UnitOfWork, logs: Sequence[EnergyLogDraft], counts: StoredCounts) -> None:
    if not logs:
        return
    stored = ((log.at, log.level, log.note, log.source) for log in uow.energy.list())
    identity = {i: (log.at, log.level, log.note, log.source) for i, log in enumerate(logs)}
    fresh = _missing(stored, logs, identity)
    for log in fresh:
        uow.energy.add(log)
    counts.added["energy"] += len(fresh)
    counts.unchanged += len(logs) - len(fresh)


def _event_identity(event: ContextEventDraft) -> Hashable:
    return (event.start, event.end, event.title, event.source, event.all_day)


def _store_events(
    uow: UnitOfWork, events: Sequence[ContextEventDraft], counts: StoredCounts
) -> None:
    if not events:
        return
    stored = uow.events.all()
    by_uid = {event.uid: event for event in stored if event.uid is not None}
    with_uid = [event for event in events if event.uid is not None]
    without = [event for event in events if event.uid is None]
    # New events go in one statement (a calendar holds tens of thousands); a uid twice
    # in the file is one event with the last one's values, as upserting each would leave.
    new_by_uid: dict[str, ContextEventDraft] = {}
    for event in with_uid:
        uid = event.uid or ""
        before = by_uid.get(uid)
        if before is None:
            new_by_uid[uid] = event
            counts.added["events"] += 1
            continue
        stored_draft = ContextEventDraft.model_validate(
            before.model_dump(include=set(ContextEventDraft.model_fields))
        )
        if _instants(stored_draft.model_dump()) == _instants(event.model_dump()):
            counts.unchanged += 1
            continue
        uow.events.upsert(event)
        counts.updated += 1
    identity = {i: _event_identity(event) for i, event in enumerate(without)}
    fresh = _missing(
        (_event_identity(event) for event in stored if event.uid is None), without, identity
    )
    uow.events.add_many([*new_by_uid.values(), *fresh])
    counts.added["events"] += len(fresh)
    counts.unchanged += len(without) - len(fresh)


def _store_sessions(
    uow: UnitOfWork,
    sessions: Sequence[ImportedSession],
    ids: Mapping[str, int],
    counts: StoredCounts,
) -> None:
    if not sessions:
        return
    stored = {(session.task_id, session.start) for session in uow.sessions.all()}
    active = uow.sessions.active()
    for session in sessions:
        task_id = ids[session.task_key]
        if (task_id, session.start) in stored:
            counts.unchanged += 1
            continue
        if session.end is None and active is not None:
            # One focus at a time: the database's own running session wins.
            counts.skipped["a second running focus session"] += 1
            continue
        uow.sessions.record(task_id, session.start, session.end, session.interrupted)
        stored.add((task_id, session.start))
        counts.added["sessions"] += 1


def _store_choices(
    uow: UnitOfWork, bundle: ImportBundle, ids: Mapping[str, int], counts: StoredCounts
) -> None:
    if not bundle.choices:
        return
    choices = [
        Choice(
            at=choice.at,
            task_id=ids[choice.task_key],
            candidates=tuple(ids[key] for key in choice.candidate_keys if key in ids),
            kind=choice.kind,
        )
        for choice in bundle.choices
    ]
    identity = {i: (c.task_id, c.at, c.kind) for i, c in enumerate(choices)}
    stored = ((c.task_id, c.at, c.kind) for c in uow.choices.all())
    fresh = _missing(stored, choices, identity)
    for choice in fresh:
        uow.choices.add(choice)
    counts.added["choices"] += len(fresh)
    counts.unchanged += len(choices) - len(fresh)


def _weights_identity(version: WeightsVersion) -> Hashable:
    return (version.created_at, tuple(sorted(version.params.items())))


def _store_weights(
    uow: UnitOfWork, versions: Sequence[WeightsVersion], counts: StoredCounts
) -> None:
    if not versions:
        return
    history = uow.weights.history()
    ordered = sorted(versions, key=lambda version: version.version)
    if [version.version for version in history] == [1] and sum(v.active for v in ordered) == 1:
        # Only the defaults every database starts with: the backup's history as it was.
        if [v.model_dump() for v in history] == [v.model_dump() for v in ordered]:
            counts.unchanged += len(ordered)
            return
        uow.weights.restore_history(ordered)
        counts.added["weights"] += len(ordered)
        return
    by_identity = {_weights_identity(version): version.version for version in history}
    # Version 1 is the defaults in every database: the backup's is this one's when equal.
    by_identity.setdefault(_weights_identity(ordered[0]), 0)
    if ordered[0].version == 1 and dict(ordered[0].params) == dict(history[0].params):
        by_identity[_weights_identity(ordered[0])] = history[0].version
    active: int | None = None
    for version in ordered:
        number = by_identity.get(_weights_identity(version))
        if number is None:
            number = uow.weights.add(
                version.params, f"restored v{version.version}: {version.reason}", version.created_at
            ).version
            by_identity[_weights_identity(version)] = number
            counts.added["weights"] += 1
        else:
            counts.unchanged += 1
        if version.active:
            active = number
    current = uow.weights.active().version
    if active is not None and active != current:
        uow.weights.activate(active)


def _store_plans(
    uow: UnitOfWork, plans: Sequence[DayPlan], ids: Mapping[str, int], counts: StoredCounts
) -> None:
    for plan in plans:
        if uow.plans.get(plan.date) is not None:
            counts.unchanged += 1
            continue
        blocks = tuple(
            block
            if block.task_id is None
            else block.model_copy(update={"task_id": ids.get(str(block.task_id), block.task_id)})
            for block in plan.blocks
        )
        uow.plans.save(plan.model_copy(update={"blocks": blocks}))
        counts.added["plans"] += 1


def _store_sources(
    uow: UnitOfWork, sources: Sequence[CalendarSource], counts: StoredCounts
) -> None:
    # A calendar is known by its path; its events came with the backup's events.
    for calendar in sources:
        if uow.calendars.by_path(calendar.path) is not None:
            counts.unchanged += 1
            continue
        uow.calendars.restore(calendar)
        counts.added["sources"] += 1
