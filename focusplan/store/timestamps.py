"""How a moment is written to and read from the database, without SQLAlchemy.

Stored form: UTC ISO 8601 text with microseconds and an explicit offset,
`2026-11-21T09:30:00.000000+00:00`. Every value has the same width, so text
order is time order: range queries and indexes work on the column as is, in
SQLite and PostgreSQL alike, and a person reading the file sees real times.
"""

from __future__ import annotations

import datetime as dt

TIMESTAMP_WIDTH = 32
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


class NaiveDatetimeError(ValueError):
    """A time without a zone reached the store; which instant it means is unknowable."""


class TimeOutOfRange(ValueError):
    """A time whose UTC instant falls outside years 1-9999 (e.g. 0001-01-01 at +14:00)."""


def to_db_time(value: dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(
            f"refusing to store a time without a timezone: {value.isoformat()}"
        )
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise TimeOutOfRange(f"time out of range: {value.isoformat()}") from exc
    return utc.isoformat(timespec="microseconds")


def from_db_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        # Only hand-edited rows lack the offset; the store itself always writes UTC.
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(zone)
    except OverflowError:
        # The same instant cannot be written in the local zone at the ends of the calendar.
        return value
