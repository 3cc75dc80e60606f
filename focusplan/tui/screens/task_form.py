"""Add or edit a task in a modal form, with the model's own validation shown inline.

The title has focus and Enter saves from any field, so `a`, a title, Enter is
the quickest capture; every other field has the CLI's defaults. Errors come
from the same pydantic models and time parsers the CLI uses, and appear under
the field they concern; nothing is saved until the form is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from focusplan.dependency_graph import waits_for
from focusplan.domain import NewTask, Task, TaskPatch
from focusplan.messages import error_phrase
from focusplan.timeparse import (
    TimeParseError,
    format_duration,
    needs_work_week,
    parse_due,
    parse_duration,
    parse_when,
)

# Form field -> model field, for the fields whose names differ.
MODEL_FIELD = {"estimate": "estimate_minutes"}
FORM_FIELD = {model: form for form, model in MODEL_FIELD.items()}
CLEAR_WORDS = frozenset({"", "none", "never", "clear", "-"})

INPUT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", "Title", "what needs doing (Enter saves with defaults)"),
    ("importance", "Importance", "1 trivial … 5 vital"),
    ("estimate", "Estimate", "90, 45m, 1h30m"),
    ("due", "Due", "fri 17:00, +3d — blank for none"),
    ("not_before", "Not before", "when it becomes possible — blank for now"),
    ("project", "Project", ""),
    ("tags", "Tags", "space or comma separated"),
    ("depends_on", "After tasks", "ids it waits for, e.g. 12 15"),
    ("notes", "Notes", ""),
)
# Repeat shares the Due row: a rule goes with a date, and the form must fit 24 rows' worth.
RECUR_FIELD = ("recur", "Repeat", "weekly, 2w…")
RECUR_WIDTH = 18
DEMAND_OPTIONS = [("low", "low"), ("medium", "medium"), ("high", "high")]
WINDOW_OPTIONS = [("morning", "morning"), ("afternoon", "afternoon"), ("evening", "evening")]


class FormInput(Input):
    """An Input that marks the keys it handled, so the form can tell typed-ahead keys
    (sent before any field had focus) from keys bubbling up from a field."""

    async def _on_key(self, event: events.Key) -> None:
        event._focusplan_seen = True  # type: ignore[attr-defined]
        await super()._on_key(event)


@dataclass(frozen=True)
class TaskFormResult:
    """A valid new task, or a valid patch of task `task_id`."""

    task_id: int | None = None
    new_task: NewTask | None = None
    patch: TaskPatch | None = None


def _local_text(moment: dt.datetime | None, zone: dt.tzinfo | None) -> str:
    return "" if moment is None else f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


class TaskFormScreen(ModalScreen[TaskFormResult | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            tooltip="save (Enter in any field too; only the title is needed)",
        ),
        # Priority, so the next field has focus before the keys typed after Tab are routed.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    AUTO_FOCUS = "#title"

    def __init__(
        self,
        task: Task | None,
        dependencies: Mapping[int, tuple[int, ...]],
        now: dt.datetime,
    ) -> None:
        super().__init__()
        self.editing = task
        self.dependencies = dependencies
        self.now = now

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        task = self.editing
        heading = f"Edit #{task.id}" if task else "New task"
        yield Footer(show_command_palette=False)  # the dialog's own keys
        with Vertical(id="task-dialog", classes="dialog"):
            yield Static(Text(heading, style="bold"), classes="dialog-title")
            for field, label, hint in INPUT_FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    yield FormInput(self._initial(field), placeholder=hint, id=field, compact=True)
                    if field == "due":
                        yield from self._recur_inputs()
                yield Static("", id=f"{field}-error", classes="field-error")
                if field == "due":
                    yield Static("", id="recur-error", classes="field-error")
                if field == "importance":
                    yield from self._select_row(
                        "demand", "Demand", DEMAND_OPTIONS, task.demand if task else "medium", False
                    )
                if field == "estimate":
                    yield from self._select_row(
                        "window", "Best time", WINDOW_OPTIONS, task.window if task else None, True
                    )
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ⏎", id="save", variant="primary", compact=True)
                yield Button("Cancel  Esc", id="cancel", compact=True)

    def _recur_inputs(self) -> ComposeResult:
        field, label, hint = RECUR_FIELD
        caption = Label(f" {label} ")
        caption.styles.width = len(label) + 2
        rule = FormInput(self._initial(field), placeholder=hint, id=field, compact=True)
        rule.styles.width = RECUR_WIDTH
        yield caption
        yield rule

    def _select_row(
        self, field: str, label: str, options: list[tuple[str, str]], value: str | None, blank: bool
    ) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label")
            yield Select(
                options,
                value=value if value is not None else Select.NULL,
                allow_blank=blank,
                prompt="any time",
                id=field,
                compact=True,
            )
        yield Static("", id=f"{field}-error", classes="field-error")

    def _initial(self, field: str) -> str:
        task = self.editing
        if task is None:
            return {"importance": "3", "estimate": "30m"}.get(field, "")
        zone = self.now.tzinfo
        values = {
            "title": task.title,
            "importance": str(task.importance),
            "estimate": format_duration(task.estimate_minutes),
            "due": _local_text(task.due, zone),
            "not_before": _local_text(task.not_before, zone),
            "recur": task.recur or "",
            "project": task.project or "",
            "tags": " ".join(task.tags),
            "depends_on": " ".join(str(d) for d in task.depends_on),
            "notes": task.notes,
        }
        return values.get(field, "")

    # --- reading and validating ---------------------------------------------------------

    def _text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _read(self, errors: dict[str, str]) -> dict[str, Any]:
        """The form as model values; text that cannot even be parsed goes to `errors`."""
        values: dict[str, Any] = {
            "title": self._text("title"),
            "importance": self._text("importance").strip() or "3",
            "project": self._text("project"),
            "tags": self._text("tags"),
            "notes": self._text("notes"),
            # The model reads the rule ("2w" is "every 2 weeks"); blank is a one-off task.
            "recur": self._text("recur").strip() or None,
        }
        demand = self.query_one("#demand", Select).value
        values["demand"] = demand if isinstance(demand, str) else "medium"
        window = self.query_one("#window", Select).value
        values["window"] = window if isinstance(window, str) else None
        estimate = self._text("estimate").strip()
        try:
            values["estimate_minutes"] = parse_duration(estimate) if estimate else 30
        except TimeParseError as exc:
            errors["estimate"] = str(exc)
        for field in ("due", "not_before"):
            text = self._text(field).strip()
            if text.lower() in CLEAR_WORDS:
                values[field] = None
                continue
            try:
                parse = parse_due if field == "due" else parse_when
                work = None
                if needs_work_week(text):
                    # Only eod/eow need the working week; settings stay off the start-up path.
                    from focusplan.settings import load_settings

                    work = load_settings().work_week()
                values[field] = parse(text, now=self.now, work=work)
            except TimeParseError as exc:
                errors[field] = str(exc)
        values["depends_on"] = self._read_dependencies(errors)
        return values

    def _read_dependencies(self, errors: dict[str, str]) -> tuple[int, ...]:
        ids: list[int] = []
        for part in self._text("depends_on").replace(",", " ").split():
            token = part.lstrip("#")
            if not token.isdigit():
                errors["depends_on"] = f"not a task id: {part!r}"
                return ()
            ids.append(int(token))
        own = self.editing.id if self.editing else None
        for dep in ids:
            if dep == own:
                errors["depends_on"] = "a task cannot wait for itself"
            elif dep not in self.dependencies:
                errors["depends_on"] = f"no task {dep}"
            elif own is not None and waits_for(self.dependencies, dep, own):
                errors["depends_on"] = f"#{dep} already waits for #{own}: that would be a cycle"
        return tuple(dict.fromkeys(ids))

    def _validate(self) -> tuple[TaskFormResult | None, dict[str, str]]:
        errors: dict[str, str] = {}
        values = self._read(errors)
        try:
            if self.editing is None:
                new = NewTask(created_at=self.now, **values)
                return (TaskFormResult(new_task=new) if not errors else None), errors
            task = self.editing
            current = task.model_dump()
            changed = {k: v for k, v in values.items() if k not in errors and current.get(k) != v}
            # Tags and blank project are normalised by the model; compare after parsing.
            patch = TaskPatch(**changed)
            patch.apply_to(task)
            changed_fields = {
                k for k in patch.model_fields_set if getattr(patch, k) != current.get(k)
            }
            patch = TaskPatch(**{k: getattr(patch, k) for k in changed_fields})
            return (TaskFormResult(task_id=task.id, patch=patch) if not errors else None), errors
        except ValidationError as exc:
            for error in exc.errors():
                location = error.get("loc", ())
                field = str(location[0]) if location else ""
                field = FORM_FIELD.get(field, field)
                errors.setdefault(field if field else "form", error_phrase(error))
            return None, errors

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        for widget in self.query(".field-error"):
            field = (widget.id or "").removesuffix("-error")
            message = errors.get(field) or (errors.get("form") if field == "form" else None)
            if field == "form" and not message:
                unknown = [f"{k}: {v}" for k, v in errors.items() if not self.query(f"#{k}-error")]
                message = "; ".join(unknown) if unknown else None
            assert isinstance(widget, Static)
            widget.update(f"↳ {message}" if message else "")
            widget.set_class(bool(message), "-shown")
        for field in errors:
            if self.query(f"#{field}"):
                self.query_one(f"#{field}").add_class("-invalid")

    # --- actions ------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Keys typed before the title had focus (`a` and a title, typed fast) still count.

        They reach the screen itself rather than a field; put them where the person
        was typing: printable text into the field (the title at first), Enter saves.
        """
        if getattr(event, "_focusplan_seen", False):
            return  # a field already handled it; this is it bubbling up
        focused = self.focused
        if focused is not None and not isinstance(focused, Input):
            return
        field = focused if isinstance(focused, Input) else self.query_one("#title", Input)
        if event.key == "enter":
            event.stop()
            self.action_save()
        elif event.key == "backspace":
            event.stop()
            field.action_delete_left()
        elif event.is_printable and event.character:
            event.stop()
            field.insert_text_at_cursor(event.character)
            if focused is None:
                self.set_focus(field)  # now, so the keys after this one go straight to it

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        # Clear a field's message as soon as the person starts fixing it.
        if event.input.id:
            event.input.remove_class("-invalid")
            error = self.query(f"#{event.input.id}-error")
            if error:
                widget = error.first()
                assert isinstance(widget, Static)
                widget.update("")
                widget.remove_class("-shown")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        result, errors = self._validate()
        self._show_errors(errors)
        if result is not None:
            self.dismiss(result)
        else:
            first = next(iter(errors), "")
            if first and self.query(f"#{first}"):
                self.query_one(f"#{first}").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
