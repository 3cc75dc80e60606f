"""The review's task notes are built without validation: they must be the validated model."""

from __future__ import annotations

import datetime as dt

from focusplan.review.figures import _note
from focusplan.review.models import TaskNote

ZONE = dt.timezone(dt.timedelta(hours=1))


def test_a_built_note_is_the_validated_note() -> None:
    values = {
        "id": 7,
        "title": "file taxes",
        "importance": 2,
        "project": None,
        "due": dt.datetime(2026, 11, 1, 9, 0, tzinfo=ZONE),
        "last_touched": dt.datetime(2026, 10, 1, 8, 30, tzinfo=ZONE),
        "days": 7.5,
    }
    built = _note(**values)
    validated = TaskNote(**values)
    assert built == validated
    assert built.model_dump() == validated.model_dump()
    assert list(built.__dict__) == list(validated.__dict__)
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_copy(update={"days": 1.0}).days == 1.0
    assert hash(built) == hash(validated)
