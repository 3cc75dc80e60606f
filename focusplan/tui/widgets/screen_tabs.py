"""The row of screens under the header: `1 Today  2 Tasks  3 Plan …`, current one lit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.widget import Widget


class Tab(NamedTuple):
    key: str
    mode: str
    title: str


class ScreenTabs(Widget):
    """Given the tabs by its screen (attributes down), so it knows nothing of the registry."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "screen-tabs--current",
        "screen-tabs--key",
        "screen-tabs--other",
    }
    DEFAULT_CSS = """
    ScreenTabs {
        height: 1;
        padding: 0 1;
        background: $boost;
        & > .screen-tabs--current { background: $accent; color: $background; text-style: bold; }
        & > .screen-tabs--key { color: $accent; text-style: bold; }
        & > .screen-tabs--other { color: $foreground; }
    }
    """

    def __init__(self, current: str, tabs: Sequence[Tab], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current
        self.tabs = tuple(tabs)

    def render(self) -> RenderableType:
        text = Text()
        for tab in self.tabs:
            if tab.mode == self.current:
                style = self.get_component_rich_style("screen-tabs--current")
                text.append(f" {tab.key} {tab.title} ", style=style)
            else:
                text.append(" ")
                text.append(
                    tab.key,
                    style=self.get_component_rich_style("screen-tabs--key") + _click(tab.mode),
                )
                text.append(
                    f" {tab.title} ",
                    style=self.get_component_rich_style("screen-tabs--other") + _click(tab.mode),
                )
            text.append(" ")
        hint = "   ? help · ctrl+p commands"
        if self.size.width and text.cell_len + len(hint) > self.size.width - 2:
            hint = "  ? help · ^p"
        text.append(hint, style="dim")
        return text


def _click(mode: str) -> Style:
    return Style(meta={"@click": f"app.switch_mode('{mode}')"})
