"""The top-level screens: key, mode name, title and where the class lives.

The app builds its MODES, its number keys, the screen tabs and the help from
this table, so a new screen is one entry here plus its module. Modules are
imported only when a screen is first shown (or the help is opened), so a
screen's heavy imports (plotext) stay off the start-up path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
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

    def load(self) -> type[Screen[None]]:
        screen_class: type[Screen[None]] = getattr(
            importlib.import_module(self.module), self.class_name
        )
        return screen_class

    def factory(self) -> Callable[[], Screen[None]]:
        # Looked up on each build, not bound once, so the class is imported only when needed.
        def build() -> Screen[None]:
            return self.load()()

        return build


SCREENS: tuple[ScreenEntry, ...] = (
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
    ScreenEntry(
        "6",
        "week",
        "Week",
        "focusplan.tui.screens.week",
        "WeekScreen",
        "the week's plans, calendar, dues and energy",
    ),
)
