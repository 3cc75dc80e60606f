"""Import and export: parse outside the transaction, write all of it or none of it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.domain import Choice, DayPlan, DomainModel, Task, WeightsVersion
from focusplan.services.errors import InvalidInput
from focusplan.services.sleep_days import SLEEP_FORMATS, store_sleep
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.exchange import ImportedTask
    from focusplan.store import UnitOfWork


def import_file(
    source: DataSource,
    data: bytes,
    fmt: str | None,
    *,
    filename: str | None = None,
    now: dt.datetime,
) -> ImportSummary:
    """Import a file in one transaction: everything in it, or nothing."""
    from focusplan.exchange import guess_format, parse_import

    chosen = fmt or guess_format(data, filename)
    bundle = parse_import(data, chosen, now=now)
    with source.unit_of_work() as uow:
        ids, created = _store_tasks(uow, bundle.tasks, now)
        for log in bundle.energy:
            uow.energy.add(log)
        for event in bundle.events:
            uow.events.upsert(event)
        if bundle.format in SLEEP_FORMATS:
            store_sleep(uow, bundle.days)  # sleep only: the days' notes stay
        else:
            for day in bundle.days:
                uow.days.put(day)
        for session in bundle.sessions:
            uow.sessions.start(ids[session.task_key], session.start)
            if session.end is not None:
                uow.sessions.stop(session.end, interrupted=session.interrupted)
        for choice in bundle.choices:
            uow.choices.add(
                Choice(
                    at=choice.at,
                    task_id=ids[choice.task_key],
                    candidates=tuple(ids[key] for key in choice.candidate_keys if key in ids),
                    kind=choice.kind,
                )
            )
        _restore_weights(uow, bundle.weights)
    return ImportSummary(
        format=chosen,
        tasks=len(created),
        updated=len(bundle.tasks) - len(created),
        energy=len(bundle.energy),
        events=len(bundle.events),
        days=len(bundle.days),
        sessions=len(bundle.sessions),
        skipped=sum(bundle.skipped.values()),
        notes=bundle.notes,
    )


def _store_tasks(
    uow: UnitOfWork, items: Sequence[ImportedTask], now: dt.datetime
) -> tuple[dict[str, int], set[str]]:
    """Insert new tasks in bulk and update the ones an earlier import brought in.

    Returns the id of every key and the keys that were created. New tasks are
    stored without dependencies and linked once all of them have ids.
    """
    known = uow.tasks.ids_by_external_id(
        [item.task.external_id for item in items if item.task.external_id]
    )
    fresh = [item for item in items if item.task.external_id not in known]
    created = {item.key for item in fresh}
    new_ids = uow.tasks.add_many(
        [item.task.model_copy(update={"depends_on": ()}) for item in fresh]
    )
    ids = dict(zip((item.key for item in fresh), new_ids, strict=True))
    for item in items:
        if item.key not in created:
            ids[item.key] = known[item.task.external_id or ""]
    uow.tasks.link_many(
        {ids[item.key]: [ids[key] for key in item.depends_on_keys] for item in fresh}
    )
    # Re-importing the same export updates instead of duplicating.
    replaced = []
    for item in items:
        if item.key not in created:
            values = item.resolved(ids).model_dump()
            values.update(id=ids[item.key], updated_at=now)
            replaced.append(Task.model_validate(values))
    uow.tasks.replace_many(replaced)
    return ids, created


def _restore_weights(uow: UnitOfWork, versions: Sequence[WeightsVersion]) -> None:
    """Versions from a backup join this database's history; the one active there becomes active."""
    restored_active: int | None = None
    for version in sorted(versions, key=lambda v: v.version):
        if version.version == 1:
            # Every database already has the defaults as version 1.
            restored_active = 1 if version.active else restored_active
            continue
        added = uow.weights.add(
            version.params, f"restored v{version.version}: {version.reason}", version.created_at
        )
        if version.active:
            restored_active = added.version
    if restored_active is not None:
        uow.weights.activate(restored_active)


class ImportSummary(DomainModel):
    format: str
    tasks: int
    updated: int
    energy: int
    events: int
    days: int = 0
    sessions: int = 0
    skipped: int = 0
    notes: tuple[str, ...] = ()

    def line(self) -> str:
        counts = [
            f"{self.tasks} new task{'s' if self.tasks != 1 else ''}",
            f"{self.updated} updated",
            f"{self.energy} energy log{'s' if self.energy != 1 else ''}",
            f"{self.events} event{'s' if self.events != 1 else ''}",
        ]
        if self.days:
            counts.append(f"{self.days} day notes")
        if self.sessions:
            counts.append(f"{self.sessions} focus sessions")
        if self.skipped:
            counts.append(f"{self.skipped} skipped")
        return f"imported {', '.join(counts)} ({self.format})"


def export_backup(source: DataSource) -> str:
    from focusplan.exchange import export_backup as render_backup

    with source.read_only() as uow:
        return render_backup(
            tasks=uow.tasks.list(),
            energy=uow.energy.list(),
            events=uow.events.between(
                dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
            ),
        )


def plan_days(day: dt.date | None, week_of: dt.date | None, now: dt.datetime) -> list[dt.date]:
    if week_of is not None:
        monday = clock.week_start(week_of)
        return [monday + dt.timedelta(days=offset) for offset in range(7)]
    return [day or now.date()]


def export_plans(
    source: DataSource,
    fmt: str,
    *,
    day: dt.date | None,
    week_of: dt.date | None,
    now: dt.datetime,
) -> str | bytes:
    from focusplan.exchange import export_plan
    from focusplan.services.planning import plan_days_for

    plans = plan_days_for(source, plan_days(day, week_of, now), now=now)
    tasks = source.tasks()
    shared = [_without_other_tasks(plan, tasks) for plan in plans]
    return export_plan(shared, fmt, zone=clock.local_zone(), now=now)


def _without_other_tasks(plan: DayPlan, tasks: Sequence[Task]) -> DayPlan:
    """The plan as it may leave the machine: its notes that name a task with no block
    that day ("'Hire Sam' is not planned today") stay with the person. An exported
    plan is shared (a calendar, a wiki), and holds only what that day holds."""
    planned = {block.task_id for block in plan.blocks if block.kind == "focus"}
    private = [f"'{task.title}'" for task in tasks if task.id not in planned]
    notes = tuple(note for note in plan.notes if not any(name in note for name in private))
    return plan if notes == plan.notes else plan.model_copy(update={"notes": notes})


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, atomically and durably.

    The data goes to a temporary file beside the target and replaces it only
    once all of it is on disk, so a full disk or a crash never leaves last
    week's backup truncated.
    """
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"folder does not exist: {folder}")
    temporary = folder / f".{path.name}.{os.getpid()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
