"""The person's energy curve by hour of day, with the logs behind it (plotext).

The legend lives in the pane's subtitle: plotext draws its legend over the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.reactive import reactive
from textual_plotext import PlotextPlot

FIRST_HOUR = 5
LAST_HOUR = 23


class EnergyChart(PlotextPlot):
    """Attributes down: `hours`/`levels` (the fitted curve), `logs` and `today` as (hour, level)."""

    hours: reactive[tuple[float, ...]] = reactive(())
    levels: reactive[tuple[float, ...]] = reactive(())
    logs: reactive[tuple[tuple[float, float], ...]] = reactive(())
    today: reactive[tuple[tuple[float, float], ...]] = reactive(())
    now_hour: reactive[float | None] = reactive(None)

    def show(
        self,
        hours: Sequence[float],
        levels: Sequence[float],
        logs: Sequence[tuple[float, float]],
        today: Sequence[tuple[float, float]],
        now_hour: float | None,
    ) -> None:
        self.set_reactive(EnergyChart.hours, tuple(hours))
        self.set_reactive(EnergyChart.levels, tuple(levels))
        self.set_reactive(EnergyChart.logs, tuple(logs))
        self.set_reactive(EnergyChart.today, tuple(today))
        self.set_reactive(EnergyChart.now_hour, now_hour)
        self.replot()

    def on_mount(self) -> None:
        self.replot()

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlim(FIRST_HOUR, LAST_HOUR)
        plt.ylim(0.8, 5.2)
        plt.yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"])
        ticks = [float(hour) for hour in range(6, LAST_HOUR + 1, 3)]
        plt.xticks(ticks, [f"{int(h):02d}h" for h in ticks])
        if self.logs:
            xs, ys = zip(*self.logs, strict=True)
            plt.scatter(list(xs), list(ys), marker="dot", color="gray")
        if self.hours and self.levels:
            pairs = [
                (h, v)
                for h, v in zip(self.hours, self.levels, strict=False)
                if FIRST_HOUR <= h <= LAST_HOUR
            ]
            if pairs:
                xs, ys = zip(*pairs, strict=True)
                plt.plot(list(xs), list(ys), marker="braille", color="cyan")
        if self.today:
            xs, ys = zip(*self.today, strict=True)
            plt.scatter(list(xs), list(ys), marker="●", color="orange")
        if self.now_hour is not None and FIRST_HOUR <= self.now_hour <= LAST_HOUR:
            plt.vline(self.now_hour, color="magenta")
        self.refresh()
