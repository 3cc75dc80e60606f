"""`?`: every key, screen by screen; the sections come from `key_map`, built from the bindings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from focusplan.tui.key_map import Section, key_label


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark,q", "close", "Close", show=False),
    ]

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)  # the dialog's own keys
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            for title, rows in self.sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(width=14, style="bold")
                table.add_column()
                for keys, description in rows:
                    table.add_row(keys, description)
                yield Static(Text(title, style="bold underline"), classes="help-section")
                yield Static(table, classes="help-keys")
            yield Static(Text(f"{self._closing_keys()}: close", style="dim"), classes="dialog-hint")

    def _closing_keys(self) -> str:
        keys = [b.key for b in self.BINDINGS if isinstance(b, Binding) and b.action == "close"]
        return key_label(",".join(keys))

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Help"

    def action_close(self) -> None:
        self.dismiss(None)
