"""Sleep intervals (from any device) into hours of sleep per day.

- Intervals that overlap or touch are merged first: two sources (a watch and a phone)
  recording the same night count it once.
- Merged intervals less than `SAME_NIGHT_GAP` apart are one sleep period: a night with
  a wake-up at 2 am is one night, not two.
- A period's hours go to the day on which it ended, in the person's zone: the night
  from Sunday to Monday is Monday's sleep, the one the Monday energy curve feels.
  Naps are periods of their own and add to the day they end on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from focusplan.domain import DayContext

from .bundle import ImportFormatError

SAME_NIGHT_GAP = dt.timedelta(hours=2)
MAX_PERIOD = dt.timedelta(hours=24)


def merge_intervals(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The union of the intervals, as disjoint intervals in time order (empty ones dropped)."""
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(pair for pair in intervals if pair[1] > pair[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def sleep_by_day(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]], zone: dt.tzinfo, fmt: str
) -> list[DayContext]:
    """Hours asleep per day (the day each sleep period ended), in date order.

    Raises ImportFormatError when more than 24 hours of sleep end on one day (the data
    is not sleep: a tracker left on, a wrong date).
    """
    hours: dict[dt.date, float] = {}
    period_end: dt.datetime | None = None
    period_seconds = 0.0
    for start, end in merge_intervals(intervals):
        if period_end is not None and start - period_end >= SAME_NIGHT_GAP:
            _add(hours, period_end, period_seconds, zone)
            period_seconds = 0.0
        period_seconds += (end - start).total_seconds()
        period_end = end
    if period_end is not None:
        _add(hours, period_end, period_seconds, zone)
    days = []
    for day in sorted(hours):
        if hours[day] > 24.0:
            raise ImportFormatError(
                f"{fmt}: {hours[day]:.1f} hours of sleep end on {day}; more than a day is "
                "not sleep (a tracker left on, or a wrong date?)"
            )
        days.append(DayContext(date=day, sleep_hours=round(hours[day], 2)))
    return days


def _add(hours: dict[dt.date, float], end: dt.datetime, seconds: float, zone: dt.tzinfo) -> None:
    day = end.astimezone(zone).date()
    hours[day] = hours.get(day, 0.0) + seconds / 3600.0
