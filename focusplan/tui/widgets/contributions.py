"""Why a task ranks where it does: its largest signed contributions, as bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from focusplan.attention.explanation import MAX_REASON_LENGTH, weight_label
from focusplan.domain import RankedTask
from focusplan.tui.widgets.cells import signed_bar, truncate

# The side pane holds 50 cells: a reason (written to fit, see MAX_REASON_LENGTH) and a
# space, a 9-cell signed bar, a 7-cell amount.
NAME_WIDTH = MAX_REASON_LENGTH
HALF_BAR = 4


def contribution_label(name: str) -> str:
    """A plain label for an explanation key (a weight name of the attention layer)."""
    return weight_label(name)


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
        # The reasons in words when the ranking gave them (several weights that say one
        # thing, summed); else each weight under its plain label.
        shown = [(reason.text, reason.amount) for reason in item.why] or [
            (contribution_label(name), value) for name, value in contributions.items()
        ]
        shown.sort(key=lambda kv: abs(kv[1]), reverse=True)
        shown = [(label, value) for label, value in shown if abs(value) >= 5e-3][: self.limit]
        scale = max((abs(value) for _, value in shown), default=1.0)
        positive = self.get_component_rich_style("contribution-bars--positive")
        negative = self.get_component_rich_style("contribution-bars--negative")
        axis = self.get_component_rich_style("contribution-bars--axis")
        # A narrow pane (80 columns) keeps the words and the amounts and drops the bars.
        bars = not self.size.width or self.size.width >= NAME_WIDTH + 2 * HALF_BAR + 9
        name_width = NAME_WIDTH if bars else max(12, self.size.width - 8)
        bar_width = 2 * HALF_BAR + 1 if bars else 0
        lines = []
        for label, value in shown:
            line = Text(truncate(label, name_width).ljust(name_width + 1))
            if bars:
                line.append_text(signed_bar(value, scale, HALF_BAR, positive, negative, axis))
            line.append(f"{value:+7.2f}", style=positive if value >= 0 else negative)
            lines.append(line)
        rest = sum(contributions.values()) - sum(value for _, value in shown)
        others = "the smaller reasons"
        lines.append(Text(others.ljust(name_width + 1 + bar_width) + f"{rest:+7.2f}", style=dim))
        total = Text()
        label = "vs. average task"
        share = f" · {item.score * 100:.1f}%" + (" of attention" if bars else "")
        room = name_width + 1 + bar_width - len(label)
        total.append(label, style="bold")
        total.append((share if len(share) <= room else "").ljust(room), style=dim)
        total.append(f"{sum(contributions.values()):+7.2f}", style="bold")
        lines.append(total)
        return Text("\n").join(lines)
