"""The Plan screen's two questions: which day to show (`g`), where to export (`s`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from focusplan.timeparse import TimeParseError, parse_date

EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("ics", "ics — calendar (import into any calendar app)"),
    ("csv", "csv — spreadsheet"),
    ("md", "md — Markdown checklist"),
    ("json", "json — the plan as data"),
)
FORMAT_NAMES = frozenset(name for name, _ in EXPORT_FORMATS)


def default_export_path(day: dt.date, fmt: str, *, week: bool = False) -> str:
    """Where an export goes unless the person says otherwise (shown with `~`)."""
    return f"~/focusplan-{'week-' if week else ''}{day:%Y-%m-%d}.{fmt}"


def export_target(text: str, fmt: str) -> Path:
    """The file a typed path names; ValueError with a readable reason when it cannot be.

    A name without an extension is refused rather than completed: it is more often
    stray keys in the field than a file someone wants (and it would open in nothing).
    """
    raw = text.strip()
    if not raw:
        raise ValueError(f"give a file to write, e.g. ~/plan.{fmt}")
    path = Path(raw).expanduser()
    if path.is_dir():
        raise ValueError(f"{path} is a folder; add a file name")
    if not path.suffix:
        raise ValueError(f"give the file an extension, e.g. {raw}.{fmt}")
    if not path.parent.is_dir():
        raise ValueError(f"folder does not exist: {path.parent}")
    return path


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    path: Path


class ExportPlanScreen(ModalScreen[ExportRequest | None]):
    """Asks a format and a file; dismisses with an `ExportRequest`, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#export-path"

    def __init__(self, day: dt.date, *, week: bool = False) -> None:
        super().__init__()
        self.day = day  # with `week`, the Monday of the week
        self.week = week
        self._fmt = "ics"

    def _default(self, fmt: str) -> str:
        return default_export_path(self.day, fmt, week=self.week)

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)  # the dialog's own keys
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(
                Text(
                    f"Export the week of {self.day:%A %d %B %Y}"
                    if self.week
                    else f"Export the plan for {self.day:%A %d %B %Y}",
                    style="bold",
                ),
                classes="dialog-title",
            )
            with Horizontal(classes="form-row"):
                yield Label("Format", classes="form-label")
                yield Select(
                    [(label, name) for name, label in EXPORT_FORMATS],
                    value=self._fmt,
                    allow_blank=False,
                    id="export-format",
                    compact=True,
                )
            with Horizontal(classes="form-row"):
                yield Label("File", classes="form-label")
                yield Input(self._default(self._fmt), id="export-path", compact=True)
            yield Static("", id="export-error", classes="field-error")
            yield Static(
                Text("Enter saves · Tab moves to the format · Esc cancels", style="dim"),
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export  ⏎", id="export", variant="primary", compact=True)
                yield Button("Cancel  Esc", id="cancel", compact=True)

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        new = event.value
        if not isinstance(new, str) or new == self._fmt:
            return
        path = self.query_one("#export-path", Input)
        old = self._fmt
        self._fmt = new
        # Follow the format while the file name is still the suggested one (or ends in it).
        if path.value == self._default(old):
            path.value = self._default(new)
        elif path.value.endswith(f".{old}"):
            path.value = path.value[: -len(old)] + new

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self.query_one("#export-error", Static).remove_class("-shown")

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self._export()

    @on(Button.Pressed, "#export")
    def _pressed_export(self) -> None:
        self._export()

    @on(Button.Pressed, "#cancel")
    def _pressed_cancel(self) -> None:
        self.dismiss(None)

    def _export(self) -> None:
        error = self.query_one("#export-error", Static)
        try:
            path = export_target(self.query_one("#export-path", Input).value, self._fmt)
        except ValueError as exc:
            error.update(str(exc))
            error.add_class("-shown")
            return
        self.dismiss(ExportRequest(self._fmt, path))

    def action_cancel(self) -> None:
        self.dismiss(None)


class GoToDateScreen(ModalScreen[dt.date | None]):
    """A small input for a day, read like the CLI's `--date` (2026-12-01, fri, +3d …)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#goto-date"

    def __init__(self, now: dt.datetime) -> None:
        super().__init__()
        self.now = now

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)
        with Vertical(id="goto-dialog", classes="dialog"):
            yield Static(Text("Go to a day", style="bold"), classes="dialog-title")
            yield Input(
                placeholder="2026-12-01, tomorrow, fri, +3d, -1w",
                id="goto-date",
                compact=True,
            )
            yield Static("", id="goto-error", classes="field-error")
            yield Static(Text("Enter goes there · Esc cancels", style="dim"), classes="dialog-hint")

    @on(Input.Changed, "#goto-date")
    def _date_changed(self) -> None:
        self.query_one("#goto-error", Static).remove_class("-shown")

    @on(Input.Submitted, "#goto-date")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            day = parse_date(event.value, now=self.now)
        except TimeParseError as exc:
            error = self.query_one("#goto-error", Static)
            error.update(str(exc))
            error.add_class("-shown")
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
