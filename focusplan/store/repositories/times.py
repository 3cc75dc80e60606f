"""Times at the repository boundary: query bounds, storable values, the person's zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from focusplan import clock
from focusplan.store.timestamps import EARLIEST, LATEST, TimeOutOfRange, to_db_time


def query_bound(value: dt.datetime, name: str) -> dt.datetime:
    """A time used as a query bound: aware, clamped into the storable range."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} needs a timezone: {value.isoformat()}")
    try:
        to_db_time(value)
    except TimeOutOfRange:
        return EARLIEST if value.year < 5000 else LATEST
    return value


def require_storable(*values: dt.datetime | None) -> None:
    """Refuse (ValueError) a time that cannot be stored, before SQLAlchemy wraps the error."""
    for value in values:
        if value is not None:
            to_db_time(value)


def local_time(value: dt.datetime | None) -> dt.datetime | None:
    """In the person's zone: a record fresh from this session still holds the caller's zone."""
    if value is None:
        return None
    try:
        return value.astimezone(clock.local_zone())
    except OverflowError:
        return value  # the same instant, at the very end of the calendar


def overlapping(start_column: Any, end_column: Any, start: dt.datetime, end: dt.datetime) -> Any:
    """Rows whose [start, end) meets [start, end); an instant row counts if it lies inside.

    An open end (NULL: an active session) reaches into the future.
    """
    # Here, not at the top: the quick write path (`quick_write`) uses this module too.
    from sqlalchemy import and_, or_

    start = query_bound(start, "start")
    end = query_bound(end, "end")
    return and_(
        start_column < end,
        or_(end_column.is_(None), end_column > start, start_column >= start),
    )
