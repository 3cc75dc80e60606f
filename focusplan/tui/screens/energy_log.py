"""The two-keystroke energy log: `L` opens this, `1`–`5` answers it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from focusplan.tui.widgets.cells import ENERGY_WORDS


class EnergyLogScreen(ModalScreen[int | None]):
    """Dismisses with the level pressed, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            # One key stands for all five in the footer.
            Binding(
                str(level),
                f"pick({level})",
                "Level",
                show=level == 1,
                key_display="1–5",
                tooltip=f"how you feel now: 1 {ENERGY_WORDS[1]} … 5 {ENERGY_WORDS[5]}",
            )
            for level in ENERGY_WORDS
        ],
        Binding("escape", "pick(0)", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)  # the dialog's own keys
        with Vertical(id="energy-dialog", classes="dialog"):
            yield Static(
                Text("How is your energy right now?", style="bold"), classes="dialog-title"
            )
            line = Text()
            for level, word in ENERGY_WORDS.items():
                line.append(f" {level} ", style="bold reverse")
                line.append(f" {word}   ")
            yield Static(line, id="energy-choices")
            yield Static(Text("press 1–5 · Esc cancels", style="dim"), classes="dialog-hint")

    def action_pick(self, level: int) -> None:
        self.dismiss(level or None)
