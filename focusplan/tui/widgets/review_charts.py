"""The review's charts (plotext): planned vs done per day, focus by project, energy by hour.

Each chart takes its figures through `show(...)` and, when there is nothing to
draw, says so in a sentence instead of drawing empty axes, so an empty week
reads as empty rather than broken. Bar colours come from the app's theme
variables (re-read on every draw), so the charts follow the theme; legends live
in the pane's subtitle because plotext draws its legend over the data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from focusplan.tui.widgets.cells import minutes_label, truncate

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

RGB = tuple[int, int, int]

# Energy hours always shown, widened when something was logged outside them.
FIRST_HOUR = 6
LAST_HOUR = 22
BAR_HOURS = 0.6
# Bars rise from just below level 1, so a level-1 hour still shows a sliver.
BAR_FLOOR = 0.5
# Projects beyond this many are summed into one bar, so each bar keeps a row.
MAX_PROJECTS = 6
OTHER_PROJECTS = "other"


def integer_ticks(top: float, steps: int = 4) -> list[float]:
    """Whole-number ticks from 0 to at least `top`, at most `steps` + 1 of them."""
    step = max(1, math.ceil(top / steps))
    return [float(t) for t in range(0, max(step, math.ceil(top / step) * step) + 1, step)]


def bar_width(xs: Sequence[float], size: float) -> float:
    """The plotext `width` that makes a series' bars `size` x-units wide.

    plotext scales `width` by the series' mean spacing, so series of one colour
    each would otherwise get bars of different widths.
    """
    if len(xs) < 2:
        return size
    spread = max(xs) - min(xs)
    return size if spread <= 0 else min(1.0, size * (len(xs) - 1) / spread)


def energy_band(level: float) -> str:
    """The theme colour of a mean energy level, as on the Energy screen's log."""
    return "error" if level < 2.5 else "warning" if level < 3.5 else "success"


def fold_projects(
    minutes: Mapping[str, float], limit: int = MAX_PROJECTS
) -> list[tuple[str, float]]:
    """Projects by focus time, largest first; those past `limit - 1` summed as "other"."""
    ranked = sorted(((name, m) for name, m in minutes.items() if m > 0), key=lambda kv: -kv[1])
    if len(ranked) <= limit:
        return ranked
    head, tail = ranked[: limit - 1], ranked[limit - 1 :]
    return [*head, (OTHER_PROJECTS, sum(m for _, m in tail))]


class ReviewChart(PlotextPlot):
    """A plot that redraws on `show` and on a theme change, or says why it is empty."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"review-chart--empty"}
    DEFAULT_CSS = """
    ReviewChart {
        & > .review-chart--empty { color: $text-muted; text-style: italic; }
    }
    """

    empty_message: reactive[str] = reactive("")
    # Set by the screen while the week is still under way: empty then means "not yet".
    current_week = False

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.replot())
        self.replot()

    def theme_rgb(self, variable: str) -> RGB:
        value = self.app.theme_variables.get(variable)
        try:
            return Color.parse(value).rgb if value else (128, 128, 128)
        except Exception:  # an odd theme value must not break a chart
            return (128, 128, 128)

    def render(self) -> RenderResult:
        if self.empty_message:
            return Text(
                self.empty_message, style=self.get_component_rich_style("review-chart--empty")
            )
        return super().render()

    def replot(self) -> None:
        if not self.is_mounted:
            return
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        # Axes on the left and bottom only: the pane's border already frames the chart,
        # and the row saved is a row of bars.
        plt.frame(False)
        plt.xaxes(True, False)
        plt.yaxes(True, False)
        self.empty_message = self.draw(plt)
        self.refresh()

    def draw(self, plt: Plot) -> str:
        """Plot the figures; return a sentence instead when there is nothing to plot."""
        return ""

    @property
    def so_far(self) -> str:
        return " so far" if self.current_week else ""


class DayBars(ReviewChart):
    """Planned focus blocks and completed tasks per day, side by side."""

    days: tuple[dt.date, ...] = ()
    planned: tuple[int, ...] = ()
    done: tuple[int, ...] = ()

    def show(self, days: Sequence[dt.date], planned: Sequence[int], done: Sequence[int]) -> None:
        self.days, self.planned, self.done = tuple(days), tuple(planned), tuple(done)
        self.replot()

    def draw(self, plt: Plot) -> str:
        if not any(self.planned) and not any(self.done):
            return f"Nothing planned or completed in this week{self.so_far}."
        # Two letters: three-letter names collide and plotext then drops some.
        labels = [f"{day:%a}"[:2] for day in self.days]
        plt.multiple_bar(
            labels,
            [list(self.planned), list(self.done)],
            # One colour per series; plotext's stub only admits a single one.
            color=[self.theme_rgb("primary"), self.theme_rgb("success")],  # type: ignore[arg-type]
            width=0.8,
        )
        ticks = integer_ticks(max(*self.planned, *self.done))
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [f"{t:g}" for t in ticks])
        return ""


class ProjectBars(ReviewChart):
    """Focus time by project, longest first, as horizontal bars labelled with the time."""

    minutes: tuple[tuple[str, float], ...] = ()

    def show(self, minutes: Mapping[str, float]) -> None:
        self.minutes = tuple(fold_projects(minutes))
        self.replot()

    def draw(self, plt: Plot) -> str:
        if not self.minutes:
            return f"No focus sessions in this week{self.so_far}."
        # Top bar first: plotext stacks horizontal bars from the bottom up.
        shown = list(reversed(self.minutes))
        width = max(len(minutes_label(m)) for _, m in shown)
        labels = [f"{truncate(name, 12)} {minutes_label(m):>{width}}" for name, m in shown]
        hours = [m / 60 for _, m in shown]
        plt.bar(labels, hours, orientation="horizontal", color=self.theme_rgb("accent"), width=0.6)
        top = max(hours)
        ticks = integer_ticks(top, 3) if top >= 1 else [0.0, 0.5, 1.0]
        plt.xlim(0, ticks[-1])
        plt.xticks(ticks, [f"{t:g}h" for t in ticks])
        return ""


class HourBars(ReviewChart):
    """The mean logged energy for each clock hour, coloured low / okay / high."""

    levels: tuple[float | None, ...] = ()

    def show(self, levels: Sequence[float | None]) -> None:
        self.levels = tuple(levels)
        self.replot()

    def draw(self, plt: Plot) -> str:
        logged = [(hour, level) for hour, level in enumerate(self.levels) if level is not None]
        if not logged:
            return f"No energy logged in this week{self.so_far} (L logs it)."
        first = min(FIRST_HOUR, logged[0][0])
        last = max(LAST_HOUR, logged[-1][0])
        bands: dict[str, list[tuple[int, float]]] = {}
        for hour, level in logged:
            bands.setdefault(energy_band(level), []).append((hour, level))
        for band, points in bands.items():
            xs, ys = zip(*points, strict=True)
            width = bar_width(xs, BAR_HOURS)
            plt.bar(list(xs), list(ys), color=self.theme_rgb(band), width=width, minimum=BAR_FLOOR)
        plt.xlim(first - 0.5, last + 0.5)
        # A few rows of height cannot place five ticks honestly: mark the ends only.
        plt.ylim(BAR_FLOOR, 5)
        plt.yticks([1.0, 5.0], ["1", "5"])
        ticks = [float(hour) for hour in range(first, last + 1) if hour % 3 == 0]
        plt.xticks(ticks, [f"{hour:02.0f}h" for hour in ticks])
        return ""
