"""Invalid input reads the same in both faces: one line naming each field at fault."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from focusplan.cli.errors import EXIT_INVALID, classify
from focusplan.domain import ContextEventDraft, NewTask
from focusplan.services.errors import validation_message
from focusplan.tui.actions import describe_error


def invalid_task() -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        NewTask(title="x", importance=9, estimate_minutes=0)
    return caught.value


def test_a_validation_error_names_each_field_in_one_line() -> None:
    message = validation_message(invalid_task())
    assert "\n" not in message
    assert message.startswith("importance: ")
    assert "; estimate_minutes: " in message


def test_the_cli_and_the_app_say_the_same_thing() -> None:
    error = invalid_task()
    assert classify(error) == (EXIT_INVALID, validation_message(error))
    assert describe_error(error) == validation_message(error)


def test_a_rule_of_the_whole_model_is_its_sentence_alone() -> None:
    start = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as caught:
        ContextEventDraft(start=start, end=start - dt.timedelta(hours=1))
    # No field to name, and none of pydantic's "Value error, " prefix.
    assert validation_message(caught.value) == "an event cannot end before it starts"


def test_anything_else_is_its_own_message() -> None:
    assert validation_message(ValueError("plain words")) == "plain words"
