"""The top-level screens: key, mode name, title and where the class lives.

The app builds its MODES and its number-key bindings from this table, so a
new screen is one entry here plus its module. An entry whose module does not
exist yet is skipped (its key stays unbound), which lets Plan and Review be
declared before they are written. Modules are imported only when a screen is
first shown, so a screen's heavy imports (plotext) stay off the start-up path.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    key: str
    mode: str
    title: str
    module: str
    class_name: str
    description: str = ""

    def available(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def load(self) -> type[Screen[None]]:
        screen_class: type[Screen[None]] = getattr(
            importlib.import_module(self.module), self.class_name
        )
        return screen_class

    def factory(self) -> Callable[[], Screen[None]]:
        def build() -> Screen[None]:
            try:
                return self.load()()
            except Exception as exc:  # a half-written screen must not take the app down
                from focusplan.tui.screens.base import UnavailableScreen

                return UnavailableScreen(self.mode, self.title, f"{type(exc).__name__}: {exc}")

        return build


REGISTRY: tuple[ScreenEntry, ...] = (
    ScreenEntry(
        "1",
        "today",
        "Today",
        "focusplan.tui.screens.today",
        "TodayScreen",
        "what to do now, and why",
    ),
    ScreenEntry(
        "2",
        "tasks",
        "Tasks",
        "focusplan.tui.screens.tasks",
        "TasksScreen",
        "every task: sort, filter, edit, reopen",
    ),
    ScreenEntry(
        "3",
        "plan",
        "Plan",
        "focusplan.tui.screens.plan",
        "PlanScreen",
        "the day as focus blocks",
    ),
    ScreenEntry(
        "4",
        "energy",
        "Energy",
        "focusplan.tui.screens.energy",
        "EnergyScreen",
        "log energy, see your curve",
    ),
    ScreenEntry(
        "5",
        "review",
        "Review",
        "focusplan.tui.screens.review",
        "ReviewScreen",
        "the week, and how to reweight",
    ),
)


@cache
def available_screens() -> tuple[ScreenEntry, ...]:
    return tuple(entry for entry in REGISTRY if entry.available())
