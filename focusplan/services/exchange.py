"""Import and export: parse outside the transaction, write all of it or none of it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from focusplan import clock
from focusplan.domain import DayPlan, DomainModel, Task
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource


def import_file(
    source: DataSource,
    data: bytes,
    fmt: str | None,
    *,
    filename: str | None = None,
    now: dt.datetime,
) -> ImportSummary:
    """Import a file in one transaction: everything in it, or nothing. Records already
    stored (by the identities of `import_store`) are not stored again."""
    from focusplan.exchange import guess_format, parse_import
    from focusplan.services.import_store import store_bundle

    chosen = fmt or guess_format(data, filename)
    bundle = parse_import(data, chosen, now=now)
    with source.unit_of_work() as uow:
        counts = store_bundle(uow, bundle, now)
    skipped = dict(bundle.skipped)
    for why, count in counts.skipped.items():
        skipped[why] = skipped.get(why, 0) + count
    return ImportSummary(
        format=chosen,
        tasks=counts.added["tasks"],
        updated=counts.updated,
        energy=counts.added["energy"],
        events=counts.added["events"],
        days=counts.added["days"],
        sessions=counts.added["sessions"],
        choices=counts.added["choices"],
        weights=counts.added["weights"],
        plans=counts.added["plans"],
        unchanged=counts.unchanged,
        skipped=sum(skipped.values()),
        notes=bundle.notes,
    )


class ImportSummary(DomainModel):
    format: str
    tasks: int
    updated: int
    energy: int
    events: int
    days: int = 0
    sessions: int = 0
    choices: int = 0
    weights: int = 0
    plans: int = 0
    # Records the database already held as the file has them (a second import: all).
    unchanged: int = 0
    skipped: int = 0
    notes: tuple[str, ...] = ()

    def line(self) -> str:
        counts = [
            f"{self.tasks} new task{'s' if self.tasks != 1 else ''}",
            f"{self.updated} updated",
            f"{self.energy} energy log{'s' if self.energy != 1 else ''}",
            f"{self.events} event{'s' if self.events != 1 else ''}",
        ]
        extra = (
            (self.days, "day note", "day notes"),
            (self.sessions, "focus session", "focus sessions"),
            (self.choices, "choice", "choices"),
            (self.weights, "weights version", "weights versions"),
            (self.plans, "plan", "plans"),
            (self.unchanged, "already there", "already there"),
            (self.skipped, "skipped", "skipped"),
        )
        counts += [f"{n} {one if n == 1 else many}" for n, one, many in extra if n]
        return f"imported {', '.join(counts)} ({self.format})"


def export_backup(source: DataSource) -> str:
    from focusplan.exchange import export_backup as render_backup

    # One read transaction: every table as of one moment, every date (1965 included).
    with source.read_only() as uow:
        return render_backup(
            tasks=uow.tasks.list(),
            energy=uow.energy.list(),
            events=uow.events.all(),
            days=uow.days.all(),
            weights_history=uow.weights.history(),
            sessions=uow.sessions.all(),
            choices=uow.choices.all(),
            plans=uow.plans.all(),
            highest_task_id=uow.tasks.id_high_water(),
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
