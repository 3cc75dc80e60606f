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
    assert message.startswith("the importance is at most 5; ")
    assert "; the estimate is at least 1" in message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "the title is empty"),
        ({"title": "x", "estimate_minutes": 2000}, "the estimate is at most 24 hours"),
        ({"title": "x" * 300}, "the title is longer than 200 characters"),
        ({"title": "x", "demand": "huge"}, "the demand is one of 'low', 'medium' or 'high'"),
    ],
)
def test_messages_use_a_persons_words_not_the_models(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        NewTask(created_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC), **fields)  # type: ignore[arg-type]
    text = validation_message(caught.value)
    assert text == message
    for jargon in ("String should", "Input should", "estimate_minutes"):
        assert jargon not in text


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
