"""The day's fixed events, what is known of the day, and the live calendars they come from."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from focusplan.domain import DomainModel, EventTitle, Notes


class ContextEventDraft(DomainModel):
    """A fixed event of the day, usually from a calendar."""

    start: AwareDatetime
    end: AwareDatetime
    title: EventTitle = ""
    uid: str | None = Field(default=None, max_length=500)
    source: str = "manual"
    all_day: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> ContextEventDraft:
        # In UTC: Python compares two times of one zone by their wall clocks, and in the
        # hour repeated when the clocks go back 02:10 (second time) is "before" 02:50.
        if self.end.astimezone(dt.UTC) < self.start.astimezone(dt.UTC):
            raise ValueError("an event cannot end before it starts")
        return self


class ContextEvent(ContextEventDraft):
    id: int


class DayContext(DomainModel):
    date: dt.date
    sleep_hours: Annotated[float, Field(ge=0, le=24)] | None = None
    notes: Notes = ""


class CalendarSourceFile(DomainModel):
    """One file of a live calendar as last read: re-read only when mtime or size moved."""

    name: str  # relative to the source's folder; "" for a single-file source
    mtime_ns: int
    size: int
    read_at: AwareDatetime
    events: int = 0


class CalendarSource(DomainModel):
    id: int
    kind: Literal["ics"] = "ics"
    path: str
    added_at: AwareDatetime
    checked_at: AwareDatetime | None = None
    problem: str = ""
    files: int = 0
    events: int = 0
