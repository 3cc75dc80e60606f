"""click parameter types for the contract's WHEN, DUR and energy LEVEL forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from focusplan.option_values import CLEAR_WORDS, CLEARED, duration_value, when_value
from focusplan.timeparse import TimeParseError, parse_when


class WhenType(click.ParamType):
    name = "WHEN"

    def __init__(self, clearable: bool = False, *, deadline: bool = False) -> None:
        self.clearable = clearable
        # A deadline given as a day alone means the end of that day ("due fri").
        self.deadline = deadline

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.datetime):
            return value
        try:
            return when_value(str(value), clearable=self.clearable, deadline=self.deadline)
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


class DurationType(click.ParamType):
    name = "DUR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) or value is CLEARED:
            return value
        try:
            return duration_value(str(value))
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
