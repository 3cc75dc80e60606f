"""Import and export: parse outside the transaction, write all of it or none of it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from focusplan import clock
from focusplan.domain import DayPlan, TaskPatch
from focusplan.services.errors import InvalidInput
from focusplan.services.source import DataSource


def import_file(
    source: DataSource,
    data: bytes,
    fmt: str | None,
    *,
    filename: str | None = None,
    now: dt.datetime,
) -> dict[str, int | str]:
    """Import a file in one transaction; returns what came in, by kind."""
    from focusplan.exchange import guess_format, parse_import

    chosen = fmt or guess_format(data, filename)
    bundle = parse_import(data, chosen, now=now)
    with source.unit_of_work() as uow:
        ids: dict[str, int] = {}
        created = updated = 0
        for item in bundle.tasks:
            existing = (
                uow.tasks.find_by_external_id(item.task.external_id)
                if item.task.external_id
                else None
            )
            if existing is not None:
                # Re-importing the same export updates instead of duplicating.
                uow.tasks.restore(_merged(existing, item.task))
                ids[item.key] = existing.id
                updated += 1
            else:
                ids[item.key] = uow.tasks.add(item.task.model_copy(update={"depends_on": ()})).id
                created += 1
        for item in bundle.tasks:
            if item.depends_on_keys:
                missing = [key for key in item.depends_on_keys if key not in ids]
                if missing:
                    raise InvalidInput(
                        f"task {item.key!r} depends on {missing[0]!r}, which is not in the file"
                    )
                uow.tasks.update(
                    ids[item.key],
                    TaskPatch(depends_on=tuple(ids[key] for key in item.depends_on_keys)),
                )
        for log in bundle.energy:
            uow.energy.add(log)
        for event in bundle.events:
            uow.events.upsert(event)
        for day in getattr(bundle, "days", []) or []:
            uow.days.put(day)
    summary: dict[str, int | str] = {
        "format": chosen,
        "tasks": created,
        "updated": updated,
        "energy": len(bundle.energy),
        "events": len(bundle.events),
    }
    return summary


def _merged(existing, new):  # type: ignore[no-untyped-def]
    from focusplan.domain import Task

    values = new.model_dump()
    values.update(id=existing.id, depends_on=existing.depends_on, updated_at=existing.updated_at)
    return Task.model_validate(values)


def export_backup(source: DataSource) -> str:
    from focusplan.exchange import export_backup as render_backup

    with source.unit_of_work() as uow:
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
    from focusplan.services.planning import plan_day_for

    plans: list[DayPlan] = [
        plan_day_for(source, each, now=now) for each in plan_days(day, week_of, now)
    ]
    return export_plan(plans, fmt, zone=clock.local_zone(), now=now)


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, durably (exports hold a person's day)."""
    if not path.parent.exists():
        raise InvalidInput(f"folder does not exist: {path.parent}")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
