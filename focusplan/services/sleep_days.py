"""Storing sleep from devices into the day context without touching the days' notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from focusplan.domain import DayContext

if TYPE_CHECKING:
    from focusplan.store import UnitOfWork

SLEEP_FORMATS = frozenset({"sleep-csv", "apple-health"})


def store_sleep(uow: UnitOfWork, days: Sequence[DayContext]) -> None:
    """Set each day's sleep hours, keeping what else the day holds (its notes). A day whose
    hours are already these is not written: importing the same file again changes nothing."""
    for day in days:
        stored = uow.days.get(day.date)
        notes = stored.notes if stored is not None else ""
        if stored is None or stored.sleep_hours != day.sleep_hours:
            uow.days.put(DayContext(date=day.date, sleep_hours=day.sleep_hours, notes=notes))
