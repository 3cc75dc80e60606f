"""What every top-level screen shares: header, screen tabs, status bar, footer, the board.

Data flows down: the app owns the latest `Board` and the focus state; each
screen watches them and sets its widgets' attributes. A subclass composes its
body (`compose_body`), draws a board in `show_board` (called on load, on every
change, and when the screen is shown again after changes off screen), and says
which task `e`/`d`/`x`/`f` act on (`selected_task_id`). For its own reads it
uses `self.focusplan.source` in a `@work(thread=True)` worker; for writes,
`self.focusplan.run_change(...)` (undo, notifications and the reload follow).
Its keys are its `BINDINGS` (and those of the widgets in `binding_sources`):
the help and the command palette read them from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer, Header

from focusplan.tui.board import Board
from focusplan.tui.focus_clock import FocusState
from focusplan.tui.task_filter import TaskFilter
from focusplan.tui.widgets.filter_bar import FilterBar
from focusplan.tui.widgets.screen_tabs import ScreenTabs
from focusplan.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.timer import Timer

    from focusplan.tui.app import FocusplanApp

# How long the `/` filter waits for the next letter before it is applied.
FILTER_PAUSE = 0.15


class MainScreen(Screen[None]):
    """Base class of the screens in `registry.SCREENS`."""

    MODE: ClassVar[str] = ""
    # A screen that shows every task's rank (Tasks) draws only complete boards, not the
    # quick first board of a load that ranks the best tasks alone (see `board_stages`).
    COMPLETE_BOARDS_ONLY: ClassVar[bool] = False
    _drawn = False
    _stale = False

    @property
    def focusplan(self) -> FocusplanApp:
        return cast("FocusplanApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header(icon="◎")
        yield ScreenTabs(self.MODE, self.focusplan.screen_tabs(), id="screen-tabs")
        yield from self.compose_body()
        yield StatusBar(id="status-bar")
        yield Footer(show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets, between the tabs and the status bar."""
        yield from ()

    @classmethod
    def binding_sources(cls) -> tuple[type[DOMNode], ...]:
        """The classes whose bindings work on this screen, for the help: itself, and its widgets'."""
        return (cls,)

    def on_resize(self) -> None:
        # Below 100 columns the footer drops its padding, so more of the keys show.
        self.query_one(Footer).compact = self.size.width < 100

    def on_mount(self) -> None:
        self.watch(self.app, "board", self._board_changed, init=False)
        self.watch(self.app, "focus_state", self._focus_changed, init=True)
        # The board there already is drawn after the screen's first frame: a screen is
        # seen at once (its loading state), then fills (rows, or a worker that plans).
        self.call_after_refresh(self._first_draw)

    def _first_draw(self) -> None:
        if not self._drawn:
            self._board_changed(self.focusplan.board)

    def _board_changed(self, board: Board | None) -> None:
        if board is None or (self.COMPLETE_BOARDS_ONLY and not board.complete):
            return
        if self._drawn and not self.is_current:
            # Off screen: redraw when shown again, so a change costs one screen, not all.
            self._stale = True
            return
        self._draw(board)

    def _draw(self, board: Board) -> None:
        self._drawn = True
        self._stale = False
        self.show_board(board)
        self._focus_changed(self.focusplan.focus_state)

    def on_screen_resume(self) -> None:
        board = self.focusplan.board
        if self._stale and board is not None and (board.complete or not self.COMPLETE_BOARDS_ONLY):
            self._draw(board)

    def _focus_changed(self, state: FocusState) -> None:
        bar = self.query_one(StatusBar)
        board = self.focusplan.board
        task = board.task(state.task_id) if board is not None else None
        bar.task_title = task.title if task is not None else ""
        bar.info = self.focusplan.status_info()
        bar.state = state

    def show_board(self, board: Board) -> None:
        """Draw a freshly loaded board (called on load and whenever it changes)."""

    def selected_task_id(self) -> int | None:
        """The task that `e`, `d`, `x` and `f` act on, if any."""
        return None

    def open_filter(self) -> bool:
        """Show the `/` filter; False when this screen has none."""
        return False


class FilteredListScreen(MainScreen):
    """A screen built around one filterable table of tasks (Today, Tasks).

    `LIST_TYPE` is the table widget; it has `selected_task_id`. The screen
    keeps the last board so a new filter redraws without a reload.
    """

    LIST_TYPE: ClassVar[type[Any]]

    @classmethod
    def binding_sources(cls) -> tuple[type[DOMNode], ...]:
        return (cls, cls.LIST_TYPE, FilterBar)

    def __init__(self) -> None:
        super().__init__()
        self._filter = TaskFilter()
        self._board: Board | None = None
        self._filter_timer: Timer | None = None

    def open_filter(self) -> bool:
        bars = self.query(FilterBar)
        if not bars:  # keys typed right after switching here, before the screen is built
            return False
        bars.first().open()
        return True

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, event: FilterBar.FilterChanged) -> None:
        self._filter = TaskFilter.parse(event.text)
        # Applied when the typing pauses (or on Enter/Esc), not on every letter: at
        # 10,000 tasks each application filters them all and rebuilds the table.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_PAUSE, self._apply_filter)

    def _apply_filter(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        if self._board is not None:
            self.show_board(self._board)

    @on(FilterBar.FilterDone)
    def _filter_done(self, event: FilterBar.FilterDone) -> None:
        if self._filter_timer is not None:
            self._apply_filter()
        message = self._filter.unknown_message()
        if message:
            self.notify(message, title="Filter", severity="warning", timeout=6)
        table = self.query_one(self.LIST_TYPE)
        if table.display:
            table.focus()
        else:
            self.set_focus(None)

    def selected_task_id(self) -> int | None:
        tables = self.query(self.LIST_TYPE)
        if not tables:
            return None
        table = tables.first()
        selected: int | None = table.selected_task_id if table.display else None
        return selected
