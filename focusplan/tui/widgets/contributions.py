"""Why a task ranks where it does: its largest signed contributions, as bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.domain import RankedTask
from focusplan.tui.widgets.cells import signed_bar, truncate

NAME_WIDTH = 20
HALF_BAR = 10


def contribution_label(name: str) -> str:
    """A readable name for an explanation key (a weight name of the attention layer)."""
    kind, _, rest = name.partition(".")
    if not rest:
        return name.replace("_", " ")
    rest = rest.replace("meeting_load", "meetings").replace("_", " ")
    if kind == "residual":
        return rest
    if kind == "value":
        return f"{rest} nearby"
    if kind == "attn":
        query, _, key = rest.partition("×")
        if query == "bias":
            return f"{key} salience"
        if query == key == "project":
            return "same project"
        return f"{query} × {key}"
    return f"{kind} {rest}"


class ContributionBars(Widget):
    """Attributes down: the screen sets `item` to the highlighted ranked task."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "contribution-bars--positive",
        "contribution-bars--negative",
        "contribution-bars--axis",
        "contribution-bars--dim",
    }
    DEFAULT_CSS = """
    ContributionBars {
        height: auto;
        & > .contribution-bars--positive { color: $success; }
        & > .contribution-bars--negative { color: $error; }
        & > .contribution-bars--axis { color: $foreground-muted; }
        & > .contribution-bars--dim { color: $text-muted; }
    }
    """

    # Fixed height (limit + 2 lines, in CSS), so a new item repaints without a relayout.
    item: reactive[RankedTask | None] = reactive(None)
    # The average eligible task's contributions: the softmax ignores what every task
    # shares, so the bars show how this task differs from the average one.
    baseline: reactive[Mapping[str, float] | None] = reactive(None)
    limit: reactive[int] = reactive(8)

    def render(self) -> RenderableType:
        # Plain Text lines, not a rich Table: this redraws on every cursor move.
        dim = self.get_component_rich_style("contribution-bars--dim")
        item = self.item
        if item is None:
            return Text("Highlight a task to see why it ranks there.", style=dim)
        base = self.baseline or {}
        contributions: Mapping[str, float] = {
            name: value - base.get(name, 0.0) for name, value in (item.contributions or {}).items()
        }
        if not contributions:
            return Text("No explanation for this task.", style=dim)
        shown = sorted(contributions.items(), key=lambda kv: abs(kv[1]), reverse=True)
        shown = [(name, value) for name, value in shown if abs(value) >= 5e-3][: self.limit]
        scale = max((abs(value) for _, value in shown), default=1.0)
        positive = self.get_component_rich_style("contribution-bars--positive")
        negative = self.get_component_rich_style("contribution-bars--negative")
        axis = self.get_component_rich_style("contribution-bars--axis")
        lines = []
        for name, value in shown:
            line = Text(truncate(contribution_label(name), NAME_WIDTH).ljust(NAME_WIDTH + 1))
            line.append_text(signed_bar(value, scale, HALF_BAR, positive, negative, axis))
            line.append(f"{value:+7.2f}", style=positive if value >= 0 else negative)
            lines.append(line)
        rest = sum(contributions.values()) - sum(value for _, value in shown)
        others = f"{len(contributions) - len(shown)} smaller terms"
        lines.append(Text(others.ljust(NAME_WIDTH + 2 + 2 * HALF_BAR) + f"{rest:+7.2f}", style=dim))
        total = Text()
        total.append("vs. average task".ljust(NAME_WIDTH + 1), style="bold")
        total.append(f"{item.score * 100:.1f}% of attention".ljust(2 * HALF_BAR + 1), style=dim)
        total.append(f"{sum(contributions.values()):+7.2f}", style="bold")
        lines.append(total)
        return Text("\n").join(lines)
