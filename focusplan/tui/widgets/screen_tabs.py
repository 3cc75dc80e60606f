"""The row of screens under the header: `1 Today  2 Tasks  4 Energy`, current one lit."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from focusplan.tui.screens.registry import available_screens


class ScreenTabs(Widget):
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

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def render(self) -> RenderableType:
        text = Text()
        for entry in available_screens():
            if entry.mode == self.current:
                style = self.get_component_rich_style("screen-tabs--current")
                text.append(f" {entry.key} {entry.title} ", style=style)
            else:
                text.append(" ")
                text.append(
                    entry.key,
                    style=self.get_component_rich_style("screen-tabs--key") + _click(entry.mode),
                )
                text.append(
                    f" {entry.title} ",
                    style=self.get_component_rich_style("screen-tabs--other") + _click(entry.mode),
                )
            text.append(" ")
        text.append("   ? help · ctrl+p commands", style="dim")
        return text


def _click(mode: str):  # type: ignore[no-untyped-def]
    from rich.style import Style

    return Style(meta={"@click": f"app.switch_mode('{mode}')"})
