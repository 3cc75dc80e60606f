"""Reading keys from bindings: what counts, what merges, what a subclass replaces."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable

from focusplan.tui.key_map import Key, NamedBinding, Place, help_sections, keys_of


class Rows(DataTable[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("ctrl+x", "secret"),  # no description: internal
    ]


class OtherRows(Rows):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("j", "jump", "Jump", tooltip="jump ahead")]


class Panel(Widget):
    BINDINGS: ClassVar[list[BindingType]] = [
        NamedBinding("p", "pin", "Pin", tooltip="pin it", title="Pin the panel"),
        ("u", "unpin", "Unpin"),
    ]


def labels(keys: list[Key]) -> dict[str, str]:
    return {key.action: key.label for key in keys}


def test_textuals_keys_join_ours_only_for_an_action_we_bind() -> None:
    found = labels(keys_of(Rows))
    assert found["cursor_down"] == "j, ↓"  # ours first, then DataTable's
    assert "cursor_left" not in found  # Textual's alone stays Textual's
    assert "secret" not in found


def test_a_subclass_binding_replaces_its_parents_for_that_key() -> None:
    found = labels(keys_of(OtherRows))
    assert found["jump"] == "j"
    assert "cursor_down" not in found  # with our `j` gone, DataTable's `down` is Textual's alone


def test_palette_title_and_help_text_come_from_the_binding() -> None:
    pin, unpin = keys_of(Panel)
    assert (pin.title, pin.text) == ("Pin the panel", "pin it")
    assert (unpin.title, unpin.text) == ("Unpin", "unpin")  # a tuple binding counts too


def test_help_puts_a_shared_key_in_one_section_named_for_its_screens() -> None:
    screens = [
        Place("1 One", "1 One — first", (Rows,)),
        Place("2 Two", "2 Two — second", (Rows, Panel)),
        Place("3 Three", "3 Three — third", ()),
    ]
    sections = dict(help_sections([], screens, []))
    assert ("j, ↓", "down") in sections["1 One · 2 Two"]
    assert ("p", "pin it") in sections["2 Two — second"]
    assert not any(title.startswith("1 One —") for title in sections)  # nothing of its own
    assert sections["3 Three — third"] == [("", "only the keys above")]
