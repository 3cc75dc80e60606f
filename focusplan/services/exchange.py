"""Import and export: parse outside the transaction, write all of it or none of it."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

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
    from focusplan.bulk import collector_paused
    from focusplan.exchange import guess_format, parse_import
    from focusplan.services.import_store import store_bundle

    chosen = fmt or guess_format(data, filename)
    # One pause from the first byte read to the commit: between reading and storing, the
    # database is opened (SQLAlchemy and the migrations imported, a new file's schema
    # made), whose allocations set off collections that walk the whole bundle, 100,000
    # tasks of it: a second of an import found nothing to free.
    with collector_paused():
        bundle = parse_import(data, chosen, now=now)
        with source.unit_of_work() as uow:
            counts = store_bundle(uow, bundle, now)
        skipped = dict(bundle.skipped)
        notes = bundle.notes
        # Freed before the collector resumes, whose first pass would walk all of it.
        del bundle
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
        notes=notes,
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
            sources=uow.calendars.all(),
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


def read_import(path: Path | None, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file to import (None: `stdin`), refused before the work when too big.

    A regular file is judged by its size before a byte is read (a 1 GB sparse file costs
    nothing); a pipe or fifo (`-`, `<(cmd)`) is read up to the limit and one byte more, so
    memory stays bounded whatever it streams; a device (`/dev/zero`), a directory or a
    socket is refused at once.
    """
    from focusplan.exchange import MAX_IMPORT_BYTES

    limit = MAX_IMPORT_BYTES
    too_big = f"imports are limited to {limit // (1024 * 1024)} MB"
    if path is None:
        if stdin is None:
            raise InvalidInput("no input to read")
        return _read_capped(stdin, limit, f"the input is larger than that; {too_big}")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the checks
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise InvalidInput(f"cannot read {path}: permission denied") from None
    with handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISREG(mode):
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise InvalidInput(f"{path} is {size / 1e6:,.0f} MB; {too_big}")
        elif not stat.S_ISFIFO(mode):
            raise InvalidInput(
                f"{path} is not a regular file (a device or socket); nothing to import"
            )
        # Capped even for a regular file: it may grow while it is read.
        return _read_capped(handle, limit, f"{path} is larger than that; {too_big}")


def _read_capped(stream: BinaryIO, limit: int, message: str) -> bytes:
    chunks = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise InvalidInput(message)
    return b"".join(chunks)


def write_private(path: Path, data: bytes, *, database: Path | None = None) -> None:
    """Write an export to `path`: a regular file, replaced atomically and privately; a fifo
    or a character device (`/dev/stdout`, a terminal, `/dev/null`), written through as a
    stream. Refused (InvalidInput): the database being used, or its -wal/-shm/-journal
    (an export written over them destroys the data it came from); a block device, a folder,
    a socket. A symlink is followed, never replaced: its target is what gets written.
    """
    target = Path(os.path.realpath(path))
    _refuse_database(target, database)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except NotADirectoryError:
        raise InvalidInput(f"folder does not exist: {path.parent}") from None
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        _write_stream(target, data)
        return
    if mode is not None and not stat.S_ISREG(mode):
        raise InvalidInput(f"{path} is not a regular file (a folder, device or socket)")
    _replace_privately(target, data)


def _refuse_database(target: Path, database: Path | None) -> None:
    if database is None:
        return
    base = Path(os.path.realpath(database))
    guarded = [base] + [base.with_name(base.name + suffix) for suffix in _SIDE_FILES]
    for guarded_path in guarded:
        same = target == guarded_path
        if not same and target.exists() and guarded_path.exists():
            try:
                same = os.path.samefile(target, guarded_path)  # a hard link
            except OSError:
                same = False
        if same:
            raise InvalidInput(
                f"refusing to write the export over the database {guarded_path.name}; "
                "choose another file"
            )


_SIDE_FILES = ("-wal", "-shm", "-journal")


def _write_stream(target: Path, data: bytes) -> None:
    # O_NOCTTY: writing to a terminal must not make it ours; no O_CREAT: it exists.
    descriptor = os.open(target, os.O_WRONLY | os.O_NOCTTY)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)


def _replace_privately(path: Path, data: bytes) -> None:
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
