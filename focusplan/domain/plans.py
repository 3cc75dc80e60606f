"""A day plan: focus blocks, breaks and events in time order."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, model_validator

from focusplan.domain import BlockKind, DomainModel


class PlanBlock(DomainModel):
    start: AwareDatetime
    end: AwareDatetime
    kind: BlockKind
    task_id: int | None = None
    title: str = ""
    energy: float | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> PlanBlock:
        # In UTC, not by wall clock: see ContextEventDraft (the repeated hour of DST).
        if self.end.astimezone(dt.UTC) <= self.start.astimezone(dt.UTC):
            raise ValueError("a block must end after it starts")
        if (self.kind == "focus") != (self.task_id is not None):
            raise ValueError("a focus block names its task; other blocks do not")
        return self

    @property
    def minutes(self) -> float:
        return (self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC)).total_seconds() / 60


class DayPlan(DomainModel):
    date: dt.date
    blocks: tuple[PlanBlock, ...] = ()
    notes: tuple[str, ...] = ()
    created_at: AwareDatetime | None = None
    # A fingerprint of what it was planned from (tasks, events, working day, weights):
    # a stored plan whose inputs changed is planned again (services.planning).
    inputs: str | None = None
