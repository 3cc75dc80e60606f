"""Today: what to do now (ranked), energy now, and why the highlighted task ranks there."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from focusplan.domain import RankedTask
from focusplan.tui.board import Board
from focusplan.tui.screens.base import FilteredListScreen
from focusplan.tui.widgets.cells import truncate
from focusplan.tui.widgets.contributions import ContributionBars
from focusplan.tui.widgets.energy_now import EnergyNow
from focusplan.tui.widgets.filter_bar import FilterBar
from focusplan.tui.widgets.heatmap import AttentionHeatmap
from focusplan.tui.widgets.ranked_table import RankedTable


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Today answers "what now?": the top of the ranking is what matters, and a short table
# keeps the first paint and every refresh quick on a large database. Tasks shows all.
SHOWN = 100


class TodayScreen(FilteredListScreen):
    MODE = "today"
    LIST_TYPE = RankedTable
    SUB_TITLE = "Today"
    AUTO_FOCUS = "#ranked"

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[int, RankedTask] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="today-body", classes="body"):
            with Vertical(id="today-main", classes="pane"):
                yield FilterBar(id="filter")
                yield RankedTable(id="ranked")
                yield Static("Loading…", id="ranked-empty", classes="empty-state")
            with Vertical(id="today-side"):
                yield EnergyNow(id="energy-now", classes="pane")
                yield ContributionBars(id="why", classes="pane")
                yield AttentionHeatmap(id="heatmap", classes="pane")

    def on_mount(self) -> None:
        self.query_one("#today-main").border_title = "What now"
        self.query_one("#energy-now").border_title = "Energy now"
        self.query_one("#why").border_title = "Why"
        self.query_one("#heatmap").border_title = "Attention among the top tasks"
        self.query_one(RankedTable).row_moved = self._show_why
        super().on_mount()

    # --- drawing ------------------------------------------------------------------------

    def show_board(self, board: Board) -> None:
        self._board = board
        matching = [
            item
            for item in board.ranking.items
            if self._filter.empty
            or ((task := board.task(item.id)) is not None and self._filter.matches(task))
        ]
        items = matching[:SHOWN]
        self._items = {item.id: item for item in items}
        table = self.query_one(RankedTable)
        table.show(
            items,
            board.by_id,
            board.at,
            focus_task=board.session.task_id if board.session else None,
            select=self.focusplan.want_selected,
        )
        empty = self.query_one("#ranked-empty", Static)
        if not items:
            if not self._filter.empty:
                empty.update("No eligible task matches this filter — Esc in the filter clears it.")
            elif not board.ranking.items:
                empty.update("Nothing eligible right now — add a task with [b]a[/b].")
        table.display = bool(items)
        empty.display = not items
        count = len(board.ranking.items)
        shown = f"{len(items)} of {count}" if len(items) < count else f"{count}"
        self.query_one(
            "#today-main"
        ).border_title = f"What now · {shown} eligible · {board.at:%a %H:%M}"
        titles = {
            task_id: (t.title if (t := board.task(task_id)) else "")
            for task_id in board.ranking.attention_ids
        }
        self.query_one(AttentionHeatmap).show(
            board.ranking.attention_ids, board.ranking.attention, titles
        )
        self.query_one(EnergyNow).show(
            board.energy, board.curve_levels, board.at.hour + board.at.minute / 60
        )
        self._show_why(table.selected_task_id)

    def _show_why(self, task_id: int | None) -> None:
        item = self._items.get(task_id) if task_id is not None else None
        why = self.query_one(ContributionBars)
        board = self.focusplan.board
        why.baseline = board.ranking.baseline if board is not None else None
        why.item = item
        why.border_title = (
            f"Why #{item.id} {truncate(item.title, 28)} ranks {ordinal(item.rank)}"
            if item
            else "Why"
        )
        heatmap = self.query_one(AttentionHeatmap)
        # Moving among tasks outside the heatmap leaves it untouched (no redraw).
        heatmap.highlight = task_id if task_id in heatmap.ids else None

    @on(DataTable.RowHighlighted, "#ranked")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        value = event.row_key.value
        self._show_why(int(value) if value is not None else None)

    @on(DataTable.RowSelected, "#ranked")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.focusplan.action_edit_task()
