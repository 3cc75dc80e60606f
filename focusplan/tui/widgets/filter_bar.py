"""The `/` filter line: `words project:x tag:y status:done`, applied as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """Hidden until `/`; Enter keeps the filter and returns to the list, Esc clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", tooltip="clear the filter (Enter keeps it)")
    ]
    DEFAULT_CSS = """
    FilterBar {
        display: none;
        &.-shown { display: block; }
    }
    """

    @dataclass
    class FilterChanged(Message):
        """The filter text changed (messages up: the screen applies it)."""

        filter_bar: FilterBar
        text: str

    @dataclass
    class FilterDone(Message):
        """The person finished editing the filter (Enter or Esc)."""

        filter_bar: FilterBar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="filter: words  project:x  tag:y  status:done|open|dropped   (Enter keep · Esc clear)",
            compact=True,
            id=id,
        )

    def open(self) -> None:
        self.add_class("-shown")
        # Focus now, not on the next idle (`focus()`): keys typed right after `/`
        # must land here, not in the table behind (where `s` sorts and `a` adds).
        self.screen.set_focus(self)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.value.strip():
            self.remove_class("-shown")
        self.post_message(self.FilterDone(self))

    def action_clear(self) -> None:
        self.value = ""
        self.remove_class("-shown")
        self.post_message(self.FilterDone(self))
