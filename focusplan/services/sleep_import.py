"""Sleep from an Apple Health export, streamed from the file (it is too big to read whole)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from focusplan import clock
from focusplan.services.errors import InvalidInput
from focusplan.services.sleep_days import store_sleep
from focusplan.services.source import DataSource

if TYPE_CHECKING:
    from focusplan.services.exchange import ImportSummary


def import_apple_health(source: DataSource, path: Path) -> ImportSummary:
    """Stream an Apple Health export.xml (or export.zip) from disk; all or nothing."""
    from focusplan.exchange.apple_health import parse_apple_health_file
    from focusplan.exchange.fields import ReadContext
    from focusplan.services.exchange import ImportSummary

    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    now = clock.now()
    far = dt.timedelta(days=365 * 100)
    ctx = ReadContext(
        fmt="apple-health",
        now=now,
        zone=clock.local_zone(),
        range_start=now - far,
        range_end=now + far,
    )
    bundle = parse_apple_health_file(path, ctx)
    with source.unit_of_work() as uow:
        store_sleep(uow, bundle.days)
    return ImportSummary(
        format="apple-health",
        tasks=0,
        updated=0,
        energy=0,
        events=0,
        days=len(bundle.days),
        skipped=sum(bundle.skipped.values()),
        notes=bundle.notes,
    )
