"""The working day a plan lives in: hours, lunch, focus and break lengths, the zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from focusplan import clock

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WorkingDay(BaseModel):
    """When a person works, and how the planner cuts that time into blocks.

    Times are wall-clock times in `zone` (an IANA name; None means the person's
    zone, `focusplan.clock.local_zone()`). `weekdays` uses Monday = 0.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 30)
    lunch_start: dt.time | None = dt.time(12, 30)
    lunch_end: dt.time | None = dt.time(13, 15)
    weekdays: frozenset[int] = frozenset(range(5))
    zone: str | None = None
    # The length of a focus block (the person's `focus_minutes`); None: max_block_minutes.
    # A block may run longer, up to max_block_minutes, only to finish its task rather
    # than leave a remainder too short to be worth a block of its own.
    focus_minutes: int | None = Field(default=None, ge=1, le=8 * 60)
    max_block_minutes: int = Field(default=90, ge=5, le=8 * 60)
    min_block_minutes: int = Field(default=15, ge=1, le=4 * 60)
    break_minutes: int = Field(default=10, ge=0, le=120)
    long_break_minutes: int = Field(default=20, ge=0, le=240)
    # Predicted energy (1..5) below which a focus block earns the long break.
    low_energy_below: float = Field(default=2.5, ge=1, le=5)
    # Planning from `now` starts on this grid (10:07 -> 10:10), not at odd minutes.
    step_minutes: int = Field(default=5, ge=1, le=60)

    @field_validator("start", "end", "lunch_start", "lunch_end")
    @classmethod
    def _naive_time(cls, value: dt.time | None) -> dt.time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("working times are wall-clock times; give the zone in `zone`")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        if any(day < 0 or day > 6 for day in value):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return value

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _consistent(self) -> WorkingDay:
        if self.end <= self.start:
            raise ValueError("the working day must end after it starts")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("give both lunch_start and lunch_end, or neither")
        if self.lunch_start is not None and self.lunch_end is not None:
            if self.lunch_end <= self.lunch_start:
                raise ValueError("lunch must end after it starts")
            if self.lunch_start < self.start or self.lunch_end > self.end:
                raise ValueError("lunch must lie inside the working hours")
        if self.min_block_minutes > self.max_block_minutes:
            raise ValueError("min_block_minutes cannot exceed max_block_minutes")
        if self.focus_minutes is not None and not (
            self.min_block_minutes <= self.focus_minutes <= self.max_block_minutes
        ):
            raise ValueError(
                "focus_minutes must lie between min_block_minutes and max_block_minutes"
            )
        if self.long_break_minutes < self.break_minutes:
            raise ValueError("long_break_minutes cannot be shorter than break_minutes")
        return self

    @classmethod
    def from_settings(cls, settings: object, zone: str | None = None) -> WorkingDay:
        """The working day described by `focusplan.settings.Settings` (read by attribute
        name, so this module need not import pydantic-settings).

        Lunch is `lunch_start` + `lunch_minutes`, clipped to the working hours; no
        lunch when either is unset or zero.
        """
        default = cls()
        start: dt.time = getattr(settings, "work_start", default.start)
        end: dt.time = getattr(settings, "work_end", default.end)
        lunch_start: dt.time | None = getattr(settings, "lunch_start", default.lunch_start)
        lunch_minutes: int = getattr(settings, "lunch_minutes", 45)
        lunch_end: dt.time | None = None
        if lunch_start is not None and lunch_minutes > 0:
            anchor = dt.date(2000, 1, 3)
            lunch_end = (
                dt.datetime.combine(anchor, lunch_start) + dt.timedelta(minutes=lunch_minutes)
            ).time()
            # A lunch that runs past midnight wraps to a small time and is dropped here.
            lunch_start, lunch_end = max(lunch_start, start), min(lunch_end, end)
            if lunch_end <= lunch_start:
                lunch_start = lunch_end = None
        else:
            lunch_start = None
        fields: dict[str, object] = {
            "start": start,
            "end": end,
            "lunch_start": lunch_start,
            "lunch_end": lunch_end,
            "weekdays": frozenset(getattr(settings, "work_days", default.weekdays)),
            "zone": zone,
        }
        for name in ("max_block_minutes", "break_minutes", "long_break_minutes"):
            if hasattr(settings, name):
                fields[name] = getattr(settings, name)
        focus = getattr(settings, "focus_minutes", None)
        if focus is not None:
            # The focus length is the block; the longest block and the shortest follow it
            # rather than refuse it (a 10-minute focus makes 10-minute blocks).
            fields["focus_minutes"] = focus
            longest: int = getattr(settings, "max_block_minutes", default.max_block_minutes)
            fields["max_block_minutes"] = max(longest, focus)
            fields["min_block_minutes"] = min(default.min_block_minutes, focus)
        return cls.model_validate(fields)

    @property
    def block_minutes(self) -> int:
        """The length of a focus block."""
        return self.focus_minutes if self.focus_minutes is not None else self.max_block_minutes

    @property
    def tail_minutes(self) -> int:
        """The shortest piece worth a block of a task that does not finish in it, and the
        shortest remainder a block may leave: a third of a focus block, and 20 minutes at
        least (but never more than a block). A long task resumed for a quarter of an hour
        is a switch, not a session."""
        return min(self.block_minutes, max(self.min_block_minutes, 20, self.block_minutes // 3))

    def tzinfo(self) -> dt.tzinfo:
        return ZoneInfo(self.zone) if self.zone is not None else clock.local_zone()

    def works_on(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays

    def window(self, day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.start, tzinfo=zone),
            dt.datetime.combine(day, self.end, tzinfo=zone),
        )
