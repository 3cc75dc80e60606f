"""Energy now (and where it came from) over a small curve of today."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.domain import EnergyEstimate
from focusplan.tui.widgets.cells import SPARK, energy_word, score_bar

FIRST_HOUR = 6
LAST_HOUR = 22
STEP = 0.5

SOURCE_WORDS = {
    "logged": "logged",
    "predicted": "predicted from your curve",
    "override": "set by hand",
}
# The one-line head of the Today panel has room for less.
SHORT_SOURCE_WORDS = {"logged": "logged", "predicted": "predicted", "override": "set by hand"}


class EnergyNow(Widget):
    """Attributes down: `estimate`, `curve` (level per half hour from 00:00) and `now_hour`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "energy-now--low",
        "energy-now--mid",
        "energy-now--high",
        "energy-now--dim",
        "energy-now--marker",
    }
    DEFAULT_CSS = """
    EnergyNow {
        height: auto;
        & > .energy-now--low { color: $error; }
        & > .energy-now--mid { color: $warning; }
        & > .energy-now--high { color: $success; }
        & > .energy-now--dim { color: $text-muted; }
        & > .energy-now--marker { color: $accent; text-style: bold; }
    }
    """

    estimate: reactive[EnergyEstimate | None] = reactive(None, layout=True)
    curve: reactive[tuple[float, ...]] = reactive((), layout=True)
    now_hour: reactive[float] = reactive(12.0)

    def show(self, estimate: EnergyEstimate, curve: Sequence[float], now_hour: float) -> None:
        self.curve = tuple(curve)
        self.now_hour = now_hour
        self.estimate = estimate

    def _level_style(self, level: float) -> str:
        name = "low" if level < 2.5 else "mid" if level < 3.5 else "high"
        return f"energy-now--{name}"

    def render(self) -> RenderableType:
        dim = self.get_component_rich_style("energy-now--dim")
        estimate = self.estimate
        if estimate is None:
            return Text("Energy: loading…", style=dim)
        style = self.get_component_rich_style(self._level_style(estimate.level))
        head = Text()
        head.append(f"{estimate.level:.1f}", style=style + Style(bold=True))
        head.append(" / 5  ")
        narrow = bool(self.size.width) and self.size.width < len(self._today_levels())
        head.append(score_bar((estimate.level - 1) / 4, 5 if narrow else 10, style))
        head.append(f"  {energy_word(estimate.level)}", style=style)
        source = SHORT_SOURCE_WORDS.get(estimate.source, estimate.source)
        if estimate.source == "logged" and estimate.logged_at is not None:
            source = f"logged {estimate.logged_at:%H:%M}"
        lines: list[RenderableType] = [head]
        if narrow:  # its own line rather than wrapped after a dangling "·"
            lines.append(Text(source, style=dim))
        else:
            head.append(f"  · {source}", style=dim)
        levels = self._today_levels()
        # A narrow pane (80 columns) draws one cell an hour instead of one per half hour.
        thin = 2 if narrow else 1
        levels = levels[::thin]
        if levels:
            strip = Text()
            for level in levels:
                index = min(len(SPARK) - 1, max(0, round((level - 1) / 4 * (len(SPARK) - 1))))
                strip.append(
                    SPARK[index], style=self.get_component_rich_style(self._level_style(level))
                )
            ticks = Text(style=dim)
            for hour in range(FIRST_HOUR, LAST_HOUR + 1, 3):
                ticks.append(f"{hour:02d}".ljust(int(3 / STEP / thin)))
            marker = Text(style=self.get_component_rich_style("energy-now--marker"))
            column = round((self.now_hour - FIRST_HOUR) / STEP / thin)
            if 0 <= column < len(levels):
                marker.append(" " * column + "▲ now")
            lines += [strip, marker, ticks]
        else:
            lines.append(Text("No curve yet: log your energy a few times (L then 1–5).", style=dim))
        return Group(*lines)

    def _today_levels(self) -> list[float]:
        if not self.curve:
            return []
        first, last = round(FIRST_HOUR / STEP), round(LAST_HOUR / STEP)
        return list(self.curve[first : last + 1])
