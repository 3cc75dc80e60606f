"""Moving a whole database in and out: `focusplan db copy --to URL`.

The typical move is a laptop's SQLite file onto a PostgreSQL server that several
machines share (or back again). Both ends are opened as any command opens them
(migrated to this focusplan's schema), then every table is copied in one
transaction on the target (focusplan/store/copy.py).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource, sqlite_file


@dataclass(frozen=True)
class CopyOutcome:
    target: str  # password hidden
    rows: dict[str, int]
    replaced: bool


def copy_database(source: DataSource, to: str, *, replace: bool = False) -> CopyOutcome:
    """Copy everything in `source` into the database at `to`, all or nothing.

    A target that holds anything beyond what a new database starts with is refused
    (InvalidInput) unless `replace`, which empties it first, in the same transaction.
    A target file this call created is removed again when the copy fails.
    """
    from focusplan.store import open_database
    from focusplan.store.copy import TargetNotEmpty, copy_everything

    if not to.strip():
        raise InvalidInput("--to is empty; give a database file or URL")
    if _same_place(source.location, to):
        raise InvalidInput("the target is the database being copied")
    target_file = sqlite_file(to)
    created = target_file is not None and not target_file.expanduser().exists()
    try:
        with open_database(to) as target:
            where = target.url
            try:
                report = copy_everything(source.database, target, replace=replace)
            except TargetNotEmpty as exc:
                raise InvalidInput(f"{exc}; add --replace to empty it first") from exc
    except BaseException:
        if created and target_file is not None:
            _remove_new_file(target_file.expanduser())
        raise
    return CopyOutcome(target=where, rows=report.rows, replaced=report.replaced)


def _same_place(location: str, to: str) -> bool:
    mine, theirs = sqlite_file(location), sqlite_file(to)
    if mine is not None and theirs is not None:
        return mine.expanduser().absolute() == theirs.expanduser().absolute()
    return location.strip() == to.strip()


def _remove_new_file(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            candidate.unlink()
