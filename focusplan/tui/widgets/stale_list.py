"""Stale tasks (open, importance ≤ 2, untouched three weeks), each with Drop and Keep.

Attributes down: `show(notes)`; the rows are rebuilt only when the list itself
changes, so a periodic refresh keeps focus on the button the person is on.
Messages up: `DropRequested` / `KeepRequested` with the task id; the screen
decides what they do. `selected_task_id` is the row holding focus, so the
app's own task keys (`x`, `e`, `d`) act on it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from focusplan.review import TaskNote
from focusplan.tui.widgets.cells import truncate

TITLE_WIDTH = 24


def stale_line(note: TaskNote) -> Text:
    text = Text()
    text.append(f"#{note.id:<4}", style="bold")
    text.append(truncate(note.title, TITLE_WIDTH).ljust(TITLE_WIDTH))
    text.append(f" {note.days:>3.0f}d", style="dim")
    return text


class StaleRow(Horizontal):
    def __init__(self, note: TaskNote) -> None:
        super().__init__(classes="stale-row")
        self.note = note

    def compose(self) -> ComposeResult:
        yield Static(stale_line(self.note), classes="stale-title")
        yield Button("Drop", variant="error", classes="stale-drop", compact=True)
        yield Button("Keep", classes="stale-keep", compact=True)


class StaleList(VerticalScroll):
    DEFAULT_CSS = """
    StaleList {
        height: 1fr;
        scrollbar-size-vertical: 1;
        & .stale-row { height: 1; }
        & .stale-row:focus-within { background: $boost; }
        & .stale-title { width: 1fr; height: 1; }
        & .stale-row Button { width: auto; min-width: 0; margin-left: 1; }
        & .stale-empty { color: $text-muted; text-style: italic; }
    }
    """

    @dataclass
    class DropRequested(Message):
        task_id: int

    @dataclass
    class KeepRequested(Message):
        task_id: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, can_focus=False)
        self._shown: tuple[tuple[TaskNote, ...], int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", classes="stale-empty")

    def show(self, notes: Sequence[TaskNote], *, kept: int = 0) -> None:
        # Days go up by the minute; a row is only rebuilt when what it says changes.
        shown = tuple(note.model_copy(update={"days": round(note.days)}) for note in notes)
        if (shown, kept) == self._shown:
            return
        self._shown = (shown, kept)
        # After a Drop or Keep the same place in the list keeps focus (the next task).
        place = self._focused_place()
        self.remove_children()
        if notes:
            self.mount_all(StaleRow(note) for note in notes)
            if place is not None:
                self.call_after_refresh(self._focus_place, *place)
            return
        message = (
            "Nothing stale: every open task of importance ≤ 2 was touched in the last three weeks."
        )
        if kept:
            message += f" ({kept} kept for this session.)"
        self.mount(Static(message, classes="stale-empty"))

    def _focused_place(self) -> tuple[int, str] | None:
        """(row index, button class) of the focused button, if one of ours has focus."""
        focused = self.screen.focused
        if not isinstance(focused, Button) or not isinstance(focused.parent, StaleRow):
            return None
        rows = list(self.query(StaleRow))
        row = focused.parent
        if row not in rows:
            return None
        return rows.index(row), "stale-drop" if focused.has_class("stale-drop") else "stale-keep"

    def _focus_place(self, index: int, button_class: str) -> None:
        rows = list(self.query(StaleRow))
        if rows:
            rows[min(index, len(rows) - 1)].query_one(f".{button_class}", Button).focus()

    @property
    def selected_task_id(self) -> int | None:
        focused = self.screen.focused
        if focused is None:
            return None
        for node in focused.ancestors_with_self:
            if isinstance(node, StaleRow):
                return node.note.id
            if node is self:
                break
        return None

    @on(Button.Pressed, ".stale-drop")
    def _drop(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, StaleRow):
            self.post_message(self.DropRequested(row.note.id))

    @on(Button.Pressed, ".stale-keep")
    def _keep(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, StaleRow):
            self.post_message(self.KeepRequested(row.note.id))
