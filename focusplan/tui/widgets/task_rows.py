"""What every table of tasks shares: rows keyed by task id, vim keys, a sticky cursor."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable


class TaskRowsTable(DataTable[Text | str]):
    """Rows keyed by task id; the highlighted row is what `e`, `d`, `x`, `f` act on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
        # DataTable's own Enter, bound again so the help can say what it does here.
        Binding("enter", "select_cursor", "Edit", show=False, tooltip="edit the highlighted task"),
    ]

    # Called as the cursor moves to another row, with the task now highlighted. The
    # RowHighlighted message reaches the screen a message later, often after the frame
    # with the moved cursor: a panel about the task drawn from it came a frame late.
    row_moved: Callable[[int | None], None] | None = None

    def watch_cursor_coordinate(
        self, old_coordinate: Coordinate, new_coordinate: Coordinate
    ) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if self.row_moved is not None and old_coordinate.row != new_coordinate.row:
            self.row_moved(self.selected_task_id)

    @property
    def selected_task_id(self) -> int | None:
        if self.row_count == 0:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:  # no valid row under the cursor (e.g. mid-rebuild)
            return None
        return int(row_key.value) if row_key.value is not None else None

    def keep_cursor_on(self, task_id: int | None) -> None:
        """After a rebuild: back on `task_id` if it is still listed, else on the first row."""
        if task_id is not None and str(task_id) in self.rows:
            self.move_cursor(row=self.get_row_index(str(task_id)), animate=False)
        elif self.row_count:
            self.move_cursor(row=0, animate=False)
