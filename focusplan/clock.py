"""The current time and the person's timezone, in one place so tests can pin them.

`FOCUSPLAN_NOW` (an ISO 8601 time) freezes the clock for reproducible runs,
snapshots and demos; `FOCUSPLAN_TZ` (an IANA name) overrides the system zone.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@cache
def _zone_from(name: str | None) -> dt.tzinfo:
    if name:
        try:
            return ZoneInfo(name.lstrip(":"))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    # /etc/localtime is usually a link into the zoneinfo tree; its tail is the IANA key,
    # which (unlike a fixed offset) keeps DST right for dates away from today.
    try:
        target = Path("/etc/localtime").resolve()
        parts = target.parts
        if "zoneinfo" in parts:
            key = "/".join(parts[parts.index("zoneinfo") + 1 :])
            return ZoneInfo(key)
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    offset = dt.datetime.now().astimezone().tzinfo
    return offset if offset is not None else dt.UTC


def local_zone() -> dt.tzinfo:
    """The person's timezone."""
    return _zone_from(os.environ.get("FOCUSPLAN_TZ") or os.environ.get("TZ"))


def now() -> dt.datetime:
    """The current moment, timezone-aware, in the person's zone."""
    frozen = os.environ.get("FOCUSPLAN_NOW")
    if frozen:
        value = dt.datetime.fromisoformat(frozen)
        if value.tzinfo is None:
            value = value.replace(tzinfo=local_zone())
        return value.astimezone(local_zone())
    return dt.datetime.now(local_zone())


def today() -> dt.date:
    return now().date()


def start_of_day(day: dt.date, zone: dt.tzinfo | None = None) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone or local_zone())


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week that holds `day`."""
    return day - dt.timedelta(days=day.weekday())
