"""The focusplan app: screens on number keys, the same task keys everywhere.

The app owns the state every screen shares and hands it down as attributes:
`board` (the latest ranking, tasks, energy and session, loaded in a worker)
and `focus_state` (the focus timer, ticking once a second). Every change goes
through `focusplan.tui.actions` in a worker thread and comes back as a
message; then the board reloads. Another process writing to the database is
noticed by polling SQLite's `data_version` (see `change_watch`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea
from textual.worker import get_current_worker

from focusplan import clock
from focusplan.services.source import DataSource
from focusplan.services.undo import UndoStep
from focusplan.tui import actions
from focusplan.tui.actions import Outcome
from focusplan.tui.board import Board, board_stages
from focusplan.tui.change_watch import ChangeWatcher
from focusplan.tui.focus_clock import FocusClock, FocusState
from focusplan.tui.key_map import Key, NamedBinding, Place, Section, help_sections, keys_of
from focusplan.tui.screens.registry import SCREENS
from focusplan.tui.widgets.screen_tabs import Tab

if TYPE_CHECKING:
    from focusplan.domain import ReminderKind
    from focusplan.settings import Settings
    from focusplan.tui.screens.stop_focus import StopAnswer
    from focusplan.tui.screens.task_form import TaskFormResult

# How long after the first paint to open the full store (SQLAlchemy) in the background.
WARM_UP_DELAY = 1.0
# How long a load waits for its quick first board to be painted before ranking the rest.
SHOW_WAIT = 1.0
# The app's own keys are priority bindings: each runs as soon as its key arrives, before
# the next key is routed, so `a` and a title typed fast land in the form and `/` then
# words land in the filter. They stand aside while a dialog is open or text is typed.
GUARDED_ACTIONS = frozenset(
    {
        "add_task",
        "edit_task",
        "complete_task",
        "drop_task",
        "toggle_focus",
        "log_energy",
        "undo",
        "filter",
        "help",
        "quit",
        "switch_mode",
    }
)


def database_label(source: DataSource) -> str:
    """The database as shown in the title: the file name, or the URL without credentials."""
    if source.path is not None:
        return source.path.name
    scheme, _, rest = source.location.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


def screen_bindings() -> list[BindingType]:
    return [
        NamedBinding(
            entry.key,
            f"app.switch_mode('{entry.mode}')",
            entry.title,
            show=False,
            priority=True,
            tooltip=f"go to {entry.title} — {entry.description}",
            title=f"Go to {entry.title}",
        )
        for entry in SCREENS
    ]


def _key(key: str, action: str, description: str, title: str, tooltip: str) -> NamedBinding:
    return NamedBinding(key, action, description, tooltip=tooltip, priority=True, title=title)


TASK_BINDINGS: list[BindingType] = [
    _key("a", "add_task", "Add", "Add task", "add a task: type a title, Enter"),
    _key("e", "edit_task", "Edit", "Edit task", "edit the highlighted task"),
    _key("d", "complete_task", "Done", "Mark done", "mark the highlighted task done"),
    _key("x", "drop_task", "Drop", "Drop task", "drop the highlighted task (kept in history)"),
    _key(
        "f",
        "toggle_focus",
        "Focus",
        "Start/stop focus",
        "start a focus session on it / stop the running one",
    ),
    _key("L", "log_energy", "Energy", "Log energy", "log your energy now, then 1–5"),
    _key("u", "undo", "Undo", "Undo", "undo the last change (add, edit, done, drop, energy)"),
    _key(
        "slash", "filter", "Filter", "Filter", "filter the list: words project:x tag:y status:done"
    ),
    _key("question_mark", "help", "Help", "Help", "every key, screen by screen"),
    _key("q", "quit", "Quit", "Quit", "quit"),
]


def dialogs() -> list[Place]:
    """The dialogs the app's own keys open, for the help (the screens' own dialogs show their keys)."""
    from focusplan.tui.screens.energy_log import EnergyLogScreen
    from focusplan.tui.screens.stop_focus import StopFocusScreen
    from focusplan.tui.screens.task_form import TaskFormScreen

    return [
        Place("Task form", "Task form (a, e)", (TaskFormScreen,)),
        Place("Log energy", "Log energy (L)", (EnergyLogScreen,)),
        Place("Stop focus", "Stop focus (f while focusing)", (StopFocusScreen,)),
    ]


SCREEN_SHEETS = ("plan.tcss", "review.tcss", "week.tcss")


class FocusplanApp(App[None]):
    # Absolute, so subclasses defined elsewhere (tests, bench) find it too. Every screen's
    # sheet is read here, at start: a sheet first read when its screen opens makes Textual
    # parse every sheet again and restyle the whole app, a quarter of a second on the first
    # visit of Plan or Week.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).with_name("app.tcss"),
        *(Path(__file__).with_name("screens") / name for name in SCREEN_SHEETS),
    ]
    TITLE = "focusplan"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        entry.mode: entry.factory() for entry in SCREENS
    }
    DEFAULT_MODE = "today"
    # Classes on every screen for a small terminal (80×24); app.tcss says what gives way.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 - Textual's
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings(), *TASK_BINDINGS]

    board: reactive[Board | None] = reactive(None)
    focus_state: reactive[FocusState] = reactive(FocusState)

    @dataclass
    class BoardLoaded(Message):
        board: Board
        # Set once the board is on screen: the loader waits for it before going on.
        shown: threading.Event | None = None

    @dataclass
    class LoadFailed(Message):
        message: str

    @dataclass
    class ChangeDone(Message):
        outcome: Outcome

    @dataclass
    class ChangeFailed(Message):
        message: str
        undo: UndoStep | None = None

    @dataclass
    class DataChanged(Message):
        """Something (another process, or time) changed what the board shows."""

        written: bool = True  # False: only the minute moved on

    def __init__(
        self, source: DataSource, *, demo: bool = False, watch_changes: bool = True
    ) -> None:
        super().__init__()
        self.source = source
        self.demo = demo
        self.title = f"focusplan — {database_label(source)}" + (" (demo)" if demo else "")
        self.undo_stack: list[UndoStep] = []
        # The task a screen should highlight after the next load (the one just added/edited).
        self.want_selected: int | None = None
        self._settings: Settings | None = None
        self._watcher = ChangeWatcher(source.path, source.change_listener())
        self._watch_changes = watch_changes
        self._write_lock = threading.Lock()
        self._pending: queue.SimpleQueue[tuple[Callable[[], Outcome], UndoStep | None]] = (
            queue.SimpleQueue()
        )
        self._clock: FocusClock | None = None
        self._loaded_minute: tuple[int, int, int, int, int] | None = None
        self._first_load = True
        # Counts the writes seen (here or by another process), not the minute ticks: a
        # screen whose figures are slow to make (Review) reloads only when this moves.
        self.data_generation = 0

    # --- lifecycle ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.load()

    def on_unmount(self) -> None:
        self._watcher.close()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from focusplan.settings import load_settings

            self._settings = load_settings()
        return self._settings

    def status_info(self) -> str:
        board = self.board
        if board is None:
            return database_label(self.source)
        return f"ranked {board.at:%H:%M} · {database_label(self.source)}"

    # --- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def load(self) -> None:
        """Read and rank everything in a thread; the result comes back as `BoardLoaded`."""
        worker = get_current_worker()
        try:
            settings = self.settings
            self._watcher.mark_seen()
            # The best tasks first (what Today shows), then the complete ranking.
            for board in board_stages(
                self.source, clock.now(), recent_energy_minutes=settings.recent_energy_minutes
            ):
                if worker.is_cancelled:
                    return
                shown = threading.Event()
                self.post_message(self.BoardLoaded(board, shown))
                if not board.complete:
                    # Ranking the rest holds the interpreter for a while (a second at
                    # 10,000 tasks): let the quick board be painted first.
                    shown.wait(timeout=SHOW_WAIT)
                    if worker.is_cancelled:  # a newer load started: skip ranking the rest
                        return
        except Exception as exc:  # a broken database must not take the app down
            self.post_message(self.LoadFailed(actions.describe_error(exc)))

    @on(BoardLoaded)
    def _board_loaded(self, message: BoardLoaded) -> None:
        board = message.board
        if message.shown is not None:
            self.call_after_refresh(message.shown.set)
        self._loaded_minute = _minute(board)
        self.board = board
        if board.complete:  # a screen that waits for the complete board still selects it
            self.want_selected = None
        if self._first_load:
            self._first_load = False
            self._start_clocks()
        else:
            self._tick()  # a session started or stopped shows at once, not on the next second

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.notify(message.message, title="Could not read the database", severity="error")

    def _start_clocks(self) -> None:
        settings = self.settings
        self._clock = FocusClock(settings.focus_minutes, settings.break_minutes)
        self._tick()
        self.set_interval(1.0, self._tick, name="focus-clock")
        if self._watch_changes:
            self.set_interval(settings.refresh_seconds, self.poll_changes, name="poll")
            # A server that tells of other machines' writes: reload at once, not on the tick.
            self._watcher.push_changes(lambda: self.post_message(self.DataChanged()))
        self.set_timer(WARM_UP_DELAY, self._warm_up, name="warm-up")

    def poll_changes(self) -> None:
        """Reload when another process wrote, or the minute moved on (the ranking depends on it)."""
        self._poll()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        now = clock.now()
        minute = (now.year, now.month, now.day, now.hour, now.minute)
        written = self._watcher.changed()
        if written or minute != self._loaded_minute:
            self.post_message(self.DataChanged(written))

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        if message.written:
            self.data_generation += 1
        self.load()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        with self._write_lock:
            try:
                actions.warm_up(self.source)
            except Exception:  # the first real change will report it properly
                return
        # Import the other screens' modules (plotext for Energy and Review, the planner)
        # while the person reads Today, so the first `4` or `5` does not wait on them.
        for entry in SCREENS:
            try:
                entry.load()
            except Exception:  # a screen that cannot load says so when it is opened
                continue

    # --- changes ------------------------------------------------------------------------

    def run_change(self, change: Callable[[], Outcome], *, undoing: UndoStep | None = None) -> None:
        """Run one change in a worker; its outcome comes back as `ChangeDone`."""
        self._pending.put((change, undoing))
        self._change()

    @work(thread=True, group="write", exit_on_error=False)
    def _change(self) -> None:
        # One change at a time, in the order the keys were pressed: each worker takes
        # the oldest pending change while holding the lock (a Lock alone is not FIFO).
        with self._write_lock:
            change, undoing = self._pending.get_nowait()
            try:
                outcome = change()
            except Exception as exc:
                self.post_message(self.ChangeFailed(actions.describe_error(exc), undoing))
                return
        self.post_message(self.ChangeDone(outcome))

    @on(ChangeDone)
    def _change_done(self, message: ChangeDone) -> None:
        outcome = message.outcome
        if outcome.undo is not None:
            self.undo_stack.append(outcome.undo)
        if outcome.select_task is not None:
            self.want_selected = outcome.select_task
        if outcome.stopped_session is not None and self._clock is not None:
            end = outcome.stopped_session.end or clock.now()
            self._clock.session_stopped(outcome.stopped_session, end)
        self.notify(outcome.message, timeout=4)
        if outcome.changed:
            self.data_generation += 1
            self.load()

    @on(ChangeFailed)
    def _change_failed(self, message: ChangeFailed) -> None:
        title = f"Could not undo {message.undo.description}" if message.undo else "Not done"
        self.notify(message.message, title=title, severity="error", timeout=6)
        self.data_generation += 1  # what failed may have been changed by someone else
        self.load()

    # --- what the keys act on -----------------------------------------------------------

    def selected_task_id(self) -> int | None:
        screen = self.screen
        pick = getattr(screen, "selected_task_id", None)
        return pick() if callable(pick) else None

    def _selected_or_warn(self, verb: str) -> int | None:
        task_id = self.selected_task_id()
        if task_id is None:
            self.notify(f"No task highlighted to {verb}.", severity="warning", timeout=3)
        return task_id

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in GUARDED_ACTIONS:
            if isinstance(self.screen, ModalScreen):
                return False  # the dialog's own keys (1–5, y/n, Esc) come first
            if isinstance(self.focused, Input | TextArea):
                return False  # letters typed into the filter are text, not commands
        return True

    # --- task actions -------------------------------------------------------------------

    def action_add_task(self) -> None:
        from focusplan.tui.screens.task_form import TaskFormScreen

        self.push_screen(
            TaskFormScreen(None, self._dependency_map(), clock.now()), self._form_closed
        )

    def action_edit_task(self) -> None:
        from focusplan.tui.screens.task_form import TaskFormScreen

        task_id = self._selected_or_warn("edit")
        board = self.board
        task = board.task(task_id) if board is not None else None
        if task is None:
            return
        self.push_screen(
            TaskFormScreen(task, self._dependency_map(), clock.now()), self._form_closed
        )

    def _dependency_map(self) -> dict[int, tuple[int, ...]]:
        board = self.board
        return {task.id: task.depends_on for task in board.tasks} if board is not None else {}

    def _form_closed(self, result: TaskFormResult | None) -> None:
        if result is None:
            return
        source = self.source
        if result.new_task is not None:
            new_task = result.new_task
            self.run_change(lambda: actions.add(source, new_task))
        elif result.patch is not None and result.task_id is not None:
            task_id, patch = result.task_id, result.patch
            self.run_change(lambda: actions.edit(source, task_id, patch))

    def action_complete_task(self) -> None:
        self._close_task("mark done", "done", actions.complete)

    def action_drop_task(self) -> None:
        self._close_task("drop", "dropped", actions.drop)

    def _close_task(
        self, verb: str, status: str, change: Callable[[DataSource, int, dt.datetime], Outcome]
    ) -> None:
        task_id = self._selected_or_warn(verb)
        if task_id is None:
            return
        board = self.board
        task = board.task(task_id) if board is not None else None
        if task is not None and task.status == status:
            self.notify(
                f"#{task_id} is already {status} (r reopens it).", severity="warning", timeout=3
            )
            return
        source, at = self.source, clock.now()
        self.run_change(lambda: change(source, task_id, at))

    def reopen_task(self, task_id: int | None) -> None:
        if task_id is None:
            self.notify("No task highlighted to reopen.", severity="warning", timeout=3)
            return
        board = self.board
        task = board.task(task_id) if board is not None else None
        if task is not None and task.status == "open":
            self.notify(f"#{task_id} is already open.", severity="warning", timeout=3)
            return
        source = self.source
        self.run_change(lambda: actions.reopen(source, task_id))

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", timeout=3)
            return
        step = self.undo_stack.pop()
        source = self.source
        self.run_change(lambda: actions.undo(source, step), undoing=step)

    def action_filter(self) -> None:
        opener = getattr(self.screen, "open_filter", None)
        if not (callable(opener) and opener()):
            self.notify("This screen has no filter; Today and Tasks do.", timeout=3)

    def action_help(self) -> None:
        from focusplan.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[Section]:
        screens = [
            Place(
                f"{entry.key} {entry.title}",
                f"{entry.key} {entry.title} — {entry.description}",
                _binding_sources(entry.load()),
            )
            for entry in SCREENS
        ]
        return help_sections(self.app_keys(), screens, dialogs())

    def app_keys(self) -> list[Key]:
        """The keys that work on every screen: the app's bindings and the command palette's."""
        keys = keys_of(type(self))
        if self.ENABLE_COMMAND_PALETTE:
            keys.append(
                Key(
                    (self.COMMAND_PALETTE_BINDING,),
                    "command_palette",
                    "Commands",
                    "command palette: every action by name",
                    type(self),
                )
            )
        return keys

    def screen_tabs(self) -> tuple[Tab, ...]:
        return tuple(Tab(entry.key, entry.mode, entry.title) for entry in SCREENS)

    # --- energy -------------------------------------------------------------------------

    def action_log_energy(self) -> None:
        from focusplan.tui.screens.energy_log import EnergyLogScreen

        self.push_screen(EnergyLogScreen(), self._energy_picked)

    def _energy_picked(self, level: int | None) -> None:
        if level is None:
            return
        source, at = self.source, clock.now()
        self.run_change(lambda: actions.log_energy(source, level, at))

    # --- focus sessions -----------------------------------------------------------------

    def action_toggle_focus(self) -> None:
        board = self.board
        session = board.session if board is not None else None
        if session is not None:
            from focusplan.tui.screens.stop_focus import StopFocusScreen

            task = board.task(session.task_id) if board is not None else None
            minutes = round(session.minutes(clock.now()))
            title = task.title if task is not None else f"task {session.task_id}"
            self.push_screen(StopFocusScreen(title, minutes), self._stop_answered)
            return
        task_id = self._selected_or_warn("focus on")
        if task_id is None:
            return
        source, at = self.source, clock.now()
        self.run_change(lambda: actions.start_focus(source, task_id, at))

    def _stop_answered(self, answer: StopAnswer | None) -> None:
        if answer is None:
            return
        board = self.board
        session = board.session if board is not None else None
        at = clock.now()
        focus = self.settings.focus_minutes
        # Stopping before the block's length without finishing is an interruption.
        early = session is not None and session.minutes(at) < focus
        done = answer == "done"
        source = self.source
        self.run_change(
            lambda: actions.stop_focus(source, at, done=done, interrupted=early and not done)
        )

    def _tick(self) -> None:
        if self._clock is None:
            return
        board = self.board
        state, alert = self._clock.tick(clock.now(), board.session if board is not None else None)
        if state != self.focus_state:
            self.focus_state = state
        if alert == "take_break":
            self.bell()
            text = (
                f"{self.settings.focus_minutes} minutes of focus — time for a "
                f"{self.settings.break_minutes}-minute break. Press f to stop."
            )
            self.notify(text, title="Break", timeout=15)
            session = board.session if board is not None else None
            if session is not None:
                self._announce_on_desktop("focus_end", session.id, "Break", text)
        elif alert == "break_over":
            self.bell()
            best = board.ranking.items[0] if board is not None and board.ranking.items else None
            text = f"Next best: #{best.id} {best.title}" if best else "Nothing eligible right now."
            self.notify(text, title="Break's over", timeout=15)
            if self._clock.break_session_id is not None:
                self._announce_on_desktop(
                    "break_end", self._clock.break_session_id, "Break's over", text
                )

    def _announce_on_desktop(
        self, kind: ReminderKind, session_id: int, title: str, body: str
    ) -> None:
        """The same moment as `focusplan remind` (same key), so a timer running beside the
        app does not announce it a second time; sent from a thread (D-Bus may be slow)."""
        from focusplan.services.remind import announce_on_desktop

        source, at = self.source, clock.now()
        self.run_worker(
            lambda: announce_on_desktop(source, kind, session_id, title, body, at),
            thread=True,
            group="desktop-notifications",
        )

    # --- command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The app's keys and those of the screen the palette was opened on, by name."""
        keys = [key for key in self.app_keys() if key.action != "command_palette"]
        if not isinstance(screen, ModalScreen):
            keys += keys_of(type(screen))
        for key in keys:
            target: DOMNode = self if key.source is type(self) else screen
            yield SystemCommand(
                key.title,
                f"{key.text} ({key.label})",
                partial(self._run_command, key.action, target),
            )
        # Every other screen's own keys too, by that screen's name ("Plan: Export the
        # day's plan"): picking one goes there and does it.
        if not isinstance(screen, ModalScreen):
            for entry in SCREENS:
                other = entry.load()
                if isinstance(screen, other):
                    continue
                for key in keys_of(other):
                    yield SystemCommand(
                        f"{entry.title}: {key.title}",
                        f"{key.text} ({entry.key} then {key.label})",
                        partial(self._run_elsewhere, entry.mode, key.action),
                    )
        yield SystemCommand(
            "Screenshot",
            f"save an SVG picture of the screen in {screenshot_folder()}",
            self.save_screenshot_to_folder,
        )
        # Textual's own (theme …), unless one of ours has the name (Quit, Screenshot).
        taken = {key.title for key in keys} | {"Screenshot"}
        for command in super().get_system_commands(screen):
            if command.title not in taken:
                yield command

    async def _run_elsewhere(self, mode: str, action: str) -> None:
        await self.switch_mode(mode)
        await self._run_command(action, self.screen)

    def save_screenshot_to_folder(self) -> None:
        """Save an SVG of the screen in a folder that exists, and say where."""
        folder = screenshot_folder()
        try:
            path = self.save_screenshot(path=str(folder))
        except OSError as exc:
            self.notify(f"Could not save it in {folder}: {exc.strerror}", severity="error")
            return
        self.notify(f"Saved in {path}", title="Screenshot", timeout=8)

    async def _run_command(self, action: str, target: DOMNode) -> None:
        # Not `run_action`: its `check_action` sets the app's keys aside while a filter has
        # focus, so that letters are text; a command picked from the palette was not typed.
        namespace, name, parameters = parse_action(action)
        if namespace:
            target = self if namespace == "app" else self.screen
        result = getattr(target, f"action_{name}")(*parameters)
        if inspect.isawaitable(result):
            await result


def screenshot_folder() -> Path:
    """Downloads when the person has that folder, else the home folder (never a missing one)."""
    from platformdirs import user_downloads_path

    for folder in (user_downloads_path(), Path.home()):
        if folder.is_dir():
            return folder
    return Path.cwd()


def _binding_sources(screen_class: type[Screen[Any]]) -> tuple[type[DOMNode], ...]:
    sources = getattr(screen_class, "binding_sources", None)
    return sources() if callable(sources) else (screen_class,)


def _minute(board: Board) -> tuple[int, int, int, int, int]:
    at = board.at
    return (at.year, at.month, at.day, at.hour, at.minute)
