"""The attention among the top tasks as a heatmap: row i attends to column j.

Each cell's background blends from the panel colour to the accent colour by
the weight, so where attention concentrates is visible at a glance; the
highlighted task's row and column are marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.tui.widgets.cells import truncate

LABEL_WIDTH = 14
CELL_WIDTH = 4


class AttentionHeatmap(Widget):
    """Attributes down: `ids`, `matrix`, `titles` from the ranking; `highlight` from the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "attention-heatmap--cold",
        "attention-heatmap--hot",
        "attention-heatmap--dim",
    }
    DEFAULT_CSS = """
    AttentionHeatmap {
        height: auto;
        & > .attention-heatmap--cold { background: $panel; color: $foreground; }
        & > .attention-heatmap--hot { background: $accent; color: $background; }
        & > .attention-heatmap--dim { color: $text-muted; }
    }
    """

    ids: reactive[tuple[int, ...]] = reactive(())
    matrix: reactive[tuple[tuple[float, ...], ...]] = reactive(())
    titles: reactive[Mapping[int, str]] = reactive(dict)
    highlight: reactive[int | None] = reactive(None)

    def show(
        self,
        ids: Sequence[int],
        matrix: Sequence[Sequence[float]],
        titles: Mapping[int, str],
    ) -> None:
        self.titles = dict(titles)
        self.matrix = tuple(tuple(row) for row in matrix)
        self.ids = tuple(ids)

    def _cell_style(self, weight: float, peak: float, cold: Style, hot: Style) -> Style:
        share = 0.0 if peak <= 0 else min(1.0, weight / peak)
        low = Color.from_rich_color(cold.bgcolor) if cold.bgcolor else Color(40, 40, 40)
        high = Color.from_rich_color(hot.bgcolor) if hot.bgcolor else Color(255, 160, 0)
        # A square root keeps small-but-real attention visible next to the diagonal.
        background = low.blend(high, share**0.5)
        text = (
            Color.from_rich_color(hot.color)
            if share > 0.45 and hot.color
            else Color.from_rich_color(cold.color)
            if cold.color
            else Color(220, 220, 220)
        )
        return Style(bgcolor=background.rich_color, color=text.rich_color)

    def render(self) -> RenderableType:
        # Plain Text lines, not a rich Table: this redraws on every cursor move.
        dim = self.get_component_rich_style("attention-heatmap--dim")
        ids, matrix = self.ids, self.matrix
        if not ids or not matrix:
            return Text("Attention appears once two or more tasks are eligible.", style=dim)
        cold = self.get_component_rich_style("attention-heatmap--cold", partial=True)
        hot = self.get_component_rich_style("attention-heatmap--hot", partial=True)
        peak = max((max(row) for row in matrix if row), default=0.0)
        # Styles go on spans, not the Text itself: a Text's own style reaches every span.
        header = Text()
        header.append("attends to →".ljust(LABEL_WIDTH + 1), style=dim)
        for task_id in ids:
            mark = "bold reverse" if task_id == self.highlight else "bold"
            header.append(f"#{task_id}"[:CELL_WIDTH].center(CELL_WIDTH), style=mark)
        lines = [header]
        for task_id, row in zip(ids, matrix, strict=False):
            label_style = "bold reverse" if task_id == self.highlight else ""
            title = truncate(self.titles.get(task_id, ""), LABEL_WIDTH - 5)
            line = Text()
            line.append(f"#{task_id:<4}{title}"[:LABEL_WIDTH].ljust(LABEL_WIDTH), style=label_style)
            line.append(" ")
            for weight in row:
                line.append(
                    f"{round(weight * 100):>3} ", style=self._cell_style(weight, peak, cold, hot)
                )
            lines.append(line)
        legend = Text()
        legend.append("% of each row's attention  ", style=dim)
        legend.append("  ", style=self._cell_style(0.0, 1.0, cold, hot))
        legend.append(" low ", style=dim)
        legend.append("  ", style=self._cell_style(1.0, 1.0, cold, hot))
        legend.append(" high", style=dim)
        lines.append(legend)
        return Text("\n").join(lines)
