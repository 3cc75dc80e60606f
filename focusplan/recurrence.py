"""Repeat rules for tasks: parsing what people type, and the next date of a series.

Pure and stdlib only (no I/O, no clock): the services pass the person's zone.

Dates move on the wall clock of that zone, so a task due at 09:00 stays at 09:00
local across a change to or from summer time. Months and years are counted from
the series' *anchor* (its first due), clipped to the month's length: a series
anchored on Jan 31 falls on Feb 28 (29), then Mar 31, Apr 30 — never drifting to
the 28th. python-dateutil's rrule was considered and left out: RFC 5545 skips the
months without a 31st instead of clipping, and it would be one more import on the
`done` path for twenty lines of calendar arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["day", "week", "month", "year"]
RecurFrom = Literal["due", "done"]

MAX_INTERVAL = 999

_UNIT_WORDS: dict[str, Unit] = {
    "d": "day",
    "day": "day",
    "days": "day",
    "w": "week",
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "m": "month",
    "mo": "month",
    "mos": "month",
    "month": "month",
    "months": "month",
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "year": "year",
    "years": "year",
}
_NAMED: dict[str, tuple[Unit, int]] = {
    "daily": ("day", 1),
    "weekly": ("week", 1),
    "biweekly": ("week", 2),
    "fortnight": ("week", 2),
    "fortnightly": ("week", 2),
    "monthly": ("month", 1),
    "bimonthly": ("month", 2),
    "quarterly": ("month", 3),
    "semiannual": ("month", 6),
    "yearly": ("year", 1),
    "annual": ("year", 1),
    "annually": ("year", 1),
    "biannual": ("year", 2),
}
_CANONICAL_ONE = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}
# "every 2 weeks", "every week", "2w", "2 weeks", "2weeks" (Taskwarrior), "P2W" (ISO 8601).
_EVERY = re.compile(r"^(?:every\s+)?(?P<n>\d{1,4})?\s*(?P<unit>[a-z]+)$")
_ISO = re.compile(r"^p(?P<n>\d{1,4})(?P<unit>[dwmy])$")


class RecurrenceError(ValueError):
    """A repeat rule that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class RecurrenceRule:
    """Every `interval` days, weeks, months or years; or every weekday (Mon–Fri)."""

    unit: Unit
    interval: int = 1
    weekdays_only: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.interval <= MAX_INTERVAL:
            raise RecurrenceError(f"a repeat interval is 1 to {MAX_INTERVAL}, not {self.interval}")
        if self.weekdays_only and (self.unit != "day" or self.interval != 1):
            raise RecurrenceError("weekdays repeat every day from Monday to Friday")

    @property
    def text(self) -> str:
        """The canonical form: `parse_rule(rule.text) == rule`."""
        if self.weekdays_only:
            return "weekdays"
        if self.interval == 1:
            return _CANONICAL_ONE[self.unit]
        return f"every {self.interval} {self.unit}s"


ACCEPTED = (
    "daily, weekdays, weekly, monthly, yearly, every N days|weeks|months|years, 3d, 2w, 1m, 1y"
)


def parse_rule(text: str) -> RecurrenceRule:
    """Read a rule as people and other planners write it (case and spaces do not matter)."""
    words = " ".join(str(text).lower().split())
    if words in ("weekdays", "weekday", "every weekday", "workdays"):
        return RecurrenceRule("day", 1, weekdays_only=True)
    bare = words.removeprefix("every ").strip()
    if bare in _NAMED:
        unit, interval = _NAMED[bare]
        return RecurrenceRule(unit, interval)
    match = _EVERY.match(words) or _ISO.match(words)
    if match is not None and match["unit"] in _UNIT_WORDS:
        interval = int(match["n"]) if match["n"] else 1
        if not 1 <= interval <= MAX_INTERVAL:
            raise RecurrenceError(
                f"repeat interval {interval} is out of range (1 to {MAX_INTERVAL})"
            )
        if match["n"] is None and not words.startswith("every "):
            raise RecurrenceError(f"unknown repeat rule {text!r} (expected {ACCEPTED})")
        return RecurrenceRule(_UNIT_WORDS[match["unit"]], interval)
    raise RecurrenceError(f"unknown repeat rule {text!r} (expected {ACCEPTED})")


def canonical(text: str) -> str:
    return parse_rule(text).text


# --- the wall clock -----------------------------------------------------------------------------


def _wall(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _aware(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    # A wall time inside a spring-forward gap does not exist; the round trip through UTC
    # moves it past the gap (02:30 → 03:30) so that it is a real moment in the zone.
    return wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


def _add_months(wall: dt.datetime, months: int, day: int) -> dt.datetime:
    import calendar  # only month and year rules need it

    index = wall.year * 12 + (wall.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return wall.replace(year=year, month=month + 1, day=min(day, last))


def _step_days(rule: RecurrenceRule) -> int:
    return rule.interval * (7 if rule.unit == "week" else 1)


def _occurrence(rule: RecurrenceRule, anchor: dt.datetime, index: int) -> dt.datetime:
    """The `index`-th wall time of the series (index 0 is the anchor itself)."""
    if rule.unit in ("day", "week"):
        return anchor + dt.timedelta(days=index * _step_days(rule))
    months = rule.interval * (12 if rule.unit == "year" else 1)
    return _add_months(anchor.replace(day=1), index * months, anchor.day)


def _first_index_after(rule: RecurrenceRule, anchor: dt.datetime, after: dt.datetime) -> int:
    """A lower bound of the first index whose wall time is after `after` (walls, naive)."""
    if after < anchor:
        return 0
    if rule.unit in ("day", "week"):
        return max(0, (after - anchor).days // _step_days(rule))
    months = rule.interval * (12 if rule.unit == "year" else 1)
    elapsed = (after.year - anchor.year) * 12 + (after.month - anchor.month)
    return max(0, elapsed // months - 1)


def _next_weekday(wall: dt.datetime) -> dt.datetime:
    while wall.weekday() >= 5:
        wall += dt.timedelta(days=1)
    return wall


def next_occurrence(
    rule: RecurrenceRule, after: dt.datetime, anchor: dt.datetime, zone: dt.tzinfo
) -> dt.datetime:
    """The first date of the series anchored at `anchor` strictly after `after`.

    `anchor` fixes the time of day and, for months and years, the day of the month.
    """
    anchor_wall = _wall(anchor, zone)
    after_wall = _wall(after, zone)
    if rule.weekdays_only:
        start = max(after_wall.date(), anchor_wall.date())
        candidate = dt.datetime.combine(start, anchor_wall.time())
        while True:
            candidate = _next_weekday(candidate)
            moment = _aware(candidate, zone)
            if moment > after and candidate >= anchor_wall:
                return moment
            candidate += dt.timedelta(days=1)
    index = _first_index_after(rule, anchor_wall, after_wall)
    while True:
        moment = _aware(_occurrence(rule, anchor_wall, index), zone)
        if moment > after:
            return moment
        index += 1


def next_after_completion(
    rule: RecurrenceRule, completed: dt.datetime, time_of_day: dt.time, zone: dt.tzinfo
) -> dt.datetime:
    """The rule's step counted from the day of the completion, at `time_of_day` local.

    Done Tuesday at 18:00 on a daily rule with a 09:00 due: next due Wednesday 09:00.
    """
    base = _aware(dt.datetime.combine(_wall(completed, zone).date(), time_of_day), zone)
    # One step from the day of the completion, even when that day's time is still ahead.
    following = next_occurrence(rule, base, base, zone)
    while following <= completed:
        following = next_occurrence(rule, following, base, zone)
    return following


@dataclass(frozen=True)
class NextDates:
    """Where the next instance of a series goes."""

    due: dt.datetime | None
    not_before: dt.datetime | None
    anchor: dt.datetime


def next_dates(
    rule: RecurrenceRule,
    *,
    recur_from: RecurFrom,
    due: dt.datetime | None,
    not_before: dt.datetime | None,
    anchor: dt.datetime | None,
    until: dt.datetime | None,
    closed_at: dt.datetime,
    zone: dt.tzinfo,
) -> NextDates | None:
    """The due and not-before of the instance after one closed at `closed_at`.

    The series moves on its due (or, without one, its not-before); the other date keeps
    the same wall-clock distance to it. A series with neither date is counted from the
    day it was closed and becomes eligible at the start of its next day. None when the
    next date would fall after `until`.
    """
    reference = due if due is not None else not_before
    if reference is None:
        start = next_after_completion(rule, closed_at, dt.time(0, 0), zone)
        if until is not None and start > until:
            return None
        return NextDates(due=None, not_before=start, anchor=start)
    if recur_from == "done":
        moved = next_after_completion(rule, closed_at, _wall(reference, zone).time(), zone)
        new_anchor = moved
    else:
        new_anchor = anchor if anchor is not None else reference
        moved = next_occurrence(rule, reference, new_anchor, zone)
    if until is not None and moved > until:
        return None
    shift = _wall(moved, zone) - _wall(reference, zone)

    def shifted(moment: dt.datetime | None) -> dt.datetime | None:
        if moment is None:
            return None
        return _aware(_wall(moment, zone) + shift, zone)

    if due is not None:
        return NextDates(due=moved, not_before=shifted(not_before), anchor=new_anchor)
    return NextDates(due=None, not_before=moved, anchor=new_anchor)
