"""Invalid input in a person's words: one line for a pydantic ValidationError.

Every face and the importers speak through `validation_message`, so the same
mistake reads the same wherever it is made. Standard library only: it reads
the error through its `errors()` method rather than importing pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The words a person knows a field by (the model's names are for code).
FIELD_WORDS = {
    "title": "the title",
    "notes": "the notes",
    "importance": "the importance",
    "demand": "the demand",
    "estimate_minutes": "the estimate",
    "actual_minutes": "the minutes it took",
    "due": "the due time",
    "not_before": "the not-before time",
    "project": "the project",
    "tags": "a tag",
    "window": "the time window",
    "depends_on": "a dependency",
    "level": "the energy level",
    "at": "the time",
    "note": "the note",
}
_MINUTE_FIELDS = frozenset({"estimate_minutes", "actual_minutes"})


def validation_message(exc: Exception, *, keys: bool = False) -> str:
    """A pydantic ValidationError as one line a person can read: "the title is empty".

    The CLI and the app both show invalid input this way, so a person reads the
    same words in either face. With `keys`, fields are named as typed in a
    config file (`focus_minutes`), since that is where the person will look.
    It reads the error through its `errors()` method rather than importing
    pydantic, so naming it costs the CLI nothing.
    """
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = [error_phrase(error, keys) for error in errors()]
    return "; ".join(dict.fromkeys(parts)) or str(exc)


def error_phrase(error: Mapping[str, Any], keys: bool = False) -> str:
    """One entry of `ValidationError.errors()` as a phrase: "the estimate is at most 24 hours"."""
    location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
    field = next((part for part in reversed(location) if not part.isdigit()), "")
    subject = field if keys else FIELD_WORDS.get(field, field.replace("_", " "))
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    limit = context.get("le", context.get("lt", context.get("max_length")))
    floor = context.get("ge", context.get("gt", context.get("min_length")))
    if kind in ("string_too_short", "too_short") and floor == 1:
        phrase = "is empty"
    elif kind in ("string_too_long", "too_long"):
        phrase = f"is longer than {limit} characters"
    elif kind in ("less_than_equal", "less_than") and field in _MINUTE_FIELDS:
        phrase = f"is at most {_hours(limit)}"
    elif kind in ("less_than_equal", "less_than"):
        phrase = f"is at most {limit}"
    elif kind in ("greater_than_equal", "greater_than"):
        phrase = f"is at least {floor}"
    elif kind == "missing":
        phrase = "is missing"
    elif kind == "literal_error":
        phrase = f"is one of {context.get('expected', '')}"
    else:
        phrase = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        return f"{subject}: {phrase}" if subject else phrase
    return f"{subject} {phrase}" if subject else phrase.removeprefix("is ")


def _hours(minutes: object) -> str:
    if isinstance(minutes, int) and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
