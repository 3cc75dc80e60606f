"""Stopping a focus session asks one question: is the task done?"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

StopAnswer = Literal["done", "not_done"]


class StopFocusScreen(ModalScreen[StopAnswer | None]):
    """Dismisses with "done", "not_done", or None (keep focusing)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('done')", "Done"),
        Binding("n", "answer('not_done')", "Not yet"),
        Binding("escape", "answer('')", "Keep going"),
    ]

    def __init__(self, title: str, minutes: int) -> None:
        super().__init__()
        self.task_title = title
        self.minutes = minutes

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)  # the dialog's own keys
        with Vertical(id="stop-dialog", classes="dialog"):
            yield Static(Text("Stop focusing", style="bold"), classes="dialog-title")
            yield Static(f"{self.minutes} min on “{self.task_title}”. Is it done?")
            with Horizontal(classes="dialog-buttons"):
                yield Button("y  Done", id="done", variant="success", compact=True)
                yield Button("n  Not yet", id="not_done", variant="primary", compact=True)
                yield Button("Esc  Keep going", id="keep", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer("" if event.button.id == "keep" else str(event.button.id))

    def action_answer(self, answer: str) -> None:
        if answer == "done":
            self.dismiss("done")
        elif answer == "not_done":
            self.dismiss("not_done")
        else:
            self.dismiss(None)
