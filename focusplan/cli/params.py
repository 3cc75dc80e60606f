"""click parameter types for the contract's WHEN, DUR and energy LEVEL forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from focusplan.timeparse import (
    TimeParseError,
    needs_work_week,
    parse_due,
    parse_duration,
    parse_when,
)

# Clear an optional date (CLI.md: an empty value clears; the words came first and stay).
CLEAR_WORDS = frozenset({"", "none", "never", "clear", "-"})


class WhenType(click.ParamType):
    name = "WHEN"

    def __init__(self, clearable: bool = False, *, deadline: bool = False) -> None:
        self.clearable = clearable
        # A deadline given as a day alone means the end of that day ("due fri").
        self.deadline = deadline

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.datetime):
            return value
        if self.clearable and str(value).strip().lower() in CLEAR_WORDS:
            return None
        text = str(value)
        work = None
        if needs_work_week(text):
            from focusplan.settings import load_settings

            work = load_settings().work_week()
        try:
            parse = parse_due if self.deadline else parse_when
            return parse(text, work=work)
        except TimeParseError as exc:
            self.fail(str(exc), param, ctx)


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_when(str(value)).date()
        except TimeParseError as exc:
            self.fail(str(exc), param, ctx)


# What an empty DUR gives: "back to the default" (CLI.md: an empty value clears).
CLEARED = object()


class DurationType(click.ParamType):
    name = "DUR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) or value is CLEARED:
            return value
        if not str(value).strip():
            return CLEARED
        try:
            return parse_duration(str(value))
        except TimeParseError as exc:
            self.fail(str(exc), param, ctx)


WHEN = WhenType()
CLEARABLE_WHEN = WhenType(clearable=True)
DUE = WhenType(clearable=True, deadline=True)
DATE = DateType()
DURATION = DurationType()
LEVEL = click.IntRange(1, 5)
IMPORTANCE = click.IntRange(1, 5)
DEMAND = click.Choice(["low", "medium", "high"], case_sensitive=False)
WINDOW = click.Choice(["morning", "afternoon", "evening", "none"], case_sensitive=False)


class IdType(click.ParamType):
    """A task or version number; IntRange would print its 64-bit bound in every --help."""

    name = "ID"
    # SQLite integers are signed 64-bit; a larger id cannot name anything.
    LARGEST = 2**63 - 1

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().lstrip("#")
            if not text.isdigit():
                self.fail(f"{value!r} is not an id (a whole number like 12)", param, ctx)
            number = int(text)
        if not 1 <= number <= self.LARGEST:
            self.fail(f"no such id: {value}", param, ctx)
        return number


ID = IdType()


class RecurType(click.ParamType):
    """A repeat rule, read and shown in its canonical form; an empty value stops a series."""

    name = "RULE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is CLEARED:
            return value
        text = str(value).strip()
        if text.lower() in CLEAR_WORDS:
            return CLEARED
        from focusplan.recurrence import RecurrenceError, canonical

        try:
            return canonical(text)
        except RecurrenceError as exc:
            self.fail(str(exc), param, ctx)


RECUR = RecurType()
RECUR_FROM = click.Choice(["due", "done"], case_sensitive=False)
