"""`?`: every key, screen by screen, built from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

Section = tuple[str, Sequence[tuple[str, str]]]

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "ctrl+p": "ctrl+p",
    "ctrl+s": "ctrl+s",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_label(key: str) -> str:
    return ", ".join(KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(","))


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for bindings given as `Binding` or tuples."""
    rows: list[tuple[str, str]] = []
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.description:
            rows.append((key_label(binding.key), binding.tooltip or binding.description))
    return rows


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
            yield Static(Text("Esc, ? or q closes", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Help"

    def action_close(self) -> None:
        self.dismiss(None)
