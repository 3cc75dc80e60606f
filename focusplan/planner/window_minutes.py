"""Time inside the planner: whole minutes from the start of the working window, in
UTC, and the few ways a moment is said back in the person's zone."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from focusplan.planner.working_day import WEEKDAY_NAMES, WorkingDay

UTC = dt.UTC
Interval = tuple[int, int]


def merge_intervals(intervals: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract_intervals(span: Interval, cuts: Sequence[Interval]) -> list[Interval]:
    """`span` minus the merged, sorted `cuts`."""
    pieces: list[Interval] = []
    cursor, end = span
    for cut_start, cut_end in cuts:
        if cut_end <= cursor or cut_start >= end:
            continue
        if cut_start > cursor:
            pieces.append((cursor, cut_start))
        cursor = max(cursor, cut_end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


@dataclass(frozen=True)
class MinuteClock:
    """Whole minutes from the start of the working window, in UTC."""

    base: dt.datetime
    zone: dt.tzinfo

    def at(self, minute: int) -> dt.datetime:
        """Local time, with the offset of that instant as a fixed zone: Python compares
        two times of one zone by their wall clocks, which in the hour repeated when the
        clocks go back puts 02:10 (the second time) before 02:50; across zones it
        compares instants."""
        return fixed_offset_time(self.base + dt.timedelta(minutes=minute), self.zone)

    def offset(self, when: dt.datetime) -> float:
        return (when.astimezone(UTC) - self.base).total_seconds() / 60

    def floor(self, when: dt.datetime) -> int:
        return math.floor(self.offset(when))

    def ceil(self, when: dt.datetime) -> int:
        return math.ceil(self.offset(when))


def fixed_offset_time(when: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """`when` in `zone`, with that instant's offset as a fixed zone (see `MinuteClock.at`)."""
    local = when.astimezone(zone)
    offset = local.utcoffset()
    return local if offset is None else local.replace(tzinfo=dt.timezone(offset))


def hhmm(when: dt.datetime, zone: dt.tzinfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def when_words(when: dt.datetime, day: dt.date, zone: dt.tzinfo) -> str:
    """`11:00` on `day`, `tomorrow 09:00` the day after, `Mon 09:00` further on."""
    local = when.astimezone(zone)
    if local.date() == day:
        return local.strftime("%H:%M")
    if local.date() == day + dt.timedelta(days=1):
        return f"tomorrow {local:%H:%M}"
    return f"{WEEKDAY_NAMES[local.weekday()][:3]} {local:%H:%M}"


def next_working_start(working: WorkingDay, day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """When the first working day after `day` starts (a week on if none is set)."""
    for offset in range(1, 8):
        later = day + dt.timedelta(days=offset)
        if working.works_on(later):
            return working.window(later, zone)[0]
    return working.window(day + dt.timedelta(days=7), zone)[0]
