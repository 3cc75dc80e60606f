"""Repositories: each takes the unit of work's Session and speaks only in domain models.

One module per repository. ORM records are built and read there and never
returned. Reads validate through the pydantic models (`model_validate`), so a
hand-edited row that breaks a domain rule fails loudly here instead of deep in
the ranking. `times` holds what they share: how a time becomes a query bound or
a stored value, and back into the person's zone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from focusplan.store.repositories.calendar_sources import CalendarSourceRepository
    from focusplan.store.repositories.choices import ChoiceRepository
    from focusplan.store.repositories.days import DayContextRepository
    from focusplan.store.repositories.energy import EnergyLogRepository
    from focusplan.store.repositories.events import EventRepository
    from focusplan.store.repositories.plans import PlanRepository
    from focusplan.store.repositories.reminders import ReminderRepository
    from focusplan.store.repositories.sessions import FocusSessionRepository
    from focusplan.store.repositories.tasks import TaskRepository
    from focusplan.store.repositories.weights import WeightsRepository

__all__ = [
    "CalendarSourceRepository",
    "ChoiceRepository",
    "DayContextRepository",
    "EnergyLogRepository",
    "EventRepository",
    "FocusSessionRepository",
    "PlanRepository",
    "ReminderRepository",
    "TaskRepository",
    "WeightsRepository",
]

# Loaded on first use, so that `repositories.times` alone (the quick write path's
# time helpers) does not pull in every repository and with them the ORM.
_LAZY = {
    "CalendarSourceRepository": "calendar_sources",
    "ChoiceRepository": "choices",
    "DayContextRepository": "days",
    "EnergyLogRepository": "energy",
    "EventRepository": "events",
    "FocusSessionRepository": "sessions",
    "PlanRepository": "plans",
    "ReminderRepository": "reminders",
    "TaskRepository": "tasks",
    "WeightsRepository": "weights",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
